"""Amendments on the floor: the secretariat puts an amendment to the vote; the motion's result
decides it (carried: a new version crediting the proposer; otherwise rejected, the result as reason)."""
import pytest

from app.documents.models import Amendment
from app.extensions import db


def propose(docs, setting, who="employers"):
    r = docs.post(f"/documents/{setting['id']}/amendments", setting[who],
                  {"anchor": "p4", "text": "Recruitment fees and costs shall never be charged to workers."})
    assert r.status_code == 201, r.json
    return r.json


def put(docs, setting, am, who="secretariat"):
    return docs.post(f"/amendments/{am['id']}/motion", setting[who])


def run_vote(docs, setting, motion, choices):
    sec = setting["secretariat"]
    assert docs.post(f"/motions/{motion['id']}/open", sec).status_code == 200
    for who, choice in choices.items():
        r = docs.post(f"/motions/{motion['id']}/ballots", setting[who], {"choice": choice})
        assert r.status_code == 201, r.json
    r = docs.post(f"/motions/{motion['id']}/close", sec)
    assert r.status_code == 200, r.json
    return r.json


@pytest.fixture
def chaired(setting, factory):
    chair = factory.user("delegate", "government")
    factory.participant(setting["c"], chair, role="chair")
    return {**setting, "chair": chair}


@pytest.mark.parametrize("who,status,code", [
    ("chair", 403, "forbidden"), ("government", 403, "forbidden"), ("observer", 403, "forbidden"),
    ("outsider", 404, "not_found")])
def test_only_the_secretariat_puts_an_amendment_to_the_vote(chaired, docs, who, status, code):
    am = propose(docs, chaired)
    r = put(docs, chaired, am, who)
    assert r.status_code == status and r.json["error"]["code"] == code and r.json["error"]["message"]


def test_the_motion_is_a_draft_under_the_consultations_rule(setting, docs):
    sec = setting["secretariat"]
    assert docs.post(f"/consultations/{setting['c'].id}", sec, {"rule": "two_thirds"}, method="patch").status_code == 200
    am = propose(docs, setting)
    r = put(docs, setting, am)
    assert r.status_code == 201, r.json
    m = r.json
    assert m["status"] == "draft" and m["rule"] == "two_thirds" and m["ballot"] == "show_of_hands"
    assert f"{am['id']}" in m["question"] and "p4" in m["question"]
    again = put(docs, setting, am)
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"


def test_without_a_rule_a_simple_majority_decides(setting, docs):
    m = put(docs, setting, propose(docs, setting)).json
    assert m["rule"] == "simple"


def test_carried_accepts_into_a_new_version_crediting_the_proposer(setting, docs):
    am = propose(docs, setting)
    m = put(docs, setting, am).json
    closed = run_vote(docs, setting, m, {"government": "yes", "employers": "yes", "workers": "no"})
    assert closed["result"]["outcome"] == "carried"
    decided = next(x for x in docs.post(f"/documents/{setting['id']}/amendments", setting["government"],
                                        method="get").json["items"] if x["id"] == am["id"])
    assert decided["status"] == "accepted" and decided["resulting_version_number"] == 2
    assert decided["motion_id"] == m["id"] and decided["reason_code"] == "motion_result"
    v = docs.get(setting["id"]).json["current_version"]
    assert v["number"] == 2 and v["amendment_id"] == am["id"]
    assert setting["employers"].organisation.name in v["note"] and setting["employers"].name in v["note"]
    assert "never be charged" in next(p for p in v["paragraphs"] if p["anchor"] == "p4")["html"]


def test_lost_rejects_with_the_result_as_reason_code(setting, docs):
    am = propose(docs, setting)
    m = put(docs, setting, am).json
    closed = run_vote(docs, setting, m, {"government": "no", "employers": "yes", "workers": "no"})
    assert closed["result"]["outcome"] == "not_carried"
    row = db.session.get(Amendment, am["id"])
    db.session.refresh(row)
    assert row.status == "rejected" and row.reason == "" and row.reason_code == "motion_result"
    assert row.reason_params["outcome"] == "not_carried" and row.reason_params["motion_id"] == m["id"]
    assert row.reason_params["reason_code"] == closed["result"]["reason_code"]
    shown = next(x for x in docs.post(f"/documents/{setting['id']}/amendments", setting["workers"],
                                      method="get").json["items"] if x["id"] == am["id"])
    assert str(m["id"]) in shown["reason"] and "not carried" in shown["reason"]
    assert docs.get(setting["id"]).json["current_version_number"] == 1


def test_an_amendment_decided_by_hand_meanwhile_is_left_alone(setting, docs):
    am = propose(docs, setting)
    m = put(docs, setting, am).json
    assert docs.post(f"/amendments/{am['id']}/reject", setting["secretariat"], {"reason": "Withdrawn"}).status_code == 200
    run_vote(docs, setting, m, {"government": "yes", "employers": "yes"})
    row = db.session.get(Amendment, am["id"])
    db.session.refresh(row)
    assert row.status == "rejected" and row.reason == "Withdrawn" and row.reason_code is None


def test_reader_offers_the_vote_to_the_secretariat_only(setting, docs, login, client):
    am = propose(docs, setting)
    login(setting["secretariat"])
    page = client.get(f"/documents/{setting['id']}").get_data(as_text=True)
    assert f"/amendments/{am['id']}/motion" in page
    r = client.post(f"/amendments/{am['id']}/motion", data={"back": f"/documents/{setting['id']}"})
    assert r.status_code == 302 and "/motions/" in r.headers["Location"]
    client.post("/logout")
    login(setting["government"])
    assert f"/amendments/{am['id']}/motion" not in client.get(f"/documents/{setting['id']}").get_data(as_text=True)
