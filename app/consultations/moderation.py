"""Moderation of written content: the secretariat hides a comment, chat message or amendment with
a reason; a participant reports one for the secretariat to review.

The content stays where its feature keeps it (documents: comments, amendments; rooms: chat);
those features register how to find a record (app.core.features: `moderated`) and show a hidden
one as "hidden by the secretariat" to everyone but its author and the secretariat, who still see
its text marked hidden (hidden_map below). The reason is kept here for the record and the audit
page, not sent to the room. A report is not announced to the room either: who reported whom is
the secretariat's business alone."""
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.event_types import ContentHidden
from app.consultations.models import MODERATED_KINDS, ContentReport, HiddenContent
from app.consultations.services import can_manage, get_access
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.features import features_of
from app.core.realtime import record_event
from app.extensions import db

REASON_MAX = 2000


def _located(actor: User, kind, ref_id) -> tuple[dict, object]:
    """(the record as its feature describes it, the actor's access to its consultation);
    NotFound alike for an unknown kind, a missing record and one the actor may not see."""
    find = features_of().moderated.get(kind) if kind in MODERATED_KINDS else None
    record = find(ref_id) if find is not None and isinstance(ref_id, int) else None
    if record is None:
        raise NotFound("No such content.")
    a = get_access(actor, record["consultation_id"])
    if not a.can_manage and a.participant is None:
        raise NotFound("No such content.")
    return record, a


def _reason(reason) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("Give a reason.", {"reason": "may not be empty"})
    if len(reason) > REASON_MAX:
        raise Invalid("The reason is too long.", {"reason": "too long"})
    return reason.strip()


def hidden_map(kind: str, ids) -> dict[int, HiddenContent]:
    """The hidden ones among these records of one kind, by id."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(HiddenContent).where(HiddenContent.kind == kind, HiddenContent.ref_id.in_(ids)))
    return {h.ref_id: h for h in rows}


def may_see_hidden(actor: User | None, author_id: int | None) -> bool:
    """The secretariat and the author still read a hidden record (marked hidden)."""
    return actor is not None and (actor.is_secretariat or actor.id == author_id)


def hide_content(actor: User, kind, ref_id, reason) -> HiddenContent:
    """Secretariat only: hide a record with a reason; its open reports are closed as `hidden`.
    Raises NotFound, Forbidden, Conflict (hidden already) or Invalid (no reason)."""
    record, a = _located(actor, kind, ref_id)
    if not can_manage(actor, a.consultation):
        raise Forbidden("Only the secretariat may hide content.")
    reason = _reason(reason)
    if hidden_map(kind, [ref_id]):
        raise Conflict("This content is hidden already.")
    h = HiddenContent(consultation_id=a.consultation.id, kind=kind, ref_id=ref_id, reason=reason,
                      hidden_by_id=actor.id, hidden_at=utcnow())
    db.session.add(h)
    now = utcnow()
    for r in db.session.scalars(select(ContentReport).where(
            ContentReport.kind == kind, ContentReport.ref_id == ref_id, ContentReport.status == "open")):
        r.status, r.decided_by_id, r.decided_at = "hidden", actor.id, now
    db.session.flush()
    record_event(a.consultation.id, ContentHidden(kind=kind, ref_id=ref_id), actor)
    return h


def report_content(actor: User, kind, ref_id, reason) -> ContentReport:
    """A participant asks the secretariat to review a record. Raises NotFound, Forbidden (the
    secretariat hides instead of reporting), Conflict (reported already by this person, or hidden)
    or Invalid (no reason)."""
    record, a = _located(actor, kind, ref_id)
    if a.participant is None:
        raise Forbidden("The secretariat hides content instead of reporting it.")
    reason = _reason(reason)
    if hidden_map(kind, [ref_id]):
        raise Conflict("This content is hidden already.")
    if db.session.scalar(select(ContentReport.id).where(
            ContentReport.kind == kind, ContentReport.ref_id == ref_id, ContentReport.reporter_id == actor.id,
            ContentReport.status == "open")) is not None:
        raise Conflict("You reported this already; the secretariat will review it.")
    r = ContentReport(consultation_id=a.consultation.id, kind=kind, ref_id=ref_id, reporter_id=actor.id,
                      reason=reason, status="open", created_at=utcnow())
    db.session.add(r)
    db.session.flush()
    return r


def dismiss_report(actor: User, report_id) -> ContentReport:
    """Secretariat only: close a report without hiding anything. Raises NotFound, Forbidden, Conflict."""
    r = db.session.get(ContentReport, report_id) if isinstance(report_id, int) else None
    if r is None:
        raise NotFound("No such report.")
    a = get_access(actor, r.consultation_id)
    if not a.can_manage:
        raise Forbidden("Only the secretariat may review reports.")
    if r.status != "open":
        raise Conflict("This report was reviewed already.")
    r.status, r.decided_by_id, r.decided_at = "dismissed", actor.id, utcnow()
    db.session.flush()
    return r


def review_list(actor: User, consultation_id) -> dict:
    """Secretariat only: reports (open first, newest first) and hidden content of a consultation,
    each with the record as its feature describes it (None when it was deleted since)."""
    a = get_access(actor, consultation_id)
    if not a.can_manage:
        raise Forbidden("Only the secretariat may review reports.")
    moderated = features_of().moderated
    reports = list(db.session.scalars(select(ContentReport).where(ContentReport.consultation_id == a.consultation.id)
                                      .order_by((ContentReport.status == "open").desc(), ContentReport.id.desc())))
    hidden = list(db.session.scalars(select(HiddenContent).where(HiddenContent.consultation_id == a.consultation.id)
                                     .order_by(HiddenContent.id.desc())))
    hidden_keys = {(h.kind, h.ref_id) for h in hidden}
    return {
        "consultation": a.consultation,
        "reports": [{"report": r, "record": moderated[r.kind](r.ref_id) if r.kind in moderated else None,
                     "hidden": (r.kind, r.ref_id) in hidden_keys} for r in reports],
        "hidden": [{"hidden": h, "record": moderated[h.kind](h.ref_id) if h.kind in moderated else None}
                   for h in hidden],
    }
