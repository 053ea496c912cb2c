"""Class 3: mail that mail clients trust. Each message is read back from a real SMTP server with
the email package: Date, Message-ID, List-Unsubscribe with one-click (RFC 8058), lang/dir on the
HTML, a charset on the calendar part; the one-click POST works without a session or a CSRF
token and refuses forged and expired links; links follow BARAZA_HOST/BARAZA_PORT by default."""
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest

from app.consultations import services as consultations
from app.extensions import db
from app.notifications.dispatch import dispatch_pending
from app.notifications.mailer import build_message, send_due
from app.notifications.models import Notification, NotificationSetting, Outbox
from tests.security.mail_support import smtp  # noqa: F401  (fixture)

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
END = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _participant(factory, language="en"):
    c = factory.consultation(status="scheduled", starts_at=START, ends_at=END, title="Youth employment")
    user = factory.user("delegate", "workers")
    user.language = language
    db.session.commit()
    factory.participant(c, user)
    return c, user


def _run():
    dispatch_pending()
    return send_due()


def _go_live(factory, c):
    consultations.change_status(factory.secretariat, c, "live")
    db.session.commit()
    return _run()


def _unsubscribe_url(msg) -> str:
    value = str(msg["List-Unsubscribe"]).strip()  # a long value is folded onto its own line
    m = re.fullmatch(r"<(https?://[^>]+)>", value)
    assert m, value
    return m.group(1)


def test_every_mail_has_date_message_id_and_notifications_one_click_unsubscribe(factory, smtp):  # noqa: F811
    c, user = _participant(factory)
    before = datetime.now(UTC).replace(microsecond=0)
    _run()
    assert _go_live(factory, c)["sent"] == 1
    invitation, notice = smtp.to(user.email)
    ids = set()
    for msg in (invitation, notice):
        date = parsedate_to_datetime(str(msg["Date"]))
        assert date.tzinfo is not None and before - timedelta(seconds=1) <= date <= datetime.now(UTC)
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", str(msg["Message-ID"]))
        ids.add(str(msg["Message-ID"]))
        assert msg["From"].addresses[0].addr_spec == "no-reply@baraza.local"
        assert msg["To"].addresses[0].addr_spec == user.email
        assert msg["Auto-Submitted"] == "auto-generated"
    assert len(ids) == 2
    assert notice["Subject"] == "[Baraza] Youth employment is live now."
    url = _unsubscribe_url(notice)
    assert url.startswith("http://localhost/unsubscribe/")
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The body offers the same, visibly, in both parts.
    assert re.search(r"http://localhost/unsubscribe/\S+", notice.get_body(("plain",)).get_content())
    assert 'href="http://localhost/unsubscribe/' in notice.get_body(("html",)).get_content()
    # Invitations are mailed whatever the setting: no unsubscribe that would not stop them.
    assert invitation["List-Unsubscribe"] is None and invitation["List-Unsubscribe-Post"] is None
    assert "/unsubscribe/" not in invitation.get_body(("plain",)).get_content()


def test_calendar_part_names_its_charset_and_method(factory, smtp):  # noqa: F811
    _c, user = _participant(factory)
    _run()
    (msg,) = smtp.to(user.email)
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("charset") == "utf-8"
    body = part.get_payload(decode=True)
    assert b"\r\n" in body  # iCalendar's CRLF line ends survive the MIME encoding
    cal = icalendar.Calendar.from_ical(body)
    assert part.get_param("method") == str(cal["METHOD"]) == "PUBLISH"


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr"), ("fr", "ltr"), ("pt", "ltr")])
def test_html_mail_names_its_language_and_direction(factory, smtp, language, direction):  # noqa: F811
    c, user = _participant(factory, language)
    _run()
    _go_live(factory, c)
    for msg in smtp.to(user.email):
        html = msg.get_body(("html",)).get_content()
        assert re.search(rf'<html lang="{language}" dir="{direction}">', html), html[:200]


def test_message_id_and_date_stay_the_same_when_a_row_is_sent_again(factory, app):
    user = factory.user()
    row = Outbox(user_id=user.id, to_addr=user.email, subject="Hello", text_body="Hi", kind="notification")
    db.session.add(row)
    db.session.commit()
    first, again = build_message(row, "Baraza <no-reply@baraza.local>"), build_message(row, "no-reply@baraza.local")
    assert first["Message-ID"] == again["Message-ID"] and first["Date"] == again["Date"]


def _enable_csrf(app, login, user):
    """Turn the CSRF check on (the test config has it off) and show, with another browser, that
    it is on: an ordinary signed-in form post without the token is refused."""
    other = login(user, c=app.test_client())
    other.environ_base.pop("HTTP_X_CSRFTOKEN", None)  # the login fixture hands it the page's token
    app.config["WTF_CSRF_ENABLED"] = True
    assert other.post("/notifications/settings", data={"email_mode": "digest"}).status_code == 400


def _mode(user) -> str:
    db.session.expire_all()
    s = db.session.get(NotificationSetting, user.id)
    return s.email_mode if s else "immediate"


def test_one_click_post_turns_notification_mail_off_without_session_or_csrf(factory, smtp, app, client, login):  # noqa: F811
    c, user = _participant(factory)
    _run()
    _go_live(factory, c)
    url = _unsubscribe_url(smtp.to(user.email)[-1])
    path = urlsplit(url).path
    _enable_csrf(app, login, user)

    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="{path}"' in html and "<button" in html
    assert _mode(user) == "immediate"

    resp = client.post(path, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 200
    assert _mode(user) == "off"
    assert client.post(path, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 200  # idempotent

    # The next notice reaches the app, not the mailbox.
    from app.notifications import delivery
    sent_before = len(smtp.to(user.email))
    delivery.notify(user, c, "session.live", {"title": c.title}, f"/consultations/{c.id}")
    db.session.commit()
    assert send_due() == {"sent": 0, "failed": 0}
    assert len(smtp.to(user.email)) == sent_before
    assert db.session.query(Notification).filter_by(user_id=user.id, kind="session.live").count() == 2


def _token_from(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[1]


@pytest.mark.parametrize("forge", ["tampered", "other_salt", "garbage", "deactivated"])
def test_forged_unsubscribe_links_are_refused_and_change_nothing(factory, smtp, app, client, login, forge):  # noqa: F811
    c, user = _participant(factory)
    _run()
    _go_live(factory, c)
    token = _token_from(_unsubscribe_url(smtp.to(user.email)[-1]))
    if forge == "tampered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif forge == "other_salt":
        from app.notifications.welcome import welcome_token
        token = welcome_token(user)
    elif forge == "garbage":
        token = "not-a-token"
    else:
        user.is_active = False
        db.session.commit()
    _enable_csrf(app, login, factory.secretariat)
    assert client.get(f"/unsubscribe/{token}").status_code == 404
    assert client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 404
    assert _mode(user) == "immediate"


def test_expired_unsubscribe_link_is_refused(factory, app, client, monkeypatch):
    from app.notifications.unsubscribe import unsubscribe_token
    user = factory.user()
    app.config["UNSUBSCRIBE_MAX_AGE"] = 3600
    import itsdangerous.timed
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() - 7200)
    token = unsubscribe_token(user.id)
    monkeypatch.undo()
    assert client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 400
    assert client.get(f"/unsubscribe/{token}").status_code == 400
    assert _mode(user) == "immediate"
    fresh = unsubscribe_token(user.id)
    assert client.post(f"/unsubscribe/{fresh}").status_code == 200 and _mode(user) == "off"


def test_links_follow_host_and_port_when_base_url_is_unset(factory, smtp, app):  # noqa: F811
    app.config.update(BASE_URL=None, HOST="127.0.0.1", PORT=5123)
    c, user = _participant(factory)
    _run()
    _go_live(factory, c)
    invitation, notice = smtp.to(user.email)
    assert "http://127.0.0.1:5123/consultations/" in invitation.get_body(("plain",)).get_content()
    assert "http://localhost" not in invitation.get_body(("plain",)).get_content()
    assert _unsubscribe_url(notice).startswith("http://127.0.0.1:5123/unsubscribe/")
    (part,) = [p for p in invitation.iter_attachments() if p.get_content_type() == "text/calendar"]
    (ev,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(ev["URL"]).startswith("http://127.0.0.1:5123/consultations/")
    assert str(ev["UID"]).endswith("@127.0.0.1")


def _configured_base_url(**env) -> str:
    """What config.py makes of the environment, read in a fresh interpreter (it reads it once)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BARAZA_")}
    clean.update(BARAZA_SECRET_KEY="x", **env)
    code = ("from config import Config, listen_url; c = Config.load(); "
            "print(c.BASE_URL or listen_url(c.HOST, c.PORT))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip()


def test_configured_base_url_follows_baraza_host_and_port():
    assert _configured_base_url() == "http://127.0.0.1:5000"
    assert _configured_base_url(BARAZA_HOST="10.1.2.3", BARAZA_PORT="8123") == "http://10.1.2.3:8123"
    assert _configured_base_url(BARAZA_HOST="::1", BARAZA_PORT="8123") == "http://[::1]:8123"
    assert _configured_base_url(BARAZA_HOST="10.1.2.3", BARAZA_PORT="8123",
                                BARAZA_BASE_URL="https://baraza.example.org") == "https://baraza.example.org"
