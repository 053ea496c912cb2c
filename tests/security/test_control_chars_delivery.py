"""Class 2 (writer and delivery side): stored text with line breaks and control characters still
gives valid calendar files and mail, and one bad event or outbox row fails on its own, is retried
with back-off, is finally marked failed where the secretariat sees it, and blocks nobody else.

Titles and names are written straight into the database here, past the input validation, as
rows written before that rule existed would be. (PostgreSQL refuses NUL in text, so no NUL.)"""
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import func, select, update

from app.accounts.models import User
from app.consultations.models import Consultation
from app.core.realtime import RoomEvent
from app.extensions import db
from app.notifications import dispatch, mailer
from app.notifications.dispatch import dispatch_pending, retry_failed_events
from app.notifications.mailer import send_due
from app.notifications.models import DispatchCursor, DispatchFailure, Outbox
from tests.security.mail_support import smtp  # noqa: F401  (fixture)

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
END = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)

# (stored title, what a calendar reads back): line breaks of any kind become one escaped LF,
# tabs stay, other control characters are dropped.
TITLES = [
    ("Budget\nreview", "Budget\nreview"),
    ("Budget\r\nreview", "Budget\nreview"),
    ("Budget\rreview", "Budget\nreview"),
    ("Wages\u2028and\x85prices", "Wages\nand\nprices"),
    ("Tab\there \x1b[31mred\x07 bell\x7f", "Tab\there [31mred bell"),
    ("Semi;colon, comma\\slash", "Semi;colon, comma\\slash"),
]


def _poison_title(c: Consultation, title: str) -> None:
    db.session.execute(update(Consultation).where(Consultation.id == c.id).values(title=title))
    db.session.commit()
    db.session.expire_all()


def _assert_clean_ics(body: bytes) -> icalendar.Calendar:
    """Every content line is free of control characters other than a tab (RFC 5545 3.1)."""
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n"):
        assert not any(b < 0x20 and b != 0x09 or b == 0x7F for b in line), line
    return icalendar.Calendar.from_ical(body)


def _calname(cal: icalendar.Calendar) -> str:
    # icalendar does not know X-WR-CALNAME's type when parsing: unescape it as the TEXT it is.
    return icalendar.parser.unescape_backslash(str(cal["X-WR-CALNAME"]))


@pytest.mark.parametrize(("stored", "expected"), TITLES)
def test_consultation_ics_with_control_characters_is_valid_and_keeps_the_title(
        factory, client, login, stored, expected):
    c = factory.consultation(status="scheduled", starts_at=START, ends_at=END)
    _poison_title(c, stored)
    login(factory.secretariat)
    resp = client.get(f"/consultations/{c.id}/calendar.ics")
    assert resp.status_code == 200
    cal = _assert_clean_ics(resp.data)
    (ev,) = cal.walk("VEVENT")
    assert str(ev["SUMMARY"]) == expected
    assert _calname(cal) == expected


def test_personal_feed_with_a_control_character_in_the_name_is_valid(factory, client, login):
    c = factory.consultation(status="scheduled", starts_at=START, ends_at=END)
    user = factory.user("delegate", "workers")
    factory.participant(c, user)
    _poison_title(c, "Feed\r\ntitle")
    db.session.execute(update(User).where(User.id == user.id).values(name="Amina\nX-Injected: yes"))
    db.session.commit()
    login(user)
    assert client.post("/notifications/settings", data={"email_mode": "immediate",
                                                        "calendar": "regenerate"}).status_code == 302
    from app.notifications.models import NotificationSetting
    token = db.session.get(NotificationSetting, user.id).calendar_token
    client.post("/logout")
    resp = client.get(f"/calendar/{token}.ics")
    assert resp.status_code == 200
    cal = _assert_clean_ics(resp.data)
    assert _calname(cal) == "Baraza: Amina\nX-Injected: yes"
    assert b"\r\nX-INJECTED" not in resp.data.upper()
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Feed\ntitle"]


def test_invitations_for_a_title_with_a_line_break_still_go_out(factory, smtp):  # noqa: F811
    c = factory.consultation(status="scheduled", starts_at=START, ends_at=END)
    _poison_title(c, "Minimum wage\r\nBcc: outsider@example.org")
    people = [factory.user("delegate", k) for k in ("government", "employers", "workers")]
    for u in people:
        factory.participant(c, u)
    dispatch_pending()
    assert send_due() == {"sent": 3, "failed": 0}
    assert db.session.scalar(select(func.count(DispatchFailure.id))) == 0
    for u in people:
        (msg,) = smtp.to(u.email)
        assert msg["Subject"] == "[Baraza] Invitation: Minimum wage Bcc: outsider@example.org"
        assert msg["Bcc"] is None
        (att,) = list(msg.iter_attachments())
        cal = _assert_clean_ics(att.get_payload(decode=True))
        (ev,) = cal.walk("VEVENT")
        assert str(ev["SUMMARY"]) == "Minimum wage\nBcc: outsider@example.org"
    assert all("outsider@example.org" not in e.rcpt_tos for e in smtp.handler.envelopes)


def test_stored_subject_and_name_with_line_breaks_give_one_line_headers(factory, smtp):  # noqa: F811
    user = factory.user()
    db.session.add(Outbox(user_id=user.id, to_addr=user.email, to_name="Kofi\r\nBcc: outsider@example.org",
                          subject="Hello\nBcc: outsider@example.org\x1b", text_body="Hi", html_body="<p>Hi</p>",
                          kind="notification"))
    db.session.commit()
    assert send_due() == {"sent": 1, "failed": 0}
    (msg,) = smtp.to(user.email)
    assert msg["Subject"] == "Hello Bcc: outsider@example.org"
    assert msg["To"].addresses[0].display_name == "Kofi Bcc: outsider@example.org"
    assert msg["Bcc"] is None
    assert smtp.handler.envelopes[0].rcpt_tos == [user.email]


def _outbox(to_addr, subject="Notice", user_id=None, at=None):
    row = Outbox(user_id=user_id, to_addr=to_addr, subject=subject, text_body="Body", kind="notification",
                 created_at=at, next_attempt_at=at)
    db.session.add(row)
    db.session.flush()
    return row


def test_a_poisoned_or_refused_outbox_row_fails_alone_then_is_given_up_and_shown(
        factory, smtp, client, login, token):  # noqa: F811
    now = datetime.now(UTC)
    smtp.handler.refuse.add("refused@example.org")
    first = _outbox("first@example.org", at=now - timedelta(seconds=3))
    poisoned = _outbox("not an address", subject="Poisoned", at=now - timedelta(seconds=2))
    refused = _outbox("refused@example.org", subject="Refused", at=now - timedelta(seconds=2))
    last = _outbox("last@example.org", at=now - timedelta(seconds=1))
    db.session.commit()

    assert send_due(now) == {"sent": 2, "failed": 2}
    assert sorted(r for e in smtp.handler.envelopes for r in e.rcpt_tos) == ["first@example.org",
                                                                            "last@example.org"]
    db.session.expire_all()
    assert (first.status, last.status) == ("sent", "sent")
    assert (poisoned.status, poisoned.attempts, poisoned.failure_reason) == ("queued", 1, "invalid_message")
    assert (refused.status, refused.attempts, refused.failure_reason) == ("queued", 1, "recipient_refused")
    assert poisoned.next_attempt_at.replace(tzinfo=UTC) == now + mailer.backoff(1)

    # Not due yet: nothing is tried; rows queued later are not held up behind the failing ones.
    later = _outbox("later@example.org", at=now)
    db.session.commit()
    assert send_due(now + timedelta(seconds=1)) == {"sent": 1, "failed": 0}

    # Back-off doubles (30 s, 60 s, 120 s ... capped at an hour) until the last attempt.
    t = now
    gaps = []
    for attempt in range(2, mailer.MAX_ATTEMPTS + 1):
        db.session.expire_all()
        due = poisoned.next_attempt_at.replace(tzinfo=UTC)
        gaps.append((due - t).total_seconds())
        t = due
        assert send_due(t) == {"sent": 0, "failed": 2}
        db.session.expire_all()
        assert poisoned.attempts == attempt
    assert gaps[:4] == [30, 60, 120, 240] and max(gaps) == mailer.BACKOFF_CAP
    assert (poisoned.status, refused.status, later.status) == ("failed", "failed", "sent")
    assert send_due(t + timedelta(days=2)) == {"sent": 0, "failed": 0}  # given up: not tried again

    # The secretariat sees both with their reason codes, in the page and in the API.
    login(factory.secretariat)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Delivery problems (2)" in page
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert "not an address" in page and "invalid_message" in page
    assert "refused@example.org" in page and "recipient_refused" in page
    assert "first@example.org" not in page
    headers = token(factory.secretariat)
    body = client.get("/api/v1/notifications/failures", headers=headers).json
    assert {(m["to"], m["status"], m["reason"], m["attempts"]) for m in body["mails"]} == {
        ("not an address", "failed", "invalid_message", mailer.MAX_ATTEMPTS),
        ("refused@example.org", "failed", "recipient_refused", mailer.MAX_ATTEMPTS)}

    # The mailbox is fixed; the secretariat retries it; the next pass sends it.
    smtp.handler.refuse.clear()
    resp = client.post(f"/admin/deliveries/mail/{refused.id}/retry")
    assert resp.status_code == 302
    assert send_due() == {"sent": 1, "failed": 0}
    assert "refused@example.org" in [r for e in smtp.handler.envelopes for r in e.rcpt_tos]
    resp = client.post(f"/api/v1/notifications/failures/mails/{poisoned.id}/retry", headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "queued" and resp.json["attempts"] == 0


def test_only_the_secretariat_sees_and_retries_failures(factory, client, login, token):
    row = _outbox("nobody", at=datetime.now(UTC))
    row.status, row.attempts, row.failure_reason = "failed", 20, "invalid_message"
    db.session.commit()
    delegate = factory.user()
    login(delegate)
    assert client.get("/admin/deliveries").status_code == 403
    assert "Delivery problems" not in client.get("/dashboard").get_data(as_text=True)
    assert client.post(f"/admin/deliveries/mail/{row.id}/retry").status_code == 403
    headers = token(delegate)
    assert client.get("/api/v1/notifications/failures", headers=headers).status_code == 403
    assert client.post(f"/api/v1/notifications/failures/mails/{row.id}/retry", headers=headers).status_code == 403
    db.session.expire_all()
    assert row.status == "failed"


def _invite_event(factory, title):
    c = factory.consultation(status="scheduled", title=title, starts_at=START, ends_at=END)
    u = factory.user("delegate", "workers")
    factory.participant(c, u)
    ev_id = db.session.scalar(select(func.max(RoomEvent.id)).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "participant.invited"))
    return c, u, ev_id


def _breaking_handler(monkeypatch, bad_ids):
    real = dispatch.HANDLERS["participant.invited"]

    def handler(ev, c, data):
        real(ev, c, data)  # the partial work must be rolled back with the failure
        if c.id in bad_ids:
            raise RuntimeError("handler broke\non purpose")
    monkeypatch.setitem(dispatch.HANDLERS, "participant.invited", handler)


def test_a_failing_event_does_not_stop_the_events_after_it_and_is_retried(factory, smtp, monkeypatch):  # noqa: F811
    bad_c, bad_user, bad_ev = _invite_event(factory, "Breaks")
    good_c, good_user, good_ev = _invite_event(factory, "Works")
    bad = {bad_c.id}
    _breaking_handler(monkeypatch, bad)
    now = datetime.now(UTC)

    dispatch_pending(now=now)
    assert db.session.get(DispatchCursor, dispatch.CURSOR).last_event_id >= good_ev > bad_ev
    send_due()
    assert len(smtp.to(good_user.email)) == 1
    assert smtp.to(bad_user.email) == []  # nothing half-done of the failed event went out
    (fail,) = db.session.scalars(select(DispatchFailure))
    assert (fail.event_id, fail.status, fail.attempts, fail.reason) == (bad_ev, "retrying", 1, "handler_error")
    assert fail.next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=dispatch.RETRY_BASE)
    assert "\n" not in fail.last_error

    assert retry_failed_events(now + timedelta(seconds=10)) == 0  # not due yet
    bad.clear()  # whatever broke is mended
    assert retry_failed_events(now + timedelta(seconds=31)) == 1
    send_due(now + timedelta(seconds=31))
    assert len(smtp.to(bad_user.email)) == 1
    assert len(smtp.to(good_user.email)) == 1  # the good event was not handled twice
    assert db.session.scalar(select(func.count(DispatchFailure.id))) == 0


def test_an_event_that_keeps_failing_is_marked_failed_and_the_secretariat_can_retry_it(
        factory, smtp, monkeypatch, client, login, token):  # noqa: F811
    bad_c, bad_user, bad_ev = _invite_event(factory, "Keeps breaking")
    bad = {bad_c.id}
    _breaking_handler(monkeypatch, bad)
    t = datetime.now(UTC)
    dispatch_pending(now=t)
    for _ in range(dispatch.MAX_ATTEMPTS - 1):
        row = db.session.scalar(select(DispatchFailure))
        t = row.next_attempt_at.replace(tzinfo=UTC)
        assert retry_failed_events(t) == 0
    db.session.expire_all()
    row = db.session.scalar(select(DispatchFailure))
    assert (row.status, row.attempts) == ("failed", dispatch.MAX_ATTEMPTS)
    assert retry_failed_events(t + timedelta(days=1)) == 0
    db.session.expire_all()
    assert db.session.scalar(select(DispatchFailure)).attempts == dispatch.MAX_ATTEMPTS

    login(factory.secretariat)
    page = client.get("/admin/deliveries").get_data(as_text=True)
    assert f"#{bad_ev}" in page and "participant.invited" in page and "handler_error" in page
    body = client.get("/api/v1/notifications/failures", headers=token(factory.secretariat)).json
    assert [(e["event_id"], e["status"], e["reason"]) for e in body["events"]] == [
        (bad_ev, "failed", "handler_error")]

    bad.clear()
    assert client.post(f"/admin/deliveries/event/{row.id}/retry").status_code == 302
    assert retry_failed_events() == 1
    send_due()
    assert len(smtp.to(bad_user.email)) == 1
    assert db.session.scalar(select(func.count(DispatchFailure.id))) == 0
    assert "Delivery problems" not in client.get("/dashboard").get_data(as_text=True)
