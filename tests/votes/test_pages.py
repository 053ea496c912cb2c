"""The pages work without JavaScript: section, motion page, forms for drafting, voting, closing."""
import re

from flask import g
from sqlalchemy import select

from app.demo import seed_demo
from app.extensions import db
from app.votes.models import Motion
from app.votes.results import recompute


def _switch(client, login, user):
    """Sign out, then in as another user; the app fixture keeps one app context, so Flask-Login's
    cached user in flask.g must be forgotten too."""
    client.post("/logout")
    g.pop("_login_user", None)
    login(user)


def _motion_id(resp):
    return int(re.search(r"/motions/(\d+)", resp.headers["Location"]).group(1))


def test_secretariat_drafts_opens_and_closes_through_forms(client, login, voting, factory):
    c, voters = voting()
    login(factory.secretariat)
    page = client.get(f"/consultations/{c.id}")
    assert b"Motions and votes" in page.data and b"Draft a motion" in page.data
    r = client.post(f"/consultations/{c.id}/motions", data={
        "question": "Adopt the conclusions?", "options": "yes, no, abstain", "ballot": "show_of_hands",
        "rule": "two_thirds", "quorum": "half_of_eligible", "closes_at": ""})
    assert r.status_code == 302
    mid = _motion_id(r)
    assert db.session.get(Motion, mid).quorum == "half_of_eligible"
    client.post(f"/motions/{mid}/open")
    assert db.session.get(Motion, mid).status == "open"
    bad = client.post(f"/consultations/{c.id}/motions", data={"question": "x", "ballot": "roll_call",
                                                              "rule": "simple", "options": "for, against"})
    assert bad.status_code == 302
    assert b"must include" in client.get(bad.headers["Location"]).data
    _switch(client, login, voters["government"][0])
    page = client.get(f"/motions/{mid}")
    assert page.status_code == 200 and b'name="choice" value="yes"' in page.data
    assert b"Voting open" in page.data and b"data-turnout=\"government\"" in page.data
    r = client.post(f"/motions/{mid}/vote", data={"choice": "yes"}, follow_redirects=True)
    assert b"Your vote is recorded" in r.data
    assert client.post(f"/motions/{mid}/close").status_code == 302  # refused, flashed
    assert db.session.get(Motion, mid).status == "open"
    _switch(client, login, factory.secretariat)
    r = client.post(f"/motions/{mid}/close", follow_redirects=True)
    assert b"Void (no quorum)" in r.data and b"void: no quorum (1 vote cast, 2 required)" in r.data
    csv = client.get(f"/motions/{mid}/results.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert client.get(f"/motions/{mid}/results.json").json["result"]["outcome"] == "void_no_quorum"


def test_delegate_names_a_deputy_on_the_consultation_page(client, login, voting, factory):
    c, voters = voting()
    delegate = voters["workers"][0]
    adviser = factory.participant(c, user=factory.user("adviser", org=delegate.organisation), role="adviser").user
    login(delegate)
    page = client.get(f"/consultations/{c.id}")
    assert adviser.name.encode() in page.data and b"Deputy who may speak and vote" in page.data
    client.post(f"/consultations/{c.id}/deputy", data={"user_id": adviser.id})
    assert b"<strong>" + adviser.name.encode() in client.get(f"/consultations/{c.id}").data


def test_pages_hide_drafts_and_refuse_outsiders(client, login, voting, factory, motion):
    c, voters = voting()
    draft = motion(c, open=False)
    login(voters["government"][0])
    assert client.get(f"/motions/{draft['id']}").status_code == 404
    _switch(client, login, factory.user("delegate", "workers"))
    assert client.get(f"/motions/{draft['id']}").status_code == 404


def test_pages_have_no_inline_script_or_style(client, login, voting, factory, motion):
    c, voters = voting()
    m = motion(c)
    login(voters["government"][0])
    html = client.get(f"/motions/{m['id']}").get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html
    assert "js/votes.js" in html


def test_demo_hook_adds_a_closed_and_a_draft_motion_idempotently(app):
    seed_demo("demo-password-1")
    db.session.commit()
    seed_demo("demo-password-1")
    db.session.commit()
    from app.consultations.models import Consultation
    from app.minutes.demo import TITLE as PAST_SESSION
    past = db.session.scalar(select(Consultation.id).where(Consultation.title == PAST_SESSION))
    motions = list(db.session.scalars(select(Motion).where(Motion.consultation_id != past).order_by(Motion.id)))
    assert [m.status for m in motions] == ["closed", "draft"]
    closed = motions[0]
    assert closed.result["outcome"] == "carried" and closed.result["voted"] == 6
    assert recompute(closed) == closed.result
    # the past session's decision is a real vote too, taken once
    (decision,) = db.session.scalars(select(Motion).where(Motion.consultation_id == past))
    assert decision.status == "closed" and decision.result["outcome"] == "carried"
    assert recompute(decision) == decision.result


def test_the_secretariat_composes_a_rule_and_reads_it_in_words_before_opening(client, login, voting, factory):
    c, _voters = voting()
    login(factory.secretariat)
    form = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Compose a rule" in form and "Void unless the votes cast reach half of the delegates attending." in form
    r = client.post(f"/consultations/{c.id}/motions", data={
        "question": "Adopt the conclusions?", "options": "yes, no, abstain", "ballot": "roll_call", "rule": "compose",
        "r_unit": "member_state", "r_threshold": "two_thirds", "r_base": "entitled",
        "r_quorum": "entitled-2/3-present", "r_groups": "", "r_consensus_first": "1"})
    mid = _motion_id(r)
    assert db.session.get(Motion, mid).procedure["consensus_first"] is True
    page = client.get(f"/motions/{mid}").get_data(as_text=True)
    assert "Adopted if yes reaches two-thirds of the member states entitled to vote." in page
    assert "Void unless those present reach two-thirds of the member states entitled to vote." in page
    bad = client.post(f"/consultations/{c.id}/motions", data={
        "question": "Adopt?", "ballot": "roll_call", "rule": "compose", "r_unit": "member_state", "r_groups": "each"})
    assert "belongs to no constituency" in client.get(bad.headers["Location"]).get_data(as_text=True)


def test_the_secretariat_sets_the_consultations_rule_on_its_page(client, login, voting, factory):
    c, voters = voting()
    login(factory.secretariat)
    r = client.post(f"/consultations/{c.id}/rule", data={"rule": "ilo_two_thirds"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Adopted if yes reaches two-thirds of the votes cast. Void unless the votes cast reach half of the " \
           "delegates attending." in page
    db.session.expire_all()
    assert c.default_rule == "ilo_two_thirds"
    r = client.post(f"/consultations/{c.id}/motions", data={"question": "Adopt?", "ballot": "roll_call", "rule": ""})
    assert db.session.get(Motion, _motion_id(r)).rule == "ilo_two_thirds"
    _switch(client, login, voters["government"][0])
    assert client.post(f"/consultations/{c.id}/rule", data={"rule": "simple"}).status_code == 403
    db.session.expire_all()
    assert c.default_rule == "ilo_two_thirds"


def test_the_secretariat_opens_and_closes_from_the_live_room_and_comes_back_to_it(client, login, voting, factory, motion):
    """The room's vote controls post to the motion's page routes with `back` (a path of this
    site only); a delegate's post is refused there too."""
    c, voters = voting()
    room = f"/consultations/{c.id}/room"
    mid = motion(c, open=False)["id"]
    login(factory.secretariat)
    assert 'data-can-manage="true"' in client.get(room).get_data(as_text=True)
    r = client.post(f"/motions/{mid}/open", data={"back": room})
    assert r.status_code == 302 and r.headers["Location"].endswith(room)
    assert db.session.get(Motion, mid).status == "open"
    _switch(client, login, voters["government"][0])
    assert 'data-can-manage="false"' in client.get(room).get_data(as_text=True)
    r = client.post(f"/motions/{mid}/close", data={"back": room}, follow_redirects=True)
    assert db.session.get(Motion, mid).status == "open"
    assert b"Only the secretariat may change this consultation." in r.data
    _switch(client, login, factory.secretariat)
    r = client.post(f"/motions/{mid}/close", data={"back": "//elsewhere.example/room"})
    assert r.headers["Location"].endswith(f"/motions/{mid}")   # not another site
    assert db.session.get(Motion, mid).status == "closed"
