"""The meeting link of a hybrid sitting in the invitation e-mail and in the .ics (URL and, the
consultation having no physical venue, LOCATION); a reader who does not sit gets neither."""
from datetime import UTC, datetime

import icalendar

from app.extensions import db
from tests.notifications.notif_support import parts

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
URL = "https://meet.example.org/rec-labour-2026"


def test_invitation_mail_and_its_ics_carry_the_bridge(factory, smtp, run_worker):
    from app.consultations import participants as consultation_participants
    c = factory.consultation(status="scheduled", title="Hybrid sitting", starts_at=START, meeting_url=URL)
    user = factory.user("delegate", "workers")
    consultation_participants.invite(factory.secretariat, c, user_id=user.id)
    db.session.commit()
    run_worker()
    (msg,) = smtp.to(user.email)
    text, html = parts(msg)
    assert f"Join remotely: {URL}" in text and f'<a href="{URL}">{URL}</a>' in html
    (att,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    (ev,) = icalendar.Calendar.from_ical(att.get_content()).walk("VEVENT")
    assert str(ev["url"]) == URL and str(ev["location"]) == URL
    assert f"/consultations/{c.id}" in str(ev["description"])  # the consultation's page stays findable


def test_ics_download_has_it_for_a_participant_not_for_a_public_reader(factory, client, login):
    c = factory.consultation(status="scheduled", starts_at=START, meeting_url=URL, is_public=True)
    p = factory.participant(c)
    login(p.user)
    (ev,) = icalendar.Calendar.from_ical(client.get(f"/consultations/{c.id}/calendar.ics").data).walk("VEVENT")
    assert str(ev["url"]) == URL and str(ev["location"]) == URL
    client.post("/logout")
    login(factory.user("delegate", "employers"))
    body = client.get(f"/consultations/{c.id}/calendar.ics").data
    (ev,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert URL.encode() not in body and str(ev["url"]).endswith(f"/consultations/{c.id}")


def test_without_a_bridge_the_ics_points_to_the_consultation(factory, client, login):
    c = factory.consultation(status="scheduled", starts_at=START)
    login(factory.participant(c).user)
    (ev,) = icalendar.Calendar.from_ical(client.get(f"/consultations/{c.id}/calendar.ics").data).walk("VEVENT")
    assert str(ev["url"]).endswith(f"/consultations/{c.id}") and str(ev["location"]) == str(ev["url"])
