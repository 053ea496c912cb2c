"""Rules of procedure through the doors: presets and rule objects on motions, refusals, the
register a present quorum reads, one vote per member state, consensus first and its follow-on."""
import pytest
from sqlalchemy import select

from app.core.realtime import RoomEvent
from app.extensions import db
from tests.votes.conftest import vote


def _participant_id(api, factory, c, user):
    people = api("GET", f"/consultations/{c.id}/participants", factory.secretariat).json["items"]
    return next(p["id"] for p in people if p["user_id"] == user.id)


def test_rules_lists_every_preset_with_its_object_and_words(api, factory):
    items = {i["name"]: i for i in api("GET", "/rules", factory.secretariat).json["items"]}
    assert {"simple", "two_thirds", "constituency_majority", "weighted", "consensus", "ilo_majority",
            "ilo_two_thirds", "au_consensus_two_thirds"} <= set(items)
    au = items["au_consensus_two_thirds"]
    assert au["rule"] == {"unit": "member_state", "threshold": "two_thirds", "base": "entitled",
                          "quorum": {"of": "entitled", "fraction": "2/3", "counted": "present"}, "groups": None,
                          "consensus_first": True}
    assert "two-thirds of the member states entitled to vote" in au["words"]


@pytest.mark.parametrize("body,field", [
    ({"rule": {"threshold": "two_thirds", "base": "everyone"}}, "rule.base"),
    ({"rule": {"quorum": {"of": "present", "fraction": "5/4"}}}, "rule.quorum.fraction"),
    ({"rule": {"groups": {"weights": {"stakeholder": 2}}}}, "rule.groups.weights"),
    ({"rule": "au_consensus_two_thirds", "ballot": "secret"}, "ballot"),
    ({"rule": None}, "rule"),
])
def test_impossible_rules_are_refused_with_422_naming_the_field(voting, api, factory, body, field):
    c, _voters = voting()
    r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat,
            {"question": "Adopt?", "ballot": "roll_call", **body})
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid"
    assert field in r.json["error"]["fields"]


def test_a_present_rule_needs_a_sitting_with_a_register(api, factory, motion):
    c = factory.consultation(status="scheduled")
    m = motion(c, open=False, rule="ilo_majority", closes_at="2099-01-01T00:00:00Z")
    r = api("POST", f"/motions/{m['id']}/open", factory.secretariat)
    assert r.status_code == 422 and "rule.quorum" in r.json["error"]["fields"]


def test_the_rule_of_a_draft_changes_and_of_an_open_motion_is_refused(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, open=False)
    r = api("PATCH", f"/motions/{m['id']}", factory.secretariat, {"rule": {"threshold": "three_quarters"}})
    assert r.status_code == 200 and r.json["rule_object"]["threshold"] == "three_quarters"
    assert r.json["rule"]["threshold"] == "three_quarters"  # a composed rule is shown as its object
    assert api("PATCH", f"/motions/{m['id']}", voters["government"][0], {"rule": "simple"}).status_code == 404
    api("POST", f"/motions/{m['id']}/open", factory.secretariat)
    r = api("PATCH", f"/motions/{m['id']}", factory.secretariat, {"rule": "simple"})
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"
    assert api("GET", f"/motions/{m['id']}", factory.secretariat).json["rule_object"]["threshold"] == "three_quarters"


def test_a_consultation_default_rule_applies_to_motions_that_name_none(voting, api, factory):
    c, _voters = voting()
    r = api("PATCH", f"/consultations/{c.id}", factory.secretariat, {"rule": {"threshold": "four"}})
    assert r.status_code == 422 and "rule.threshold" in r.json["error"]["fields"]
    assert api("PATCH", f"/consultations/{c.id}", factory.secretariat, {"rule": "ilo_two_thirds"}).json["rule"] == \
        "ilo_two_thirds"
    r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat, {"question": "Adopt?", "ballot": "roll_call"})
    assert r.status_code == 201 and r.json["rule"] == "ilo_two_thirds"
    assert r.json["rule_object"]["quorum"] == {"of": "present", "fraction": "1/2", "counted": "cast"}


def test_ilo_quorum_reads_the_register_frozen_with_the_result(voting, api, factory, motion):
    """Four delegates attend of six accredited: two votes cast reach half of those attending."""
    c, voters = voting(per_group=2)
    for user in (voters["government"][0], voters["employers"][0], voters["workers"][0], voters["workers"][1]):
        r = api("PUT", f"/consultations/{c.id}/attendance/{_participant_id(api, factory, c, user)}",
                factory.secretariat, {"present": True})
        assert r.status_code == 200
    assert r.json["present_count"] == 4 and r.json["entitled_count"] == 6
    m = motion(c, rule="ilo_majority")
    vote(api, voters["government"][0], m["id"], "yes")
    vote(api, voters["employers"][0], m["id"], "no")
    vote(api, voters["workers"][0], m["id"], "abstain")
    r = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json["result"]
    assert r["outcome"] == "not_carried"  # valid (2 cast >= 2), a tie is no majority
    assert (r["arithmetic"]["quorum_required"], r["arithmetic"]["quorum_counted"]) == (2, 2)
    assert r["arithmetic"]["present_count"] == 4 and "Quorum: 2 required, 2 counted." in r["arithmetic_words"]
    from app.votes.models import Motion
    from app.votes.results import recompute
    stored = db.session.get(Motion, m["id"])
    assert sorted(stored.register["present"]) and len(stored.register["present"]) == 4
    # someone checks out after the close: the frozen result and its recomputation stand
    api("PUT", f"/consultations/{c.id}/attendance/{_participant_id(api, factory, c, voters['workers'][1])}",
        factory.secretariat, {"present": False})
    assert recompute(stored) == stored.result


def test_one_vote_per_member_state_the_later_ballot_replaces(api, factory, motion):
    c = factory.consultation(status="live", level="continental", rec=None)
    people = {}
    for country in ("KE", "GH", "SN"):
        for g in ("government", "workers"):
            people[(country, g)] = factory.participant(c, user=factory.user(org=factory.org(g, country=country))).user
    m = motion(c, rule={"unit": "member_state", "threshold": "two_thirds", "base": "entitled"})
    vote(api, people[("KE", "government")], m["id"], "yes")
    vote(api, people[("GH", "government")], m["id"], "yes")
    vote(api, people[("SN", "government")], m["id"], "yes")
    vote(api, people[("SN", "workers")], m["id"], "no")  # later: Senegal's one vote is now no
    r = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json["result"]
    assert (r["arithmetic"]["yes"], r["arithmetic"]["no"], r["arithmetic"]["entitled_count"]) == (2, 1, 3)
    assert r["outcome"] == "carried" and r["by_constituency"] is None  # 2 of 3 states: two-thirds


def test_consensus_first_opens_the_follow_on_vote_linked_both_ways(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, rule={"threshold": "two_thirds", "consensus_first": True})
    vote(api, voters["government"][0], m["id"], "yes")
    vote(api, voters["employers"][0], m["id"], "yes")
    vote(api, voters["workers"][0], m["id"], "no")
    closed = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json
    r = closed["result"]
    assert r["outcome"] == "no_consensus" and r["reason"] == "no consensus: 1 vote against; the vote follows"
    nxt = api("GET", f"/motions/{r['next_motion_id']}", voters["workers"][0]).json
    assert nxt["status"] == "open" and nxt["previous_motion_id"] == m["id"] and nxt["question"] == m["question"]
    assert nxt["rule_object"]["consensus_first"] is False and nxt["rule_object"]["threshold"] == "two_thirds"
    types = [e.type for e in db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id)
                                                .order_by(RoomEvent.seq))]
    assert types[-2:] == ["motion.closed", "motion.opened"]  # announced in the room
    for user in (voters["government"][0], voters["employers"][0]):
        vote(api, user, nxt["id"], "yes")
    vote(api, voters["workers"][0], nxt["id"], "no")
    assert api("POST", f"/motions/{nxt['id']}/close", factory.secretariat).json["result"]["outcome"] == "carried"


def test_the_reason_is_in_the_readers_language(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c)
    vote(api, voters["government"][0], m["id"], "yes")
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    reader = voters["government"][0]
    en = api("GET", f"/motions/{m['id']}", reader).json["result"]["reason"]
    reader.language = "fr"
    db.session.commit()
    fr = api("GET", f"/motions/{m['id']}", reader).json["result"]
    assert en == "carried: 1 of 1 vote cast in favour, simple majority required"
    assert fr["reason"] != en and fr["reason_code"] == "threshold" and "1" in fr["reason"]


def test_the_minutes_state_the_reason_and_the_arithmetic_in_their_language(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, rule="two_thirds")
    vote(api, voters["government"][0], m["id"], "yes")
    vote(api, voters["employers"][0], m["id"], "yes")
    vote(api, voters["workers"][0], m["id"], "no")
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    r = api("POST", f"/consultations/{c.id}/minutes", factory.secretariat)
    assert r.status_code == 201, r.json
    body = r.json["body"]
    assert "carried: 2 of 3 votes cast in favour, two-thirds required" in body
    assert "Yes 2, no 1, abstentions 0." in body and "Yes required: 2." in body
