"""JSON resources of the live room: the same actions as the Socket.IO events, emitting the
same room events, for scripts and clients without a socket."""
from flask import jsonify

from app.api import ApiBlueprint, actor, json_body, query_args
from app.core.realtime import ROOM_EVENT
from app.core.shapes import BOOL, INT, Shape, list_of, nullable, page_of
from app.core.validation import Field, parse
from app.extensions import db
from app.rooms import access, floor, services, speakers
from app.rooms.floor import ROOM_STATE
from app.rooms.payloads import (
    AGENDA_BODY,
    CHAT_BODY,
    FLOOR_BODY,
    HAND_BODY,
    REORDER_BODY,
    SESSION_BODY,
    SPEAKER_BODY,
    USER_BODY,
)
from app.rooms.presence import PRESENT

api = ApiBlueprint("rooms", __name__)

EVENTS_QUERY = {"since": Field(int), "limit": Field(int)}
TAG = "rooms"
ROOM = ROOM_STATE.extend("Room", {"seq": INT, "presence": list_of(PRESENT)},
                         description="The room as a joining page sees it: last seq, who is present, the state.")
SEQ = Shape("EventSeq", {"seq": nullable(INT)}, description="The seq of the room event written (null: nothing changed).")
CHAT_SENT = Shape("ChatSent", {"seq": INT, "message_id": INT, "duplicate": BOOL})


def _seq(ev) -> dict:
    return SEQ.dump({"seq": ev.seq if ev is not None else None})


def _act(consultation_id: int, act, body: dict | None = None, *fields: str):
    """The door of a floor action: the body read against its spec, one floor service given the
    body's `fields` in order (absent optional ones as None), commit, and the seq of the room
    event it wrote."""
    user = actor()
    data = parse(json_body(), body) if body is not None else {}
    args = tuple(data.get(f) for f in fields)
    ev = act(user, consultation_id, *args)
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/room", returns=ROOM, summary="Live room state: presence, queue, floor, agenda item",
               tag=TAG)
def room(consultation_id: int):
    user = actor()
    c, _p = access.get_room(user, consultation_id)
    snap = services.snapshot(user, c, None)
    return jsonify(ROOM.dump({"seq": snap["seq"], "presence": snap["presence"], **snap["state"]}))


@api.operation("/consultations/<int:consultation_id>/events", returns=page_of(ROOM_EVENT), summary="Room events after `since` (replay)",
               query=EVENTS_QUERY, tag=TAG)
def events(consultation_id: int):
    q = query_args(EVENTS_QUERY)
    items, nxt = services.events_page(actor(), consultation_id, q.get("since") or 0, q.get("limit") or 500)
    return jsonify({"items": items, "next": str(nxt) if nxt is not None else None})


@api.operation("/consultations/<int:consultation_id>/chat", ("POST",), returns={201: CHAT_SENT, 200: CHAT_SENT}, summary="Post a chat message (client_id makes a retry idempotent)",
               body=CHAT_BODY, status=201, tag=TAG)
def chat(consultation_id: int):
    user = actor()
    data = parse(json_body(), CHAT_BODY)
    msg, created = services.send_chat(user, consultation_id, data["text"], data.get("client_id"))
    db.session.commit()
    return jsonify(CHAT_SENT.dump({"seq": msg.seq, "message_id": msg.id, "duplicate": not created})), 201 if created else 200


@api.operation("/consultations/<int:consultation_id>/hand", ("POST",),
               returns=SEQ, summary="Raise (raised: true) or lower a hand; the chair may lower anyone's (user_id)", body=HAND_BODY, tag=TAG)
def hand(consultation_id: int):
    user = actor()
    data = parse(json_body(optional=True), HAND_BODY)
    if data.get("raised", True) and data.get("user_id") is None:
        ev = floor.raise_hand(user, consultation_id, data.get("kind"))
    else:
        ev = floor.lower_hand(user, consultation_id, data.get("user_id"))
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/floor", ("POST",), returns=SEQ,
               summary="Give the floor (secretariat or chair), for limit_s seconds or the consultation's speaking_time_s",
               body=FLOOR_BODY, tag=TAG)
def give_floor(consultation_id: int):
    return _act(consultation_id, floor.give_floor, FLOOR_BODY, "user_id", "limit_s")


@api.operation("/consultations/<int:consultation_id>/speakers", ("POST",), returns=SEQ,
               summary="Add a participant to the current agenda item's speakers' list (secretariat or chair)",
               body=SPEAKER_BODY, tag=TAG)
def add_speaker(consultation_id: int):
    return _act(consultation_id, speakers.add_speaker, SPEAKER_BODY, "user_id", "kind")


@api.operation("/consultations/<int:consultation_id>/speakers", ("PUT",), returns=SEQ,
               summary="Reorder the current agenda item's speakers' list: user_ids first, in that order (secretariat or chair)",
               body=REORDER_BODY, tag=TAG)
def reorder_speakers(consultation_id: int):
    return _act(consultation_id, speakers.reorder_speakers, REORDER_BODY, "user_ids")


@api.operation("/consultations/<int:consultation_id>/floor", ("DELETE",), returns=SEQ, summary="Release the floor (holder, secretariat or chair)",
               tag=TAG)
def release_floor(consultation_id: int):
    return _act(consultation_id, floor.release_floor)


@api.operation("/consultations/<int:consultation_id>/agenda/current", ("PUT",),
               returns=SEQ, summary="Set the current agenda item (secretariat or chair)", body=AGENDA_BODY, tag=TAG)
def set_agenda_item(consultation_id: int):
    return _act(consultation_id, floor.set_agenda_item, AGENDA_BODY, "agenda_item_id")


@api.operation("/consultations/<int:consultation_id>/mutes", ("POST",), returns=SEQ, summary="Mute a participant's chat (secretariat or chair)",
               body=USER_BODY, tag=TAG)
def mute(consultation_id: int):
    return _act(consultation_id, floor.mute, USER_BODY, "user_id")


@api.operation("/consultations/<int:consultation_id>/mutes/<int:user_id>", ("DELETE",),
               returns=SEQ, summary="Unmute a participant's chat (secretariat or chair)", tag=TAG)
def unmute(consultation_id: int, user_id: int):
    return _act(consultation_id, lambda user, cid: floor.unmute(user, cid, user_id))


@api.operation("/consultations/<int:consultation_id>/removals", ("POST",),
               returns=SEQ, summary="Remove a participant from the room for this sitting (secretariat or chair)", body=USER_BODY, tag=TAG)
def remove(consultation_id: int):
    return _act(consultation_id, floor.remove_from_room, USER_BODY, "user_id")


@api.operation("/consultations/<int:consultation_id>/session", ("POST",),
               returns=SEQ, summary="Open (live) or close the live session (secretariat or chair)", body=SESSION_BODY, tag=TAG)
def session_status(consultation_id: int):
    return _act(consultation_id, floor.set_session_status, SESSION_BODY, "status")
