"""What reading and writing need to know of the schema: the log's first previous-hash and
its guard triggers, the columns of the full-text indexes, the columns kept secret in the
log, the settings' defaults. Apart from the migrations (superviser/schema.py), which load sqlite-utils: a read
command or a step does not."""

from __future__ import annotations

GENESIS = "0" * 64

# The log's guards. UPDATE and DELETE are refused outright; INSERT must extend the
# chain at its end (next sequence number, previous entry's hash).
GUARD_TRIGGERS = {
    "log_no_update": (
        "CREATE TRIGGER log_no_update BEFORE UPDATE ON log BEGIN "
        "SELECT RAISE(ABORT, 'the supervision log is append-only: entries cannot be changed'); END"
    ),
    "log_no_delete": (
        "CREATE TRIGGER log_no_delete BEFORE DELETE ON log BEGIN "
        "SELECT RAISE(ABORT, 'the supervision log is append-only: entries cannot be deleted'); END"
    ),
    "log_chain": (
        "CREATE TRIGGER log_chain BEFORE INSERT ON log "
        "WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM log), 0) + 1 "
        f"OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM log ORDER BY seq DESC LIMIT 1), '{GENESIS}') "
        "BEGIN SELECT RAISE(ABORT, 'the supervision log only grows at its end'); END"
    ),
}

# Full-text search (FTS5, trigram so Chinese text matches inside words).
FTS_TABLES = {
    "objectives": ["ref", "title", "detail"],
    "decisions": ["ref", "title", "summary", "source_ref", "leader"],
}

# Columns whose values the log records only as fingerprints (see changes.fingerprint):
# a group robot's webhook address carries its access token, and its signing secret.
SECRET_COLUMNS: dict[str, frozenset[str]] = {"unit_channels": frozenset({"webhook", "secret"})}

DEFAULT_SETTINGS = {
    "light.near_days": "3",
    "light.silent_days": "14",
    "light.urges": "2",
}
# The assessment's rules (考核), points signed: see superviser/assessment/rules.py.
SCORE_SETTINGS = {
    "score.base": "100",
    "score.on_time": "1",
    "score.late": "-1",
    "score.urge": "-0.5",
    "score.notice": "-1",
    "score.sendback": "-2",
    "score.lead": "1",
    "score.co": "0.5",
}
DEFAULT_SETTINGS.update(SCORE_SETTINGS)
