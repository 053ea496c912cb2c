"""The audit of a consultation for the secretariat: who decided what and when, read from the
stored room events (the one record of what happened): credentials, roles and removals, deputies,
the agenda, the lifecycle, publication, decisions (votes, amendments) and moderation."""
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.services import get_access
from app.core.errors import Forbidden
from app.core.realtime import RoomEvent
from app.extensions import db

AUDITED = ("participant.invited", "participant.updated", "participant.withdrawn", "deputy.changed",
           "agenda.edited", "session.status", "session.rescheduled", "publication.changed", "motion.closed",
           "amendment.decided", "content.hidden", "minutes.status", "document.status")
PAGE = 500


def audit_trail(actor: User, consultation_id, before: int | None = None) -> tuple[object, list[RoomEvent], int | None]:
    """Secretariat only: the audited events of a consultation, newest first, PAGE at a time
    (before: a seq to continue from). Returns (consultation, events, next seq or None)."""
    a = get_access(actor, consultation_id)
    if not a.can_manage:
        raise Forbidden("Only the secretariat may read the audit of a consultation.")
    stmt = (select(RoomEvent).where(RoomEvent.consultation_id == a.consultation.id, RoomEvent.type.in_(AUDITED))
            .order_by(RoomEvent.seq.desc()).limit(PAGE + 1))
    if isinstance(before, int) and not isinstance(before, bool):
        stmt = stmt.where(RoomEvent.seq < before)
    rows = list(db.session.scalars(stmt))
    nxt = rows[PAGE - 1].seq if len(rows) > PAGE else None
    return a.consultation, rows[:PAGE], nxt
