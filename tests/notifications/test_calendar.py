"""Calendar files: one session's .ics (UTC, stable UID, SEQUENCE after a move) and the feed."""
from datetime import UTC, datetime

import icalendar

from app.extensions import db

START = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


def _vevents(data: bytes):
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def test_session_ics_in_utc_with_stable_uid_and_sequence(factory, client, login, api):
    c = factory.consultation(status="scheduled", title="Remittances dialogue", starts_at=START,
                             ends_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    p = factory.participant(c)
    p.user.timezone = "Africa/Kigali"
    db.session.commit()
    login(p.user)
    resp = client.get(f"/consultations/{c.id}/calendar.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    assert b"DTSTART:20261201T073000Z" in resp.data
    (ev,) = _vevents(resp.data)
    assert ev.decoded("dtstart") == START and ev.decoded("dtstart").utcoffset().total_seconds() == 0
    assert ev.decoded("dtend") == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert str(ev["summary"]) == "Remittances dialogue"
    uid, seq = str(ev["uid"]), int(ev["sequence"])
    assert uid == f"consultation-{c.id}@127.0.0.1" and seq == 0
    assert b"Add to calendar" in client.get(f"/consultations/{c.id}").data

    moved = api(factory.secretariat, "PATCH", f"/api/v1/consultations/{c.id}",
                json={"starts_at": "2026-12-08T07:30:00Z", "ends_at": "2026-12-08T15:00:00Z"})
    assert moved.status_code == 200
    (ev2,) = _vevents(client.get(f"/consultations/{c.id}/calendar.ics").data)
    assert str(ev2["uid"]) == uid and int(ev2["sequence"]) == 1
    assert ev2.decoded("dtstart") == datetime(2026, 12, 8, 7, 30, tzinfo=UTC)


def test_session_ics_refusals(factory, client, login):
    c = factory.consultation(status="scheduled", starts_at=START)
    undated = factory.consultation(status="scheduled")
    draft = factory.consultation(status="draft", starts_at=START)
    p = factory.participant(c)
    factory.participant(undated, user=p.user)
    factory.participant(draft, user=p.user)
    assert client.get(f"/consultations/{c.id}/calendar.ics").status_code == 302  # sign in first
    login(p.user)
    assert client.get(f"/consultations/{undated.id}/calendar.ics").status_code == 404
    assert client.get(f"/consultations/{draft.id}/calendar.ics").status_code == 404
    outsider_c = factory.consultation(status="scheduled", starts_at=START)
    assert client.get(f"/consultations/{outsider_c.id}/calendar.ics").status_code == 404


def test_personal_feed_lists_only_visible_sessions_and_can_be_revoked(factory, client, api):
    mine = factory.consultation(status="scheduled", title="Mine", starts_at=START)
    hidden_draft = factory.consultation(status="draft", title="Draft one", starts_at=START)
    others = factory.consultation(status="scheduled", title="Not mine", starts_at=START)
    p = factory.participant(mine)
    factory.participant(hidden_draft, user=p.user)
    factory.participant(others)
    url = api(p.user, "PUT", "/api/v1/notifications/settings", json={"calendar": "regenerate"}).json["calendar_url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = client.get("/" + path)  # no sign-in: the secret token is the credential
    assert feed.status_code == 200
    summaries = [str(e["summary"]) for e in _vevents(feed.data)]
    assert summaries == ["Mine"]

    new_url = api(p.user, "PUT", "/api/v1/notifications/settings", json={"calendar": "regenerate"}).json["calendar_url"]
    assert new_url != url
    assert client.get("/" + path).status_code == 404
    new_path = "/" + new_url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(new_path).status_code == 200
    assert api(p.user, "PUT", "/api/v1/notifications/settings", json={"calendar": "revoke"}).json["calendar_url"] is None
    assert client.get(new_path).status_code == 404
    assert client.get("/calendar/guess.ics").status_code == 404


def test_feed_of_a_deactivated_person_stops(factory, client, api):
    c = factory.consultation(status="scheduled", starts_at=START)
    p = factory.participant(c)
    url = api(p.user, "PUT", "/api/v1/notifications/settings", json={"calendar": "regenerate"}).json["calendar_url"]
    p.user.is_active = False
    db.session.commit()
    assert client.get("/" + url.split("://", 1)[1].split("/", 1)[1]).status_code == 404


def test_a_held_and_archived_meeting_stays_confirmed(factory, client, login):
    """It was reported as STATUS:CANCELLED (archived, with its start date still ahead)."""
    from app.consultations.services import change_status
    c = factory.consultation(status="closed", starts_at=START)
    p = factory.participant(c)
    change_status(factory.secretariat, c, "archived")
    db.session.commit()
    login(p.user)
    (ev,) = _vevents(client.get(f"/consultations/{c.id}/calendar.ics").data)
    assert str(ev["status"]) == "CONFIRMED"
