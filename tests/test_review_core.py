"""The daily review in the core: the queue, marks, resuming, undo, the summary and the log."""

import pytest

from superviser import journal, review, store
from superviser.errors import Forbidden, Refused
from superviser.services import review as review_service
from superviser.services import steps


@pytest.fixture
def queue_office(office):
    """One objective per review category (and one that needs nothing)."""
    refs = {
        "overdue": office.objective(title="late", deadline="2026-11-15", status="in_progress"),
        "due_soon": office.objective(title="soon", deadline="2026-11-22", status="in_progress"),
        "not_accepted": office.objective(title="new", deadline="2026-12-20", status="assigned"),
        "returned": office.objective(title="bounced", deadline="2026-12-20", status="returned"),
        "verify": office.objective(title="finished", deadline="2026-12-20", status="submitted"),
        "fine": office.objective(title="fine", deadline="2026-12-30", status="in_progress"),
    }
    refs["extension"] = office.objective(title="more time", deadline="2026-12-20", status="in_progress")
    steps.extend_request(office.session("li"), refs["extension"], to="2027-01-20", reason="rain")
    refs["silent"] = office.objective(title="quiet", deadline="2027-01-30", status="accepted")
    db = store.connect(office.path)
    db.conn.execute("UPDATE objectives SET active_since = '2026-10-01' WHERE ref = ?", (refs["silent"],))
    return refs


def test_queue_is_worst_first_one_entry_each(office, queue_office):
    items = review.queue(store.connect(office.path), "boss")
    assert [i["category"] for i in items] == [
        "overdue", "due_soon", "silent", "not_accepted", "returned", "extension", "verify"]
    assert queue_office["fine"] not in [i["ref"] for i in items]


def test_verified_items_wait_for_the_director_only(office):
    ref = office.objective(status="verified")
    db = store.connect(office.path)
    assert [i["ref"] for i in review.queue(db, "boss")] == [ref]
    assert review.queue(db, "sup") == []


def test_marked_items_leave_until_something_changes(office, queue_office):
    boss = office.director
    started = review_service.start(boss)
    overdue = store.connect(office.path).conn.execute(
        "SELECT id FROM objectives WHERE ref = ?", (queue_office["overdue"],)).fetchone()[0]
    review_service.mark(boss, started["id"], overdue, "overdue")
    db = store.connect(office.path)
    assert queue_office["overdue"] not in [i["ref"] for i in review.queue(db, "boss")]
    assert queue_office["overdue"] in [i["ref"] for i in review.queue(db, "sup")]  # marks are personal
    steps.note(office.session("li"), queue_office["overdue"], text_="we are late, sorry")
    assert queue_office["overdue"] in [i["ref"] for i in review.queue(db, "boss")]


def test_marks_expire_the_next_day(office, queue_office, set_now):
    boss = office.director
    started = review_service.start(boss)
    db = store.connect(office.path)
    item = review.queue(db, "boss")[0]
    review_service.mark(boss, started["id"], item["id"], item["category"])
    set_now("2026-11-21T09:00:00Z")
    assert item["ref"] in [i["ref"] for i in review.queue(db, "boss")]


def test_resume_where_it_stopped(office, queue_office):
    boss = office.director
    first = review_service.start(boss)
    item = review.queue(store.connect(office.path), "boss")[2]
    review_service.set_position(boss, first["id"], item["id"])
    again = review_service.start(boss)
    assert again["id"] == first["id"] and again["position"] == item["id"]


def test_an_unfinished_review_of_yesterday_is_closed_and_logged(office, queue_office, set_now):
    review_service.start(office.director)
    set_now("2026-11-21T09:00:00Z")
    today = review_service.start(office.director)
    db = store.connect(office.path)
    entry = db.conn.execute("SELECT action, detail FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry[0] == "review" and "not finished" in entry[1]
    assert today["day"] == "2026-11-21"


def test_steps_undo_and_summary(office, queue_office):
    boss = office.director
    started = review_service.start(boss)
    db = store.connect(office.path)
    items = {i["category"]: i for i in review.queue(db, "boss")}
    urged = steps.urge(boss, queue_office["overdue"], text_="now")
    review_service.record_step(boss, started["id"], urged.seq, items["overdue"]["id"], "overdue")
    verified = steps.verify(boss, queue_office["verify"])
    review_service.record_step(boss, started["id"], verified.seq, items["verify"]["id"], "verify")
    review_service.mark(boss, started["id"], items["due_soon"]["id"], "due_soon")

    undone = review_service.undo_last(boss, started["id"])  # the mark
    assert "back in the queue" in undone.message
    undone = review_service.undo_last(boss, started["id"])  # the verification
    assert store.connect(office.path).conn.execute(
        "SELECT status FROM objectives WHERE ref = ?", (queue_office["verify"],)).fetchone()[0] == "submitted"
    assert undone.seq

    result = review_service.finish(boss, started["id"])
    assert result["done"] == {"urge": 1} and result["steps"] == 1 and result["marked"] == 0
    chase = result["chase"]
    assert set(chase) == {"Finance"}
    assert {i["category"] for i in chase["Finance"]} >= {"overdue", "due_soon", "not_accepted"}
    entry = db.conn.execute("SELECT action, detail FROM log ORDER BY seq DESC LIMIT 1").fetchone()
    assert entry[0] == "review" and "1 steps" in entry[1]
    text = review.summary_text(result)
    assert "Units to chase" in text and "### Finance" in text and queue_office["overdue"] in text
    assert journal.audit(db).ok
    with pytest.raises(Refused, match="finished"):
        review_service.mark(boss, started["id"], items["due_soon"]["id"])


@pytest.mark.parametrize("who", ["li", "view", "stranger"])
def test_only_the_office_reviews(office, who):
    with pytest.raises(Forbidden):
        review_service.start(office.session(who))


def test_review_list_cli(office, queue_office, cli):
    import json

    items = json.loads(cli("--db", office.path, "review", "--list", "--json").out)
    assert [i["category"] for i in items][:2] == ["overdue", "due_soon"]
    assert "overdue" in cli("--db", office.path, "review", "--list").out

