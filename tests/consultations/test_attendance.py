"""The attendance register: roll call by the secretariat or the chair, the register's counts,
the live event, refusals, and the roll-call page."""
import pytest
from sqlalchemy import select

from app.core.realtime import RoomEvent
from app.extensions import db


@pytest.fixture
def sitting(factory):
    c = factory.consultation(status="live")
    people = factory.tripartite(c)
    chair = factory.participant(c, role="chair", constituency="government").user
    observer = factory.participant(c, role="observer", constituency="observer").user
    ids = {p.user_id: p.id for p in c.participants}
    return c, people, chair, observer, ids


def put(client, token, user, c, pid, present):
    return client.put(f"/api/v1/consultations/{c.id}/attendance/{pid}", json={"present": present}, headers=token(user))


@pytest.mark.parametrize("who,status", [("secretariat", 200), ("chair", 200), ("delegate", 403), ("observer", 403)])
def test_who_takes_the_roll_call(client, token, factory, sitting, who, status):
    c, people, chair, observer, ids = sitting
    actor = {"secretariat": factory.secretariat, "chair": chair, "delegate": people["workers"],
             "observer": observer}[who]
    r = put(client, token, actor, c, ids[people["government"].id], True)
    assert r.status_code == status
    if status == 403:
        assert r.json["error"]["code"] == "forbidden"
        assert client.get(f"/api/v1/consultations/{c.id}/attendance",
                          headers=token(observer)).json["present_count"] == 0


def test_register_counts_entitled_and_present_and_announces_changes(client, token, factory, sitting):
    c, people, _chair, observer, ids = sitting
    for g in ("government", "employers"):
        assert put(client, token, factory.secretariat, c, ids[people[g].id], True).status_code == 200
    put(client, token, factory.secretariat, c, ids[observer.id], True)  # present, not entitled to vote
    reg = client.get(f"/api/v1/consultations/{c.id}/attendance", headers=token(people["workers"])).json
    assert (reg["present_count"], reg["entitled_count"]) == (2, 3) and len(reg["present"]) == 3
    entry = next(p for p in reg["present"] if p["user_id"] == people["government"].id)
    assert set(entry) >= {"participant_id", "user_id", "organisation_id", "constituency", "country", "since"}
    r = put(client, token, factory.secretariat, c, ids[people["government"].id], False)
    assert r.json["present_count"] == 1
    events = [e.data for e in db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "attendance.changed").order_by(RoomEvent.seq))]
    assert len(events) == 4 and events[-1] == {"participant_id": ids[people["government"].id], "present": False,
                                               "present_count": 1, "entitled_count": 3,
                                               "by_constituency": {"government": {"present": 0, "entitled": 1},
                                                                   "employers": {"present": 1, "entitled": 1},
                                                                   "workers": {"present": 0, "entitled": 1}}}


def test_refusals_lose_nothing(client, token, factory, sitting):
    c, people, _chair, _observer, ids = sitting
    r = client.put(f"/api/v1/consultations/{c.id}/attendance/{ids[people['government'].id]}", json={"present": "yes"},
                   headers=token(factory.secretariat))
    assert r.status_code == 422 and "present" in r.json["error"]["fields"]
    assert put(client, token, factory.secretariat, c, 999999, True).status_code == 404
    outsider = factory.user()
    assert client.get(f"/api/v1/consultations/{c.id}/attendance", headers=token(outsider)).status_code == 404
    closed = factory.consultation(status="closed")
    p = factory.participant(closed)
    r = put(client, token, factory.secretariat, closed, p.id, True)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"


def test_the_roll_call_page(client, login, factory, sitting):
    c, people, chair, _observer, ids = sitting
    login(chair)
    page = client.get(f"/consultations/{c.id}/attendance").get_data(as_text=True)
    assert "Mark present" in page and people["government"].name in page
    r = client.post(f"/consultations/{c.id}/attendance/{ids[people['government'].id]}", data={"present": "1"},
                    follow_redirects=True)
    assert r.status_code == 200 and "1</strong> / 3" in r.get_data(as_text=True)


def test_a_sitting_that_opens_checks_in_those_already_in_the_room(app, client, token, factory, sitting):
    """Joining checks in; so does the opening of a sitting for those still connected from the
    last one (they were counted absent until they rejoined)."""
    from app.extensions import socketio
    c, people, chair, _observer, ids = sitting
    sock = socketio.test_client(app, auth={"token": token(people["employers"])["Authorization"].split()[1]})
    try:
        assert sock.emit("room:join", {"consultation_id": c.id}, callback=True)["ok"]
        reg = client.get(f"/api/v1/consultations/{c.id}/attendance", headers=token(chair)).json
        assert [p["user_id"] for p in reg["present"]] == [people["employers"].id]
        for status in ("closed", "live"):  # the sitting is suspended, then a second one opens
            r = client.patch(f"/api/v1/consultations/{c.id}", json={"status": status}, headers=token(factory.secretariat))
            assert r.status_code == 200, r.json
        reg = client.get(f"/api/v1/consultations/{c.id}/attendance", headers=token(chair)).json
        assert reg["live"] and [p["user_id"] for p in reg["present"]] == [people["employers"].id]
        assert reg["present_count"] == 1
    finally:
        sock.disconnect()
