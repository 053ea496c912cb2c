"""What the secretariat sees of failed deliveries: events whose notices could not be produced and
mails that could not be sent, with the reason code, and a way to try them again now."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.accounts.models import User
from app.core.db import isoformat, utcnow
from app.core.errors import Forbidden, NotFound
from app.core.shapes import DATETIME, INT, STR, Shape, list_of, nullable
from app.extensions import db
from app.notifications import mailer
from app.notifications.models import DispatchFailure, Outbox

LIMIT = 200
REASON_LABELS = {
    "invalid_message": _l("The message could not be written"),
    "recipient_refused": _l("The mail server refused the recipient"),
    "smtp_rejected": _l("The mail server refused the message"),
    "smtp_unavailable": _l("The mail server could not be reached"),
    "handler_error": _l("The notices could not be prepared"),
    "error": _l("Unexpected error"),
}


def _require(actor: User) -> None:
    if not actor.is_secretariat:
        raise Forbidden("Only the secretariat sees delivery failures.")


def _troubled_mail():
    """Mails given up on, and mails waiting for another attempt after a failure."""
    return or_(Outbox.status == "failed", (Outbox.status == "queued") & (Outbox.attempts > 0))


def problem_count() -> int:
    """Failed and retrying deliveries (for the secretariat's header link)."""
    mails = db.session.scalar(select(func.count(Outbox.id)).where(_troubled_mail())) or 0
    events = db.session.scalar(select(func.count(DispatchFailure.id))) or 0
    return mails + events


FAILED_MAIL = Shape("FailedMail", {
    "id": INT, "to": STR, "subject": STR, "kind": STR, "status": STR, "attempts": INT, "reason": STR, "error": STR,
    "next_attempt_at": nullable(DATETIME), "failed_at": nullable(DATETIME), "created_at": DATETIME})
FAILED_EVENT = Shape("FailedEvent", {
    "id": INT, "event_id": INT, "type": STR, "consultation_id": INT, "status": STR, "attempts": INT, "reason": STR,
    "error": nullable(STR), "next_attempt_at": nullable(DATETIME), "failed_at": nullable(DATETIME),
    "created_at": DATETIME})
FAILURES = Shape("DeliveryFailures", {"events": list_of(FAILED_EVENT), "mails": list_of(FAILED_MAIL)})


def mail_dict(row: Outbox) -> dict:
    return FAILED_MAIL.dump({
        "id": row.id, "to": row.to_addr, "subject": row.subject, "kind": row.kind, "status": row.status,
        "attempts": row.attempts, "reason": row.failure_reason or "error", "error": row.last_error or "",
        "next_attempt_at": isoformat(row.next_attempt_at) if row.status == "queued" else None,
        "failed_at": isoformat(row.failed_at), "created_at": isoformat(row.created_at)})


def event_dict(row: DispatchFailure) -> dict:
    return FAILED_EVENT.dump({
        "id": row.id, "event_id": row.event_id, "type": row.event_type,
        "consultation_id": row.consultation_id, "status": row.status, "attempts": row.attempts,
        "reason": row.reason, "error": row.last_error,
        "next_attempt_at": isoformat(row.next_attempt_at) if row.status == "retrying" else None,
        "failed_at": isoformat(row.failed_at), "created_at": isoformat(row.created_at)})


def list_failures(actor: User) -> dict:
    """Secretariat only: {"events": [...], "mails": [...]}, failed first, then newest."""
    _require(actor)
    events = list(db.session.scalars(select(DispatchFailure).order_by(
        DispatchFailure.status, DispatchFailure.id.desc()).limit(LIMIT)))
    mails = list(db.session.scalars(select(Outbox).where(_troubled_mail()).order_by(
        Outbox.status, Outbox.id.desc()).limit(LIMIT)))
    return {"events": events, "mails": mails}


def retry_mail(actor: User, outbox_id: int) -> Outbox:
    """Secretariat only: queue a failed or waiting mail again, due now, with a fresh count."""
    _require(actor)
    row = db.session.get(Outbox, outbox_id)
    if row is None or row.status == "sent":
        raise NotFound("No such failed mail.")
    mailer.requeue(row)
    db.session.flush()
    return row


def retry_event(actor: User, failure_id: int) -> DispatchFailure:
    """Secretariat only: make a failed event due again now, with a fresh count of attempts;
    the worker's next pass handles it (it is removed once its notices are out)."""
    _require(actor)
    row = db.session.get(DispatchFailure, failure_id)
    if row is None:
        raise NotFound("No such failed event.")
    row.status, row.attempts, row.next_attempt_at, row.failed_at = "retrying", 0, utcnow(), None
    db.session.flush()
    return row
