"""Who votes: accepted delegates of voting constituencies, and deputies in their delegate's slot."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.votes.models import Ballot
from tests.votes.conftest import vote


@pytest.mark.parametrize("role,credentials,constituency,allowed", [
    ("delegate", "accepted", "government", True),
    ("delegate", "accepted", "workers", True),
    ("delegate", "pending", "government", False),
    ("delegate", "rejected", "employers", False),
    ("adviser", "accepted", "government", False),
    ("observer", "accepted", "observer", False),
    ("chair", "accepted", "government", False),      # the chair votes only as a delegate
    ("delegate", "accepted", "stakeholder", False),  # no vote unless the consultation gives one
])
def test_eligibility_matrix(voting, api, factory, motion, role, credentials, constituency, allowed):
    c, _ = voting()
    p = factory.participant(c, user=factory.user("adviser" if role == "adviser" else "delegate", constituency),
                            role=role, credentials=credentials)
    m = motion(c)
    r = vote(api, p.user, m["id"], "yes")
    if allowed:
        assert r.status_code == 201
    else:
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert api("GET", f"/motions/{m['id']}/ballots/mine", p.user).json["eligible"] is allowed


def test_stakeholders_vote_when_the_consultation_gives_them_a_vote(voting, api, factory, motion):
    c, voters = voting(groups=("government", "employers", "workers", "stakeholder"),
                       voting_constituencies=["government", "employers", "workers", "stakeholder"])
    m = motion(c, ballot="show_of_hands")
    assert vote(api, voters["stakeholder"][0], m["id"], "no").status_code == 201
    detail = api("GET", f"/motions/{m['id']}", voters["government"][0]).json
    assert detail["turnout"] == {"government": 0, "employers": 0, "workers": 0, "stakeholder": 1}
    r = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json["result"]
    assert r["by_constituency"]["stakeholder"] == {"yes": 0, "no": 1, "abstain": 0}


@pytest.fixture
def delegation(voting, factory):
    """A live consultation, a government delegate and two advisers of the same ministry."""
    c, voters = voting()
    delegate = voters["government"][0]
    advisers = [factory.participant(c, user=factory.user("adviser", org=delegate.organisation), role="adviser").user
                for _ in range(2)]
    return c, voters, delegate, advisers


def test_deputy_votes_in_the_delegates_slot_never_both(delegation, api, factory, motion):
    c, voters, delegate, (adviser, _) = delegation
    m = motion(c, ballot="roll_call")
    assert vote(api, adviser, m["id"], "yes").status_code == 403  # not yet a deputy
    r = api("POST", f"/consultations/{c.id}/substitutes", delegate, {"user_id": adviser.id})
    assert r.status_code == 201 and r.json["user_id"] == adviser.id and r.json["deputy_of_id"] is not None
    assert vote(api, delegate, m["id"], "no").status_code == 201
    replaced = vote(api, adviser, m["id"], "yes")
    assert replaced.status_code == 200 and replaced.json["replaced"] is True
    assert db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.motion_id == m["id"])) == 1
    assert api("GET", f"/motions/{m['id']}/ballots/mine", delegate).json["choice"] == "yes"
    result = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json["result"]
    assert result["tallies"] == {"yes": 1, "no": 0, "abstain": 0} and result["voted"] == 1
    (entry,) = result["votes"]
    assert entry["user_id"] == delegate.id and entry["cast_by"]["user_id"] == adviser.id


def test_deputy_cannot_replace_a_secret_ballot(delegation, api, motion):
    c, voters, delegate, (adviser, _) = delegation
    api("POST", f"/consultations/{c.id}/substitutes", delegate, {"user_id": adviser.id})
    m = motion(c, ballot="secret")
    assert vote(api, delegate, m["id"], "no").status_code == 201
    r = vote(api, adviser, m["id"], "yes")
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"


def test_naming_a_new_deputy_replaces_the_old_one_and_it_can_be_withdrawn(delegation, api, motion):
    c, voters, delegate, (first, second) = delegation
    api("POST", f"/consultations/{c.id}/substitutes", delegate, {"user_id": first.id})
    api("POST", f"/consultations/{c.id}/substitutes", delegate, {"user_id": second.id})
    m = motion(c)
    assert vote(api, first, m["id"], "yes").status_code == 403
    assert vote(api, second, m["id"], "yes").status_code == 201
    assert api("DELETE", f"/consultations/{c.id}/substitutes", delegate).status_code == 200
    assert vote(api, second, m["id"], "no").status_code == 403


def test_substitute_refusals(delegation, api, factory):
    c, voters, delegate, (adviser, _) = delegation
    other_org_adviser = factory.participant(c, user=factory.user("adviser", "government"), role="adviser").user
    outsider_same_org = factory.user("adviser", org=delegate.organisation)  # not a participant
    other_delegate = factory.participant(c, user=factory.user("delegate", org=delegate.organisation)).user
    cases = [
        (adviser, {"user_id": adviser.id}, 403),                    # an adviser cannot name a deputy
        (delegate, {"user_id": other_org_adviser.id}, 422),         # another organisation
        (delegate, {"user_id": outsider_same_org.id}, 422),         # not taking part
        (delegate, {"user_id": other_delegate.id}, 422),            # a delegate, not an adviser
        (delegate, {"user_id": "x"}, 422),
        (factory.secretariat, {"user_id": adviser.id}, 403),
    ]
    for user, body, status in cases:
        r = api("POST", f"/consultations/{c.id}/substitutes", user, body)
        assert r.status_code == status, (body, r.json)
        assert r.json["error"]["code"] == {403: "forbidden", 422: "invalid"}[status]
    api("POST", f"/consultations/{c.id}/substitutes", delegate, {"user_id": adviser.id})
    r = api("POST", f"/consultations/{c.id}/substitutes", other_delegate, {"user_id": adviser.id})
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"
    outsider = factory.user("delegate", "workers")
    assert api("POST", f"/consultations/{c.id}/substitutes", outsider, {"user_id": adviser.id}).status_code == 404


def test_a_deputy_of_a_delegate_without_accepted_credentials_cannot_vote(voting, api, factory, motion):
    c, _ = voting()
    pending = factory.participant(c, credentials="pending")
    adviser = factory.participant(c, user=factory.user("adviser", org=pending.organisation), role="adviser").user
    assert api("POST", f"/consultations/{c.id}/substitutes", pending.user, {"user_id": adviser.id}).status_code == 201
    m = motion(c)
    assert vote(api, adviser, m["id"], "yes").status_code == 403
