"""Service-layer rules of the live room: joining, chat, hands, floor, agenda, moderation."""
import pytest
from sqlalchemy import select

from app.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited, TooLarge
from app.core.realtime import RoomEvent, current_seq
from app.core.connections import SocketConnection
from app.extensions import db
from app.rooms import access, floor, presence, services


def _types(c, since=0):
    return [e.type for e in db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.seq > since).order_by(RoomEvent.seq))]


def _sock(user, sid):
    db.session.add(SocketConnection(sid=sid, server_id="test", login_session_id="x", user_id=user.id))
    db.session.flush()
    return sid


def test_join_records_presence_once_per_person(room):
    c, p = room
    gov = p["government"]
    presence.join(gov, c.id, _sock(gov, "s1"))
    presence.join(gov, c.id, _sock(gov, "s2"))
    db.session.commit()
    assert _types(c).count("presence.joined") == 1
    snap = services.snapshot(gov, c, 0)
    assert [x["user_id"] for x in snap["presence"]] == [gov.id]
    assert snap["presence"][0]["role"] == "delegate" and snap["presence"][0]["constituency"] == "government"
    presence.drop_socket("s1")
    db.session.commit()
    assert "presence.left" not in _types(c)
    presence.leave(gov, c.id, "s2")
    db.session.commit()
    assert _types(c)[-1] == "presence.left"
    assert services.snapshot(gov, c, 0)["presence"] == []


@pytest.mark.parametrize("who", ["outsider"])
def test_non_participants_get_not_found(room, who):
    c, p = room
    with pytest.raises(NotFound):
        presence.join(p[who], c.id, _sock(p[who], "s9"))
    with pytest.raises(NotFound):
        services.send_chat(p[who], c.id, "hello")
    with pytest.raises(NotFound):
        presence.join(p["government"], 999999, "s9")
    with pytest.raises(NotFound):
        presence.join(p["government"], "1", "s9")


def test_draft_room_is_closed_to_participants_but_not_secretariat(factory):
    c = factory.consultation(status="draft")
    u = factory.user()
    factory.participant(c, u)
    with pytest.raises(NotFound):
        access.get_room(u, c.id)
    assert access.get_room(factory.secretariat, c.id)[0] is c


def test_secretariat_joins_as_secretariat(room):
    c, p = room
    presence.join(p["secretariat"], c.id, _sock(p["secretariat"], "s1"))
    assert services.snapshot(p["secretariat"], c, None)["presence"][0]["role"] == "secretariat"


def test_chat_renders_sanitised_markdown_and_never_raw_html(room):
    c, p = room
    msg, created = services.send_chat(p["workers"], c.id, "**hi** <script>alert(1)</script>")
    db.session.commit()
    assert created and "<strong>hi</strong>" in msg.html and "<script>" not in msg.html
    ev = db.session.scalar(select(RoomEvent).where(RoomEvent.seq == msg.seq, RoomEvent.consultation_id == c.id))
    assert ev.type == "chat.message"
    assert ev.data == {"message_id": msg.id, "text": msg.text, "html": msg.html, "client_id": None}
    assert ev.actor["id"] == p["workers"].id


def test_chat_dedup_by_client_id_per_user(room):
    c, p = room
    m1, created1 = services.send_chat(p["workers"], c.id, "one", "abc")
    db.session.commit()
    m2, created2 = services.send_chat(p["workers"], c.id, "one again", "abc")
    db.session.commit()
    assert created1 and not created2 and m1.id == m2.id and m1.seq == m2.seq
    assert _types(c).count("chat.message") == 1
    # another person may use the same client_id
    m3, created3 = services.send_chat(p["employers"], c.id, "mine", "abc")
    assert created3 and m3.seq == m1.seq + 1


@pytest.mark.parametrize("text,exc", [("", Invalid), ("   ", Invalid), (None, Invalid), (42, Invalid),
                                      ("x" * 2001, TooLarge), ("a\x00b", Invalid)])
def test_chat_bad_text(room, text, exc):
    c, p = room
    with pytest.raises(exc):
        services.send_chat(p["workers"], c.id, text)


def test_chat_bad_client_id(room):
    c, p = room
    for bad in ("", "x" * 65, 7):
        with pytest.raises(Invalid):
            services.send_chat(p["workers"], c.id, "hi", bad)


def test_chat_at_the_limit_is_accepted(room):
    c, p = room
    msg, _ = services.send_chat(p["workers"], c.id, "x" * 2000)
    assert len(msg.text) == 2000


def test_who_may_chat_and_raise_hands(room, factory):
    c, p = room
    for who in ("government", "adviser", "chair", "secretariat"):
        services.send_chat(p[who], c.id, f"from {who}")
    with pytest.raises(Forbidden):
        services.send_chat(p["observer"], c.id, "hello")
    with pytest.raises(Forbidden):
        floor.raise_hand(p["observer"], c.id)
    floor.raise_hand(p["adviser"], c.id)
    pending = factory.user()
    factory.participant(c, pending, credentials="pending")
    with pytest.raises(Forbidden):
        services.send_chat(pending, c.id, "hello")


def test_chat_refused_unless_live(factory):
    c = factory.consultation(status="scheduled")
    u = factory.user()
    factory.participant(c, u)
    with pytest.raises(Conflict):
        services.send_chat(u, c.id, "early")
    with pytest.raises(Conflict):
        floor.raise_hand(u, c.id)


def test_chat_is_rate_limited_per_user(room, app):
    c, p = room
    app.config["ROOMS_CHAT_BURST"] = 3
    app.config["ROOMS_CHAT_RATE"] = 0.01
    for i in range(3):
        services.send_chat(p["employers"], c.id, f"m{i}")
    with pytest.raises(RateLimited):
        services.send_chat(p["employers"], c.id, "too many")
    services.send_chat(p["workers"], c.id, "someone else is fine")
    app.config["RATELIMIT_ENABLED"] = False
    services.send_chat(p["employers"], c.id, "limits off")


def test_queue_and_floor(room):
    c, p = room
    gov, emp, wrk, chair = p["government"], p["employers"], p["workers"], p["chair"]
    e1 = floor.raise_hand(gov, c.id)
    e2 = floor.raise_hand(emp, c.id)
    floor.raise_hand(wrk, c.id)
    assert e1.data["user_id"] == gov.id and e1.data["queue"] == [gov.id] and e1.data["kind"] == "speak"
    assert e2.data["queue"] == [gov.id, emp.id]
    with pytest.raises(Conflict):
        floor.raise_hand(gov, c.id)
    low = floor.lower_hand(wrk, c.id)
    assert low.type == "hand.lowered" and low.data["user_id"] == wrk.id and low.data["queue"] == [gov.id, emp.id]
    with pytest.raises(Conflict):
        floor.lower_hand(wrk, c.id)
    with pytest.raises(Forbidden):
        floor.give_floor(gov, c.id, emp.id)
    with pytest.raises(Forbidden):
        floor.lower_hand(gov, c.id, emp.id)
    ev = floor.give_floor(chair, c.id, gov.id)
    db.session.commit()
    assert ev.type == "floor.given"
    assert {k: ev.data[k] for k in ("user_id", "name", "constituency", "agenda_item_id", "queue", "limit_s", "ends_at")} \
        == {"user_id": gov.id, "name": gov.name, "constituency": "government", "agenda_item_id": None,
            "queue": [emp.id], "limit_s": None, "ends_at": None}
    state = floor.room_state(gov, c)
    assert state["floor"]["user_id"] == gov.id and state["floor"]["since"]
    assert [q["user_id"] for q in state["queue"]] == [emp.id]
    assert floor.lower_hand(chair, c.id, emp.id).data["queue"] == []
    with pytest.raises(Invalid):
        floor.give_floor(chair, c.id, p["observer"].id)
    with pytest.raises(Invalid):
        floor.give_floor(chair, c.id, p["outsider"].id)
    with pytest.raises(Invalid):
        floor.give_floor(chair, c.id, "x")
    rel = floor.release_floor(gov, c.id)
    assert rel.type == "floor.released" and floor.room_state(gov, c)["floor"] is None
    with pytest.raises(Conflict):
        floor.release_floor(chair, c.id)


def test_agenda_set_by_chair_only(room, factory):
    c, p = room
    from app.consultations.agenda import add_agenda_item
    item = add_agenda_item(factory.secretariat, c, "Labour migration data")
    db.session.commit()
    with pytest.raises(Forbidden):
        floor.set_agenda_item(p["government"], c.id, item.id)
    with pytest.raises(NotFound):
        floor.set_agenda_item(p["chair"], c.id, 99999)
    with pytest.raises(Invalid):
        floor.set_agenda_item(p["chair"], c.id, None)
    ev = floor.set_agenda_item(p["chair"], c.id, item.id)
    db.session.commit()
    assert ev.data == {"agenda_item_id": item.id, "title": "Labour migration data", "position": 1}
    assert c.current_agenda_item_id == item.id
    assert floor.give_floor(p["chair"], c.id, p["workers"].id).data["agenda_item_id"] == item.id


def test_mute_and_unmute(room):
    c, p = room
    with pytest.raises(Forbidden):
        floor.mute(p["government"], c.id, p["workers"].id)
    ev = floor.mute(p["chair"], c.id, p["workers"].id)
    assert ev.type == "chat.muted" and ev.data["user_id"] == p["workers"].id
    with pytest.raises(Conflict):
        floor.mute(p["chair"], c.id, p["workers"].id)
    with pytest.raises(Forbidden):
        services.send_chat(p["workers"], c.id, "hello?")
    assert floor.room_state(p["workers"], c)["me"]["can_chat"] is False
    floor.raise_hand(p["workers"], c.id)  # muted chat, not muted voice
    with pytest.raises(Conflict):
        floor.mute(p["secretariat"], c.id, p["chair"].id)
    assert floor.unmute(p["secretariat"], c.id, p["workers"].id).type == "chat.unmuted"
    services.send_chat(p["workers"], c.id, "back")
    with pytest.raises(Conflict):
        floor.unmute(p["chair"], c.id, p["workers"].id)


def test_remove_from_room(room):
    c, p = room
    wrk = p["workers"]
    presence.join(wrk, c.id, _sock(wrk, "w1"))
    floor.raise_hand(wrk, c.id)
    floor.give_floor(p["chair"], c.id, wrk.id)
    floor.raise_hand(wrk, c.id)
    db.session.commit()
    before = current_seq(c.id)
    floor.remove_from_room(p["chair"], c.id, wrk.id)
    db.session.commit()
    assert _types(c, before) == ["participant.removed", "hand.lowered", "floor.released", "presence.left"]
    with pytest.raises(Forbidden):
        presence.join(wrk, c.id, _sock(wrk, "w2"))
    with pytest.raises(Conflict):
        floor.give_floor(p["chair"], c.id, wrk.id)
    # the removal lasts for the sitting: closing and reopening the session lifts it
    floor.set_session_status(p["chair"], c.id, "closed")
    floor.set_session_status(p["chair"], c.id, "live")
    db.session.commit()
    presence.join(wrk, c.id, "w2")


def test_session_open_close_by_chair_and_state_resets(room):
    c, p = room
    floor.raise_hand(p["government"], c.id)
    floor.give_floor(p["chair"], c.id, p["employers"].id)
    floor.mute(p["chair"], c.id, p["workers"].id)
    with pytest.raises(Forbidden):
        floor.set_session_status(p["government"], c.id, "closed")
    with pytest.raises(Invalid):
        floor.set_session_status(p["chair"], c.id, "archived")
    ev = floor.set_session_status(p["chair"], c.id, "closed")
    assert ev.type == "session.status" and ev.data == {"status": "closed", "previous": "live"}
    with pytest.raises(Conflict):
        floor.set_session_status(p["chair"], c.id, "closed")
    with pytest.raises(Conflict):
        services.send_chat(p["government"], c.id, "after")
    floor.set_session_status(p["chair"], c.id, "live")
    state = floor.room_state(p["workers"], c)
    assert state["queue"] == [] and state["floor"] is None and state["muted"] == []
    assert state["me"]["can_chat"] is True


def test_removing_a_participant_clears_them_from_the_room(room, factory):
    c, p = room
    from app.consultations.models import Participant
    from app.consultations.participants import remove_participant
    wrk = p["workers"]
    presence.join(wrk, c.id, _sock(wrk, "w1"))
    floor.raise_hand(wrk, c.id)
    db.session.commit()
    part = db.session.scalar(select(Participant).where(Participant.user_id == wrk.id))
    remove_participant(factory.secretariat, c, part.id)
    db.session.commit()
    assert _types(c)[-2:] == ["hand.lowered", "presence.left"]
    with pytest.raises(NotFound):
        presence.join(wrk, c.id, "w1")


def test_snapshot_replay_and_seq(room):
    c, p = room
    for i in range(5):
        services.send_chat(p["government"], c.id, f"m{i}")
    db.session.commit()
    snap = services.snapshot(p["government"], c, 2)
    seqs = [e["seq"] for e in snap["events"]]
    last = current_seq(c.id)
    assert seqs == list(range(3, last + 1)) and snap["seq"] == last
    assert services.snapshot(p["government"], c, None)["events"] == []
    assert services.snapshot(p["government"], c, 10_000)["events"] == []
    with pytest.raises(Invalid):
        services.snapshot(p["government"], c, -1)
    with pytest.raises(Invalid):
        services.snapshot(p["government"], c, "3")


def test_connections_of_a_dead_process_are_swept_and_presence_corrected(room):
    from datetime import timedelta

    from app.core import connections, sockets
    from app.core.db import utcnow
    c, p = room
    gov = p["government"]
    old = utcnow() - timedelta(minutes=5)
    db.session.add(connections.SocketServer(id="dead", seen_at=old))
    db.session.add(SocketConnection(sid="ghost", server_id="dead", login_session_id="x", user_id=gov.id,
                                    connected_at=old))
    db.session.flush()
    presence.join(gov, c.id, "ghost")
    db.session.commit()
    assert [x["user_id"] for x in services.snapshot(gov, c, None)["presence"]] == [gov.id]
    assert sockets.beat_and_sweep(stale_after=45) == 1
    assert services.snapshot(gov, c, None)["presence"] == []
    assert _types(c)[-1] == "presence.left"
    assert db.session.get(connections.SocketServer, connections.SERVER_ID) is not None
    assert db.session.get(connections.SocketServer, "dead") is None


@pytest.mark.parametrize("text", ["hello world", "it's fine, ok? yes! a;b: c.", "Émile à Dakar", "3 items",
                                  "1. first", "a_b_c", "*bold*", "<b>x</b>", "a & b", "line\\nbreak", "# title",
                                  "x > y", "http://example.org", "- item", "`code`"])
def test_chat_fast_path_renders_like_markdown(text):
    from app.core.markdown import render
    assert services.render_chat(text) == render(text)


def test_presence_lists_everyone_present_as_presence_joined_describes_them(room, factory):
    """The join answer's presence list and each presence.joined event describe a person the
    same way (two code paths: one query for the whole list, person() for one)."""
    c, p = room
    sec = factory.secretariat
    for i, who in enumerate([p["workers"], p["government"], sec]):
        presence.join(who, c.id, _sock(who, f"s{i}"))
    db.session.commit()
    joined = {e.data["user_id"]: e.data for e in db.session.scalars(
        select(RoomEvent).where(RoomEvent.consultation_id == c.id, RoomEvent.type == "presence.joined"))}
    listed = services.snapshot(p["government"], c, None)["presence"]
    assert [x["name"] for x in listed] == sorted(x["name"] for x in listed)
    assert {x["user_id"]: x for x in listed} == joined
    assert joined[sec.id]["role"] == "secretariat" and joined[p["workers"].id]["role"] == "delegate"
