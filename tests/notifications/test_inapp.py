"""In-app notifications: the list, unread count, marking read, settings, digest, live updates."""
from datetime import UTC, datetime, timedelta

import pytest

from app.core.realtime import record_event
from app.documents.event_types import DocumentVersion
from app.extensions import db, socketio
from tests.notifications.notif_support import parts


@pytest.fixture
def scene(factory, run_worker):
    c = factory.consultation(status="scheduled", title="Fair recruitment")
    people = factory.tripartite(c)
    run_worker()  # the invitations
    return c, people


def _event(factory, c, n=1, actor=None):
    for i in range(n):
        record_event(c.id, DocumentVersion(document_id=1, title=f"Guide {i}", number=i + 2, note=""), actor or factory.secretariat)
    db.session.commit()


def test_list_unread_count_and_mark_read(scene, factory, run_worker, api):
    c, people = scene
    gov, emp = people["government"], people["employers"]
    _event(factory, c, 3)
    run_worker()
    body = api(gov).json
    assert body["unread"] == 4 and len(body["items"]) == 4 and body["next"] is None
    newest = body["items"][0]
    assert newest["kind"] == "document.version" and newest["text"] == "Version 4 of Guide 2 is out (Fair recruitment)."
    assert newest["link"] == f"/consultations/{c.id}" and newest["read_at"] is None
    assert set(newest) >= {"id", "kind", "consultation_id", "text", "params", "link", "created_at", "read_at"}

    paged = api(gov, path="/api/v1/notifications?limit=2").json
    assert len(paged["items"]) == 2 and paged["next"]
    rest = api(gov, path=f"/api/v1/notifications?limit=2&cursor={paged['next']}").json
    assert [n["id"] for n in rest["items"]] == [n["id"] for n in body["items"][2:]]

    other_id = api(emp).json["items"][0]["id"]
    resp = api(gov, "POST", "/api/v1/notifications/read", json={"ids": [newest["id"], other_id]})
    assert resp.status_code == 200 and resp.json == {"unread": 3}
    assert api(emp).json["unread"] == 4  # someone else's id is ignored
    assert api(gov, path="/api/v1/notifications?unread=1").json["items"][0]["id"] != newest["id"]
    assert api(gov, "POST", "/api/v1/notifications/read", json={"all": True}).json == {"unread": 0}


@pytest.mark.parametrize("body,field", [({}, "ids"), ({"ids": "1"}, "ids"), ({"ids": [True]}, "ids"),
                                        ({"all": "yes"}, "all")])
def test_mark_read_refuses_bad_bodies(scene, api, body, field):
    _c, people = scene
    resp = api(people["workers"], "POST", "/api/v1/notifications/read", json=body)
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "invalid"
    assert field in resp.json["error"]["fields"] if "fields" in resp.json["error"] else True


def test_api_needs_a_caller(client):
    for method, path in (("GET", "/api/v1/notifications"), ("POST", "/api/v1/notifications/read"),
                         ("GET", "/api/v1/notifications/settings"), ("PUT", "/api/v1/notifications/settings")):
        resp = client.open(path, method=method, json={})
        assert resp.status_code == 401 and resp.json["error"]["code"] == "unauthenticated"


def test_settings_api(scene, api):
    _c, people = scene
    user = people["workers"]
    got = api(user, path="/api/v1/notifications/settings").json
    assert got == {"email": "immediate", "timezone": "UTC", "calendar_url": None,
                   "email_modes": ["immediate", "digest", "off"]}
    put = api(user, "PUT", "/api/v1/notifications/settings",
              json={"email": "digest", "timezone": "Africa/Lagos", "calendar": "regenerate"})
    assert put.status_code == 200
    assert put.json["email"] == "digest" and put.json["timezone"] == "Africa/Lagos"
    assert put.json["calendar_url"].startswith("http://") and put.json["calendar_url"].endswith(".ics")
    bad = api(user, "PUT", "/api/v1/notifications/settings", json={"email": "hourly"})
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    bad_tz = api(user, "PUT", "/api/v1/notifications/settings", json={"timezone": "Mars/Olympus"})
    assert bad_tz.status_code == 422
    assert api(user, path="/api/v1/notifications/settings").json["email"] == "digest"


def test_email_off_keeps_in_app_only(scene, factory, smtp, run_worker, api):
    c, people = scene
    user = people["employers"]
    api(user, "PUT", "/api/v1/notifications/settings", json={"email": "off"})
    before = len(smtp.to(user.email))
    _event(factory, c)
    run_worker()
    assert len(smtp.to(user.email)) == before
    assert api(user).json["items"][0]["kind"] == "document.version"
    assert len(smtp.to(people["government"].email)) == before + 1


def test_daily_digest_collects_and_sends_once_a_day(scene, factory, smtp, run_worker, api):
    from app.notifications.jobs import send_digests
    from app.notifications.mailer import send_due
    c, people = scene
    user = people["workers"]
    api(user, "PUT", "/api/v1/notifications/settings", json={"email": "digest", "timezone": "Africa/Nairobi"})
    before = len(smtp.to(user.email))
    _event(factory, c, 2)
    run_worker()
    assert len(smtp.to(user.email)) == before  # nothing immediately

    early = datetime(2030, 3, 4, 3, 0, tzinfo=UTC)  # 06:00 in Nairobi: before the digest hour
    assert send_digests(early) == 0
    morning = datetime(2030, 3, 4, 5, 0, tzinfo=UTC)  # 08:00 in Nairobi
    assert send_digests(morning) == 1
    send_due(morning)
    (digest,) = smtp.to(user.email)[before:]
    assert "daily digest: 2 notices" in digest["Subject"]
    text, html = parts(digest)
    assert "Version 2 of Guide 0" in text and "Version 3 of Guide 1" in text
    assert f'href="http://localhost/consultations/{c.id}"' in html

    _event(factory, c)
    run_worker()
    assert send_digests(morning + timedelta(hours=3)) == 0  # one a day
    assert send_digests(morning + timedelta(days=1)) == 1


def test_digest_leaves_out_what_the_reader_can_no_longer_see(scene, factory, smtp, run_worker, api):
    from app.consultations import participants as consultation_participants
    from app.consultations.models import Participant
    from app.notifications.jobs import send_digests
    c, people = scene
    user = people["workers"]
    api(user, "PUT", "/api/v1/notifications/settings", json={"email": "digest"})
    _event(factory, c)
    run_worker()
    p = db.session.query(Participant).filter_by(consultation_id=c.id, user_id=user.id).one()
    consultation_participants.remove_participant(factory.secretariat, c, p.id)
    db.session.commit()
    assert send_digests(datetime(2030, 1, 1, 12, tzinfo=UTC)) == 0


def test_pages_list_and_mark_read(scene, factory, run_worker, client, login):
    c, people = scene
    user = people["government"]
    _event(factory, c)
    run_worker()
    login(user)
    page = client.get(f"/consultations/{c.id}")
    assert b"Notifications (2 unread)" in page.data  # the header link
    listing = client.get("/notifications")
    assert listing.status_code == 200
    assert b"Version 2 of Guide 0 is out (Fair recruitment)." in listing.data
    from app.notifications.models import Notification
    n = db.session.query(Notification).filter_by(user_id=user.id, kind="document.version").one()
    opened = client.get(f"/notifications/{n.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/consultations/{c.id}")
    assert b"Notifications (1 unread)" in client.get("/notifications").data
    assert client.post("/notifications/read", data={"all": "1"}).status_code == 302
    assert b"0 unread" in client.get("/notifications").data
    other = db.session.query(Notification).filter(Notification.user_id != user.id).first()
    assert client.get(f"/notifications/{other.id}").status_code == 404


def test_settings_page_saves_mode_zone_and_calendar(scene, client, login):
    _c, people = scene
    user = people["employers"]
    login(user)
    assert client.get("/notifications/settings").status_code == 200
    resp = client.post("/notifications/settings", data={"email_mode": "off", "timezone": "Africa/Cairo"})
    assert resp.status_code == 302
    page = client.get("/notifications/settings").data.decode()
    assert 'value="off" checked' in page and 'value="Africa/Cairo" selected' in page
    client.post("/notifications/settings", data={"calendar": "regenerate"})
    assert "/calendar/" in client.get("/notifications/settings").data.decode()
    bad = client.post("/notifications/settings", data={"email_mode": "sometimes"}, follow_redirects=True)
    assert b"email must be immediate, digest or off." in bad.data


def test_live_notification_reaches_the_users_room(scene, factory, app, client, login, run_worker):
    c, people = scene
    user, other = people["government"], people["workers"]
    login(user)
    other_client = app.test_client()
    login(other, c=other_client)
    cid, sec_id = c.id, factory.secretariat.id
    sock = socketio.test_client(app, flask_test_client=client)
    other_sock = socketio.test_client(app, flask_test_client=other_client)
    assert sock.is_connected() and other_sock.is_connected()
    sock.get_received()
    other_sock.get_received()

    from app.accounts.models import User
    from app.consultations.models import Consultation
    _event(factory, db.session.get(Consultation, cid), actor=db.session.get(User, sec_id))
    run_worker()
    got = [m for m in sock.get_received() if m["name"] == "notification"]
    assert len(got) == 1
    payload = got[0]["args"][0]
    assert payload["unread"] == 2
    assert payload["notification"]["text"] == "Version 2 of Guide 0 is out (Fair recruitment)."
    mine = [m for m in other_sock.get_received() if m["name"] == "notification"]
    assert len(mine) == 1 and mine[0]["args"][0]["notification"]["id"] != payload["notification"]["id"]

    client.post("/notifications/read", data={"all": "1"})
    got = [m for m in sock.get_received() if m["name"] == "notification"]
    assert got and got[-1]["args"][0] == {"unread": 0}
    sock.disconnect()
    other_sock.disconnect()
