"""One writer process for the concurrency tests: N steps on shared objectives, each
based on the version it read a moment earlier, as a person in the app would."""

import json
import random
import sys
import time

from superviser import i18n, store
from superviser.errors import Conflict, Refused, SuperviserError
from superviser.read import objectives
from superviser.services import Session, steps


def main(path: str, login: str, count: int, seed: int, out: str) -> None:
    i18n.setup("en")
    rng = random.Random(seed)
    session = Session(store.connect(path), login)
    refs = [r[0] for r in session.db.conn.execute("SELECT ref FROM objectives")]
    results = []
    for i in range(count):
        ref = rng.choice(refs)
        version = objectives.get(session.db, ref)["version"]
        time.sleep(rng.random() / 200)
        action = rng.choice(["urge", "note", "progress", "inspect"] if login == "boss" else ["note", "progress"])
        try:
            if action == "urge":
                result = steps.urge(session, ref, text=f"{login} {i}", expected_version=version)
            elif action == "note":
                result = steps.note(session, ref, text=f"{login} {i}", expected_version=version)
            elif action == "progress":
                result = steps.progress(session, ref, percent=rng.randint(1, 99), text=f"{login} {i}", expected_version=version)
            else:
                result = steps.inspect(session, ref, finding=f"{login} {i}", verdict="on-track", expected_version=version)
            results.append({"outcome": "logged", "seq": result.seq, "action": action, "ref": ref})
        except Conflict as error:
            results.append({"outcome": "conflict", "message": str(error)})
        except Refused as error:
            results.append({"outcome": "refused", "message": str(error)})
        except SuperviserError as error:
            results.append({"outcome": "error", "message": str(error)})
        except Exception as error:  # noqa: BLE001 - anything else is a failure the test must see
            results.append({"outcome": "crash", "message": f"{type(error).__name__}: {error}"})
    with open(out, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
