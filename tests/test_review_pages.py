"""The review's queue read a page at a time is the queue read whole, as the review defined it
before it was paged (the statement below, kept as the reference): the same items in the same
order, each once under its worst reason, marked items gone; its sizes per category are the
reference's; a page after (or before) any item continues it exactly."""

from collections import Counter

import pytest

from benchmarks import synthetic
from superviser import clock, review, store
from superviser.lights import REASON_SQL, REPORT_DUE_SQL
from superviser.services import reporting, steps
from superviser.services import review as review_service

# The queue as one statement over every open objective (superviser/review.py before paging).
REFERENCE = f"""
SELECT id, ref, rank FROM (
  SELECT o.id, o.ref, o.deadline, o.sort_key, coalesce(o.last_report_on, o.active_since, '') AS quiet_since,
    o.next_report_due,
    CASE ({REASON_SQL})
      WHEN 'overdue' THEN 1
      WHEN 'due_soon' THEN CASE WHEN o.light_override = 'red' THEN 2 ELSE 3 END
      WHEN 'silent' THEN CASE WHEN o.light_override = 'red' THEN 2 ELSE 4 END
      ELSE CASE
        WHEN o.light_override = 'red' THEN 2
        WHEN {REPORT_DUE_SQL} THEN 5
        WHEN o.status = 'assigned' THEN 6
        WHEN o.status = 'returned' THEN 7
        WHEN EXISTS (SELECT 1 FROM extensions e WHERE e.objective_id = o.id AND e.status = 'pending'
                     AND e.withdrawn_seq IS NULL) THEN 8
        WHEN o.status = 'submitted' OR (o.status = 'verified' AND :director) THEN 9
      END
    END AS rank
  FROM objectives o
  WHERE o.status IN ('registered', 'assigned', 'accepted', 'in_progress', 'returned', 'submitted', 'verified')
    AND NOT EXISTS (SELECT 1 FROM review_marks m WHERE m.login = :login AND m.objective_id = o.id
                    AND m.day = :day AND m.version = o.version)
)
WHERE rank IS NOT NULL
ORDER BY rank, CASE rank WHEN 4 THEN quiet_since WHEN 5 THEN next_report_due ELSE deadline END, sort_key, id
"""


def reference(db, login: str) -> list[tuple[str, str]]:
    params = review._params(db, login)
    return [(ref, review.CATEGORIES[rank - 1][0]) for _id, ref, rank in db.conn.execute(REFERENCE, params)]


def shown(items) -> list[tuple[str, str]]:
    return [(i["ref"], i["category"]) for i in items]


@pytest.fixture
def busy_office(office):
    """A few hundred objectives in every state, and the rarer cases: lights the office set red
    (on late, near and quiet work, and on completions), reporting rhythms due soon and late,
    extension requests waiting, and items the director marked reviewed today."""
    with clock.frozen(clock.parse_stamp("2026-10-01T09:00:00Z")):  # accepted long ago, silent since
        quiet = [office.objective(title=f"quiet {i}", deadline="2027-01-30", status="accepted") for i in range(3)]
    synthetic.add(office.path, 400, chunk=200)
    boss, li = office.director, office.session("li")
    near = office.objective(title="near", deadline="2026-11-22", status="in_progress")
    done = office.objective(title="done", deadline="2026-12-20", status="submitted")
    later = office.objective(title="later", deadline="2027-02-01", status="in_progress")
    for i in range(3):
        office.objective(title=f"near {i}", deadline=f"2026-11-2{3 - i}", status="accepted")  # in reverse
        office.objective(title=f"new {i}", deadline=f"2026-12-2{i}", status="assigned")
    for ref in (near, done, quiet[0]):
        steps.light(boss, ref, colour="red", reason="watch it")
    with clock.frozen(clock.parse_stamp("2026-10-20T09:00:00Z")):
        late = office.objective(title="weekly, late", deadline="2027-03-01", status="accepted")
        reporting.rhythm(boss, late, rhythm="weekly")
    reporting.rhythm(boss, later, rhythm="weekly")  # due on the 27th: not yet
    with clock.frozen(clock.parse_stamp("2026-11-15T09:00:00Z")):
        soon = office.objective(title="weekly, due soon", deadline="2027-03-01", status="accepted")
        reporting.rhythm(boss, soon, rhythm="weekly")  # due on the 22nd
    asked = office.objective(title="more time", deadline="2026-12-20", status="in_progress")
    steps.extend_request(li, asked, to="2027-01-20", reason="rain")
    db = store.connect(office.path)
    started = review_service.start(boss)
    for item in review.queue(db, "boss")[::37]:
        review_service.mark(boss, started["id"], item["id"], item["category"])
    return office


@pytest.mark.parametrize("login", ["boss", "sup"])
def test_the_pages_are_the_queue_read_whole(busy_office, login):
    db = store.connect(busy_office.path)
    whole = reference(db, login)
    assert {category for _ref, category in whole} >= {
        "overdue", "flagged", "due_soon", "silent", "report_due", "not_accepted", "returned", "extension", "verify"}
    assert shown(review.queue(db, login)) == whole
    for size in (1, 3, 7, 50):
        forward, cursor = [], None
        while page := review.page(db, login, cursor, size):
            assert len(page) <= size
            forward += page
            cursor = page[-1]["at"]
        assert shown(forward) == whole
        backward, cursor = [], forward[-1]["at"]
        while page := review.page(db, login, limit=size, before=cursor):
            backward = page + backward
            cursor = page[0]["at"]
        assert shown(backward) == whole[:-1]
    assert review.sizes(db, login) == {category: Counter(c for _r, c in whole)[category]
                                       for category, _label in review.CATEGORIES}


def test_an_item_knows_its_place_and_the_review_opens_there(busy_office):
    db = store.connect(busy_office.path)
    whole = review.queue(db, "boss")
    for index in range(0, len(whole), 23):
        item = whole[index]
        assert review.placed(db, "boss", item["id"]) == item
        assert review.position_of(db, "boss", item) == index
        opened = review.opening(db, "boss", item["id"])
        assert opened["total"] == len(whole)
        at = opened["first"] + [i["id"] for i in opened["items"]].index(item["id"])
        assert at == index
        assert shown(opened["items"]) == shown(whole[opened["first"]:opened["first"] + len(opened["items"])])
    ended = db.conn.execute("SELECT id FROM objectives WHERE status = 'closed' LIMIT 1").fetchone()[0]
    assert review.placed(db, "boss", ended) is None
    assert review.opening(db, "boss", ended)["first"] == 0


def test_an_item_that_changes_category_while_the_review_is_open(office):
    """A page begins after the last item read. An item already read that moves to a later
    category is met once more there (the app keeps it where it was first read: tests/app);
    one not read yet that moves to an earlier category than the last read is not met in this
    pass; one that moves on to a later category is met there, once; one that leaves the queue
    is not met; the sizes follow."""
    boss = office.director
    late = office.objective(title="late", deadline="2026-11-15", status="in_progress")
    watched = office.objective(title="watched", deadline="2026-12-20", status="assigned")
    steps.light(boss, watched, colour="red", reason="the minister asked")
    near = office.objective(title="near", deadline="2026-11-22", status="in_progress")
    new = office.objective(title="new", deadline="2026-12-20", status="assigned")
    done = office.objective(title="done", deadline="2026-12-20", status="submitted")
    db = store.connect(office.path)
    assert shown(review.queue(db, "boss")) == [(late, "overdue"), (watched, "flagged"), (near, "due_soon"),
                                               (new, "not_accepted"), (done, "verify")]
    read = review.page(db, "boss", limit=2)
    assert shown(read) == [(late, "overdue"), (watched, "flagged")]
    steps.light(boss, watched, colour="clear")  # read as flagged, now only not accepted: later
    steps.light(boss, near, colour="red", reason="the minister asked")  # not read yet, now flagged: earlier
    steps.return_(office.session("li"), new, reason="not ours")  # not read yet, now returned: later
    steps.sendback(boss, done, reason="not finished")  # not read yet, leaves the queue (in progress, on time)
    rest = review.page(db, "boss", read[-1]["at"], 50)
    assert shown(rest) == [(watched, "not_accepted"), (new, "returned")]
    assert review.sizes(db, "boss") == dict.fromkeys((c for c, _label in review.CATEGORIES), 0) | {
        "overdue": 1, "flagged": 1, "not_accepted": 1, "returned": 1}
