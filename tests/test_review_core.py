"""The daily review in the core: the queue, marks, resuming, undo, the summary and the log."""

import pytest

from superviser import audit, clock, journal, review, store
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
    with clock.frozen(clock.parse_stamp("2026-10-01T09:00:00Z")):  # accepted long ago, silent since
        refs["silent"] = office.objective(title="quiet", deadline="2027-01-30", status="accepted")
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
    steps.note(office.session("li"), queue_office["overdue"], text="we are late, sorry")
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
    review_service.skip(boss, first["id"], item["id"])
    again = review_service.start(boss)
    assert again["id"] == first["id"] and again["position"] == item["id"]


def test_an_unfinished_review_of_yesterday_is_closed_and_logged(office, queue_office, set_now):
    review_service.start(office.director)
    set_now("2026-11-21T09:00:00Z")
    today = review_service.start(office.director)
    db = store.connect(office.path)
    entry = db.conn.execute("SELECT action, detail FROM log WHERE action = 'review' ORDER BY seq DESC LIMIT 1").fetchone()
    assert "not finished" in entry[1]
    assert today["day"] == "2026-11-21"


def test_steps_undo_and_summary(office, queue_office):
    boss = office.director
    started = review_service.start(boss)
    db = store.connect(office.path)
    items = {i["category"]: i for i in review.queue(db, "boss")}
    review_service.act(boss, started["id"], "urge", [items["overdue"]], {"text": "now"})
    review_service.act(boss, started["id"], "verify", [items["verify"]], {})
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
    assert audit.run(db).ok, audit.run(db).problems
    with pytest.raises(Refused, match="finished"):
        review_service.mark(boss, started["id"], items["due_soon"]["id"])


def test_a_bulk_step_is_all_or_nothing_and_undone_whole(office, queue_office):
    boss = office.director
    started = review_service.start(boss)
    db = store.connect(office.path)
    items = {i["category"]: i for i in review.queue(db, "boss")}
    head = journal.head(db)[0]
    with pytest.raises(Refused):  # the completion waiting for verification cannot be urged
        review_service.act(boss, started["id"], "urge", [items["overdue"], items["verify"]], {"text": "now"})
    assert journal.head(db)[0] == head
    urged = [items["overdue"], items["due_soon"], items["silent"]]
    review_service.act(boss, started["id"], "urge", urged, {"text": "now"})
    counts = {ref: db.conn.execute("SELECT urge_count FROM objectives WHERE id = ?", (i["id"],)).fetchone()[0]
              for ref, i in zip("abc", urged)}
    assert counts == {"a": 1, "b": 1, "c": 1}
    result = review_service.undo_last(boss, started["id"])
    assert "3 steps undone" in result.message
    assert {db.conn.execute("SELECT urge_count FROM objectives WHERE id = ?", (i["id"],)).fetchone()[0]
            for i in urged} == {0}
    assert [i["category"] for i in review.queue(db, "boss")][:3] == ["overdue", "due_soon", "silent"]
    assert audit.run(db).ok


def test_a_stale_version_refuses_the_review_step(office, queue_office):
    boss = office.director
    started = review_service.start(boss)
    db = store.connect(office.path)
    item = review.queue(db, "boss")[0]
    steps.note(office.session("li"), item["ref"], text="meanwhile")
    from superviser.errors import Conflict

    with pytest.raises(Conflict):
        review_service.act(boss, started["id"], "urge", [dict(item, version=item["version"])], {"text": "x"})


@pytest.mark.parametrize("who", ["li", "view", "stranger"])
def test_only_the_office_reviews(office, who):
    with pytest.raises(Forbidden):
        review_service.start(office.session(who))


def test_review_list_cli(office, queue_office, cli):
    import json

    items = json.loads(cli("--db", office.path, "review", "--list", "--json").out)["items"]
    assert [i["category"] for i in items][:2] == ["overdue", "due_soon"]
    assert "overdue" in cli("--db", office.path, "review", "--list").out

