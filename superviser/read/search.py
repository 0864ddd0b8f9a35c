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

Short punctuation alone (``%``, ``-``) is in neither index: it is looked for in the text
itself, newest first, up to ``CAP`` (a scan, for the rare search that has no word).
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
    if not parts:  # only short punctuation (%, -, **): no index holds it; the text is read for it
        return "", "", words
    return grams.table_of(source), " AND ".join(parts), [w for w in words if len(w) >= 3]


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _holding(alias: str, columns: list[str], param: str) -> str:
    return "(" + " OR ".join(f"{alias}.[{c}] LIKE :{param} ESCAPE '\\'" for c in columns) + ")"


def clause(db: Database, source: str, alias: str, columns: list[str], text: str, params: dict, key: str = "q") -> str:
    """SQL keeping the rows of ``alias`` (a ``source`` row) among the newest ``CAP`` that
    hold every word of ``text`` in ``columns``."""
    plan = _plan(db, source, text)
    if plan is None:
        return "1"
    index, query, exact = plan
    for i, word in enumerate(exact):
        params[f"{key}{i}"] = _like(word)
    if not index:  # read row by row, newest first, up to CAP (only for punctuation alone)
        holding = " AND ".join(_holding("s", columns, f"{key}{i}") for i in range(len(exact)))
        return f"{alias}.rowid IN (SELECT s.rowid FROM {source} s WHERE {holding} ORDER BY s.rowid DESC LIMIT {CAP})"
    params[key] = query
    found = [f"{alias}.rowid IN (SELECT rowid FROM {index} WHERE {index} MATCH :{key} ORDER BY rowid DESC LIMIT {CAP})"]
    found += [_holding(alias, columns, f"{key}{i}") for i in range(len(exact))]
    return " AND ".join(found)


def beyond_cap(db: Database, source: str, columns: list[str], text: str) -> bool:
    """Whether more than ``CAP`` rows match (the search then looked at the newest ``CAP``)."""
    plan = _plan(db, source, text)
    if plan is None:
        return False
    index, query, exact = plan
    if index:
        matching, params = f"SELECT rowid FROM {index} WHERE {index} MATCH :q", {"q": query}
    else:
        params = {f"q{i}": _like(word) for i, word in enumerate(exact)}
        matching = f"SELECT rowid FROM {source} s WHERE " + " AND ".join(_holding("s", columns, p) for p in params)
    return db.conn.execute(f"SELECT count(*) FROM ({matching} LIMIT {CAP + 1})", params).fetchone()[0] > CAP
