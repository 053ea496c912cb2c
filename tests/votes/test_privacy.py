"""What each ballot publishes: roll call names, show of hands counts per group, secret totals."""
import json

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from app.core.realtime import RoomEvent
from app.extensions import db
from app.votes.models import SecretChoice, SecretTally, VoterRecord
from tests.votes.conftest import vote

CHOICES = {"government": "yes", "employers": "no", "workers": "yes"}


def _run(api, factory, motion, c, voters, **body):
    m = motion(c, **body)
    for g, users in voters.items():
        for u in users:
            vote(api, u, m["id"], CHOICES[g])
    viewer = voters["government"][0]
    while_open = api("GET", f"/motions/{m['id']}", viewer).json
    closed = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json
    return m["id"], viewer, while_open, closed


def _public_texts(api, c, motion_id, viewer):
    """Everything a participant can read about the motion, as text."""
    texts = [json.dumps(api("GET", f"/motions/{motion_id}", viewer).json),
             json.dumps(api("GET", f"/motions/{motion_id}/results.json", viewer).json),
             api("GET", f"/motions/{motion_id}/results.csv", viewer).get_data(as_text=True),
             json.dumps(api("GET", f"/consultations/{c.id}/motions", viewer).json)]
    events = db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id))
    texts += [json.dumps(e.to_dict()) for e in events]
    return texts


@pytest.mark.parametrize("ballot", ["roll_call", "show_of_hands", "secret"])
def test_nothing_of_the_running_result_while_open(voting, api, factory, motion, ballot):
    c, voters = voting()
    m = motion(c, ballot=ballot)
    vote(api, voters["government"][0], m["id"], "yes")
    body = api("GET", f"/motions/{m['id']}", voters["workers"][0]).json
    assert body["result"] is None and body["turnout"]["government"] == 1 and body["voted"] == 1
    assert "yes" not in json.dumps({k: v for k, v in body.items() if k not in ("options", "rule_words")})
    r = api("GET", f"/motions/{m['id']}/results.json", voters["workers"][0])
    assert r.status_code == 409


def test_roll_call_publishes_who_voted_what(voting, api, factory, motion):
    c, voters = voting()
    mid, viewer, _, closed = _run(api, factory, motion, c, voters, ballot="roll_call")
    votes = {v["user_id"]: v["choice"] for v in closed["result"]["votes"]}
    assert votes == {voters[g][0].id: CHOICES[g] for g in CHOICES}
    assert voters["employers"][0].name in api("GET", f"/motions/{mid}/results.csv", viewer).get_data(as_text=True)


def test_show_of_hands_publishes_counts_per_constituency_and_no_names(voting, api, factory, motion):
    c, voters = voting()
    mid, viewer, _, closed = _run(api, factory, motion, c, voters, ballot="show_of_hands")
    r = closed["result"]
    assert r["by_constituency"]["employers"] == {"yes": 0, "no": 1, "abstain": 0} and "votes" not in r
    for text in _public_texts(api, c, mid, viewer):
        for users in voters.values():
            assert users[0].name not in text
    audit = api("GET", f"/motions/{mid}/audit", factory.secretariat).json["items"]
    assert all("choice" not in a["detail"] for a in audit)


def test_secret_small_groups_publish_totals_only(voting, api, factory, motion):
    c, voters = voting()
    mid, viewer, _, closed = _run(api, factory, motion, c, voters, ballot="secret", rule="constituency_majority")
    r = closed["result"]
    assert r["tallies"] == {"yes": 2, "no": 1, "abstain": 0}
    assert r["by_constituency"] is None and "votes" not in r and r["reason_params"] == {}
    assert r["arithmetic"]["groups"] is None
    assert r["outcome"] == "not_carried" and "employers" not in r["reason"]
    assert r["turnout"] == {"government": 1, "employers": 1, "workers": 1}  # who voted is public, not what
    for text in _public_texts(api, c, mid, viewer):
        assert '"no": 1, "abstain": 0}, "workers"' not in text
        assert "employers,0,1" not in text.replace(" ", "")
        for users in voters.values():
            assert users[0].name not in text
    mine = api("GET", f"/motions/{mid}/ballots/mine", voters["employers"][0]).json
    assert mine["voted"] is True and "choice" not in mine
    audit = api("GET", f"/motions/{mid}/audit", factory.secretariat).json["items"]
    assert [a["action"] for a in audit].count("ballot") == 3
    assert all("choice" not in a["detail"] for a in audit)


def test_secret_groups_of_three_publish_per_constituency(voting, api, factory, motion):
    c, voters = voting(per_group=3)
    _, _, _, closed = _run(api, factory, motion, c, voters, ballot="secret", rule="weighted")
    r = closed["result"]
    assert r["by_constituency"]["employers"] == {"yes": 0, "no": 3, "abstain": 0}
    assert (r["reason_params"]["weighted_yes"], r["reason_params"]["weighted_no"]) == (3, 1)


def test_secret_storage_keeps_voter_and_choice_apart(voting, api, factory, motion):
    assert {col.name for col in sa_inspect(SecretChoice).columns} == {"id", "motion_id", "constituency", "choice"}
    assert "choice" not in {col.name for col in sa_inspect(VoterRecord).columns}
    c, voters = voting(per_group=2)
    m = motion(c, ballot="secret")
    for users in voters.values():
        for u in users:
            vote(api, u, m["id"], "yes")
    before = set(db.session.scalars(select(SecretChoice.id).where(SecretChoice.motion_id == m["id"])))
    assert len(before) == 6 and all(len(k) == 32 for k in before)
    again = vote(api, voters["workers"][0], m["id"], "no")
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    # sealed at close: no per-ballot row is left, only the totals the result publishes
    assert db.session.scalars(select(SecretChoice.id).where(SecretChoice.motion_id == m["id"])).all() == []
    tally = db.session.execute(select(SecretTally.constituency, SecretTally.choice, SecretTally.votes)
                               .where(SecretTally.motion_id == m["id"])).all()
    assert tally == [("", "yes", 6)]  # groups of 2 are below the minimum: no group is kept
