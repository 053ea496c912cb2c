"""Following a theme or a body: notices (in-app, and mail per the person's setting) when a
consultation, a decision or a position appears under it, only to those who may see it."""
import pytest
from sqlalchemy import select

SLUG = "skills-recognition"


@pytest.fixture
def theme(factory):
    from app.consultations.services import create_theme
    t = create_theme(factory.secretariat, SLUG, "Skills recognition")
    factory.db.session.commit()
    return t


def _dispatch():
    from app.notifications.dispatch import dispatch_pending
    dispatch_pending(gap_wait=0)


def _kinds(user) -> list[str]:
    from app.extensions import db
    from app.notifications.models import Notification
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _mails(user) -> int:
    from app.extensions import db
    from app.notifications.models import Outbox
    return len(list(db.session.scalars(select(Outbox.id).where(Outbox.to_addr == user.email,
                                                               Outbox.kind.startswith("follow.")))))


def test_following_a_theme_tells_of_new_consultations_one_may_see(factory, api, theme):
    follower, blind = factory.user("observer", "observer"), factory.user()
    for u in (follower, blind):
        assert api(u, "PUT", f"/api/v1/themes/{SLUG}/follow", json={"following": True}).json == {"following": True}
    assert api(follower, "GET", f"/api/v1/themes/{SLUG}").json["following"] is True
    factory.consultation(status="scheduled", title="Public one", themes=[SLUG], is_public=True)
    factory.consultation(status="scheduled", title="Private one", themes=[SLUG])
    _dispatch()
    assert _kinds(follower) == ["follow.consultation"]
    assert _kinds(blind) == ["follow.consultation"]  # the public one only: nothing of the private one
    assert _mails(follower) == 1


def test_mail_follows_the_persons_setting(factory, api, theme):
    from app.notifications.delivery import setting_for
    quiet = factory.user("observer", "observer")
    setting_for(quiet).email_mode = "off"
    factory.db.session.commit()
    api(quiet, "PUT", f"/api/v1/themes/{SLUG}/follow", json={"following": True})
    factory.consultation(status="scheduled", themes=[SLUG], is_public=True)
    _dispatch()
    assert _kinds(quiet) == ["follow.consultation"] and _mails(quiet) == 0


def test_unfollowing_stops_the_notices(factory, api, theme):
    follower = factory.user("observer", "observer")
    api(follower, "PUT", f"/api/v1/themes/{SLUG}/follow", json={"following": True})
    assert api(follower, "PUT", f"/api/v1/themes/{SLUG}/follow", json={"following": False}).json == {"following": False}
    factory.consultation(status="scheduled", themes=[SLUG], is_public=True)
    _dispatch()
    assert _kinds(follower) == []


def test_following_a_body_tells_of_decisions_and_positions(factory, api, make_body, add_member):
    from app.documents import contributions
    from app.documents import services as documents
    from app.votes import services as votes
    body = make_body(rule="simple")
    member = factory.user()
    add_member(body["id"], member.organisation)
    created = api(factory.secretariat, "POST", "/api/v1/consultations",
                  json={"title": "Session", "level": "continental", "body_id": body["id"]}).json
    from app.consultations import services as consultations
    from app.consultations import participants as consultation_participants
    c = consultations.get_consultation(created["id"])
    (p,) = c.participants
    consultation_participants.update_participant(factory.secretariat, c, p.id, credentials="accepted")
    for status in ("scheduled", "live"):
        consultations.change_status(factory.secretariat, c, status)
    factory.db.session.commit()
    watcher, outsider = factory.user("observer", "observer"), factory.user()
    consultation_participants.invite(factory.secretariat, c, user_id=watcher.id)
    factory.db.session.commit()
    for u in (watcher, outsider):
        assert api(u, "PUT", f"/api/v1/bodies/{body['id']}/follow", json={"following": True}).status_code == 200
    _dispatch()
    before = len(_kinds(watcher))
    doc = documents.create_document(factory.secretariat, c.id, {"title": "Report", "body": "Text.", "status": "open"})
    contributions.file_position(member, doc.id, "support", "Yes.")
    m = votes.create_motion(factory.secretariat, c, {"question": "Adopt the report?", "ballot": "roll_call"})
    votes.open_motion(factory.secretariat, m)
    votes.cast_ballot(member, m.id, "yes")
    votes.close_motion(factory.secretariat, m)
    factory.db.session.commit()
    _dispatch()
    assert [k for k in _kinds(watcher)[before:] if k.startswith("follow.")] == ["follow.position", "follow.decision"]
    assert [k for k in _kinds(outsider) if k.startswith("follow.")] == []  # may not see the session
    assert m.rule == "simple"  # the body's rule, the motion named none
