"""JSON resources of the live room: the same actions as the Socket.IO events, emitting the
same room events, for scripts and clients without a socket."""
from flask import jsonify

from app.api import ApiBlueprint, actor, json_body, query_args
from app.core.validation import Field, parse
from app.extensions import db
from app.rooms import access, floor, services
from app.rooms.payloads import AGENDA_BODY, CHAT_BODY, HAND_BODY, SESSION_BODY, USER_BODY

api = ApiBlueprint("rooms", __name__)

EVENTS_QUERY = {"since": Field(int), "limit": Field(int)}
TAG = "rooms"


def _seq(ev) -> dict:
    return {"seq": ev.seq if ev is not None else None}


@api.operation("/consultations/<int:consultation_id>/room", summary="Live room state: presence, queue, floor, agenda item",
               tag=TAG)
def room(consultation_id: int):
    user = actor()
    c, _p = access.get_room(user, consultation_id)
    snap = services.snapshot(user, c, None)
    return jsonify({"seq": snap["seq"], "presence": snap["presence"], **snap["state"]})


@api.operation("/consultations/<int:consultation_id>/events", summary="Room events after `since` (replay)",
               query=EVENTS_QUERY, tag=TAG)
def events(consultation_id: int):
    q = query_args(EVENTS_QUERY)
    items, nxt = services.events_page(actor(), consultation_id, q.get("since") or 0, q.get("limit") or 500)
    return jsonify({"items": items, "next": str(nxt) if nxt is not None else None})


@api.operation("/consultations/<int:consultation_id>/chat", ("POST",), summary="Post a chat message (client_id makes a retry idempotent)",
               body=CHAT_BODY, status=201, tag=TAG)
def chat(consultation_id: int):
    user = actor()
    data = parse(json_body(), CHAT_BODY)
    msg, created = services.send_chat(user, consultation_id, data["text"], data.get("client_id"))
    db.session.commit()
    return jsonify({"seq": msg.seq, "message_id": msg.id, "duplicate": not created}), 201 if created else 200


@api.operation("/consultations/<int:consultation_id>/hand", ("POST",),
               summary="Raise (raised: true) or lower a hand; the chair may lower anyone's (user_id)", body=HAND_BODY, tag=TAG)
def hand(consultation_id: int):
    user = actor()
    data = parse(json_body(optional=True), HAND_BODY)
    if data.get("raised", True) and data.get("user_id") is None:
        ev = floor.raise_hand(user, consultation_id)
    else:
        ev = floor.lower_hand(user, consultation_id, data.get("user_id"))
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/floor", ("POST",), summary="Give the floor (secretariat or chair)",
               body=USER_BODY, tag=TAG)
def give_floor(consultation_id: int):
    user = actor()
    data = parse(json_body(), USER_BODY)
    ev = floor.give_floor(user, consultation_id, data["user_id"])
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/floor", ("DELETE",), summary="Release the floor (holder, secretariat or chair)",
               tag=TAG)
def release_floor(consultation_id: int):
    ev = floor.release_floor(actor(), consultation_id)
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/agenda/current", ("PUT",),
               summary="Set the current agenda item (secretariat or chair)", body=AGENDA_BODY, tag=TAG)
def set_agenda_item(consultation_id: int):
    user = actor()
    data = parse(json_body(), AGENDA_BODY)
    ev = floor.set_agenda_item(user, consultation_id, data["agenda_item_id"])
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/mutes", ("POST",), summary="Mute a participant's chat (secretariat or chair)",
               body=USER_BODY, tag=TAG)
def mute(consultation_id: int):
    user = actor()
    data = parse(json_body(), USER_BODY)
    ev = floor.mute(user, consultation_id, data["user_id"])
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/mutes/<int:user_id>", ("DELETE",),
               summary="Unmute a participant's chat (secretariat or chair)", tag=TAG)
def unmute(consultation_id: int, user_id: int):
    ev = floor.unmute(actor(), consultation_id, user_id)
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/removals", ("POST",),
               summary="Remove a participant from the room for this sitting (secretariat or chair)", body=USER_BODY, tag=TAG)
def remove(consultation_id: int):
    user = actor()
    data = parse(json_body(), USER_BODY)
    ev = floor.remove_from_room(user, consultation_id, data["user_id"])
    db.session.commit()
    return jsonify(_seq(ev))


@api.operation("/consultations/<int:consultation_id>/session", ("POST",),
               summary="Open (live) or close the live session (secretariat or chair)", body=SESSION_BODY, tag=TAG)
def session_status(consultation_id: int):
    user = actor()
    data = parse(json_body(), SESSION_BODY)
    ev = floor.set_session_status(user, consultation_id, data["status"])
    db.session.commit()
    return jsonify(_seq(ev))
