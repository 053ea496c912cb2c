"""The join answer while presence is coalesced (the storm configuration): the socket's answer,
made of parts encoded once and kept per room, says exactly what the plain snapshot says;
the room's shared state follows every change (it is kept per seq); the kept presence list
follows people coming and going; and the per-person parts of the state stay personal."""
import json

import pytest

from app.accounts.models import User
from app.consultations.models import Consultation
from app.core.jsonsafe import RawJSON, SocketJSON, SocketPacket
from app.extensions import db
from app.rooms import presence, services
from tests.rooms.conftest import room_events, ticking
from tests.rooms.test_sockets import ack
from tests.rooms.test_sockets import joined as join


@pytest.fixture
def coalesced(app):
    with ticking(app, "ROOMS_PRESENCE_TICK", presence.flush_presence):
        yield




def _plain(user_id, c, since):
    """The snapshot as the page and the HTTP API read it (no encoded parts)."""
    db.session.remove()
    return services.snapshot(db.session.get(User, user_id), db.session.get(Consultation, c.id), since)


def test_the_socket_answer_says_what_the_snapshot_says(coalesced, socket, live):
    c, p = live
    first = socket(p["government"])
    since = join(first, c)["seq"]
    others = [socket(p[who]) for who in ("employers", "workers", "adviser", "observer", "chair")]
    for sc in others:
        join(sc, c)
    assert ack(first, "chat:send", {"consultation_id": c.id, "text": "Good *morning*"})["ok"]
    presence.flush_presence()
    back = socket(p["secretariat"])
    res = join(back, c, since=since)
    plain = _plain(p["secretariat"].id, c, since)
    assert res["seq"] == plain["seq"] and res["more"] == plain["more"] is False
    assert res["presence"] == plain["presence"]
    assert [u["user_id"] for u in res["presence"]] == sorted(
        [u["user_id"] for u in plain["presence"]], key=lambda uid: next(
            (x["name"], x["user_id"]) for x in plain["presence"] if x["user_id"] == uid))
    assert len(res["presence"]) == 7
    assert res["events"] == plain["events"]
    assert [e["type"] for e in res["events"]].count("chat.message") == 1
    assert {k: v for k, v in res["state"].items() if k != "now"} == \
        {k: v for k, v in plain["state"].items() if k != "now"}


def test_a_message_hidden_after_it_was_replayed_is_replayed_hidden(coalesced, app, socket, live):
    c, p = live
    sender = socket(p["government"])
    since = join(sender, c)["seq"]
    mid = ack(sender, "chat:send", {"consultation_id": c.id, "text": "A message to hide"})["message_id"]
    early = join(socket(p["workers"]), c, since=since)  # the replay is kept with this text
    assert [e["data"]["text"] for e in early["events"] if e["type"] == "chat.message"] == ["A message to hide"]
    from app.consultations.moderation import hide_content
    with app.test_request_context():
        hide_content(db.session.get(User, p["secretariat"].id), "chat", mid, "Off topic")
        db.session.commit()
    late = join(socket(p["employers"]), c, since=since)
    (msg,) = [e for e in late["events"] if e["type"] == "chat.message"]
    assert msg["data"]["text"] == "" and msg["data"]["html"] == ""
    assert any(e["type"] == "content.hidden" for e in late["events"])


def test_the_shared_state_follows_every_change_and_me_stays_personal(coalesced, socket, live):
    c, p = live
    gov, wrk, chair = socket(p["government"]), socket(p["workers"]), socket(p["chair"])
    for sc in (gov, wrk, chair):
        join(sc, c)
    assert ack(gov, "hand:raise", {"consultation_id": c.id})["ok"]
    s_gov, s_wrk = join(socket(p["government"]), c)["state"], join(socket(p["workers"]), c)["state"]
    assert [s["user_id"] for s in s_gov["speakers"]] == [s["user_id"] for s in s_wrk["speakers"]] == [p["government"].id]
    assert s_gov["me"]["hand_raised"] and not s_wrk["me"]["hand_raised"]
    assert ack(chair, "chat:mute", {"consultation_id": c.id, "user_id": p["workers"].id})["ok"]
    s_gov, s_wrk = join(socket(p["government"]), c)["state"], join(socket(p["workers"]), c)["state"]
    assert s_gov["muted"] == s_wrk["muted"] == [p["workers"].id]
    assert s_wrk["me"]["muted"] and not s_wrk["me"]["can_chat"]
    assert not s_gov["me"]["muted"] and s_gov["me"]["can_chat"]
    s_chair = join(socket(p["chair"]), c)["state"]
    assert s_chair["me"]["can_moderate"] and not s_gov["me"]["can_moderate"]
    assert ack(chair, "floor:give", {"consultation_id": c.id, "user_id": p["government"].id})["ok"]
    s_wrk = join(socket(p["workers"]), c)["state"]
    assert s_wrk["floor"]["user_id"] == p["government"].id and s_wrk["speakers"] == []
    assert ack(chair, "session:set", {"consultation_id": c.id, "status": "closed"})["ok"]
    s_gov = join(socket(p["government"]), c)["state"]
    assert s_gov["status"] == "closed" and s_gov["floor"] is None and s_gov["muted"] == []
    assert not s_gov["me"]["can_chat"]


def test_the_kept_presence_list_follows_comings_and_goings(coalesced, socket, live):
    c, p = live
    gov, emp = socket(p["government"]), socket(p["employers"])
    join(gov, c)
    join(emp, c)
    assert {u["user_id"] for u in join(socket(p["workers"]), c)["presence"]} == \
        {p["government"].id, p["employers"].id, p["workers"].id}
    emp.disconnect()
    res = join(socket(p["adviser"]), c)
    ids = [u["user_id"] for u in res["presence"]]
    assert set(ids) == {p["government"].id, p["workers"].id, p["adviser"].id}
    names = [(u["name"], u["user_id"]) for u in res["presence"]]
    assert names == sorted(names)
    assert res["presence"] == _plain(p["adviser"].id, c, None)["presence"]
    view = {u["user_id"] for u in res["presence"]}
    presence.flush_presence()
    for ev in room_events(gov):
        if ev["type"] == "presence.changed":
            view |= {u["user_id"] for u in ev["data"]["joined"]}
            view -= set(ev["data"]["left"])
    assert view == {u["user_id"] for u in _plain(p["government"].id, c, None)["presence"]}


def test_raw_json_is_spliced_as_is_and_binary_is_still_found():
    value = {"ok": True, "presence": RawJSON.of_parts(['{"user_id":1}', '{"user_id":2}']), "name": "Ama \u00e9"}
    text = SocketJSON.dumps([value], separators=(",", ":"))
    assert json.loads(text) == [{"ok": True, "presence": [{"user_id": 1}, {"user_id": 2}], "name": "Ama \u00e9"}]
    assert text == json.dumps([{"ok": True, "presence": [{"user_id": 1}, {"user_id": 2}], "name": "Ama \u00e9"}],
                              separators=(",", ":"))
    assert SocketJSON.dumps(["room:event", {"a": [1]}]) == json.dumps(["room:event", {"a": [1]}])
    assert SocketPacket.data_is_binary(["x", {"a": [{"b": b"\x00"}]}])
    assert not SocketPacket.data_is_binary(["x", {"a": [{"b": "\x00"}]}, value])
