"""Read-side queries for the pages and the API; each starts with services.access (the read rule).

The reader page is built from a fixed number of queries whatever the size of the document:
the version (paragraphs pre-rendered when it was written), one GROUP BY for the margin counts,
one page of thread roots, their replies, the amendments and the list of versions."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import load_only

from app.accounts.models import Organisation
from app.consultations.models import Participant
from app.core import offload
from app.core.errors import Invalid
from app.documents import diff as diffing
from app.documents import services
from app.documents.models import STANCES, Amendment, Comment, Document, DocumentVersion, Position
from app.extensions import db

MAX_COMMENTS_PAGE = 500
DIFF_BUDGET = 30.0  # seconds; a 300-paragraph diff takes about one
# The proposed amendments' word diffs of one page are computed on the event loop up to this many
# characters (both sides, all amendments: about 1 ms, bench/word_alignment.py), in a worker above.
INLINE_DIFF_CHARS = 20_000


def versions(doc) -> list[DocumentVersion]:
    """Version numbers, notes and authors, without the (large) bodies."""
    stmt = (select(DocumentVersion)
            .options(load_only(DocumentVersion.id, DocumentVersion.number, DocumentVersion.typed_note,
                               DocumentVersion.author_id, DocumentVersion.amendment_id,
                               DocumentVersion.created_at, DocumentVersion.document_id))
            .where(DocumentVersion.document_id == doc.id).order_by(DocumentVersion.number.desc()))
    return list(db.session.scalars(stmt))


def version_at(actor, document_id: int, number=None):
    a = services.access(actor, document_id)
    v = services.current_version(a.document) if number is None else services.get_version(a.document, number)
    return a, v


def list_comments(actor, document_id: int, anchor: str | None = None, constituency: str | None = None,
                  after: int | None = None, limit: int = 200):
    """Comments in the order written, optionally of one paragraph or constituency; (access, items, anchors, next)."""
    a = services.access(actor, document_id)
    limit = max(1, min(limit or 200, MAX_COMMENTS_PAGE))
    stmt = select(Comment).where(Comment.document_id == a.document.id)
    if anchor:
        stmt = stmt.where(Comment.anchor == anchor)
    if constituency:
        stmt = stmt.where(Comment.constituency == constituency)
    if after:
        stmt = stmt.where(Comment.id > after)
    items = list(db.session.scalars(stmt.order_by(Comment.id).limit(limit + 1)))
    nxt = items[limit - 1].id if len(items) > limit else None
    anchors = {p["anchor"] for p in services.current_version(a.document).paragraphs}
    return a, items[:limit], anchors, nxt


def list_amendments(doc, status: str | None = None) -> list[Amendment]:
    stmt = select(Amendment).where(Amendment.document_id == doc.id)
    if status:
        stmt = stmt.where(Amendment.status == status)
    return list(db.session.scalars(stmt.order_by(Amendment.id)))


def threads(doc, anchor: str | None = None, constituency: str | None = None, limit: int = 100,
            current_anchors: set | None = None):
    """Thread roots (newest first, one page) with their replies; a constituency filter keeps the
    threads in which that constituency wrote anything. Returns (threads, more)."""
    stmt = select(Comment).where(Comment.document_id == doc.id, Comment.thread_id.is_(None))
    if anchor == "_document":
        stmt = stmt.where(Comment.anchor.is_(None))
    elif anchor == "_earlier":
        stmt = stmt.where(Comment.anchor.is_not(None), Comment.anchor.not_in(sorted(current_anchors or ())))
    elif anchor:
        stmt = stmt.where(Comment.anchor == anchor)
    if constituency:
        spoke = select(Comment.thread_id).where(Comment.document_id == doc.id, Comment.constituency == constituency,
                                                Comment.thread_id.is_not(None))
        stmt = stmt.where(or_(Comment.constituency == constituency, Comment.id.in_(spoke)))
    roots = list(db.session.scalars(stmt.order_by(Comment.id.desc()).limit(limit + 1)))
    more = len(roots) > limit
    roots = roots[:limit]
    replies: dict[int, list[Comment]] = {r.id: [] for r in roots}
    if roots:
        for c in db.session.scalars(select(Comment).where(Comment.thread_id.in_(list(replies)))
                                    .order_by(Comment.id)):
            replies[c.thread_id].append(c)
    return [(r, replies[r.id]) for r in roots], more


def reader(actor, document_id: int, number=None, anchor: str | None = None, constituency: str | None = None,
           limit: int = 100) -> dict:
    """Everything the document page shows."""
    a, v = version_at(actor, document_id, number)
    doc = a.document
    current_anchors = {p["anchor"] for p in v.paragraphs} if v.number == doc.current_version_number else \
        {p["anchor"] for p in services.current_version(doc).paragraphs}
    counts = comment_counts(doc)
    thread_list, more = threads(doc, anchor, constituency, limit, current_anchors)
    amendments = list_amendments(doc)
    src = {p["anchor"]: p["src"] for p in v.paragraphs}
    proposed = [am for am in amendments if am.status == "proposed"]
    by_anchor: dict[str, list] = {}
    for am, d in zip(proposed, suggestion_diffs([(src.get(am.anchor, am.original), am.text) for am in proposed]),
                     strict=True):
        by_anchor.setdefault(am.anchor, []).append((am, d))
    shown = set(src)
    selected = next((p for p in v.paragraphs if p["anchor"] == anchor), None)
    earlier = sum(n for k, n in counts.items() if k is not None and k not in current_anchors)
    return {"access": a, "doc": doc, "version": v, "is_current": v.number == doc.current_version_number,
            "versions": versions(doc), "counts": counts, "threads": thread_list, "more": more,
            "amendments": amendments, "suggestions": by_anchor, "current_anchors": current_anchors,
            "shown_anchors": shown, "earlier_count": earlier, "anchor": anchor, "constituency": constituency,
            "selected": selected}


def suggestion_diffs(pairs: list[tuple[str, str]]) -> list[dict]:
    """The word diffs of a page's proposed amendments against their paragraphs: on the loop when
    they are small, in one call to a quick-lane worker when they add up to more than
    INLINE_DIFF_CHARS (a hundred amendments of a thousand words each would otherwise hold every
    live room for about 0.1 s on each page view, bench/word_alignment.py)."""
    if sum(len(old) + len(new) for old, new in pairs) <= INLINE_DIFF_CHARS:
        return diffing.word_diffs(pairs)
    return offload.run(diffing.word_diffs, pairs, budget=DIFF_BUDGET, lane="quick")


def diff(actor, document_id: int, from_n, to_n) -> dict:
    """The changes from version `from_n` to `to_n` (any two, either order)."""
    a = services.access(actor, document_id)
    for name, n in (("from", from_n), ("to", to_n)):
        if not isinstance(n, int) or isinstance(n, bool):
            raise Invalid(_l("%(name)s must be a version number.", name=name), {name: "must be an integer"})
    old = services.get_version(a.document, from_n)
    new = services.get_version(a.document, to_n)
    # A 300-paragraph diff is a second of pure CPU: it runs in a worker, not on the event loop.
    out = offload.run(diffing.diff_versions, old.paragraphs, new.paragraphs, budget=DIFF_BUDGET, lane="quick")
    return {"document_id": a.document.id, "from": old.number, "to": new.number, **out}


def positions(actor, document_id: int) -> dict:
    a = services.access(actor, document_id)
    current, history = current_positions(a.document)
    mine = None
    if a.participant is not None:
        mine = next((p for p in current if p.organisation_id == a.participant.organisation_id), None)
    return {"access": a, "doc": a.document, "current": current, "history": history,
            "summary": stance_summary(a.document, current), "mine": mine}


def current_positions(doc: Document) -> tuple[list[Position], list[Position]]:
    """(current positions, one per organisation; all positions newest first)."""
    rows = list(db.session.scalars(select(Position).where(Position.document_id == doc.id)
                                   .order_by(Position.id.desc())))
    current, seen = [], set()
    for p in rows:
        if p.organisation_id not in seen:
            seen.add(p.organisation_id)
            current.append(p)
    current.sort(key=lambda p: (p.constituency, p.organisation.name))
    return current, rows


def stance_summary(doc: Document, current: list[Position]) -> dict[str, dict[str, int]]:
    """{constituency: {stance: n, ..., "not_filed": n}} over the organisations taking part (the
    secretariat and observers aside), so a silent constituency shows as such."""
    order = ("government", "employers", "workers", "stakeholder")
    orgs = db.session.execute(
        select(Participant.organisation_id, Organisation.constituency).join(Organisation)
        .where(Participant.consultation_id == doc.consultation_id,
               Organisation.constituency.not_in(("secretariat", "observer"))).distinct())
    out: dict[str, dict[str, int]] = {}
    filed = {p.organisation_id for p in current}
    for org_id, constituency in orgs:
        row = out.setdefault(constituency, {**{s: 0 for s in STANCES}, "not_filed": 0})
        row["not_filed"] += org_id not in filed
    for p in current:
        out.setdefault(p.constituency, {**{s: 0 for s in STANCES}, "not_filed": 0})[p.stance] += 1
    return {k: out[k] for k in sorted(out, key=lambda k: (order.index(k) if k in order else 9, k))}


def comment_counts(doc: Document) -> dict[str | None, int]:
    rows = db.session.execute(select(Comment.anchor, func.count()).where(Comment.document_id == doc.id)
                              .group_by(Comment.anchor))
    return {anchor: n for anchor, n in rows}
