"""Search that does not grow with the office.

A search takes the newest ``CAP`` matches, ranked and limited inside FTS5 (newest
first: FTS5 walks its index by rowid and stops; a relevance rank would score every
match first, 0.8–2.4 s for a common word at a million objectives). The list's own
filters and order then apply to those. A common word costs what ``CAP`` matches
cost, a rare one less; nothing reads every match.

Terms of three characters or more go to the trigram index; a query with a shorter
term (two-character Chinese words) goes to the pair index (``superviser.grams``),
its longer terms as their pairs, checked exactly afterwards with LIKE on the few
rows found.
"""

from __future__ import annotations

from superviser import grams
from superviser.store import Database

CAP = 2000  # matches a search considers, newest first


def _plan(db: Database, source: str, text: str) -> tuple[str, str, list[str]] | None:
    """(index, FTS5 query, words to check exactly), or None when nothing is searched for."""
    words = text.split()
    if not words:
        return None
    if all(len(w) >= 3 for w in words):
        return f"{source}_fts", " ".join(grams.quote(w) for w in words), []
    terms: list[str | None] = []
    for word in words:
        terms += [grams.term(word)] if len(word) < 3 else grams.pairs_of(word)
    parts = [t for t in terms if t]
    if not parts:
        return None
    return grams.table_of(source), " AND ".join(parts), [w for w in words if len(w) >= 3]


def clause(db: Database, source: str, alias: str, columns: list[str], text: str, params: dict, key: str = "q") -> str:
    """SQL keeping the rows of ``alias`` (a ``source`` row) among the newest ``CAP`` that
    hold every word of ``text`` in ``columns``."""
    plan = _plan(db, source, text)
    if plan is None:
        return "1"
    index, query, exact = plan
    params[key] = query
    found = [f"{alias}.rowid IN (SELECT rowid FROM {index} WHERE {index} MATCH :{key} ORDER BY rowid DESC LIMIT {CAP})"]
    for i, word in enumerate(exact):
        params[f"{key}{i}"] = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        found.append("(" + " OR ".join(f"{alias}.[{c}] LIKE :{key}{i} ESCAPE '\\'" for c in columns) + ")")
    return " AND ".join(found)


def beyond_cap(db: Database, source: str, text: str) -> bool:
    """Whether more than ``CAP`` rows match (the search then looked at the newest ``CAP``)."""
    plan = _plan(db, source, text)
    if plan is None:
        return False
    index, query, _exact = plan
    sql = f"SELECT count(*) FROM (SELECT rowid FROM {index} WHERE {index} MATCH ? LIMIT {CAP + 1})"
    return db.conn.execute(sql, (query,)).fetchone()[0] > CAP
