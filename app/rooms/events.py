"""Socket.IO handlers of the live room: each parses the payload, calls one service, and the
socket_handler wrapper commits and acknowledges (errors become error acks)."""
from flask import request
from flask_socketio import join_room, leave_room

from app.core.realtime import room_name
from app.core.sockets import socket_handler, socket_hooks
from app.rooms import floor, presence, services
from app.rooms.payloads import AGENDA_BODY, CHAT_BODY, HAND_BODY, SESSION_BODY, USER_BODY


def _cid(payload: dict):
    return payload.get("consultation_id")


def room_join(actor, payload):
    c = presence.join(actor, _cid(payload), request.sid)
    # Enter the Socket.IO room before reading the replay: an event committed meanwhile is
    # then both broadcast and replayed, never neither (the client dedupes by seq).
    join_room(room_name(c.id))
    try:
        return services.snapshot(actor, c, payload.get("since"))
    except Exception:
        leave_room(room_name(c.id))
        raise


def room_leave(actor, payload):
    presence.leave(actor, _cid(payload), request.sid)
    leave_room(room_name(_cid(payload)))
    return {}


def chat_send(actor, payload):
    msg, created = services.send_chat(actor, _cid(payload), payload.get("text"), payload.get("client_id"))
    return {"seq": msg.seq, "message_id": msg.id, "duplicate": not created}


def hand_raise(actor, payload):
    return {"seq": floor.raise_hand(actor, _cid(payload)).seq}


def hand_lower(actor, payload):
    return {"seq": floor.lower_hand(actor, _cid(payload), payload.get("user_id")).seq}


def floor_give(actor, payload):
    return {"seq": floor.give_floor(actor, _cid(payload), payload.get("user_id")).seq}


def floor_release(actor, payload):
    return {"seq": floor.release_floor(actor, _cid(payload)).seq}


def agenda_set(actor, payload):
    return {"seq": floor.set_agenda_item(actor, _cid(payload), payload.get("agenda_item_id")).seq}


def chat_mute(actor, payload):
    return {"seq": floor.mute(actor, _cid(payload), payload.get("user_id")).seq}


def chat_unmute(actor, payload):
    return {"seq": floor.unmute(actor, _cid(payload), payload.get("user_id")).seq}


def participant_remove(actor, payload):
    return {"seq": floor.remove_from_room(actor, _cid(payload), payload.get("user_id")).seq}


def session_set(actor, payload):
    ev = floor.set_session_status(actor, _cid(payload), payload.get("status"))
    return {"seq": ev.seq if ev else None}


HANDLERS = {
    "room:join": room_join, "room:leave": room_leave, "chat:send": chat_send,
    "hand:raise": hand_raise, "hand:lower": hand_lower, "floor:give": floor_give,
    "floor:release": floor_release, "agenda:set": agenda_set, "chat:mute": chat_mute,
    "chat:unmute": chat_unmute, "participant:remove": participant_remove, "session:set": session_set,
}


def _drop_socket(sid, _login_session_id):
    presence.drop_socket(sid)


# each event reads its payload with the spec its HTTP door reads the body with
PAYLOADS = {"chat:send": CHAT_BODY, "hand:lower": HAND_BODY, "floor:give": USER_BODY, "agenda:set": AGENDA_BODY,
            "chat:mute": USER_BODY, "chat:unmute": USER_BODY, "participant:remove": USER_BODY,
            "session:set": SESSION_BODY}


def register(app) -> None:
    """Called for every app (each has its own Socket.IO server and hooks)."""
    for name, fn in HANDLERS.items():
        # chat reads, then inserts: its transaction may wait for PostgreSQL in C (app.core.pg)
        socket_handler(name, hold=name == "chat:send", payload_spec=PAYLOADS.get(name))(fn)
    hooks = socket_hooks(app)
    hooks.disconnect.append(_drop_socket)
    hooks.access_lost.append(floor.on_access_lost)
