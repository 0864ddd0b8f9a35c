"""Short words for search: an index of character pairs.

The trigram index (``schema.FTS_TABLES``) cannot match a term shorter than three
characters, and most Chinese words are two. For each searched table, a contentless
FTS5 table ``<table>_grams`` holds each row's text as its overlapping pairs of
characters, one token each ("安全检查" → 安全 全检 检查 查), kept by triggers. A
two-character term is then one token FTS5 finds in its index, a one-character term a
prefix, instead of a LIKE over every row.

The pairs are made in SQL (``json_each`` over a run of positions), so the triggers
work for every writer; a contentless table forgets the text, so a row's old pairs
are rebuilt from its old values to be deleted.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable

from superviser.store import Database


def table_of(source: str) -> str:
    return f"{source}_grams"


def _pairs(r: str, columns: list[str]) -> str:
    """SQL for the pairs of row ``r``'s text (columns joined by newlines, which part them)."""
    text = " || char(10) || ".join(f"coalesce({r}.[{c}], '')" for c in columns)
    positions = "'[' || rtrim(replace(hex(zeroblob(length(s.t))), '00', '0,'), ',') || ']'"
    return (f"(SELECT group_concat(substr(s.t, p.key + 1, 2), ' ') FROM (SELECT {text} AS t) s,"
            f" json_each({positions}) p)")


def triggers(source: str, columns: list[str]) -> dict[str, str]:
    grams = table_of(source)
    add = f"INSERT INTO {grams} (rowid, grams) VALUES (NEW.rowid, {_pairs('NEW', columns)});"
    remove = f"INSERT INTO {grams} ({grams}, rowid, grams) VALUES ('delete', OLD.rowid, {_pairs('OLD', columns)});"
    watched = ", ".join(f"[{c}]" for c in columns)
    return {
        f"{source}_grams_insert": f"CREATE TRIGGER {source}_grams_insert AFTER INSERT ON {source} BEGIN {add} END",
        f"{source}_grams_delete": f"CREATE TRIGGER {source}_grams_delete AFTER DELETE ON {source} BEGIN {remove} END",
        f"{source}_grams_update": (f"CREATE TRIGGER {source}_grams_update AFTER UPDATE OF {watched} ON {source}"
                                   f" BEGIN {remove} {add} END"),
    }


def exists(db: Database, source: str) -> bool:
    return db.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table_of(source),)).fetchone() is not None


def ensure_triggers(db: Database, sources: dict[str, list[str]], table: str | None = None) -> None:
    for source, columns in sources.items():
        if table in (None, source) and exists(db, source):
            for name, sql in triggers(source, columns).items():
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
                db.execute(sql)


def create(db: Database, sources: dict[str, list[str]]) -> None:
    for source, columns in sources.items():
        grams = table_of(source)
        db.execute(f"CREATE VIRTUAL TABLE {grams} USING fts5(grams, content='', tokenize='unicode61 remove_diacritics 0')")
        add(db, source, columns, "1")
    ensure_triggers(db, sources)


def bulk_suspended(source: str) -> str:
    """The insert trigger a bulk load suspends before inserting, then calls ``add``."""
    return f"{source}_grams_insert"


def add(db: Database, source: str, columns: list[str], where: str, params: tuple | dict = ()) -> None:
    """Index rows of ``source`` inserted while its insert trigger was dropped (``where``: SQL
    over ``r`` selecting them)."""
    db.execute(f"INSERT INTO {table_of(source)} (rowid, grams) SELECT r.rowid, {_pairs('r', columns)} FROM {source} r"
               f" WHERE {where}", params)


def pairs(values) -> str | None:
    """What ``_pairs`` makes in SQL of a row's text columns (``values``, each text or None), made
    in Python: the text of rows not yet written, worked out before the write lock."""
    parts = []
    for value in values:
        if value is not None and type(value) is not str:
            raise TypeError(f"a searched column holds text, not {type(value).__name__}")
        parts.append(value or "")
    text = "\n".join(parts)
    if "\x00" in text:  # SQLite's length() stops there; stored text never holds it (text.clean)
        raise ValueError("a NUL character in searched text")
    return " ".join([*map(operator.add, text, text[1:]), text[-1:]]) or None  # each pair, then the last character


def add_pairs(db: Database, source: str, rows: Iterable[tuple[int, str | None]]) -> None:
    """Index rows of ``source`` inserted while its insert trigger was dropped, given their
    (rowid, ``pairs``) worked out beforehand: no reading back."""
    db.conn.executemany(f"INSERT INTO {table_of(source)} (rowid, grams) VALUES (?, ?)", rows)


def quote(word: str) -> str:
    """A word as an FTS5 string: what it says, never the query language (NOT, OR, *)."""
    return '"' + word.replace('"', '""') + '"'


def term(word: str) -> str | None:
    """The FTS5 query for a word of one or two characters: its pair, or a prefix for one
    character; None when it has nothing a token is made of (only punctuation)."""
    if not any(ch.isalnum() for ch in word):
        return None
    return quote(word) + "*" if len(word) == 1 else quote(word)


def pairs_of(word: str) -> list[str]:
    """A longer word's pairs, each a term: together they find (a few more than) the rows
    that hold the word."""
    return [t for t in (term(word[i:i + 2]) for i in range(len(word) - 1)) if t]
