"""Socket.IO handlers of the live room: each parses the payload, calls one service, and the
socket_handler wrapper commits and acknowledges (errors become error acks)."""
from flask import request
from flask_socketio import join_room, leave_room

from app.core import wsdeflate
from app.core.errors import DomainError
from app.core.realtime import current_seq, room_name
from app.core.sockets import Call, socket_batch_handler, socket_handler, socket_hooks
from app.rooms import floor, presence, services, speakers
from app.rooms.access import _int
from app.rooms.payloads import (
    AGENDA_BODY,
    CHAT_BODY,
    FLOOR_BODY,
    HAND_BODY,
    HAND_RAISE,
    REORDER_BODY,
    SESSION_BODY,
    SPEAKER_BODY,
    USER_BODY,
)


def _cid(payload: dict):
    return payload.get("consultation_id")


def room_join_many(calls: list[Call]) -> list:
    """room:join for a batch of calls (app.core.sockets.socket_batch_handler): each joins (a
    refusal writes nothing, and is that call's answer); then every joiner enters its Socket.IO
    room, and only then are the room's seq and presence read, once for all of them (and the
    replay, once for all who rejoin from the same `since`). An event committed meanwhile is then both broadcast to a joiner and in its
    replay, never neither (the client dedupes by seq). The presence and replay texts the answers
    share are announced to the websocket compression (wsdeflate.share), which then compresses
    them once for the batch."""
    outcomes: list = [None] * len(calls)
    asked = []
    for i, call in enumerate(calls):
        try:
            since = call.payload.get("since")
            if since is not None:
                _int(since, "since")
            asked.append(i)
        except DomainError as err:
            outcomes[i] = err
    joined = []
    rooms = presence.join_many([(calls[i].actor, _cid(calls[i].payload), calls[i].sid) for i in asked])
    for i, room in zip(asked, rooms, strict=True):
        if isinstance(room, DomainError):
            outcomes[i] = room
        else:
            joined.append((i, calls[i], *room))
    entered = []
    try:
        for _i, call, c, _p in joined:
            join_room(room_name(c.id), sid=call.sid, namespace="/")
            entered.append((call.sid, c.id))
        seqs, present, shared = {}, {}, {}
        for i, call, c, p in joined:
            if c.id not in seqs:
                seqs[c.id], present[c.id] = current_seq(c.id), presence.presence_json(c)
            with call.speaking():
                outcomes[i] = services.snapshot(call.actor, c, call.payload.get("since"), participant=p,
                                                encoded=True, seq=seqs[c.id], present=present[c.id],
                                                shared=shared)
        if len(joined) > 1:  # their answers differ in their ack id and state only
            wsdeflate.share(*(raw.text for part in shared.values() for raw in (part["presence"], part["events"])))
    except Exception:
        for sid, cid in entered:
            leave_room(room_name(cid), sid=sid, namespace="/")
        raise
    return outcomes


def room_leave(actor, payload):
    presence.leave(actor, _cid(payload), request.sid)
    leave_room(room_name(_cid(payload)))
    return {}


def chat_send(actor, payload):
    msg, created = services.send_chat(actor, _cid(payload), payload.get("text"), payload.get("client_id"))
    return {"seq": msg.seq, "message_id": msg.id, "duplicate": not created}


def _seq(ev) -> dict:
    return {"seq": ev.seq if ev is not None else None}


def _acting(service, fields: tuple[str, ...]):
    """The handler of an event whose whole work is one floor service on the consultation (and
    the payload's `fields`, in order): its ack carries the new event's seq."""
    def handle(actor, payload):
        return _seq(service(actor, _cid(payload), *(payload.get(f) for f in fields)))
    handle.__name__ = service.__name__
    return handle


# event -> (floor service, the payload field(s) it takes beyond the consultation)
FLOOR_ACTIONS = {
    "hand:raise": (floor.raise_hand, "kind"), "hand:lower": (floor.lower_hand, "user_id"),
    "floor:give": (floor.give_floor, ("user_id", "limit_s")), "floor:release": (floor.release_floor, None),
    "speakers:add": (speakers.add_speaker, ("user_id", "kind")),
    "speakers:reorder": (speakers.reorder_speakers, "user_ids"),
    "agenda:set": (floor.set_agenda_item, "agenda_item_id"), "chat:mute": (floor.mute, "user_id"),
    "chat:unmute": (floor.unmute, "user_id"), "participant:remove": (floor.remove_from_room, "user_id"),
    "session:set": (floor.set_session_status, "status"),
}

HANDLERS = {"room:leave": room_leave, "chat:send": chat_send,
            **{name: _acting(service, (field,) if isinstance(field, str) else field or ())
               for name, (service, field) in FLOOR_ACTIONS.items()}}


def _drop_socket(sid, _login_session_id):
    presence.drop_socket(sid)


# each event reads its payload with the spec its HTTP door reads the body with
PAYLOADS = {"chat:send": CHAT_BODY, "hand:raise": HAND_RAISE, "hand:lower": HAND_BODY, "floor:give": FLOOR_BODY,
            "speakers:add": SPEAKER_BODY, "speakers:reorder": REORDER_BODY, "agenda:set": AGENDA_BODY,
            "chat:mute": USER_BODY, "chat:unmute": USER_BODY, "participant:remove": USER_BODY,
            "session:set": SESSION_BODY}


def register(app) -> None:
    """Called for every app (each has its own Socket.IO server and hooks)."""
    # a reconnect storm's joins are served in batches
    socket_batch_handler("room:join", room_join_many)
    for name, fn in HANDLERS.items():
        # chat reads, then inserts: its transaction may wait for PostgreSQL in C (app.core.pg)
        socket_handler(name, hold=name == "chat:send", payload_spec=PAYLOADS.get(name))(fn)
    hooks = socket_hooks(app)
    hooks.disconnect.append(_drop_socket)
    hooks.access_lost.append(floor.on_access_lost)
