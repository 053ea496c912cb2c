"""Motions through the API: drafting, lifecycle refusals, time rule, results, audit, events."""
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from app.core.db import utcnow
from app.core.realtime import RoomEvent
from app.extensions import db
from app.votes.models import Motion, VoteAudit
from app.votes.results import recompute
from tests.votes.conftest import vote


def _err(resp, status, code):
    assert resp.status_code == status, resp.json
    assert set(resp.json["error"]) >= {"code", "message"} and resp.json["error"]["code"] == code


def test_secretariat_drafts_with_defaults_and_others_may_not(voting, api, factory):
    c, voters = voting()
    r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat,
            {"question": "Adopt?", "ballot": "secret", "rule": "two_thirds", "quorum": "half_of_eligible"})
    assert r.status_code == 201
    assert r.json["options"] == ["yes", "no", "abstain"] and r.json["status"] == "draft"
    assert r.json["quorum"] == "half_of_eligible" and r.json["result"] is None
    _err(api("POST", f"/consultations/{c.id}/motions", voters["workers"][0],
             {"question": "Adopt?", "ballot": "secret", "rule": "simple"}), 403, "forbidden")
    # drafts are the secretariat's: a delegate neither lists nor reads them
    assert api("GET", f"/consultations/{c.id}/motions", voters["workers"][0]).json["items"] == []
    _err(api("GET", f"/motions/{r.json['id']}", voters["workers"][0]), 404, "not_found")
    outsider = factory.user()
    _err(api("GET", f"/consultations/{c.id}/motions", outsider), 404, "not_found")


@pytest.mark.parametrize("body,field", [
    ({"ballot": "postal"}, "ballot"),
    ({"rule": "plurality"}, "rule"),
    ({"options": ["for", "against"]}, "options"),
    ({"options": ["yes", "yes", "no"]}, "options"),
    ({"quorum": 0}, "quorum"),
    ({"quorum": "most"}, "quorum"),
    ({"rule": "weighted", "weights": {"observer": 3}}, "weights"),
    ({"rule": "weighted", "weights": {"government": -1}}, "weights"),
    ({"closes_at": "2001-01-01T00:00:00Z"}, "closes_at"),
    ({"agenda_item_id": 99999}, "agenda_item_id"),
])
def test_invalid_motions_are_refused_with_the_field(voting, api, factory, body, field):
    c, _ = voting()
    data = {"question": "Adopt?", "ballot": "roll_call", "rule": "simple", **body}
    r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat, data)
    _err(r, 422, "invalid")
    assert field in r.json["error"].get("fields", {})


def test_weighted_motion_keeps_default_and_configured_weights(voting, api, factory):
    c, _ = voting(voting_constituencies=["government", "employers", "workers", "stakeholder"])
    r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat,
            {"question": "Adopt?", "ballot": "show_of_hands", "rule": "weighted", "weights": {"stakeholder": 0.5}})
    assert r.json["weights"] == {"government": 2, "employers": 1, "workers": 1, "stakeholder": 0.5}


def test_lifecycle_refusals(voting, api, factory, motion):
    c, voters = voting()
    gov = voters["government"][0]
    m = motion(c, open=False)
    _err(vote(api, gov, m["id"], "yes"), 404, "not_found")  # a draft is the secretariat's alone
    _err(api("POST", f"/motions/{m['id']}/close", factory.secretariat), 409, "conflict")
    _err(api("POST", f"/motions/{m['id']}/open", gov), 404, "not_found")  # a draft is invisible to delegates
    assert api("POST", f"/motions/{m['id']}/open", factory.secretariat).status_code == 200
    _err(api("POST", f"/motions/{m['id']}/open", factory.secretariat), 409, "conflict")
    _err(api("POST", f"/motions/{m['id']}/close", gov), 403, "forbidden")
    assert vote(api, gov, m["id"], "yes").status_code == 201
    _err(vote(api, gov, m["id"], "maybe"), 422, "invalid")
    assert api("POST", f"/motions/{m['id']}/close", factory.secretariat).status_code == 200
    _err(api("POST", f"/motions/{m['id']}/close", factory.secretariat), 409, "conflict")
    _err(vote(api, gov, m["id"], "no"), 409, "conflict")
    assert api("GET", f"/motions/{m['id']}", gov).json["result"]["tallies"] == {"yes": 1, "no": 0, "abstain": 0}


def test_open_needs_a_live_session_or_a_closing_time(voting, api, factory, motion):
    c, voters = voting(status="scheduled")
    m = motion(c, open=False)
    _err(api("POST", f"/motions/{m['id']}/open", factory.secretariat), 409, "conflict")
    later = (utcnow() + timedelta(days=2)).isoformat()
    r = api("POST", f"/motions/{m['id']}/open", factory.secretariat, {"closes_at": later})
    assert r.status_code == 200 and r.json["status"] == "open"
    assert vote(api, voters["workers"][0], m["id"], "yes").status_code == 201  # an asynchronous vote


def test_voting_changes_until_close_and_last_counts(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c)
    gov = voters["government"][0]
    first = vote(api, gov, m["id"], "no")
    assert first.status_code == 201 and first.json["message"] == "Your vote is recorded."
    second = vote(api, gov, m["id"], "yes")
    assert second.status_code == 200 and second.json["replaced"] is True
    mine = api("GET", f"/motions/{m['id']}/ballots/mine", gov).json
    assert mine["voted"] and mine["choice"] == "yes" and mine["message"] == "Your vote is recorded."
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    r = api("GET", f"/motions/{m['id']}", gov).json["result"]
    assert r["tallies"]["yes"] == 1 and r["tallies"]["no"] == 0 and r["voted"] == 1


def _expire(motion_id):
    m = db.session.get(Motion, motion_id)
    m.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_closes_at_by_server_time_refuses_ballots_and_closes_on_read(voting, api, factory, motion):
    c, voters = voting()
    soon = (utcnow() + timedelta(hours=1)).isoformat()
    m = motion(c, closes_at=soon)
    assert vote(api, voters["government"][0], m["id"], "yes").status_code == 201
    _expire(m["id"])
    assert db.session.get(Motion, m["id"]).status == "open"  # no job ran
    _err(vote(api, voters["workers"][0], m["id"], "yes"), 409, "conflict")
    r = api("GET", f"/motions/{m['id']}", voters["workers"][0]).json
    assert r["status"] == "closed" and r["result"]["outcome"] == "carried"
    db.session.expire_all()
    stored = db.session.get(Motion, m["id"])
    assert stored.status == "closed" and stored.closed_at == stored.closes_at
    types = [e.type for e in db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id))]
    assert types.count("motion.closed") == 1


def test_close_due_motions_command(app, voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    other = motion(c)
    _expire(m["id"])
    runner = app.test_cli_runner()
    out = runner.invoke(args=["close-due-motions"])
    assert out.exit_code == 0 and "Closed 1 due motion" in out.output
    assert runner.invoke(args=["close-due-motions"]).output.startswith("Closed 0")
    db.session.expire_all()
    assert db.session.get(Motion, m["id"]).status == "closed"
    assert db.session.get(Motion, other["id"]).status == "open"
    assert isinstance(runner, CliRunner)


def test_result_is_frozen_recomputable_and_downloadable(voting, api, factory, motion):
    c, voters = voting(per_group=2)
    m = motion(c, rule="two_thirds", quorum="half_of_eligible")
    for g, choice in (("government", "yes"), ("employers", "yes"), ("workers", "no")):
        vote(api, voters[g][0], m["id"], choice)
    vote(api, voters["workers"][1], m["id"], "abstain")
    gov = voters["government"][0]
    _err(api("GET", f"/motions/{m['id']}/results.json", gov), 409, "conflict")
    closed = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json
    r = closed["result"]
    assert r["outcome"] == "carried" and r["reason"] == "carried: 2 of 3 votes cast in favour, two-thirds required"
    assert r["quorum_required"] == 3 and r["quorum_met"] and r["eligible"] == 6 and r["voted"] == 4
    assert r["turnout"] == {"government": 1, "employers": 1, "workers": 2}
    stored = db.session.get(Motion, m["id"])
    assert recompute(stored) == stored.result
    assert {k: v for k, v in r.items() if k not in ("reason", "arithmetic_words")} == stored.result
    assert "reason" not in stored.result and stored.result["reason_code"] == "threshold"
    assert r["arithmetic"] | {"groups": None} == {
        "unit": "delegate", "base": "cast", "base_count": 3, "yes": 2, "no": 1, "abstain": 1, "required": 2,
        "quorum_required": 3, "quorum_counted": 3, "quorum_met": True, "entitled_count": 6, "present_count": 4,
        "groups": None}
    js = api("GET", f"/motions/{m['id']}/results.json", gov)
    assert js.json["result"] == r
    assert "Yes 2, no 1, abstentions 1." in r["arithmetic_words"]
    assert api("GET", f"/motions/{m['id']}/results?format=json", gov).json == js.json
    csv = api("GET", f"/motions/{m['id']}/results.csv", gov)
    assert csv.mimetype == "text/csv" and "two-thirds required" in csv.get_data(as_text=True)
    assert api("GET", f"/motions/{m['id']}/results?format=csv", gov).data == csv.data
    _err(api("GET", f"/motions/{m['id']}/results?format=xml", gov), 422, "invalid")


def test_quorum_not_met_makes_the_vote_void(voting, api, factory, motion):
    c, voters = voting(per_group=2)
    m = motion(c, quorum=3)
    vote(api, voters["government"][0], m["id"], "yes")
    vote(api, voters["workers"][0], m["id"], "yes")
    vote(api, voters["workers"][1], m["id"], "abstain")  # recorded, not cast
    r = api("POST", f"/motions/{m['id']}/close", factory.secretariat).json["result"]
    assert r["outcome"] == "void_no_quorum" and r["reason"] == "void: no quorum (2 votes cast, 3 required)"


def test_audit_trail_records_open_close_and_every_ballot(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, ballot="roll_call")
    gov = voters["government"][0]
    vote(api, gov, m["id"], "no")
    vote(api, gov, m["id"], "yes")
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    _err(api("GET", f"/motions/{m['id']}/audit", gov), 403, "forbidden")
    items = api("GET", f"/motions/{m['id']}/audit", factory.secretariat).json["items"]
    assert [i["action"] for i in items] == ["created", "opened", "ballot", "ballot_changed", "closed"]
    assert items[2]["actor_id"] == gov.id and items[3]["detail"] == {"choice": "yes"}


def test_events_are_stored_and_progress_carries_turnout_only(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, ballot="show_of_hands")
    vote(api, voters["government"][0], m["id"], "yes")
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    events = list(db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id)
                                      .order_by(RoomEvent.seq)))
    types = [e.type for e in events]
    assert "motion.opened" in types and types[-1] == "motion.closed" and types[-2] == "motion.progress"
    opened = events[types.index("motion.opened")].data
    assert set(opened) == {"motion_id", "question", "options", "ballot", "rule", "closes_at", "agenda_item_id"}
    for e in events:
        if e.type == "motion.progress":
            assert set(e.data) == {"motion_id", "turnout", "voted", "eligible"}
            assert "yes" not in str(e.data)
    assert events[-2].data["voted"] == 1 and events[-2].data["turnout"]["government"] == 1
    closed = events[-1].data
    assert closed["result"]["outcome"] == "carried" and closed["result"]["quorum_met"] is True


def test_progress_events_are_coalesced(app, voting, api, factory, motion):
    c, voters = voting(per_group=4)
    m = motion(c)
    app.config["VOTES_PROGRESS_INTERVAL"] = 60  # a long window, so timing cannot make this flaky
    for group in voters.values():
        for u in group:
            vote(api, u, m["id"], "yes")
    progress = db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id,
                                                          RoomEvent.type == "motion.progress")).all()
    assert len(progress) == 1 and progress[0].data["voted"] == 1  # the leading ballot only
    app.config["VOTES_PROGRESS_INTERVAL"] = 0
    vote(api, voters["government"][0], m["id"], "no")
    assert db.session.scalar(select(RoomEvent).where(RoomEvent.type == "motion.progress")
                             .order_by(RoomEvent.seq.desc())).data["voted"] == 12


def test_audit_rows_exist_for_a_lazily_closed_motion(voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    _expire(m["id"])
    api("GET", f"/consultations/{c.id}/motions", voters["government"][0])
    closed = db.session.scalar(select(VoteAudit).where(VoteAudit.motion_id == m["id"], VoteAudit.action == "closed"))
    assert closed is not None and closed.actor_id is None and closed.detail["automatic"] is True


def test_trailing_progress_catches_up_after_a_burst(app, voting, api, motion):
    import time
    c, voters = voting()
    m = motion(c)
    app.config.update(VOTES_PROGRESS_INTERVAL=1.5, VOTES_PROGRESS_TRAILING=True)
    vote(api, voters["government"][0], m["id"], "yes")   # leading event
    vote(api, voters["workers"][0], m["id"], "no")       # coalesced: a trailing flush is scheduled
    cid = c.id
    counts = [e.data["voted"] for e in db.session.scalars(
        select(RoomEvent).where(RoomEvent.consultation_id == cid, RoomEvent.type == "motion.progress"))]
    assert counts == [1]
    db.session.commit()
    db.session.close()  # release SQLite's write lock for the background task
    deadline = time.monotonic() + 10
    latest = None
    while time.monotonic() < deadline:
        latest = db.session.scalar(select(RoomEvent).where(RoomEvent.consultation_id == cid,
                                                           RoomEvent.type == "motion.progress")
                                   .order_by(RoomEvent.seq.desc()))
        db.session.close()
        if latest is not None and latest.data["voted"] == 2:
            break
        time.sleep(0.1)
    assert latest is not None and latest.data["voted"] == 2


def test_the_consultation_page_closes_a_due_motion_and_shows_its_result(voting, api, factory, motion, client, login):
    """Every list of motions applies the closing-time rule: the consultation page's section
    froze nothing before (it read the rows itself) and showed a closed motion without a result."""
    c, voters = voting()
    m = motion(c, closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    vote(api, voters["government"][0], m["id"], "yes")
    _expire(m["id"])
    login(voters["workers"][0])
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Motion, m["id"])
    assert stored.status == "closed" and stored.result["outcome"] == "carried"
    assert "carried: 1 of 1 vote cast in favour" in page


def test_a_ballot_reads_the_voters_participant_row_once(voting, api, factory, motion, app):
    """One access object per consultation and actor: casting a ballot asks who the voter is in
    the consultation once (visibility and the voting slot read the same row)."""
    from sqlalchemy import event

    from app.extensions import db as sdb
    c, voters = voting()
    m = motion(c)
    reads = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM participant" in statement:
            reads.append(statement)
    event.listen(sdb.engine, "before_cursor_execute", count)
    try:
        assert vote(api, voters["government"][0], m["id"], "yes").status_code == 201
    finally:
        event.remove(sdb.engine, "before_cursor_execute", count)
    by_user = [s for s in reads if "participant.user_id = " in s.split("WHERE", 1)[-1]]
    assert len(by_user) == 1, by_user
