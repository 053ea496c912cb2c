"""The sender: delivers queued Outbox rows over SMTP (or to the log), retrying with backoff.

A row is claimed by setting locked_until in a short transaction, sent outside any transaction,
then marked sent, or given attempts+1 and a next_attempt_at further away. Several senders may
run at once (PostgreSQL skips rows another sender holds); a sender that dies leaves a claim
that expires, and the row is sent again: delivery is at least once, never lost.
"""
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import or_, select

from app.core.db import utcnow
from app.extensions import db
from app.notifications.models import Outbox

log = logging.getLogger("baraza.mail")
BACKOFF_BASE = 30          # seconds before the first retry; doubled each attempt
BACKOFF_CAP = 3600         # never wait more than an hour between attempts
MAX_ATTEMPTS = 20          # then the row is marked failed and kept (send-mail --requeue-failed)
CLAIM = timedelta(minutes=5)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def build_message(row: Outbox, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(idstring=f"outbox{row.id}", domain=sender.rpartition("@")[2].strip("> ") or None)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    if row.ics:
        msg.add_attachment(row.ics.encode(), maintype="text", subtype="calendar", filename="session.ics",
                           params={"method": "PUBLISH"})
    return msg


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


def _failed(row: Outbox, err: Exception, now: datetime) -> None:
    row.attempts += 1
    row.last_error = f"{type(err).__name__}: {err}"[:500]
    row.locked_until = None
    row.next_attempt_at = now + backoff(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
        log.error("giving up on mail %s to %s after %s attempts: %s", row.id, row.to_addr, row.attempts,
                  row.last_error)
    else:
        log.warning("mail %s to %s failed (attempt %s, next at %s): %s", row.id, row.to_addr, row.attempts,
                    row.next_attempt_at.isoformat(), row.last_error)


def send_due(now: datetime | None = None, limit: int = 50) -> dict:
    """Send the queued messages that are due; returns {"sent": n, "failed": n}."""
    now = now or utcnow()
    ids = _claim(now, limit)
    result = {"sent": 0, "failed": 0}
    if not ids:
        return result
    sender = sender_address()
    rows = [db.session.get(Outbox, i) for i in ids]
    db.session.commit()  # no transaction stays open while we talk to the mail server
    try:
        conn = transport().__enter__()
    except (smtplib.SMTPException, OSError) as err:
        for row in rows:
            _failed(row, err, now)
        result["failed"] = len(rows)
        db.session.commit()
        return result
    try:
        for row in rows:
            try:
                conn.send(build_message(row, sender))
            except (smtplib.SMTPException, OSError) as err:
                _failed(row, err, now)
                result["failed"] += 1
            else:
                row.status, row.sent_at, row.locked_until = "sent", utcnow(), None
                row.attempts += 1
                row.last_error = None
                result["sent"] += 1
            db.session.commit()
    finally:
        conn.__exit__(None, None, None)
    return result


def requeue_failed() -> int:
    rows = list(db.session.scalars(select(Outbox).where(Outbox.status == "failed")))
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = "queued", 0, utcnow()
    db.session.commit()
    return len(rows)
