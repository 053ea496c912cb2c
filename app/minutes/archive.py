"""The archive: past consultations (closed or archived) the actor may see, with the archive's
filters, and for each one its minutes and whether it is on the public archive."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.consultations import services as consultations
from app.consultations.models import Consultation
from app.consultations.services import scope_conditions
from app.extensions import db
from app.minutes.models import Minutes, Publication

PAST = ("closed", "archived")
MAX_PAGE = 50


def archive(actor, filters: dict | None = None, after: int | None = None,
            limit: int = 25) -> tuple[list[dict], int | None]:
    """Rows {consultation, minutes: [Minutes], publication} newest first; returns (rows, cursor).
    Visibility is the consultations service's rule, applied in the query."""
    f = dict(filters or {})
    if f.get("status") not in PAST:
        f["status"] = PAST
    stmt = select(Consultation).options(selectinload(Consultation.themes)).where(*scope_conditions(f))
    vis = consultations.visible_filter(actor)
    if vis is not None:
        stmt = stmt.where(vis)
    if after is not None:
        stmt = stmt.where(Consultation.id < after)
    limit = max(1, min(limit, MAX_PAGE))
    items = list(db.session.scalars(stmt.order_by(Consultation.id.desc()).limit(limit + 1)))
    nxt = items[limit - 1].id if len(items) > limit else None
    items = items[:limit]
    ids = [c.id for c in items]
    minutes: dict[int, list[Minutes]] = {}
    pubs: dict[int, Publication] = {}
    if ids:
        mstmt = select(Minutes).where(Minutes.consultation_id.in_(ids)).order_by(Minutes.id)
        if not actor.is_secretariat:
            mstmt = mstmt.where(Minutes.status != "draft")
        for m in db.session.scalars(mstmt):
            minutes.setdefault(m.consultation_id, []).append(m)
        pubs = {p.consultation_id: p for p in db.session.scalars(
            select(Publication).where(Publication.consultation_id.in_(ids)))}
    rows = [{"consultation": c, "minutes": minutes.get(c.id, []), "publication": pubs.get(c.id)} for c in items]
    return rows, nxt
