"""Meeting conduct (issue 16): speakers' lists per agenda item, points of order, the chair's
reorder / add / remove, time limits of turns (limit_s, ends_at, speaking_time_s), ending a
turn, speaking times in the draft minutes, and the room page showing only what one may do."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.consultations.agenda import add_agenda_item
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.realtime import RoomEvent
from app.extensions import db
from app.rooms import floor, speakers
from tests.rooms.conftest import room_events
from tests.rooms.test_sockets import ack, joined


def _ids(state):
    return [s["user_id"] for s in state["speakers"]]


@pytest.fixture
def items(room, factory):
    c, _p = room
    a = add_agenda_item(factory.secretariat, c, "Skills portability")
    b = add_agenda_item(factory.secretariat, c, "Social protection of migrant workers")
    db.session.commit()
    return a, b


def test_each_agenda_item_keeps_its_own_list(room, items):
    c, p = room
    a, b = items
    chair = p["chair"]
    floor.set_agenda_item(chair, c.id, a.id)
    floor.raise_hand(p["government"], c.id)
    floor.raise_hand(p["workers"], c.id)
    db.session.commit()
    assert _ids(floor.room_state(chair, c)) == [p["government"].id, p["workers"].id]
    ev = floor.set_agenda_item(chair, c.id, b.id)
    db.session.commit()
    shown = db.session.scalar(select(RoomEvent).where(RoomEvent.consultation_id == c.id, RoomEvent.seq == ev.seq + 1))
    assert shown.type == "speakers.changed" and shown.data["agenda_item_id"] == b.id and shown.data["speakers"] == []
    state = floor.room_state(p["government"], c)
    assert state["agenda_item_id"] == b.id and state["speakers"] == [] and state["me"]["hand_raised"] is False
    floor.raise_hand(p["employers"], c.id)   # item B's list, and the government may join it too
    floor.raise_hand(p["government"], c.id)
    db.session.commit()
    assert _ids(floor.room_state(chair, c)) == [p["employers"].id, p["government"].id]
    floor.set_agenda_item(chair, c.id, a.id)
    db.session.commit()
    back = floor.room_state(chair, c)
    assert _ids(back) == [p["government"].id, p["workers"].id]
    assert [s["name"] for s in back["speakers"]] == [p["government"].name, p["workers"].name]
    assert all(s["kind"] == "speak" and s["raised_at"] for s in back["speakers"])


def test_a_point_of_order_goes_to_the_top_after_earlier_points_of_order(room):
    c, p = room
    floor.raise_hand(p["government"], c.id)
    floor.raise_hand(p["employers"], c.id)
    ev = floor.raise_hand(p["workers"], c.id, "point_of_order")
    assert ev.data["kind"] == "point_of_order"
    assert ev.data["queue"] == [p["workers"].id, p["government"].id, p["employers"].id]
    floor.raise_hand(p["adviser"], c.id, "point_of_order")
    floor.raise_hand(p["chair"], c.id, "speak")
    db.session.commit()
    state = floor.room_state(p["government"], c)
    assert _ids(state) == [p["workers"].id, p["adviser"].id, p["government"].id, p["employers"].id, p["chair"].id]
    assert [s["kind"] for s in state["speakers"]][:3] == ["point_of_order", "point_of_order", "speak"]
    with pytest.raises(Invalid):
        floor.raise_hand(p["secretariat"], c.id, "shout")
    with pytest.raises(Conflict):
        floor.raise_hand(p["workers"], c.id, "speak")


@pytest.mark.parametrize("who,allowed", [("chair", True), ("secretariat", True), ("government", False),
                                         ("adviser", False), ("observer", False)])
def test_who_may_reorder_add_and_remove(room, who, allowed):
    c, p = room
    floor.raise_hand(p["government"], c.id)
    floor.raise_hand(p["employers"], c.id)
    db.session.commit()
    actor = p[who]
    actions = [lambda: speakers.reorder_speakers(actor, c.id, [p["employers"].id]),
               lambda: speakers.add_speaker(actor, c.id, p["workers"].id),
               lambda: floor.lower_hand(actor, c.id, p["employers"].id)]
    for act in actions:
        if allowed:
            act()
        else:
            with pytest.raises(Forbidden):
                act()
    db.session.commit()
    expected = [p["government"].id, p["workers"].id] if allowed else [p["government"].id, p["employers"].id]
    assert _ids(floor.room_state(p["chair"], c)) == expected


def test_outsiders_cannot_touch_the_list(room):
    from app.core.errors import NotFound
    c, p = room
    with pytest.raises(NotFound):
        speakers.reorder_speakers(p["outsider"], c.id, [p["government"].id])
    with pytest.raises(NotFound):
        speakers.add_speaker(p["outsider"], c.id, p["government"].id)


def test_reorder_keeps_unnamed_hands_after_the_named_ones(room):
    c, p = room
    gov, emp, wrk, adv = p["government"], p["employers"], p["workers"], p["adviser"]
    for u in (gov, emp, wrk, adv):
        floor.raise_hand(u, c.id)
    ev = speakers.reorder_speakers(p["chair"], c.id, [wrk.id, gov.id])
    assert ev.type == "speakers.changed" and ev.data["queue"] == [wrk.id, gov.id, emp.id, adv.id]
    assert ev.data["speakers"][0] == {"user_id": wrk.id, "kind": "speak", "raised_at": ev.data["speakers"][0]["raised_at"],
                                      "name": wrk.name}
    for bad in ([], "x", [wrk.id, wrk.id], [True], None):
        with pytest.raises(Invalid):
            speakers.reorder_speakers(p["chair"], c.id, bad)
    with pytest.raises(Conflict):   # not on the list (e.g. lowered meanwhile)
        speakers.reorder_speakers(p["chair"], c.id, [p["chair"].id])


def test_the_chair_adds_a_spokesperson_and_refusals(room):
    c, p = room
    floor.raise_hand(p["government"], c.id)
    ev = speakers.add_speaker(p["chair"], c.id, p["workers"].id)
    assert ev.actor["id"] == p["chair"].id and ev.data["queue"] == [p["government"].id, p["workers"].id]
    ev = speakers.add_speaker(p["chair"], c.id, p["employers"].id, "point_of_order")
    assert ev.data["queue"][0] == p["employers"].id
    with pytest.raises(Conflict):
        speakers.add_speaker(p["chair"], c.id, p["workers"].id)
    with pytest.raises(Invalid):
        speakers.add_speaker(p["chair"], c.id, p["observer"].id)
    with pytest.raises(Invalid):
        speakers.add_speaker(p["chair"], c.id, p["outsider"].id)
    with pytest.raises(Invalid):
        speakers.add_speaker(p["chair"], c.id, p["adviser"].id, "filibuster")
    floor.set_session_status(p["chair"], c.id, "closed")
    with pytest.raises(Conflict):
        speakers.add_speaker(p["chair"], c.id, p["adviser"].id)


def test_time_limit_from_the_consultation_or_the_turn(room, factory):
    c, p = room
    chair, gov = p["chair"], p["government"]
    ev = floor.give_floor(chair, c.id, gov.id)
    assert ev.data["limit_s"] is None and ev.data["ends_at"] is None
    c.speaking_time_s = 180
    db.session.commit()
    ev = floor.give_floor(chair, c.id, gov.id)
    since = datetime.fromisoformat(ev.data["since"].replace("Z", "+00:00"))
    ends = datetime.fromisoformat(ev.data["ends_at"].replace("Z", "+00:00"))
    assert ev.data["limit_s"] == 180 and ends - since == timedelta(seconds=180)
    ev = floor.give_floor(chair, c.id, p["workers"].id, 2)
    assert ev.data["limit_s"] == 2
    db.session.commit()
    f = floor.room_state(gov, c)["floor"]
    assert f["user_id"] == p["workers"].id and f["limit_s"] == 2 and f["ends_at"] == ev.data["ends_at"]
    for bad in (0, -5, 7201, "60", True):
        with pytest.raises(Invalid):
            floor.give_floor(chair, c.id, gov.id, bad)


def test_the_speaker_ends_their_turn_the_chair_takes_it_back_others_cannot(room):
    c, p = room
    chair, gov = p["chair"], p["government"]
    floor.give_floor(chair, c.id, gov.id)
    for other in ("employers", "adviser", "observer"):
        with pytest.raises(Forbidden):
            floor.release_floor(p[other], c.id)
    ev = floor.release_floor(gov, c.id)
    assert ev.type == "floor.released" and ev.actor["id"] == gov.id and ev.data["user_id"] == gov.id
    floor.give_floor(chair, c.id, gov.id)
    ev = floor.release_floor(p["secretariat"], c.id)
    assert ev.actor["id"] == p["secretariat"].id
    with pytest.raises(Conflict):
        floor.release_floor(gov, c.id)


def test_speaking_times_in_the_draft_minutes(room, items, factory):
    from app.minutes.drafting import draft_body, session_record
    c, p = room
    a, b = items
    chair, gov, wrk = p["chair"], p["government"], p["workers"]
    floor.set_agenda_item(chair, c.id, a.id)
    given = floor.give_floor(chair, c.id, gov.id, 60)
    released = floor.release_floor(gov, c.id)
    floor.give_floor(chair, c.id, wrk.id)
    floor.set_agenda_item(chair, c.id, b.id)
    second = floor.give_floor(chair, c.id, gov.id)
    end = floor.release_floor(chair, c.id)
    db.session.commit()
    t0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    for ev, at in ((given, t0), (released, t0 + timedelta(seconds=95)), (end, t0 + timedelta(seconds=400))):
        db.session.execute(update(RoomEvent).where(RoomEvent.id == ev.id).values(at=at))
    # the workers' turn ends when the next floor.given starts (no release in between)
    db.session.execute(update(RoomEvent).where(RoomEvent.consultation_id == c.id, RoomEvent.seq > released.seq,
                                               RoomEvent.seq < second.seq).values(at=t0 + timedelta(seconds=100)))
    db.session.execute(update(RoomEvent).where(RoomEvent.id == second.id).values(at=t0 + timedelta(seconds=130)))
    db.session.commit()
    body = draft_body(c, session_record(c))
    section = body.split("## Speaking times", 1)[1]
    item_a, rest = section.split("### Social protection of migrant workers")
    assert "### Skills portability" in item_a
    assert f"**{gov.name}**" in item_a and "1 turn, 1:35 (1 over the time limit)" in item_a
    assert f"**{wrk.name}**" in item_a and "1 turn, 0:30" in item_a
    by_item_b, by_speaker = rest.split("### By speaker")
    assert "1 turn, 4:30" in by_item_b and wrk.name not in by_item_b
    gov_line = next(line for line in by_speaker.splitlines() if gov.name in line)
    assert "2 turns, 6:05 (1 over the time limit)" in gov_line


def test_no_speaking_times_section_without_turns(room):
    from app.minutes.drafting import draft_body, session_record
    c, _p = room
    assert "Speaking times" not in draft_body(c, session_record(c))


# --- the doors: HTTP and sockets -------------------------------------------------------------

def _auth(bearer, user):
    return {"Authorization": f"Bearer {bearer(user)}"}


@pytest.mark.parametrize("value,status", [(90, 200), (None, 200), (0, 422), (7201, 422), ("90", 422),
                                          (1.5, 422), (True, 422)])
def test_speaking_time_s_patch(client, bearer, room, value, status):
    c, p = room
    r = client.patch(f"/api/v1/consultations/{c.id}", json={"speaking_time_s": value}, headers=_auth(bearer, p["secretariat"]))
    assert r.status_code == status, r.json
    if status == 200:
        assert r.json["speaking_time_s"] == value
        got = client.get(f"/api/v1/consultations/{c.id}", headers=_auth(bearer, p["government"]))
        assert got.json["speaking_time_s"] == value
    else:
        assert set(r.json) == {"error"} and r.json["error"]["code"] == "invalid" and r.json["error"]["message"]


def test_speaking_time_s_is_the_secretariats(client, bearer, room):
    c, p = room
    r = client.patch(f"/api/v1/consultations/{c.id}", json={"speaking_time_s": 60}, headers=_auth(bearer, p["chair"]))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"


def test_speakers_endpoints(client, bearer, room):
    c, p = room
    gov, emp = _auth(bearer, p["government"]), _auth(bearer, p["chair"])
    url = f"/api/v1/consultations/{c.id}"
    assert client.post(url + "/hand", json={"kind": "point_of_order"}, headers=gov).status_code == 200
    assert client.post(url + "/hand", json={"kind": "loud"}, headers=gov).status_code == 422
    r = client.post(url + "/speakers", json={"user_id": p["workers"].id}, headers=gov)
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert client.post(url + "/speakers", json={"user_id": p["workers"].id}, headers=emp).status_code == 200
    assert client.put(url + "/speakers", json={"user_ids": [p["workers"].id]}, headers=gov).status_code == 403
    r = client.put(url + "/speakers", json={"user_ids": ["x"]}, headers=emp)
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid"
    assert client.put(url + "/speakers", json={"user_ids": [p["workers"].id]}, headers=emp).status_code == 200
    state = client.get(url + "/room", headers=gov).json
    assert [s["user_id"] for s in state["speakers"]] == [p["workers"].id, p["government"].id]
    assert state["speakers"][1]["kind"] == "point_of_order"
    r = client.post(url + "/floor", json={"user_id": p["workers"].id, "limit_s": 45}, headers=emp)
    assert r.status_code == 200
    f = client.get(url + "/room", headers=gov).json["floor"]
    assert f["limit_s"] == 45 and f["ends_at"]
    assert client.post(url + "/floor", json={"user_id": p["workers"].id, "limit_s": 0}, headers=emp).status_code == 422


def test_join_ack_state_and_floor_events_over_sockets(socket, live, app):
    c, p = live
    gov, chair = socket(p["government"]), socket(p["chair"])
    res = joined(gov, c)
    st = res["state"]
    assert set(st) >= {"agenda_item_id", "floor", "speakers", "now"} and st["floor"] is None and st["speakers"] == []
    joined(chair, c)
    assert ack(gov, "hand:raise", {"consultation_id": c.id, "kind": "point_of_order"})["ok"]
    assert ack(gov, "hand:raise", {"consultation_id": c.id, "kind": 3})["error"]["code"] == "invalid"
    assert ack(chair, "speakers:add", {"consultation_id": c.id, "user_id": p["workers"].id})["ok"]
    assert ack(gov, "speakers:reorder", {"consultation_id": c.id, "user_ids": [p["workers"].id]})["error"]["code"] == "forbidden"
    assert ack(chair, "speakers:reorder", {"consultation_id": c.id, "user_ids": [p["workers"].id]})["ok"]
    st = joined(gov, c)["state"]
    assert [(s["user_id"], s["kind"]) for s in st["speakers"]] == [(p["workers"].id, "speak"),
                                                                    (p["government"].id, "point_of_order")]
    gov.get_received()
    assert ack(chair, "floor:give", {"consultation_id": c.id, "user_id": p["workers"].id, "limit_s": 2})["ok"]
    assert ack(chair, "floor:give", {"consultation_id": c.id, "user_id": p["workers"].id, "limit_s": "2"})["error"]["code"] == "invalid"
    (given,) = room_events(gov, {"floor.given"})
    assert given["data"]["limit_s"] == 2 and given["data"]["ends_at"] and given["data"]["queue"] == [p["government"].id]
    st = joined(gov, c)["state"]
    assert st["floor"]["user_id"] == p["workers"].id and st["floor"]["limit_s"] == 2
    assert st["floor"]["ends_at"] == given["data"]["ends_at"] and st["now"]
    assert ack(gov, "floor:release", {"consultation_id": c.id})["error"]["code"] == "forbidden"
    wrk = socket(p["workers"])
    joined(wrk, c)
    assert ack(wrk, "floor:release", {"consultation_id": c.id})["ok"]
    assert joined(gov, c)["state"]["floor"] is None


# --- the page ---------------------------------------------------------------------------------

def test_the_observer_is_told_why_they_cannot_raise_a_hand(client, login, room):
    c, p = room
    login(p["observer"])
    html = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    assert "Observers follow the session but cannot chat or raise a hand." in html
    form = html.split('id="hand-form"', 1)[1].split(">", 1)[0]
    assert "hidden" in form


def test_the_chair_sees_the_chair_panel_first_and_a_delegate_does_not(client, login, room):
    c, p = room
    login(p["chair"])
    html = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    assert html.index('class="card chair"') < html.index('class="card now"') < html.index('id="votes"')
    login(p["government"])
    html = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    assert 'class="card chair"' not in html
    assert html.index('class="card now"') < html.index('id="votes"') < html.index('class="card chat"')


def test_after_the_session_closes_no_hand_can_be_raised(client, login, room):
    c, p = room
    floor.set_session_status(p["chair"], c.id, "closed")
    db.session.commit()
    login(p["government"])
    html = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    form = html.split('id="hand-form"', 1)[1].split(">", 1)[0]
    assert "hidden" in form and "The live session is not open." in html


def test_the_edit_page_sets_the_default_speaking_time(client, login, factory):
    """The secretariat sets speaking_time_s on the consultation's edit page; out of range is
    shown on the field and changes nothing; empty means no limit."""
    c = factory.consultation(status="scheduled", title="Timed sitting")
    login(factory.secretariat)
    page = client.get(f"/consultations/{c.id}/edit").get_data(as_text=True)
    assert '<label for="speaking_time_s">Default speaking time (seconds)</label>' in page
    form = {"title": "Timed sitting", "level": "rec", "rec": "ECOWAS", "voting_constituencies": ["government"]}
    bad = client.post(f"/consultations/{c.id}/edit", data=dict(form, speaking_time_s="0"))
    assert bad.status_code == 422 and 'id="speaking_time_s-err"' in bad.get_data(as_text=True)
    factory.db.session.refresh(c)
    assert c.speaking_time_s is None
    assert client.post(f"/consultations/{c.id}/edit", data=dict(form, speaking_time_s="180")).status_code == 302
    factory.db.session.refresh(c)
    assert c.speaking_time_s == 180
    assert client.post(f"/consultations/{c.id}/edit", data=dict(form, speaking_time_s="")).status_code == 302
    factory.db.session.refresh(c)
    assert c.speaking_time_s is None
