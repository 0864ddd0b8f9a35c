"""Every step's rules and refusals, through the services."""

import pytest

from superviser import actions, i18n, lifecycle, store
from superviser.errors import Conflict, InvalidInput, NotFound, Refused
from superviser.read import objectives
from superviser.services import registry, steps
from tests.conftest import walk


def state(office, ref):
    return objectives.get(store.connect(office.path), ref)


def log_actions(office, ref):
    db = store.connect(office.path)
    oid = objectives.get(db, ref)["id"]
    return [r[0] for r in db.conn.execute("SELECT action FROM log WHERE objective_id = ? ORDER BY seq", (oid,))]


def test_full_lifecycle_to_closed(office):
    ref = office.objective()
    boss, li = office.director, office.session("li")
    assert state(office, ref)["status"] == "registered"
    steps.assign(boss, ref, co=["East Station"])
    steps.accept(li, ref)
    steps.progress(li, ref, percent=40, text="half", next_step="rest", problems="rain", help_needed="money")
    steps.complete(li, ref, text="all done")
    steps.verify(boss, ref, note="checked")
    item = state(office, ref)
    assert item["status"] == "closed" and item["percent"] == 100 and item["light"] == "grey"
    assert item["co_units"] == ["East Station"]
    assert log_actions(office, ref) == ["objective.add", "assign", "accept", "progress", "complete", "verify"]


@pytest.mark.parametrize("status", lifecycle.STATUSES)
def test_accept_only_from_assigned(office, status):
    ref = office.objective(status=status)
    if status == "assigned":
        steps.accept(office.session("li"), ref)
        return
    with pytest.raises(Refused) as refusal:
        steps.accept(office.session("li"), ref)
    message = str(refusal.value)
    assert lifecycle.status_label(status) in message and "possible now" in message
    # what the liaison may do on it now, not the office's steps
    possible = message.split("possible now: ")[1]
    assert actions.label("note") in possible
    for step in ("assign", "suspend", "cancel", "reopen"):
        assert actions.label(step) not in possible
    with pytest.raises(Refused) as refusal:
        steps.accept(office.director, ref)
    for step in actions.possible_steps(status, extension_pending=False):  # the director may take them all
        assert actions.label(step) in str(refusal.value).split("possible now: ")[1]


def test_refused_step_writes_nothing(office):
    ref = office.objective(status="closed")
    before = log_actions(office, ref)
    with pytest.raises(Refused):
        steps.urge(office.director, ref)
    assert log_actions(office, ref) == before


def test_return_then_reassign_to_another_unit(office):
    ref = office.objective(status="returned")
    assert state(office, ref)["status"] == "returned"
    steps.assign(office.director, ref, lead="Planning")
    item = state(office, ref)
    assert item["status"] == "assigned" and item["lead_unit"] == "Planning"


def test_return_needs_a_reason(office):
    ref = office.objective(status="assigned")
    with pytest.raises(InvalidInput, match="reason: must not be empty"):
        steps.return_(office.session("li"), ref, reason="   ")


def test_transfer_keeps_the_old_lead_in_the_log(office):
    ref = office.objective(status="accepted", co=["Planning"])
    steps.transfer(office.director, ref, to="Planning", reason="their remit")
    item = state(office, ref)
    assert item["lead_unit"] == "Planning" and item["status"] == "assigned"
    assert item["co_units"] == []  # the new lead is no longer also a co-unit
    db = store.connect(office.path)
    changes = db.conn.execute("SELECT changes FROM log WHERE action = 'transfer'").fetchone()[0]
    assert '"objectives#1.lead_unit_id":[2,5]' in changes and '"co_units#1,5":[{"objective_id":1,"unit_id":5},null]' in changes


def test_transfer_to_the_same_unit_is_refused(office):
    ref = office.objective(status="accepted")
    with pytest.raises(InvalidInput, match="already the lead unit"):
        steps.transfer(office.director, ref, to="Finance", reason="x")


@pytest.mark.parametrize("percent", [-1, 101, "half", ""])
def test_progress_percent_is_checked(office, percent):
    ref = office.objective(status="accepted")
    with pytest.raises(InvalidInput, match="percent"):
        steps.progress(office.session("li"), ref, percent=percent, text="x")


def test_urges_escalate(office):
    ref = office.objective(status="accepted")
    messages = [steps.urge(office.director, ref).message for _ in range(4)]
    assert "reminder" in messages[0]
    assert "urge notice" in messages[1]
    assert "supervision notice" in messages[2] and "supervision notice" in messages[3]
    assert state(office, ref)["urge_count"] == 4


def test_a_report_answers_the_urges(office):
    ref = office.objective(status="accepted")
    steps.urge(office.director, ref)
    steps.urge(office.director, ref)
    assert state(office, ref)["reason"] == "urged"
    steps.progress(office.session("li"), ref, percent=10, text="started")
    item = state(office, ref)
    assert item["urges_unanswered"] == 0 and item["urge_count"] == 2 and item["light"] == "green"


def test_inspection_verdict_is_checked(office):
    ref = office.objective(status="in_progress")
    with pytest.raises(InvalidInput, match="verdict"):
        steps.inspect(office.director, ref, finding="x", verdict="fine")
    steps.inspect(office.director, ref, finding="site visited", verdict="at-risk", method="on-site")
    db = store.connect(office.path)
    assert objectives.inspections(db, state(office, ref)["id"])[0]["verdict"] == "at-risk"


def test_extension_approved_moves_the_deadline_keeps_the_original(office):
    ref = office.objective(status="in_progress", deadline="2026-12-01")
    steps.extend_request(office.session("li"), ref, to="2026-12-31", reason="parts late")
    with pytest.raises(Refused, match="already waiting"):
        steps.extend_request(office.session("li"), ref, to="2027-01-31", reason="again")
    steps.extend_approve(office.director, ref)
    item = state(office, ref)
    assert item["deadline"] == "2026-12-31" and item["original_deadline"] == "2026-12-01"


def test_extension_rejected_keeps_the_deadline(office):
    ref = office.objective(status="in_progress", deadline="2026-12-01")
    steps.extend_request(office.session("li"), ref, to="2026-12-31", reason="parts late")
    steps.extend_reject(office.director, ref, reason="fixed by the province")
    assert state(office, ref)["deadline"] == "2026-12-01"
    with pytest.raises(Refused, match="no extension request"):
        steps.extend_approve(office.director, ref)


def test_extension_must_come_before_the_deadline(office):
    ref = office.objective(status="in_progress", deadline="2026-11-19")
    with pytest.raises(Refused, match="has passed"):
        steps.extend_request(office.session("li"), ref, to="2026-12-31", reason="late")


def test_extension_must_be_later(office):
    ref = office.objective(status="in_progress", deadline="2026-12-01")
    with pytest.raises(InvalidInput, match="not later"):
        steps.extend_request(office.session("li"), ref, to="2026-11-30", reason="x")


def test_supervisor_verifies_director_closes(office):
    ref = office.objective(status="submitted")
    result = steps.verify(office.session("sup"), ref)
    assert state(office, ref)["status"] == "verified" and "director" in result.message
    with pytest.raises(Refused, match="already verified"):
        steps.verify(office.session("sup"), ref)
    steps.verify(office.director, ref)
    assert state(office, ref)["status"] == "closed"


def test_sendback_returns_to_in_progress(office):
    ref = office.objective(status="submitted")
    steps.sendback(office.director, ref, reason="photos missing")
    item = state(office, ref)
    assert item["status"] == "in_progress" and item["submitted_on"] is None


def test_parent_cannot_close_before_its_children(office):
    parent = office.objective(title="Parent", deadline="2026-12-30")
    child = office.objective(title="Child", parent=parent, deadline="2026-12-20")
    assert child == f"{parent}.1"
    walk(office, parent, "submitted")
    with pytest.raises(Refused, match=child.replace(".", r"\.")):
        steps.verify(office.director, parent)


def test_suspend_and_reopen_returns_to_where_it_was(office):
    ref = office.objective(status="in_progress")
    steps.suspend(office.director, ref, reason="waiting")
    assert state(office, ref)["light"] == "grey"
    steps.reopen(office.director, ref, reason="resumed")
    assert state(office, ref)["status"] == "in_progress"


def test_reopen_a_closed_objective(office):
    ref = office.objective(status="closed")
    steps.reopen(office.director, ref, reason="the fault came back")
    item = state(office, ref)
    assert item["status"] == "in_progress" and item["closed_on"] is None


def test_cancel_and_notes_still_allowed(office):
    ref = office.objective(status="cancelled")
    steps.note(office.director, ref, text="for the record")
    assert log_actions(office, ref)[-1] == "note"


def test_light_override_and_clear(office):
    ref = office.objective(status="accepted")
    with pytest.raises(InvalidInput, match="reason"):
        steps.light(office.director, ref, colour="red", reason="")
    steps.light(office.director, ref, colour="red", reason="leader worried")
    item = state(office, ref)
    assert item["light"] == "red" and "leader worried" in item["light_explained"]
    steps.light(office.director, ref, colour="clear")
    assert state(office, ref)["light"] == "green"
    with pytest.raises(Refused, match="not overridden"):
        steps.light(office.director, ref, colour="clear")


def test_stale_version_is_a_conflict_and_writes_nothing(office):
    ref = office.objective(status="accepted")
    seen = state(office, ref)["version"]
    steps.urge(office.director, ref, expected_version=seen)
    before = log_actions(office, ref)
    with pytest.raises(Conflict, match="changed since you looked"):
        steps.note(office.director, ref, text="based on old view", expected_version=seen)
    assert log_actions(office, ref) == before


def test_unknown_reference(office):
    with pytest.raises(NotFound, match="objective: no objective 2026-099.1"):
        steps.urge(office.director, "2026-099.1")


def test_objective_accepts_ref_or_id(office):
    ref = office.objective(status="accepted")
    oid = state(office, ref)["id"]
    steps.urge(office.director, str(oid))
    assert state(office, ref)["urge_count"] == 1


class TestRegistration:
    def test_references_are_numbered(self, office):
        first = office.objective(title="One")
        second = office.objective(title="Two")
        sub = office.objective(title="Two a", parent=second, deadline="2026-12-01")
        assert (first, second, sub) == ("2026-001.1", "2026-001.2", "2026-001.2.1")
        decision = registry.decision_add(office.director, "Next", source="leader", decided_on="2026-11-05").ref
        assert decision == "2026-002"

    def test_deadline_before_the_decision_date(self, office):
        with pytest.raises(InvalidInput, match="deadline: 2026-10-01 is before the decision's date 2026-11-01"):
            office.objective(deadline="2026-10-01")

    def test_sub_objective_deadline_within_the_parent(self, office):
        parent = office.objective(deadline="2026-12-01")
        with pytest.raises(InvalidInput, match="after the parent"):
            office.objective(parent=parent, deadline="2026-12-05")

    @pytest.mark.parametrize("title,problem", [("", "must not be empty"), ("   ", "must not be empty"),
                                               ("x" * 201, "the limit is 200")])
    def test_title_is_checked(self, office, title, problem):
        with pytest.raises(InvalidInput, match=f"title: .*{problem}"):
            office.objective(title=title)

    def test_unknown_unit(self, office):
        with pytest.raises(NotFound, match="lead unit: no unit named Nowhere"):
            office.objective(lead="Nowhere")

    def test_a_part_of_one_units_name_stands_for_it(self, office):
        """As the form's completion offers: the whole name, else the one that starts with what was
        typed, else the one that holds it; several are named, not guessed among."""
        db = store.connect(office.path)
        ref = office.objective(lead="plan", co=["depot"])
        assert objectives.get(db, ref)["lead_unit"] == "Planning" and objectives.get(db, ref)["co_units"] == ["East Depot"]
        with pytest.raises(InvalidInput, match="lead unit: East could be East Depot or East Station; give more"):
            office.objective(lead="East")
        assert office.objective(lead="east station", co=["General"]) and office.objective(lead="Office")

    def test_lead_is_not_a_co_unit(self, office):
        with pytest.raises(InvalidInput, match="co-unit"):
            office.objective(lead="Finance", co=["Finance"])

    def test_control_characters_are_stripped(self, office):
        ref = office.objective(title="Fix\x1b]0;pwned\x07 the \x1b[2Jroof\x9b31m now")
        assert state(office, ref)["title"] == "Fix]0;pwned the [2Jroof31m now"

    def test_decision_source_is_checked(self, office):
        with pytest.raises(InvalidInput, match="source: must be one of"):
            registry.decision_add(office.director, "X", source="rumour", decided_on="today")


def test_an_urge_queues_its_notice_in_its_own_transaction_and_says_for_whom(office):
    from superviser.services import contacts, undo

    contacts.channel_add(office.director, "Finance", "mail", address="finance@example.org")
    ref = office.objective(status="accepted")
    result = steps.urge(office.director, ref, text="Report by Friday")
    assert "queued for Finance by mail" in result.message
    db = store.connect(office.path)
    rows = db.conn.execute("SELECT seq, status, kind FROM outbox").fetchall()
    assert rows == [(result.seq, "queued", "urge")]  # the urge's own entry queued it
    undo.undo(office.director, result.seq)
    assert db.conn.execute("SELECT status FROM outbox").fetchone()[0] == "cancelled"


def test_a_unit_nothing_reaches_is_named(office):
    ref = office.objective(status="accepted")
    result = steps.urge(office.director, ref)
    assert "nothing reaches Finance" in result.message


def test_lists_in_a_refusal_read_as_the_language_writes_them(office):
    parent = office.objective(title="Parent", deadline="2026-12-30")
    children = [office.objective(title=f"Child {n}", parent=parent, deadline="2026-12-20") for n in (1, 2)]
    walk(office, parent, "submitted")
    registered = office.objective()
    i18n.setup("zh_CN")
    with pytest.raises(Refused) as refusal:
        steps.verify(office.director, parent)
    assert "、".join(children) in str(refusal.value)
    with pytest.raises(Refused) as refusal:
        steps.accept(office.director, registered)
    possible = [actions.label(s) for s in actions.possible_steps("registered")]
    assert len(possible) > 2 and "、".join(possible[:-1]) + "或" + possible[-1] in str(refusal.value)
    i18n.setup("en")
    with pytest.raises(Refused) as refusal:
        steps.accept(office.director, registered)
    possible = [actions.label(s) for s in actions.possible_steps("registered")]
    assert ", ".join(possible[:-1]) + ", or " + possible[-1] in str(refusal.value)
