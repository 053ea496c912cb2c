"""The sender: delivers queued Outbox rows over SMTP (or to the log), retrying with backoff.

A row is claimed by setting locked_until in a short transaction, sent outside any transaction,
then marked sent, or given attempts+1 and a next_attempt_at further away. Several senders may
run at once (PostgreSQL skips rows another sender holds); a sender that dies leaves a claim
that expires, and the row is sent again: delivery is at least once, never lost.

Each row fails on its own: whatever building or sending it raises (a stored header that cannot
be written, a refused recipient) is recorded on that row with a reason code, and the rows beside
it are sent. After MAX_ATTEMPTS the row is marked failed, which the secretariat sees
(notifications.failures). Headers are written through the email package from cleaned values
(safetext.header_text), never by concatenation, and every message carries Date, a Message-ID
that is the same on each retry, and, for notification mail, List-Unsubscribe with one-click
(RFC 8058).
"""
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from datetime import UTC
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import or_, select

from app.core.db import utcnow
from app.core.pacing import pause
from app.extensions import db
from app.notifications.links import absolute
from app.notifications.models import Outbox
from app.notifications.safetext import header_text
from app.notifications.unsubscribe import unsubscribe_path

log = logging.getLogger("baraza.mail")
BACKOFF_BASE = 30          # seconds before the first retry; doubled each attempt
BACKOFF_CAP = 3600         # never wait more than an hour between attempts
MAX_ATTEMPTS = 20          # then the row is marked failed and kept (send-mail --requeue-failed)
CLAIM = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def carries_unsubscribe(kind: str) -> bool:
    """Mail the notification setting governs carries List-Unsubscribe. Invitations are mailed
    whatever the setting, so offering to unsubscribe from them would be untrue."""
    return kind != "invitation"


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "baraza.local"


def build_message(row: Outbox, sender: str) -> EmailMessage:
    """The message for one outbox row. Raises (ValueError, MessageError...) only for a row that
    cannot be written at all, e.g. an address that is not one; send_due records that on the row."""
    created = _aware(row.created_at or utcnow())
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = Address(display_name=header_text(row.to_name), addr_spec=row.to_addr)
    msg["Subject"] = header_text(row.subject)
    # The time the message was composed (RFC 5322 3.6.1), and an id that stays the same when a
    # retry or an expired claim sends the row again, so the reader's client can drop the copy.
    msg["Date"] = format_datetime(created)
    msg["Message-ID"] = f"<outbox.{row.id}.{int(created.timestamp())}@{_domain(sender)}>"
    msg["Auto-Submitted"] = "auto-generated"
    if row.user_id is not None and carries_unsubscribe(row.kind):
        msg["List-Unsubscribe"] = f"<{absolute(unsubscribe_path(row.user_id))}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    if row.ics:
        # Bytes keep the CRLF line ends iCalendar requires; the charset and the METHOD of the
        # calendar are named on the part, as calendar clients expect.
        msg.add_attachment(row.ics.encode(), maintype="text", subtype="calendar", filename="session.ics",
                           params={"charset": "utf-8", "method": "PUBLISH"})
    return msg


def failure_reason(err: Exception) -> str:
    """The reason code recorded for a failed attempt (models.FAILURE_REASONS)."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return "recipient_refused"
    if isinstance(err, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return "smtp_unavailable"
    if isinstance(err, smtplib.SMTPException):
        return "smtp_rejected"
    if isinstance(err, OSError):
        return "smtp_unavailable"
    if isinstance(err, ValueError | TypeError | UnicodeError | MessageError | IndexError):
        return "invalid_message"
    return "error"


class LogTransport:
    """Without BARAZA_SMTP_URL: each message is written to the log, so development needs nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send(self, msg: EmailMessage) -> None:
        body = msg.get_body(("plain",))
        log.info("mail to %s: %s\n%s", msg["To"], msg["Subject"], body.get_content() if body else "")


class SMTPTransport:
    """smtp://user:pass@host:port (STARTTLS when ?starttls=1), smtps://... for TLS from the start."""

    def __init__(self, url: str, timeout: float = 10):
        parts = urlsplit(url)
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self.conn = None

    def __enter__(self):
        if self.tls:
            self.conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                         context=ssl.create_default_context())
        else:
            self.conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                self.conn.starttls(context=ssl.create_default_context())
        if self.user:
            self.conn.login(self.user, self.password or "")
        return self

    def __exit__(self, *exc):
        try:
            if self.conn is not None:
                self.conn.quit()
        except (smtplib.SMTPException, OSError):
            pass
        return False

    def send(self, msg: EmailMessage) -> None:
        self.conn.send_message(msg)


def transport():
    url = current_app.config.get("SMTP_URL")
    return SMTPTransport(url) if url else LogTransport()


def sender_address() -> str:
    return current_app.config.get("MAIL_FROM") or formataddr(("Baraza", "no-reply@baraza.local"))


def _claim(now: datetime, limit: int) -> list[int]:
    stmt = (select(Outbox).where(Outbox.status == "queued", Outbox.next_attempt_at <= now,
                                 or_(Outbox.locked_until.is_(None), Outbox.locked_until < now))
            .order_by(Outbox.next_attempt_at, Outbox.id).limit(limit).with_for_update(skip_locked=True))
    rows = list(db.session.scalars(stmt))
    for row in rows:
        row.locked_until = now + CLAIM
    ids = [r.id for r in rows]
    db.session.commit()
    return ids


def _failed(row: Outbox, reason: str, err: Exception, now: datetime) -> None:
    row.attempts += 1
    row.failure_reason = reason
    row.last_error = header_text(f"{type(err).__name__}: {err}")[:500]
    row.locked_until = None
    row.next_attempt_at = now + backoff(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.failed_at = "failed", now
        log.error("giving up on mail %s to %s after %s attempts: %s", row.id, row.to_addr, row.attempts,
                  row.last_error)
    else:
        log.warning("mail %s to %s failed (attempt %s, next at %s): %s", row.id, row.to_addr, row.attempts,
                    row.next_attempt_at.isoformat(), row.last_error)


def _sent(row: Outbox) -> None:
    row.status, row.sent_at, row.locked_until = "sent", utcnow(), None
    row.attempts += 1
    row.last_error = row.failure_reason = None


def send_due(now: datetime | None = None, limit: int = 50) -> dict:
    """Send the queued messages that are due; returns {"sent": n, "failed": n}. One row that
    cannot be built or is refused fails alone; a mail server that cannot be reached fails the
    rest of this pass (each row keeps its own attempt count and back-off)."""
    now = now or utcnow()
    ids = _claim(now, limit)
    result = {"sent": 0, "failed": 0}
    if not ids:
        return result
    sender = sender_address()
    rows = [db.session.get(Outbox, i) for i in ids]
    db.session.commit()  # no transaction stays open while we talk to the mail server
    conn = None
    try:
        for n, row in enumerate(rows):
            try:
                msg = build_message(row, sender)
            except Exception as err:  # a poisoned row: recorded on it, never raised past it
                _failed(row, "invalid_message", err, now)
                result["failed"] += 1
                db.session.commit()
                continue
            if conn is None:
                try:
                    conn = transport().__enter__()
                except Exception as err:
                    for rest in rows[n:]:
                        _failed(rest, failure_reason(err), err, now)
                    result["failed"] += len(rows) - n
                    db.session.commit()
                    return result
            try:
                conn.send(msg)
            except Exception as err:
                reason = failure_reason(err)
                _failed(row, reason, err, now)
                result["failed"] += 1
                if reason == "smtp_unavailable":  # the connection is gone: open a new one
                    conn.__exit__(None, None, None)
                    conn = None
            else:
                _sent(row)
                result["sent"] += 1
            db.session.commit()
            pause()  # building and logging a mail is CPU, not I/O: the rooms go first
    finally:
        if conn is not None:
            conn.__exit__(None, None, None)
    return result


def requeue_failed() -> int:
    rows = list(db.session.scalars(select(Outbox).where(Outbox.status == "failed")))
    for row in rows:
        requeue(row)
    db.session.commit()
    return len(rows)


def requeue(row: Outbox, now: datetime | None = None) -> None:
    """Queue a failed (or waiting) row again, due now, with a fresh count of attempts."""
    row.status, row.attempts, row.next_attempt_at = "queued", 0, now or utcnow()
    row.locked_until, row.failed_at = None, None
