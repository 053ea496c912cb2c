"""Amendments on the floor: the secretariat puts an amendment to the vote (the motion is the votes
feature's, drafted through app.core.features.motion_origins) and the motion's result decides it
when the motion closes (a consumer of motion.closed): carried accepts it into a new version
crediting the proposer; any other outcome but no_consensus (whose follow-on vote carries the same
origin and decides later) rejects it, the result kept as the reason (a code and its parameters)."""
from flask_babel import gettext as _

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict
from app.core.events import EventBus
from app.documents.contributions import _decidable, _decided_event, _paragraph, apply_amendment
from app.documents.models import Amendment, Document
from app.documents.services import current_version
from app.extensions import db
from app.votes.event_types import MotionClosed

REASON_CODE = "motion_result"


def amendment_motion(actor: User, amendment_id) -> dict:
    """What a motion on this amendment puts to the vote (motion_origins["amendment"]): the
    secretariat only, a proposed amendment of an open or closed document whose paragraph is still
    in the current version. Raises NotFound, Forbidden, Conflict."""
    a, am = _decidable(actor, amendment_id)
    current = current_version(a.document)
    if _paragraph(current, am.anchor) is None:
        raise Conflict("The paragraph this amendment changes is no longer in the document.")
    question = _('Accept amendment %(id)s by %(organisation)s to paragraph %(anchor)s of "%(title)s"?',
                 id=am.id, organisation=am.organisation.name, anchor=am.anchor, title=a.document.title)
    return {"consultation_id": a.document.consultation_id, "question": question[:2000],
            "agenda_item_id": a.document.agenda_item_id, "document_version_id": current.id}


def decide_by_vote(consultation_id: int, event: MotionClosed, actor) -> None:
    """motion.closed: decide the amendment the motion was about, if it still waits for it."""
    origin = event.origin
    if not origin or origin.get("kind") != "amendment":
        return
    result = event.result
    if result["outcome"] == "no_consensus":
        return  # the follow-on vote decides
    am = db.session.get(Amendment, origin["id"])
    if am is None or am.status != "proposed":
        return
    doc = db.session.get(Document, am.document_id)
    am.motion_id, am.reason_code = event.motion_id, REASON_CODE
    am.reason_params = {"motion_id": event.motion_id, "outcome": result["outcome"],
                        "reason_code": result["reason_code"], "reason_params": result["reason_params"]}
    if result["outcome"] == "carried":
        if doc.status in ("open", "closed") and _paragraph(current_version(doc), am.anchor) is not None:
            apply_amendment(actor, doc, am)
        # otherwise the text cannot change any more: the amendment waits for the secretariat
        return
    am.status, am.reason = "rejected", ""
    am.decided_by_id = actor.id if actor is not None else None
    am.decided_at = utcnow()
    db.session.flush()
    _decided_event(actor, doc, am)


def subscribe(bus: EventBus) -> None:
    bus.subscribe(MotionClosed, decide_by_vote)
