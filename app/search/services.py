"""One search over minutes, documents, positions, decisions and consultations, ranked by the
database's full-text engine, with highlighted snippets, the archive's filters, and the
visibility rule applied inside the query.

Other features keep the index current with one call from their services, in their transaction:
    index_entry("document", doc.id, doc.consultation_id, doc.title, body_markdown, "fr",
                publishable=doc.status == "final")
    remove_entry("document", doc.id)
"""
import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import (
    and_,
    bindparam,
    column,
    event,
    false,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
    update,
)

from app.core.realtime import RoomEvent
from app.minutes.event_types import PublicationChanged
from app.accounts.models import RECS
from app.consultations.models import LEVELS, STATUSES, Consultation
from app.consultations.services import scope_conditions
from app.core import sqlite_read
from app.core.errors import Invalid
from app.core.languages import DEFAULT as DEFAULT_LANGUAGE
from app.core.languages import LANGUAGES
from app.core.markdown import render_text
from app.core.shapes import BOOL, INT, NUMBER, STR, Shape, enum, nullable
from app.extensions import db
from app.search.models import KINDS, PG_CONFIGS, SearchEntry, pg_config_sql

MAX_LIMIT = 50
MAX_OFFSET = 1000
MAX_QUERY = 200
# Highlight sentinels: stripped from indexed text, so any left in a snippet came from the engine.
START, STOP = "\x02", "\x03"
_SENTINELS = re.compile("[\x02\x03]")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
FILTERS = ("kind", "level", "rec", "country", "theme", "year", "status", "consultation_id")


# --- keeping the index current ---------------------------------------------------------------

def plain_text(markdown_body: str) -> str:
    """The words of a Markdown body, without markup (what is indexed and shown in snippets)."""
    return _SENTINELS.sub(" ", render_text(markdown_body or "")).strip()


def published_kinds(consultation_id: int) -> set[str]:
    """The kinds of record the consultation's publication makes public, as the last
    publication.changed event of its room says (none before the first)."""
    data = db.session.scalar(select(RoomEvent.data).where(
        RoomEvent.consultation_id == consultation_id, RoomEvent.type == PublicationChanged.type)
        .order_by(RoomEvent.seq.desc()).limit(1))
    return set((data or {}).get("kinds") or ())


def index_entry(kind: str, ref_id: int, consultation_id: int, title: str, body: str,
                language: str = "en", *, publishable: bool = False) -> SearchEntry:
    """Add or refresh the entry for one record (body is Markdown or plain text).
    `publishable` says the record may appear on the public archive once the consultation's
    Publication covers its kind (a final document, adopted minutes, a closed motion)."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind}")
    entry = db.session.scalar(select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id == ref_id))
    if entry is None:
        entry = SearchEntry(kind=kind, ref_id=ref_id)
    entry.consultation_id = consultation_id
    entry.title = _SENTINELS.sub(" ", title or "")[:300]
    entry.body = plain_text(body)
    entry.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    entry.is_publishable = bool(publishable)
    entry.is_published = bool(publishable) and kind in published_kinds(consultation_id)
    db.session.add(entry)
    db.session.flush()
    return entry


def remove_entry(kind: str, ref_id: int) -> None:
    """Drop a record from the index (deleted or withdrawn)."""
    entry = db.session.scalar(select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.ref_id == ref_id))
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()


def refresh_published(consultation_id: int, kinds) -> None:
    """Recompute the public flag of every entry of a consultation: its publication now covers
    these kinds of record."""
    kinds = sorted(kinds)
    covered = SearchEntry.kind.in_(kinds) if kinds else false()
    db.session.execute(update(SearchEntry).where(SearchEntry.consultation_id == consultation_id)
                       .values(is_published=and_(SearchEntry.is_publishable, covered)),
                       execution_options={"synchronize_session": False})
    db.session.expire_all()


# --- who sees what ---------------------------------------------------------------------------

def visibility_clause(actor):
    """SQL condition on SearchEntry/Consultation: what the actor may see. The consultations
    service's rule (secretariat all; others: non-draft consultations they take part in or
    public ones), and published material for everyone, signed in or not."""
    from app.consultations.services import visible_filter
    if actor is None or not getattr(actor, "is_active", False) or not getattr(actor, "is_authenticated", False):
        return SearchEntry.is_published.is_(True)
    rule = visible_filter(actor)
    if rule is None:
        return None
    return or_(rule, SearchEntry.is_published.is_(True))


def check_filters(filters: dict | None) -> dict:
    """Validate filter values (422 on a wrong one); unknown keys are ignored."""
    f = {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in (None, "")}
    allowed = {"kind": KINDS, "level": LEVELS, "rec": RECS, "status": STATUSES}
    for key, choices in allowed.items():
        if key in f and f[key] not in choices:
            raise Invalid(_l("%(name)s must be one of: %(choices)s.", name=key, choices=", ".join(choices)), {key: "not an allowed value"})
    if "year" in f and (not isinstance(f["year"], int) or not 1970 <= f["year"] <= 9000):
        raise Invalid("year must be a year.", {"year": "out of range"})
    if "country" in f and (not isinstance(f["country"], str) or len(f["country"]) != 2):
        raise Invalid("country must be a two-letter code.", {"country": "two letters"})
    return f


# --- the search ------------------------------------------------------------------------------

def _terms(q: str) -> list[list[str]]:
    """The query as a list of phrases (each a list of words); bare words are one-word phrases."""
    phrases = [_TOKEN.findall(p) for p in _PHRASE.findall(q)]
    rest = _PHRASE.sub(" ", q)
    phrases += [[w] for w in _TOKEN.findall(rest)]
    return [p for p in phrases if p]


def _fts5_query(phrases: list[list[str]]) -> str:
    # Every word is quoted, so FTS5 operators typed by the user are plain words.
    return " AND ".join('"' + " ".join(p) + '"' for p in phrases)


def _pg_query_text(phrases: list[list[str]]) -> str:
    return " ".join('"' + " ".join(p) + '"' if len(p) > 1 else p[0] for p in phrases)


def highlight(value: str | None) -> Markup:
    """Escape the text, then turn the engine's sentinels into <mark>."""
    if not value:
        return Markup("")
    safe = str(escape(value))
    opened = 0
    out = []
    for ch in safe:
        if ch == START:
            if not opened:
                out.append("<mark>")
                opened = 1
        elif ch == STOP:
            if opened:
                out.append("</mark>")
                opened = 0
        else:
            out.append(ch)
    if opened:
        out.append("</mark>")
    return Markup("".join(out))


def search(actor, q: str, filters: dict | None = None, limit: int = 20,
           cursor: str | int | None = None) -> tuple[list[dict], str | None]:
    """Ranked hits the actor may see, with highlighted title and snippet; returns (items, next
    cursor). Invalid (422) for an empty or too long query or a wrong filter."""
    q = (q or "").strip()
    if not q:
        raise Invalid("Type some words to search for.", {"q": "required"})
    if len(q) > MAX_QUERY:
        raise Invalid(_l("The search is longer than %(n)s characters.", n=MAX_QUERY), {"q": f"at most {MAX_QUERY} characters"})
    f = check_filters(filters)
    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    try:
        offset = int(cursor) if cursor not in (None, "") else 0
    except (TypeError, ValueError):
        raise Invalid("cursor is not valid.", {"cursor": "not valid"}) from None
    if not 0 <= offset <= MAX_OFFSET:
        raise Invalid("cursor is not valid.", {"cursor": "out of range"})
    phrases = _terms(q)
    if not phrases:
        return [], None
    conds = scope_conditions(f)
    if f.get("kind"):
        conds.append(SearchEntry.kind == f["kind"])
    if f.get("consultation_id"):
        conds.append(SearchEntry.consultation_id == f["consultation_id"])
    vis = visibility_clause(actor)
    if vis is not None:
        conds.append(vis)
    dialect = db.engine.dialect.name
    run = _search_postgresql if dialect == "postgresql" else _search_sqlite
    rows, marks = run(phrases, conds, _member_clause(actor), limit + 1, offset)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [_item(row, marks.get(row.id, (None, None))) for row in rows]
    return items, (str(offset + limit) if more else None)


def _base(score, member, fts=None):
    stmt = select(SearchEntry.id, SearchEntry.kind, SearchEntry.ref_id, SearchEntry.consultation_id,
                  SearchEntry.title, SearchEntry.language, SearchEntry.is_published,
                  Consultation.title.label("consultation_title"), score.label("score"), member.label("member"))
    if fts is not None:
        stmt = stmt.select_from(fts).join(SearchEntry, SearchEntry.id == fts.c.rowid)
    return stmt.join(Consultation, Consultation.id == SearchEntry.consultation_id)


def _member_clause(actor):
    """True where the actor sees the consultation itself (not only its published material)."""
    from app.consultations.services import visible_filter
    if actor is None or not getattr(actor, "is_active", False) or not getattr(actor, "is_authenticated", False):
        return false()
    rule = visible_filter(actor)
    return true() if rule is None else rule


_FTS = table("search_fts", column("rowid"))


def _search_sqlite(phrases, conds, member, limit, offset):
    match = _fts5_query(phrases)
    score = literal_column("bm25(search_fts, 8.0, 1.0)")
    stmt = (_base(score, member, _FTS)
            .where(text("search_fts MATCH :match"), *conds)
            .order_by(text("score"), SearchEntry.id).limit(limit).offset(offset))
    # Ranking every match is seconds of C over a large archive: sqlite_read runs it in a worker.
    rows = sqlite_read.rows(stmt.params(match=match))
    if not rows:
        return rows, {}
    # snippet() is computed for the page only, not for every match before the sort.
    marks_stmt = text(
        "SELECT rowid, highlight(search_fts, 0, :s, :e), snippet(search_fts, 1, :s, :e, '…', 24) "
        "FROM search_fts WHERE search_fts MATCH :match AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    marks = {r[0]: (r[1], r[2]) for r in sqlite_read.rows(
        marks_stmt.bindparams(match=match, s=START, e=STOP, ids=[r.id for r in rows]))}
    return rows, marks


def _tsquery_sql() -> str:
    configs = list(PG_CONFIGS.values()) + ["simple"]
    return "(" + " || ".join(f"websearch_to_tsquery('{cfg}', :q)" for cfg in configs) + ")"


def _tsquery(qtext: str):
    """The query parsed by every configuration and OR-ed: each entry's tsvector was built with
    its own language's configuration, so one of them stems the words the same way."""
    q = bindparam("q", qtext)
    parts = [func.websearch_to_tsquery(literal_column(f"'{cfg}'::regconfig"), q)
             for cfg in list(PG_CONFIGS.values()) + ["simple"]]
    expr = parts[0]
    for part in parts[1:]:
        expr = expr.op("||")(part)
    return expr


def _search_postgresql(phrases, conds, member, limit, offset):
    qtext = _pg_query_text(phrases)
    tsq = _tsquery(qtext)
    tsv = literal_column("search_entry.tsv")
    score = func.ts_rank_cd(tsv, tsq, 1)
    stmt = (_base(score, member).where(tsv.op("@@")(tsq), *conds)
            .order_by(score.desc(), SearchEntry.id).limit(limit).offset(offset))
    # The planner prices the tsvector match as cheap and picks a sequential scan for common words,
    # which then detoasts every row; the GIN index is always the better path here.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        rows = list(db.session.execute(stmt))
    finally:
        db.session.execute(text("SET LOCAL enable_seqscan = on"))
    if not rows:
        return rows, {}
    cfg = pg_config_sql("language")
    opts_title = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    opts_body = f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
    marks_stmt = text(
        f"SELECT id, ts_headline({cfg}, title, {_tsquery_sql()}, :ot), ts_headline({cfg}, body, {_tsquery_sql()}, :ob) "
        "FROM search_entry WHERE id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    marks = {r[0]: (r[1], r[2]) for r in db.session.execute(
        marks_stmt, {"q": qtext, "ot": opts_title, "ob": opts_body, "ids": [r.id for r in rows]})}
    return rows, marks


def url_for_entry(kind: str, ref_id: int, consultation_id: int, public: bool = False) -> str:
    """Where a hit opens: minutes have their page; documents, positions and decisions open on
    the consultation page until their features give them their own."""
    if public:
        return f"/public/consultations/{consultation_id}"
    if kind == "minutes":
        return f"/minutes/{ref_id}"
    return f"/consultations/{consultation_id}"


HIT = Shape("SearchHit", {
    "kind": enum(*KINDS), "ref_id": INT, "consultation_id": INT, "consultation_title": STR, "title": STR,
    "title_html": STR, "snippet_html": STR, "language": nullable(STR), "published": BOOL, "score": NUMBER,
    "url": STR}, description="A hit: title_html and snippet_html mark the matched words with <mark>.")


def _item(row, marks) -> dict:
    title_marked, snippet = marks
    return HIT.dump({
        "kind": row.kind, "ref_id": row.ref_id, "consultation_id": row.consultation_id,
        "consultation_title": row.consultation_title, "title": row.title,
        "title_html": str(highlight(title_marked or row.title)),
        "snippet_html": str(highlight(snippet or "")),
        "language": row.language, "published": bool(row.is_published),
        "score": round(abs(float(row.score or 0)), 6),
        "url": url_for_entry(row.kind, row.ref_id, row.consultation_id, public=not row.member),
    })



# --- consultations index themselves ------------------------------------------------------------
# The consultations package knows nothing of search; these mapper hooks keep a "consultation"
# entry per consultation (title and description) in the flush that writes the consultation.

@event.listens_for(Consultation, "after_insert")
def _consultation_inserted(mapper, connection, target: Consultation) -> None:
    connection.execute(insert(SearchEntry).values(
        kind="consultation", ref_id=target.id, consultation_id=target.id, title=(target.title or "")[:300],
        body=plain_text(target.description or ""), language="en", is_publishable=True, is_published=False,
        updated_at=datetime.now(UTC)))


@event.listens_for(Consultation, "after_update")
def _consultation_updated(mapper, connection, target: Consultation) -> None:
    state = inspect(target)
    if not (state.attrs.title.history.has_changes() or state.attrs.description.history.has_changes()):
        return
    values = {"title": (target.title or "")[:300], "body": plain_text(target.description or ""),
              "updated_at": datetime.now(UTC)}
    done = connection.execute(update(SearchEntry).where(SearchEntry.kind == "consultation",
                                                        SearchEntry.ref_id == target.id).values(**values))
    if done.rowcount == 0:
        _consultation_inserted(mapper, connection, target)
