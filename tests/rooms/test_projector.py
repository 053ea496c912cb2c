"""The hall screen (/consultations/<id>/projector): who may see it, what it shows in English and
Arabic, and its live feed (`projector:join`), which is no presence and no check-in."""
import pytest

from app.extensions import db
from tests.rooms.conftest import room_events

QUORUM_RULE = {"threshold": "simple", "base": "cast",
               "quorum": {"of": "entitled", "fraction": "1/2", "counted": "present"}}


def ack(sc, event, payload):
    return sc.emit(event, payload, callback=True)


@pytest.fixture
def sitting(factory):
    """A live consultation with an attendance quorum (half the entitled present), two agenda
    items, the tripartite delegates, an adviser, an observer, a chair and an outsider."""
    from app.consultations import agenda as consultation_agenda
    c = factory.consultation(status="live", title="Labour migration sitting", rule=QUORUM_RULE)
    people = factory.tripartite(c)
    for title in ("Opening", "Draft recommendation on labour migration"):
        consultation_agenda.add_agenda_item(factory.secretariat, c, title)
    people["adviser"] = factory.user("adviser", org=people["government"].organisation)
    factory.participant(c, people["adviser"], role="adviser")
    people["observer"] = factory.user("observer", "observer")
    factory.participant(c, people["observer"], role="observer")
    people["chair"] = factory.user("delegate", "stakeholder")
    factory.participant(c, people["chair"], role="chair")
    people["outsider"] = factory.user("delegate", "workers")
    people["secretariat"] = factory.secretariat
    db.session.commit()
    return c, people


def test_who_sees_the_hall_screen(client, login, sitting, who_opens):
    (c, people), (who, status) = sitting, who_opens
    login(people[who])
    r = client.get(f"/consultations/{c.id}/projector")
    assert r.status_code == status
    missing = client.get("/consultations/999999/projector")
    assert missing.status_code == 404
    if status == 404:  # the same answer as a consultation that does not exist
        assert r.get_data(as_text=True).replace(f"/consultations/{c.id}/", "/x/") == \
            missing.get_data(as_text=True).replace("/consultations/999999/", "/x/")
    detail = client.get(f"/consultations/{c.id}")
    if detail.status_code == 200:
        assert (f'href="/consultations/{c.id}/projector"' in detail.get_data(as_text=True)) == (status == 200)


def test_anonymous_is_sent_to_sign_in(client, sitting):
    c, _people = sitting
    r = client.get(f"/consultations/{c.id}/projector")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_draft_consultation_has_no_hall_screen_for_participants(client, login, factory):
    c = factory.consultation(status="draft")
    delegate = factory.participant(c).user
    login(delegate)
    assert client.get(f"/consultations/{c.id}/projector").status_code == 404


def _drive(client, token, sitting):
    """A sitting in progress: item 2, the floor to the government delegate, two hands (the
    workers then the employers), a carried vote and an open one with one ballot of three."""
    c, people = sitting
    sec = token(people["secretariat"])
    item = c.agenda[1]
    from app.rooms import floor
    floor.set_agenda_item(people["secretariat"], c.id, item.id)
    floor.give_floor(people["secretariat"], c.id, people["government"].id)
    floor.raise_hand(people["workers"], c.id)
    floor.raise_hand(people["employers"], c.id)
    db.session.commit()
    ids = {p.user_id: p.id for p in c.participants}
    for g in ("government", "employers"):
        r = client.put(f"/api/v1/consultations/{c.id}/attendance/{ids[people[g].id]}", json={"present": True}, headers=sec)
        assert r.status_code == 200
    first = client.post(f"/api/v1/consultations/{c.id}/motions", headers=sec,
                        json={"question": "Adopt the agenda?", "ballot": "show_of_hands", "rule": "simple"}).json
    client.post(f"/api/v1/motions/{first['id']}/open", headers=sec)
    for g in ("government", "employers", "workers"):
        client.post(f"/api/v1/motions/{first['id']}/ballots", json={"choice": "yes"}, headers=token(people[g]))
    assert client.post(f"/api/v1/motions/{first['id']}/close", headers=sec).status_code == 200
    second = client.post(f"/api/v1/consultations/{c.id}/motions", headers=sec,
                         json={"question": "Adopt the recommendation?", "ballot": "roll_call", "rule": "simple"}).json
    client.post(f"/api/v1/motions/{second['id']}/open", headers=sec)
    client.post(f"/api/v1/motions/{second['id']}/ballots", json={"choice": "no"}, headers=token(people["workers"]))
    return c, people


def test_hall_screen_shows_the_sitting_in_english(client, login, token, sitting):
    c, people = _drive(client, token, sitting)
    login(people["observer"])
    page = client.get(f"/consultations/{c.id}/projector").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "2. <bdi>Draft recommendation on labour migration</bdi>" in page
    assert f'id="pj-speaker" class="pj-speaker"><bdi>{people["government"].name}</bdi>' in page
    queue = page.split('id="pj-queue"')[1].split("</ol>")[0]
    assert queue.index(people["workers"].name) < queue.index(people["employers"].name)
    assert "Adopt the recommendation?" in page and "1 of 3 have voted" in page
    result = page.split('id="pj-result"')[1].split("</section>")[0]
    assert "Adopt the agenda?" in result and "Carried" in result and "<strong>3</strong>" in result
    roll = page.split('id="pj-groups"')[1].split("</tbody>")[0]
    assert '<tr data-group="government"><th scope="row">Government</th><td>1</td><td>1</td></tr>' in roll
    assert '<tr data-group="workers"><th scope="row">Workers</th><td>0</td><td>1</td></tr>' in roll
    assert 'id="pj-present">2<' in page and 'id="pj-entitled">3<' in page
    assert 'data-met="true"' in page and "Quorum met" in page and "2 present needed" in page
    # read-only: no form, no button
    assert "<form" not in page and "<button" not in page


def test_hall_screen_in_arabic_reads_right_to_left(client, login, token, sitting):
    from app.accounts import services as accounts
    c, people = _drive(client, token, sitting)
    accounts.set_language(people["observer"], "ar")
    db.session.commit()
    login(people["observer"])
    page = client.get(f"/consultations/{c.id}/projector").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "شاشة القاعة" in page and "النصاب مكتمل" in page and "المتحدثون التالون" in page
    assert "Quorum met" not in page and "Next speakers" not in page
    assert "2. <bdi>Draft recommendation on labour migration</bdi>" in page


def test_projector_join_is_no_presence_and_follows_the_room(socket, sitting, client, token):
    c, people = sitting
    cid = c.id
    gov_id, workers_id = people["government"].id, people["workers"].id
    participant_ids = {p.user_id: p.id for p in c.participants}
    screen = socket(people["observer"])
    res = ack(screen, "projector:join", {"consultation_id": cid})
    assert res["ok"], res
    state = res["state"]
    assert state["floor"] is None and state["next"] == [] and state["votes"] == {"open": [], "last_result": None}
    assert state["attendance"]["present"] == 0 and state["attendance"]["quorum_met"] is False
    # the screen is not a person in the room and did not check its account in
    chair = socket(people["chair"])
    joined = ack(chair, "room:join", {"consultation_id": cid})
    assert [p["user_id"] for p in joined["presence"]] == [people["chair"].id]
    screen.get_received()
    # the chair runs the sitting; the screen receives each step
    assert ack(chair, "floor:give", {"consultation_id": cid, "user_id": gov_id})["ok"]
    (given,) = room_events(screen, {"floor.given"})
    assert given["data"]["user_id"] == gov_id
    sec = token(people["secretariat"])
    for present in (True, False):
        r = client.put(f"/api/v1/consultations/{cid}/attendance/{participant_ids[workers_id]}",
                       json={"present": present}, headers=sec)
        assert r.status_code == 200
    changes = room_events(screen, {"attendance.changed"})
    assert [e["data"]["by_constituency"]["workers"] for e in changes] == [
        {"present": 1, "entitled": 1}, {"present": 0, "entitled": 1}]
    # asking again gives the new state
    again = ack(screen, "projector:join", {"consultation_id": cid})["state"]
    assert again["floor"]["user_id"] == gov_id and again["seq"] > state["seq"]


def test_projector_join_refuses_outsiders_like_a_missing_room(socket, sitting):
    c, people = sitting
    cid = c.id
    outsider = socket(people["outsider"])
    res = ack(outsider, "projector:join", {"consultation_id": cid})
    missing = ack(outsider, "projector:join", {"consultation_id": 999999})
    assert res["ok"] is False and res["error"]["code"] == "not_found" and res["error"] == missing["error"]
    chair = socket(people["chair"])
    ack(chair, "room:join", {"consultation_id": cid})
    ack(chair, "floor:give", {"consultation_id": cid, "user_id": people["government"].id})
    assert room_events(outsider) == []


def test_a_point_of_order_is_marked_and_leads_the_list(client, login, sitting, monkeypatch):
    """With the per-item speakers' list in the room's state (contract §5: `speakers` in
    speaking order, with `kind`), the screen follows its order, marks a point of order, and
    reads the names the list does not carry."""
    from app.rooms import floor, projector
    c, people = sitting
    gov, wrk = people["government"], people["workers"]
    real = floor.room_state

    def with_speakers(actor, cons):
        state = real(actor, cons)
        state["queue"] = [{"user_id": wrk.id, "name": wrk.name, "constituency": "workers"}]
        state["speakers"] = [{"user_id": gov.id, "kind": "point_of_order", "raised_at": "2026-11-29T10:00:00Z"},
                             {"user_id": wrk.id, "kind": "speak", "raised_at": "2026-11-29T09:59:00Z"}]
        return state
    monkeypatch.setattr(projector, "room_state", with_speakers)
    login(people["observer"])
    page = client.get(f"/consultations/{c.id}/projector").get_data(as_text=True)
    queue = page.split('id="pj-queue"')[1].split("</ol>")[0]
    assert queue.index(gov.name) < queue.index(wrk.name)
    assert f'<li><bdi>{gov.name}</bdi> <span class="pj-tag">Point of order</span></li>' in queue
