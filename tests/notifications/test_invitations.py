"""Invitations: the e-mail, the one-time sign-up link, and who has accepted."""
import re
from datetime import UTC, datetime

import icalendar

from app.extensions import db
from tests.notifications.notif_support import parts, path_of

START = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
END = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def _links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def _invite(factory, c, user):
    from app.consultations import participants as consultation_participants
    consultation_participants.invite(factory.secretariat, c, user_id=user.id)
    db.session.commit()


def test_invitation_mail_has_scope_local_dates_and_a_working_link(factory, smtp, run_worker, client, login):
    c = factory.consultation(status="scheduled", title="Labour migration statistics", starts_at=START, ends_at=END,
                             description="Harmonising labour migration data.")
    user = factory.user("delegate", "workers")
    user.timezone = "Africa/Nairobi"
    db.session.commit()
    _invite(factory, c, user)
    run_worker()

    (msg,) = smtp.to(user.email)
    assert msg["To"].addresses[0].addr_spec == user.email and msg["To"].addresses[0].display_name == user.name
    assert msg["From"].addresses[0].addr_spec == "no-reply@baraza.local"
    assert "Invitation: Labour migration statistics" in msg["Subject"]
    text, html = parts(msg)
    assert "Regional consultation (ECOWAS)" in text
    assert "Tuesday 1 December 2026, 09:00 Africa/Nairobi (UTC+03:00)" in text
    assert "Thursday 3 December 2026, 17:00 Africa/Nairobi (UTC+03:00)" in text
    assert "Harmonising labour migration data." in html
    assert "/welcome/" not in text  # the person has a password already
    link = f"http://localhost/consultations/{c.id}"
    assert link in text and f'href="{link}"' in html
    # the .ics attachment is the session, in UTC
    (att,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    ev = icalendar.Calendar.from_ical(att.get_content()).walk("VEVENT")[0]
    assert ev.decoded("dtstart") == START
    # the link works for the invitee
    login(user)
    page = client.get(path_of(link))
    assert page.status_code == 200 and b"Labour migration statistics" in page.data
    # and an in-app notice was made
    api = client.get("/api/v1/notifications").json
    assert api["unread"] == 1 and api["items"][0]["kind"] == "invited"


def test_new_person_sets_password_once_through_signup_link(factory, smtp, run_worker, client, app):
    from app.accounts.services import create_user
    c = factory.consultation(status="scheduled", starts_at=START)
    org = factory.org("employers")
    newcomer = create_user(factory.secretariat, "newcomer@example.org", "New Delegate", "delegate", org.id)
    db.session.commit()
    assert newcomer.password_hash is None
    _invite(factory, c, newcomer)
    run_worker()

    (msg,) = smtp.to("newcomer@example.org")
    text, html = parts(msg)
    signup = next(u for u in _links(text) if "/welcome/" in u)
    assert f'href="{signup}"' in html
    assert "expires in 7 days" in text

    form = client.get(path_of(signup))
    assert form.status_code == 200 and b"New Delegate" in form.data
    short = client.post(path_of(signup), data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    differ = client.post(path_of(signup), data={"password": "a-long-password-1", "confirm": "another-long-one"})
    assert differ.status_code == 422
    done = client.post(path_of(signup), data={"password": "a-long-password-1", "confirm": "a-long-password-1"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/consultations/{c.id}")
    assert client.get(f"/consultations/{c.id}").status_code == 200  # signed in

    again = client.get(path_of(signup))
    assert again.status_code == 410 and b"used already" in again.data
    replay = client.post(path_of(signup), data={"password": "hijacked-password", "confirm": "hijacked-password"})
    assert replay.status_code == 410
    client.post("/logout")
    assert client.post("/login", data={"email": "newcomer@example.org",
                                       "password": "a-long-password-1"}).status_code == 302

    # the secretariat sees the invitation accepted
    from app.notifications.models import Invitation
    inv = db.session.query(Invitation).filter_by(user_id=newcomer.id).one()
    assert inv.accepted_at is not None and inv.mailed_at is not None


def test_expired_and_forged_signup_links_are_refused(factory, client, app):
    from app.accounts.services import create_user
    from app.notifications.welcome import welcome_token
    org = factory.org("workers")
    newcomer = create_user(factory.secretariat, "late@example.org", "Late Delegate", "delegate", org.id)
    db.session.commit()
    token = welcome_token(newcomer)
    app.config["INVITE_MAX_AGE"] = -1
    expired = client.get(f"/welcome/{token}")
    assert expired.status_code == 410 and b"expired" in expired.data
    app.config["INVITE_MAX_AGE"] = 3600
    assert client.get(f"/welcome/{token}").status_code == 200
    assert client.get(f"/welcome/{token[:-3]}xyz").status_code == 404
    assert client.post(f"/welcome/{token}x", data={"password": "a-long-password-1",
                                                   "confirm": "a-long-password-1"}).status_code == 404


def test_draft_invitation_waits_until_scheduled(factory, smtp, run_worker, api):
    from app.consultations import services
    c = factory.consultation(status="draft", starts_at=START)
    user = factory.user("delegate", "government")
    outsider = factory.user("delegate", "government")
    _invite(factory, c, user)
    run_worker()
    assert smtp.messages == []
    assert api(user).json["items"] == []

    services.change_status(factory.secretariat, c, "scheduled")
    db.session.commit()
    run_worker()
    (msg,) = smtp.to(user.email)
    assert "Invitation" in msg["Subject"]
    assert smtp.to(outsider.email) == []
    kinds = [n["kind"] for n in api(user).json["items"]]
    assert kinds == ["invited"]  # the invitation, not a second "scheduled" notice
    assert api(outsider).json["items"] == []


def test_invitation_is_mailed_even_when_notices_are_off(factory, smtp, run_worker, api):
    c = factory.consultation(status="scheduled")
    user = factory.user()
    put = api(user, "PUT", "/api/v1/notifications/settings", json={"email": "off"})
    assert put.status_code == 200
    _invite(factory, c, user)
    run_worker()
    assert len(smtp.to(user.email)) == 1


def test_accept_on_the_consultation_page_and_the_board(factory, client, login, run_worker):
    c = factory.consultation(status="scheduled")
    p = factory.participant(c, credentials="pending")
    other = factory.participant(c, constituency="workers")
    run_worker()
    login(p.user)
    page = client.get(f"/consultations/{c.id}")
    assert b"Accept the invitation" in page.data
    resp = client.post(f"/consultations/{c.id}/invitation/accept")
    assert resp.status_code == 302
    assert b"You accepted this invitation" in client.get(f"/consultations/{c.id}").data
    client.post("/logout")

    login(factory.secretariat)
    board = client.get(f"/consultations/{c.id}").data.decode()
    assert "Invitations" in board and "1 of 2 accepted." in board
    assert p.user.name in board and other.user.name in board
    # the secretariat is not a participant here: nothing to accept
    assert client.post(f"/consultations/{c.id}/invitation/accept").status_code == 403


def test_outsider_cannot_accept(factory, client, login):
    c = factory.consultation(status="scheduled")
    outsider = factory.user()
    login(outsider)
    assert client.post(f"/consultations/{c.id}/invitation/accept").status_code == 404


def test_invited_again_after_removal_gets_a_new_invitation(factory, smtp, run_worker, client, login):
    c = factory.consultation(status="scheduled")
    p = factory.participant(c)
    user = p.user
    run_worker()
    login(user)
    client.post(f"/consultations/{c.id}/invitation/accept")
    from app.consultations import participants as consultation_participants
    consultation_participants.remove_participant(factory.secretariat, c, p.id)
    db.session.commit()
    _invite(factory, c, user)
    run_worker()
    assert len(smtp.to(user.email)) == 2
    assert b"Accept the invitation" in client.get(f"/consultations/{c.id}").data


def test_a_french_invitation_signs_up_in_french_and_the_account_keeps_it(factory, smtp, run_worker, client):
    """The sign-up page speaks the invitation's language (whatever the browser asks for), and the
    language the person read it in becomes the account's; the switcher still wins."""
    from app.accounts.services import create_user, set_language
    c = factory.consultation(status="scheduled", starts_at=START)
    org = factory.org("workers")
    people = {}
    for key, email in (("fr", "nouvelle@example.org"), ("switched", "switched@example.org")):
        people[key] = create_user(factory.secretariat, email, f"Delegate {key}", "delegate", org.id)
        set_language(people[key], "fr")
    db.session.commit()
    for user in people.values():
        _invite(factory, c, user)
    run_worker()
    headers = {"Accept-Language": "en-GB,en;q=0.9"}
    (msg,) = smtp.to("nouvelle@example.org")
    signup = path_of(next(u for u in _links(parts(msg)[0]) if "/welcome/" in u))
    page = client.get(signup, headers=headers).get_data(as_text=True)
    assert '<html lang="fr"' in page
    done = client.post(signup, data={"password": "a-long-password-1", "confirm": "a-long-password-1"},
                       headers=headers)
    assert done.status_code == 302
    landing = client.get(done.headers["Location"], headers=headers).get_data(as_text=True)
    assert '<html lang="fr"' in landing
    db.session.refresh(people["fr"])
    assert people["fr"].language == "fr"

    client.post("/logout")
    other = client.application.test_client()
    (msg,) = smtp.to("switched@example.org")
    signup = path_of(next(u for u in _links(parts(msg)[0]) if "/welcome/" in u))
    other.post("/language", data={"language": "pt", "next": signup})
    assert '<html lang="pt"' in other.get(signup).get_data(as_text=True)
    other.post(signup, data={"password": "another-long-pass-2", "confirm": "another-long-pass-2"})
    db.session.refresh(people["switched"])
    assert people["switched"].language == "pt"


def test_the_secretariat_chooses_the_language_of_a_new_persons_invitation(factory, client, login):
    org = factory.org("employers")
    login(factory.secretariat)
    resp = client.post("/admin/users", data={"email": "ar@example.org", "name": "Arabic Delegate",
                                             "role": "delegate", "organisation_id": org.id, "language": "ar"})
    assert resp.status_code == 302
    from app.accounts.models import User
    assert db.session.query(User).filter_by(email="ar@example.org").one().language == "ar"
    bad = client.post("/admin/users", data={"email": "xx@example.org", "name": "X", "role": "delegate",
                                            "organisation_id": org.id, "language": "xx"})
    assert bad.status_code == 422
