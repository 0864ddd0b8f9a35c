"""Undo appends an entry that reverses a step; it never edits the log."""

import pytest

from superviser import journal, store
from superviser.errors import Conflict, Refused
from superviser.read import objectives
from superviser.services import steps, undo


def get(office, ref):
    return objectives.get(store.connect(office.path), ref)


@pytest.mark.parametrize("make,check", [
    (lambda o, r: steps.urge(o.director, r), lambda i: i["urge_count"] == 0),
    (lambda o, r: steps.progress(o.session("li"), r, percent=70, text="x"), lambda i: i["percent"] == 30),
    (lambda o, r: steps.light(o.director, r, colour="red", reason="x"), lambda i: i["light_override"] is None),
    (lambda o, r: steps.light(o.director, r, colour="red", reason="sha256: reads like a fingerprint, is no secret"),
     lambda i: i["light_override"] is None),
    (lambda o, r: steps.transfer(o.director, r, to="Planning", reason="x"),
     lambda i: i["lead_unit"] == "Finance" and i["status"] == "in_progress"),
    (lambda o, r: steps.suspend(o.director, r, reason="x"), lambda i: i["status"] == "in_progress"),
])
def test_undo_restores_the_objective(office, make, check):
    ref = office.objective(status="in_progress")
    before = get(office, ref)
    result = make(office, ref)
    undone = undo.undo(office.director, result.seq)
    after = get(office, ref)
    assert check(after)
    assert after["version"] == before["version"] + 2
    assert "undone" in undone.message
    assert journal.audit(store.connect(office.path)).ok


def test_undo_of_a_report_withdraws_it(office):
    ref = office.objective(status="in_progress")
    result = steps.progress(office.session("li"), ref, percent=70, text="oops, wrong objective")
    undo.undo(office.session("li"), result.seq)
    db = store.connect(office.path)
    texts = [r["text"] for r in objectives.reports(db, get(office, ref)["id"])]
    assert "oops, wrong objective" not in texts and "begun" in texts


def test_undo_of_an_approved_extension(office):
    ref = office.objective(status="in_progress", deadline="2026-12-01")
    steps.extend_request(office.session("li"), ref, to="2026-12-20", reason="late parts")
    approved = steps.extend_approve(office.director, ref)
    undo.undo(office.director, approved.seq)
    assert get(office, ref)["deadline"] == "2026-12-01"
    steps.extend_reject(office.director, ref, reason="changed my mind")  # the request waits again


def test_undo_of_a_verification_reopens_the_check(office):
    ref = office.objective(status="submitted")
    verified = steps.verify(office.director, ref)
    undo.undo(office.director, verified.seq)
    assert get(office, ref)["status"] == "submitted"


def test_cannot_undo_after_a_later_change(office):
    ref = office.objective(status="in_progress")
    first = steps.urge(office.director, ref)
    steps.progress(office.session("li"), ref, percent=50, text="more")
    with pytest.raises(Conflict, match="has changed since"):
        undo.undo(office.director, first.seq)


def test_cannot_undo_twice(office):
    ref = office.objective(status="in_progress")
    result = steps.urge(office.director, ref)
    undo.undo(office.director, result.seq)
    with pytest.raises(Refused, match="already been undone"):
        undo.undo(office.director, result.seq)


def test_only_the_author_or_the_director(office):
    ref = office.objective(status="in_progress")
    result = steps.urge(office.director, ref)
    with pytest.raises(Refused, match="only they or the director"):
        undo.undo(office.session("sup"), result.seq)


def test_undo_of_a_note_leaves_the_note_and_says_so(office):
    ref = office.objective(status="in_progress")
    result = steps.note(office.director, ref, text="wrong objective")
    steps.urge(office.director, ref)
    undo.undo(office.director, result.seq)  # notes change nothing, so later steps do not block it
    db = store.connect(office.path)
    assert db.conn.execute("SELECT count(*) FROM log WHERE detail = 'wrong objective'").fetchone()[0] == 1
