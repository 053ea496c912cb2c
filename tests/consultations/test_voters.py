"""One rule of who votes: the people told that a vote is open are exactly those who may cast a
ballot (votes and notifications both read app.consultations.voters)."""
from app.consultations.voters import voters
from app.extensions import db
from app.votes.eligibility import can_vote, name_deputy


def test_those_told_of_a_vote_are_those_who_may_vote(factory):
    c = factory.consultation(status="live")  # the default voters: government, employers, workers
    people = factory.tripartite(c)
    gov = people["government"]
    gov_org = gov.organisation
    adviser = factory.participant(c, user=factory.user("adviser", org=gov_org), role="adviser").user
    idle_adviser = factory.participant(c, user=factory.user("adviser", org=gov_org), role="adviser").user
    pending = factory.participant(c, credentials="pending", constituency="workers").user
    observer = factory.participant(c, user=factory.user("observer", "observer"), role="observer").user
    stakeholder = factory.participant(c, constituency="stakeholder").user
    name_deputy(gov, c, adviser.id)
    db.session.commit()
    everyone = [u for u in (*people.values(), adviser, idle_adviser, pending, observer, stakeholder)]
    may_vote = {u.id for u in everyone if can_vote(u, c)}
    assert {u.id for u in voters(c)} == may_vote
    assert adviser.id in may_vote and gov.id in may_vote
    assert not {idle_adviser.id, pending.id, observer.id, stakeholder.id} & may_vote
