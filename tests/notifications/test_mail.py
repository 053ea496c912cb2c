"""The outbox sender: real SMTP, failures kept and retried with backoff, the log without SMTP."""
import logging
from datetime import timedelta

from app.consultations.event_types import SessionStatus
from app.core.db import utcnow
from app.core.realtime import record_event
from app.extensions import db
from tests.notifications.conftest import SMTPServer, free_port
from tests.notifications.notif_support import parts


def _queue_one(factory):
    c = factory.consultation(status="scheduled", title="Social protection")
    p = factory.participant(c)
    from app.notifications.dispatch import dispatch_pending
    dispatch_pending()
    return c, p.user


def _outbox():
    from app.notifications.models import Outbox
    db.session.expire_all()
    return db.session.query(Outbox).order_by(Outbox.id).all()


def test_smtp_down_keeps_the_message_and_retries_with_backoff(factory, app):
    from app.notifications import mailer
    port = free_port()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    _c, user = _queue_one(factory)
    (row,) = _outbox()
    assert row.status == "queued" and row.to_addr == user.email

    t0 = utcnow()
    assert mailer.send_due(t0) == {"sent": 0, "failed": 1}
    (row,) = _outbox()
    assert row.status == "queued" and row.attempts == 1 and "Connection refused" in row.last_error
    assert row.next_attempt_at - t0 == timedelta(seconds=30)
    assert mailer.send_due(t0 + timedelta(seconds=10)) == {"sent": 0, "failed": 0}  # not due yet
    assert mailer.send_due(t0 + timedelta(seconds=31)) == {"sent": 0, "failed": 1}
    (row,) = _outbox()
    assert row.attempts == 2 and row.next_attempt_at - (t0 + timedelta(seconds=31)) == timedelta(seconds=60)

    server = SMTPServer(port)
    server.start()
    try:
        assert mailer.send_due(t0 + timedelta(seconds=95)) == {"sent": 1, "failed": 0}
        (msg,) = server.to(user.email)
        assert "invites you to take part in this consultation" in parts(msg)[0]
        (row,) = _outbox()
        assert row.status == "sent" and row.sent_at is not None and row.last_error is None
        assert mailer.send_due(t0 + timedelta(hours=5)) == {"sent": 0, "failed": 0}  # sent once
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_backoff_is_capped_and_gives_up_without_deleting(factory, app):
    from app.notifications import mailer
    assert [mailer.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    _queue_one(factory)
    now = utcnow()
    for _ in range(mailer.MAX_ATTEMPTS):
        mailer.send_due(now)
        now += timedelta(hours=2)
    (row,) = _outbox()
    assert row.status == "failed" and row.attempts == mailer.MAX_ATTEMPTS
    assert mailer.requeue_failed() == 1
    (row,) = _outbox()
    assert row.status == "queued" and row.attempts == 0


def test_smtp_refusing_a_message_is_retried(factory, smtp, app):
    from app.notifications import mailer
    _c, user = _queue_one(factory)

    async def refuse(server, session, envelope):
        return "451 Try again later"
    original = smtp.handler.handle_DATA
    smtp.handler.handle_DATA = refuse
    t0 = utcnow()
    assert mailer.send_due(t0) == {"sent": 0, "failed": 1}
    (row,) = _outbox()
    assert "451" in row.last_error and row.status == "queued"
    smtp.handler.handle_DATA = original
    assert mailer.send_due(t0 + timedelta(seconds=30)) == {"sent": 1, "failed": 0}
    assert len(smtp.to(user.email)) == 1


def test_a_claimed_message_is_not_sent_twice(factory, smtp, app):
    from app.notifications import mailer
    from app.notifications.models import Outbox
    _queue_one(factory)
    now = utcnow()
    db.session.query(Outbox).update({"locked_until": now + timedelta(minutes=5)})  # another sender holds it
    db.session.commit()
    assert mailer.send_due(now) == {"sent": 0, "failed": 0}
    assert mailer.send_due(now + timedelta(minutes=6)) == {"sent": 1, "failed": 0}  # its claim expired


def test_without_smtp_url_mail_goes_to_the_log(factory, app, caplog):
    from app.notifications import mailer
    app.config["SMTP_URL"] = None
    _c, user = _queue_one(factory)
    with caplog.at_level(logging.INFO, logger="baraza.mail"):
        assert mailer.send_due() == {"sent": 1, "failed": 0}
    assert f"mail to {user.name} <{user.email}>: [Baraza] Invitation: Social protection" in caplog.text
    assert "You are invited" in caplog.text or "invites you" in caplog.text
    assert _outbox()[0].status == "sent"


def test_request_never_waits_for_smtp(factory, app, api):
    """Writing an event only queues: the request succeeds with the mail server down."""
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    c = factory.consultation(status="scheduled")
    factory.participant(c)
    resp = api(factory.secretariat, "PATCH", f"/api/v1/consultations/{c.id}", json={"starts_at": "2027-01-05T09:00:00Z"})
    assert resp.status_code == 200
    assert _outbox() == []  # nothing is even rendered in the request; the worker does it


def test_cli_send_mail_once_and_worker_once(factory, smtp, app):
    c = factory.consultation(status="scheduled")
    p = factory.participant(c)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert len(smtp.to(p.user.email)) == 1
    record_event(c.id, SessionStatus(status="live", previous="scheduled"), factory.secretariat)
    db.session.commit()
    from app.notifications.dispatch import dispatch_pending
    dispatch_pending()
    result = runner.invoke(args=["send-mail", "--once"])
    assert result.exit_code == 0, result.output
    assert len(smtp.to(p.user.email)) == 2
