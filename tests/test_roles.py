"""Who may do what: every step against every role, through the services and the CLI
(the app: tests/app/test_roles_in_app.py)."""

import pytest

from superviser import actions, store
from superviser.errors import Forbidden, Refused
from superviser.services import corrections, org, registry, reporting, steps, undo

# step → (status to start from, how to take it). The objective's lead unit is Finance.
STEPS = {
    "assign": ("registered", lambda s, r: steps.assign(s, r)),
    "accept": ("assigned", lambda s, r: steps.accept(s, r)),
    "return": ("assigned", lambda s, r: steps.return_(s, r, reason="not ours")),
    "transfer": ("accepted", lambda s, r: steps.transfer(s, r, to="Planning", reason="theirs")),
    "progress": ("accepted", lambda s, r: steps.progress(s, r, percent=10, text="x")),
    "urge": ("accepted", lambda s, r: steps.urge(s, r)),
    "inspect": ("accepted", lambda s, r: steps.inspect(s, r, finding="x", verdict="on-track")),
    "extend.request": ("accepted", lambda s, r: steps.extend_request(s, r, to="2027-01-30", reason="x")),
    "extend.approve": ("extension", lambda s, r: steps.extend_approve(s, r)),
    "extend.reject": ("extension", lambda s, r: steps.extend_reject(s, r, reason="x")),
    "complete": ("accepted", lambda s, r: steps.complete(s, r, text="done")),
    "verify": ("submitted", lambda s, r: steps.verify(s, r)),
    "sendback": ("submitted", lambda s, r: steps.sendback(s, r, reason="x")),
    "suspend": ("accepted", lambda s, r: steps.suspend(s, r, reason="x")),
    "cancel": ("accepted", lambda s, r: steps.cancel(s, r, reason="x")),
    "reopen": ("closed", lambda s, r: steps.reopen(s, r, reason="x")),
    "note": ("accepted", lambda s, r: steps.note(s, r, text="x")),
    "light": ("accepted", lambda s, r: steps.light(s, r, colour="red", reason="x")),
    "objective.edit": ("accepted", lambda s, r: corrections.objective_edit(s, r, title="Another title")),
    "deadline": ("accepted", lambda s, r: corrections.deadline(s, r, to="2027-01-10", reason="x")),
    "rhythm": ("accepted", lambda s, r: reporting.rhythm(s, r, rhythm="weekly")),
}

# login → role as the office fixture has them; "east" is a liaison of another unit.
PEOPLE = {"boss": "director", "sup": "supervisor", "li": "liaison", "east": "liaison-other", "view": "viewer",
          "stranger": None}


def allowed(step: str, who: str) -> bool:
    role = PEOPLE[who]
    if role is None or role == "viewer":
        return False
    if role == "liaison-other":
        return False
    return role in actions.ACTIONS[step].roles


def refusal_says(step: str, who: str) -> str:
    """What the refusal must contain for ``who``."""
    if PEOPLE[who] is None:
        return "superviser person add stranger"
    if PEOPLE[who] == "liaison-other" and "liaison" in actions.ACTIONS[step].roles:
        return "not your unit's objective"
    return "only a"


def prepare(office, status: str) -> str:
    if status == "extension":
        ref = office.objective(status="accepted", deadline="2026-12-20")
        steps.extend_request(office.session("li"), ref, to="2027-01-30", reason="x")
        return ref
    return office.objective(status=status, deadline="2026-12-20")


@pytest.mark.parametrize("who", sorted(PEOPLE))
@pytest.mark.parametrize("step", sorted(STEPS))
def test_step_by_role(office, step, who):
    status, take = STEPS[step]
    ref = prepare(office, status)
    session = office.session(who)
    db = store.connect(office.path)
    before = db.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    if allowed(step, who):
        take(session, ref)
        assert db.conn.execute("SELECT count(*) FROM log").fetchone()[0] == before + 1
    else:
        with pytest.raises(Forbidden) as refusal:
            take(session, ref)
        message = str(refusal.value)
        assert refusal_says(step, who) in message
        if refusal_says(step, who) == "only a":
            assert "you are a" in message
        assert db.conn.execute("SELECT count(*) FROM log").fetchone()[0] == before


def test_co_unit_liaison_may_report_but_not_complete(office):
    ref = office.objective(status="accepted", co=["East Station"])
    steps.progress(office.session("east"), ref, percent=20, text="our part is under way")
    with pytest.raises(Forbidden, match=f"only the lead unit may do this; your unit is a co-unit of {ref}"):
        steps.complete(office.session("east"), ref, text="done")


def test_liaison_of_a_parent_unit_covers_its_sub_units(office):
    ref = office.objective(lead="East Depot", status="assigned")
    steps.accept(office.session("east"), ref)


@pytest.mark.parametrize("who", ["sup", "li", "view", "stranger"])
def test_only_the_director_manages_units_and_people(office, who):
    session = office.session(who)
    with pytest.raises(Forbidden):
        org.unit_add(session, "New unit")
    with pytest.raises(Forbidden):
        org.person_add(session, "newbie", "New Bie", "viewer")
    with pytest.raises(Forbidden):
        org.setting_set(session, "light.near_days", "5")


@pytest.mark.parametrize("who,ok", [("boss", True), ("sup", True), ("li", False), ("view", False)])
def test_who_registers(office, who, ok):
    session = office.session(who)
    if ok:
        registry.decision_add(session, "New", source="leader", decided_on="today")
    else:
        with pytest.raises(Forbidden):
            registry.decision_add(session, "New", source="leader", decided_on="today")


def test_the_last_director_cannot_step_down(office):
    with pytest.raises(Exception, match="only director"):
        org.person_edit(office.director, "boss", role="viewer")


def test_deactivated_person_can_no_longer_act(office):
    ref = office.objective(status="assigned")
    org.person_edit(office.director, "li", active=False)
    with pytest.raises(Forbidden, match="not among the people"):
        steps.accept(office.session("li"), ref)


def test_undo_needs_the_role_still(office):
    ref = office.objective(status="accepted")
    result = steps.urge(office.session("sup"), ref)
    org.person_edit(office.director, "sup", role="viewer")
    with pytest.raises(Forbidden):
        undo.undo(office.session("sup"), result.seq)


def test_refusals_through_the_cli(office, cli, monkeypatch):
    office.objective(status="accepted")
    monkeypatch.setenv("SUPERVISER_USER", "view")
    ran = cli("--db", office.path, "urge", "2026-001.1")
    assert ran.code == 5 and "only a director or supervisor may do this (you are a viewer)" in ran.err
    monkeypatch.setenv("SUPERVISER_USER", "nobody")
    ran = cli("--db", office.path, "note", "2026-001.1", "hello")
    assert ran.code == 5 and "superviser person add nobody" in ran.err
    listed = cli("--db", office.path, "objective", "list")  # reading is open to everyone
    assert listed.code == 0 and "2026-001.1" in listed.out


# The same steps as typed at the command line.
CLI = {
    "assign": ["assign"], "accept": ["accept"], "return": ["return", "--reason", "not ours"],
    "transfer": ["transfer", "--to", "Planning", "--reason", "theirs"],
    "progress": ["progress", "--percent", "10", "--text", "x"], "urge": ["urge"],
    "inspect": ["inspect", "--finding", "x", "--verdict", "on-track"],
    "extend.request": ["extend", "request", "--to", "2027-01-30", "--reason", "x"],
    "extend.approve": ["extend", "approve"], "extend.reject": ["extend", "reject", "--reason", "x"],
    "complete": ["complete", "--text", "done"], "verify": ["verify"], "sendback": ["sendback", "--reason", "x"],
    "suspend": ["suspend", "--reason", "x"], "cancel": ["cancel", "--reason", "x"], "reopen": ["reopen", "--reason", "x"],
    "note": ["note", "x"], "light": ["light", "--reason", "x"],
    "objective.edit": ["objective", "edit", "--title", "Another title"],
    "deadline": ["deadline", "--to", "2027-01-10", "--reason", "x"], "rhythm": ["rhythm"],
}


def cli_args(step: str, ref: str) -> list[str]:
    words = CLI[step]
    verb = 2 if words[0] in ("extend", "objective") else 1
    tail = {"light": ["red"], "rhythm": ["weekly"]}.get(step, [])
    return words[:verb] + [ref] + tail + words[verb:]


def test_every_cli_step_is_in_the_table():
    assert set(CLI) == set(STEPS)


@pytest.mark.parametrize("who", sorted(PEOPLE))
@pytest.mark.parametrize("step", sorted(STEPS))
def test_step_by_role_through_the_cli(office, cli, monkeypatch, step, who):
    ref = prepare(office, STEPS[step][0])
    db = store.connect(office.path)
    before = db.conn.execute("SELECT count(*) FROM log").fetchone()[0]
    monkeypatch.setenv("SUPERVISER_USER", who)
    ran = cli("--db", office.path, *cli_args(step, ref))
    if allowed(step, who):
        assert ran.code == 0, ran.err
        assert db.conn.execute("SELECT count(*) FROM log").fetchone()[0] == before + 1
    else:
        assert ran.code == 5 and len(ran.err.strip().splitlines()) == 1
        assert refusal_says(step, who) in ran.err
        assert db.conn.execute("SELECT count(*) FROM log").fetchone()[0] == before


def test_a_step_refused_in_this_state_names_only_what_this_person_may_do_now(office):
    """A liaison pressing a step on a returned objective was told "possible now: assign,
    transfer, suspend, cancel…", the office's steps, none of them theirs."""
    ref = office.objective(status="returned")
    with pytest.raises(Refused) as said:
        steps.progress(office.session("li"), ref, percent=10, text="x")
    possible = str(said.value).split("possible now: ")[1]
    assert actions.label("note") in possible
    for theirs in ("assign", "suspend", "cancel"):
        assert actions.label(theirs) not in possible
    with pytest.raises(Refused, match="possible now: .*" + actions.label("assign")):
        steps.progress(office.director, ref, percent=10, text="x")


def test_three_roles_are_named_as_a_list_in_each_language(office, cli, monkeypatch):
    office.objective(status="accepted")
    monkeypatch.setenv("SUPERVISER_USER", "view")
    said = {lang: cli("--db", office.path, "--lang", lang, "note", "2026-001.1", "hello").err
            for lang in ("en", "zh_CN", "es")}
    assert "only a director, supervisor, or liaison may do this" in said["en"]
    assert "仅主任、督查员或联络员可以执行" in said["zh_CN"]  # not 主任或督查员或联络员
    assert "director, supervisor o enlace" in said["es"]
