"""Socket.IO events through Flask-SocketIO's test client: joins, refusals, chat, dedup, hands,
floor, replay after `since`, bad input, limits, and access ending on open sockets."""
import time

import pytest

from app.extensions import socketio
from tests.rooms.conftest import room_events


def ack(sc, event, payload):
    return sc.emit(event, payload, callback=True)


def joined(sc, c, since=None):
    payload = {"consultation_id": c.id} if since is None else {"consultation_id": c.id, "since": since}
    res = ack(sc, "room:join", payload)
    assert res["ok"], res
    return res


def test_connect_refused_without_sign_in(app):
    sc = socketio.test_client(app)
    assert not sc.is_connected()
    sc = socketio.test_client(app, auth={"token": "forged"})
    assert not sc.is_connected()
    sc = socketio.test_client(app, auth={"token": 12})
    assert not sc.is_connected()


def test_connect_with_session_cookie(app, client, login, live):
    c, p = live
    login(p["government"])
    sc = socketio.test_client(app, flask_test_client=client)
    assert sc.is_connected()
    assert joined(sc, c)["state"]["me"]["user_id"] == p["government"].id


def test_a_socket_reads_its_session_cookie_once_and_http_each_request(app, client, login, live, monkeypatch):
    """Every socket event runs in a request context made from the connection's environ; the
    cookie it connected with is read at the connect only, and its events still act as that
    person. HTTP requests read theirs each time: a sign-out is seen at once."""
    from flask.sessions import SecureCookieSessionInterface
    c, p = live
    login(p["government"])
    opened = []
    real = SecureCookieSessionInterface.open_session
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session",
                        lambda self, a, r: opened.append(r.path) or real(self, a, r))
    sc = socketio.test_client(app, flask_test_client=client)
    assert joined(sc, c)["state"]["me"]["user_id"] == p["government"].id
    assert ack(sc, "chat:send", {"consultation_id": c.id, "text": "first"})["ok"]
    assert ack(sc, "hand:raise", {"consultation_id": c.id})["ok"]
    assert len(opened) == 1
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert len(opened) == 3
    client.post("/logout")
    assert client.get("/api/v1/me").status_code == 401


def test_join_ack_and_presence_broadcast(socket, live):
    c, p = live
    a = socket(p["government"])
    res = joined(a, c)
    assert set(res) >= {"ok", "seq", "presence", "events"}
    assert res["seq"] >= 1
    assert [x["user_id"] for x in res["presence"]] == [p["government"].id]
    a.get_received()
    b = socket(p["workers"])
    res_b = joined(b, c, since=res["seq"])
    # joining the live room of a live sitting also checks the participant in
    assert [e["type"] for e in res_b["events"]] == ["presence.joined", "attendance.changed"]
    ev, checked_in = room_events(a)
    assert checked_in["type"] == "attendance.changed" and checked_in["data"]["present"] is True
    assert ev["type"] == "presence.joined" and ev["seq"] == res["seq"] + 1
    assert ev["data"] == {"user_id": p["workers"].id, "name": p["workers"].name, "constituency": "workers",
                          "organisation": {"id": p["workers"].organisation_id,
                                           "name": p["workers"].org_name}, "role": "delegate"}
    assert set(ev) == {"consultation_id", "seq", "type", "at", "actor", "data"}
    b.disconnect()
    (left,) = room_events(a)
    assert left["type"] == "presence.left" and left["data"] == {"user_id": p["workers"].id}


@pytest.mark.parametrize("payload", [{"consultation_id": 999999}, {"consultation_id": "1"}, {},
                                     {"consultation_id": None}])
def test_join_refusals_look_like_not_found(socket, live, payload):
    c, p = live
    sc = socket(p["government"])
    res = ack(sc, "room:join", payload)
    assert res == {"ok": False, "error": {"code": "not_found", "message": "No such consultation."}}


def test_outsider_gets_the_same_not_found(socket, live):
    c, p = live
    sc = socket(p["outsider"])
    res = ack(sc, "room:join", {"consultation_id": c.id})
    assert res == {"ok": False, "error": {"code": "not_found", "message": "No such consultation."}}
    assert ack(sc, "chat:send", {"consultation_id": c.id, "text": "hi"})["error"]["code"] == "not_found"


def test_outsider_receives_no_room_broadcasts(socket, live):
    c, p = live
    out = socket(p["outsider"])
    ack(out, "room:join", {"consultation_id": c.id})
    sc = socket(p["government"])
    joined(sc, c)
    assert ack(sc, "chat:send", {"consultation_id": c.id, "text": "private"})["ok"]
    assert room_events(out) == []


@pytest.mark.parametrize("payload", ["not an object", [1, 2], 42])
def test_payload_must_be_an_object(socket, live, payload):
    c, p = live
    sc = socket(p["government"])
    res = ack(sc, "chat:send", payload)
    assert res["ok"] is False and res["error"]["code"] == "invalid"
    assert sc.is_connected()


def test_chat_send_dedup_and_broadcast(socket, live):
    c, p = live
    a, b = socket(p["government"]), socket(p["employers"])
    joined(a, c)
    joined(b, c)
    a.get_received()
    b.get_received()
    first = ack(a, "chat:send", {"consultation_id": c.id, "text": "Hello *all*", "client_id": "c-1"})
    assert first["ok"] and first["duplicate"] is False
    again = ack(a, "chat:send", {"consultation_id": c.id, "text": "Hello *all*", "client_id": "c-1"})
    assert again["ok"] and again["seq"] == first["seq"] and again["duplicate"] is True
    (ev,) = room_events(b)
    assert ev["type"] == "chat.message" and ev["seq"] == first["seq"]
    assert ev["data"]["html"] == "<p>Hello <em>all</em></p>" and ev["data"]["client_id"] == "c-1"
    assert ev["actor"] == {"id": p["government"].id, "name": p["government"].name, "constituency": "government"}


def test_chat_errors_are_acks_not_disconnects(socket, live):
    c, p = live
    a, obs = socket(p["government"]), socket(p["observer"])
    joined(a, c)
    joined(obs, c)
    big = ack(a, "chat:send", {"consultation_id": c.id, "text": "x" * 2001})
    assert big["error"]["code"] == "too_large"
    assert ack(a, "chat:send", {"consultation_id": c.id})["error"]["code"] == "invalid"
    assert ack(a, "chat:send", {"consultation_id": c.id, "text": ["x"]})["error"]["code"] == "invalid"
    assert ack(obs, "chat:send", {"consultation_id": c.id, "text": "hi"})["error"]["code"] == "forbidden"
    assert ack(obs, "hand:raise", {"consultation_id": c.id})["error"]["code"] == "forbidden"
    assert a.is_connected() and obs.is_connected()


def test_hands_floor_and_agenda_over_sockets(socket, live):
    c, p = live
    from app.accounts.models import User
    from app.consultations.models import Consultation
    from app.consultations.agenda import add_agenda_item
    from app.extensions import db
    item = add_agenda_item(db.session.get(User, p["secretariat"].id), db.session.get(Consultation, c.id), "Skills recognition")
    db.session.commit()
    item = type("Item", (), {"id": item.id})
    gov, chair = socket(p["government"]), socket(p["chair"])
    joined(gov, c)
    joined(chair, c)
    gov.get_received()
    r = ack(gov, "hand:raise", {"consultation_id": c.id})
    assert r["ok"] and isinstance(r["seq"], int)
    assert ack(gov, "hand:raise", {"consultation_id": c.id})["error"]["code"] == "conflict"
    assert ack(gov, "floor:give", {"consultation_id": c.id, "user_id": p["government"].id})["error"]["code"] == "forbidden"
    assert ack(gov, "agenda:set", {"consultation_id": c.id, "agenda_item_id": item.id})["error"]["code"] == "forbidden"
    assert ack(chair, "agenda:set", {"consultation_id": c.id, "agenda_item_id": item.id})["ok"]
    g = ack(chair, "floor:give", {"consultation_id": c.id, "user_id": p["government"].id})
    assert g["ok"]
    assert ack(chair, "floor:give", {"consultation_id": c.id})["error"]["code"] == "invalid"
    evs = room_events(gov)
    assert [e["type"] for e in evs] == ["hand.raised", "agenda.changed", "speakers.changed", "floor.given"]
    assert evs[-1]["data"]["agenda_item_id"] == item.id and evs[-1]["data"]["queue"] == []
    assert [e["seq"] for e in evs] == list(range(evs[0]["seq"], evs[0]["seq"] + 4))
    assert ack(gov, "hand:lower", {"consultation_id": c.id})["error"]["code"] == "conflict"


def test_replay_after_since_is_exact(socket, live):
    c, p = live
    a = socket(p["government"])
    first = joined(a, c)
    seen = first["seq"]
    a.disconnect()
    b = socket(p["workers"])
    joined(b, c)
    sent = [ack(b, "chat:send", {"consultation_id": c.id, "text": f"m{i}"})["seq"] for i in range(4)]
    a2 = socket(p["government"])
    res = joined(a2, c, since=seen)
    seqs = [e["seq"] for e in res["events"]]
    assert seqs == list(range(seen + 1, res["seq"] + 1))
    assert set(sent) <= set(seqs)
    assert [e["data"]["text"] for e in res["events"] if e["type"] == "chat.message"] == ["m0", "m1", "m2", "m3"]


def test_leave_stops_broadcasts(socket, live):
    c, p = live
    a, b = socket(p["government"]), socket(p["workers"])
    joined(a, c)
    joined(b, c)
    assert ack(a, "room:leave", {"consultation_id": c.id}) == {"ok": True}
    a.get_received()
    ack(b, "chat:send", {"consultation_id": c.id, "text": "after you left"})
    assert room_events(a) == []
    assert ack(a, "room:leave", {"consultation_id": "x"})["error"]["code"] == "invalid"


def test_event_flood_is_limited_per_socket_without_disconnect(socket, live, app):
    c, p = live
    app.config["SOCKETIO_EVENTS_BURST"] = 5
    app.config["SOCKETIO_EVENTS_PER_SECOND"] = 0.5
    a, b = socket(p["government"]), socket(p["workers"])
    codes = [ack(a, "room:leave", {"consultation_id": c.id}) for _ in range(8)]
    assert any(r.get("error", {}).get("code") == "rate_limited" for r in codes)
    assert a.is_connected()
    assert ack(b, "room:leave", {"consultation_id": c.id})["ok"]


def test_connection_limit_per_user(app, bearer, live):
    c, p = live
    app.config["SOCKETIO_MAX_CONNECTIONS_PER_USER"] = 2
    token = bearer(p["government"])
    clients = [socketio.test_client(app, auth={"token": token}) for _ in range(3)]
    assert [sc.is_connected() for sc in clients] == [True, True, False]
    clients[0].disconnect()
    again = socketio.test_client(app, auth={"token": token})
    assert again.is_connected()
    for sc in (clients[1], again):
        sc.disconnect()


def test_internal_errors_never_show_a_traceback(socket, live, monkeypatch):
    c, p = live
    from app.rooms import services

    def boom(*a, **k):
        raise RuntimeError("secret detail /etc/passwd")
    monkeypatch.setattr(services, "send_chat", boom)
    sc = socket(p["government"])
    res = ack(sc, "chat:send", {"consultation_id": c.id, "text": "hi"})
    assert res == {"ok": False, "error": {"code": "internal", "message": "Something went wrong."}}
    assert sc.is_connected()


def _wait(pred, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        socketio.sleep(0.02)
    return pred()


def test_sign_out_disconnects_open_sockets(app, client, login, live):
    c, p = live
    login(p["government"])
    sc = socketio.test_client(app, flask_test_client=client)
    joined(sc, c)
    other = socketio.test_client(app, flask_test_client=app.test_client())  # not signed in
    assert not other.is_connected()
    client.post("/logout")
    assert _wait(lambda: not sc.is_connected())


def test_role_change_disconnects_and_events_recheck(app, socket, live):
    c, p = live
    from app.accounts.services import update_user
    from app.extensions import db
    sc = socket(p["employers"])
    joined(sc, c)
    from app.accounts.models import User
    sec = db.session.get(User, p["secretariat"].id)
    update_user(sec, db.session.get(User, p["employers"].id), role="observer")
    db.session.commit()
    assert _wait(lambda: not sc.is_connected())


def test_revoked_token_refused_on_next_event_even_before_disconnect(app, socket, live, monkeypatch):
    c, p = live
    from app.accounts.services import revoke_all_sessions
    from app.core import connections
    from app.extensions import db
    sc = socket(p["workers"])
    joined(sc, c)
    monkeypatch.setattr(connections, "end_user_sockets_on_commit", lambda uid: None)
    from app.accounts.models import User
    revoke_all_sessions(db.session.get(User, p["workers"].id))
    db.session.commit()
    res = ack(sc, "chat:send", {"consultation_id": c.id, "text": "still here?"})
    assert res["error"]["code"] == "unauthenticated"


def test_removal_from_consultation_stops_room_broadcasts(socket, live):
    c, p = live
    from sqlalchemy import select

    from app.consultations.models import Participant
    from app.consultations.participants import remove_participant
    from app.extensions import db
    gone, stay = socket(p["workers"]), socket(p["government"])
    joined(gone, c)
    joined(stay, c)
    part = db.session.scalar(select(Participant).where(Participant.user_id == p["workers"].id))
    from app.accounts.models import User
    from app.consultations.models import Consultation
    remove_participant(db.session.get(User, p["secretariat"].id), db.session.get(Consultation, c.id), part.id)
    db.session.commit()
    gone.get_received()
    assert ack(stay, "chat:send", {"consultation_id": c.id, "text": "without them"})["ok"]
    assert room_events(gone) == []
    assert ack(gone, "room:join", {"consultation_id": c.id})["error"]["code"] == "not_found"


def test_chair_removal_over_sockets(socket, live):
    c, p = live
    wrk, chair = socket(p["workers"]), socket(p["chair"])
    joined(wrk, c)
    joined(chair, c)
    assert ack(wrk, "participant:remove", {"consultation_id": c.id, "user_id": p["government"].id})["error"]["code"] == "forbidden"
    assert ack(chair, "participant:remove", {"consultation_id": c.id, "user_id": p["workers"].id})["ok"]
    wrk.get_received()
    ack(chair, "chat:send", {"consultation_id": c.id, "text": "carry on"})
    assert room_events(wrk) == []
    assert ack(wrk, "room:join", {"consultation_id": c.id})["error"]["code"] == "forbidden"
    assert ack(chair, "chat:mute", {"consultation_id": c.id, "user_id": p["employers"].id})["ok"]
    assert ack(chair, "chat:unmute", {"consultation_id": c.id, "user_id": p["employers"].id})["ok"]
    assert ack(chair, "session:set", {"consultation_id": c.id, "status": "closed"})["ok"]


@pytest.mark.parametrize("event, method, path, payload", [
    ("chat:send", "POST", "chat", {"text": "hello", "client_id": "x" * 65}),
    ("chat:send", "POST", "chat", {"text": ["not", "text"]}),
    ("floor:give", "POST", "floor", {"user_id": "seven"}),
    ("agenda:set", "PUT", "agenda/current", {}),
    ("session:set", "POST", "session", {"status": "adjourned"}),
])
def test_both_doors_read_a_payload_with_the_same_spec(socket, live, client, bearer, event, method, path, payload):
    """A Socket.IO event and its HTTP door refuse a bad field alike: same code, same message."""
    c, p = live
    sc = socket(p["chair"])
    by_socket = ack(sc, event, {"consultation_id": c.id, **payload})
    by_http = client.open(f"/api/v1/consultations/{c.id}/{path}", method=method, json=payload,
                          headers={"Authorization": f"Bearer {bearer(p['chair'])}"})
    assert by_http.status_code == 422, by_http.json
    assert by_socket == {"ok": False, "error": {"code": by_http.json["error"]["code"],
                                                "message": by_http.json["error"]["message"]}}
