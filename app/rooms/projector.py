"""The hall screen (projector): what the room is doing now, for a big screen across the hall.

Read-only. It is for the people who may enter the room (participants once the consultation leaves
draft, and the secretariat; anyone else gets the same NotFound as a missing consultation). The
screen joins the room's Socket.IO room with `projector:join`, which checks that access but is no
presence: a hall screen opened under a delegate's account neither shows them in the room nor
checks them in on the attendance register. Votes are read from the stored room events (the
spine), so the room feature does not reach into the votes feature.
"""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_socketio import join_room, leave_room
from sqlalchemy import select

from app.accounts.models import User
from app.consultations import attendance
from app.core.db import isoformat, utcnow
from app.core.realtime import RoomEvent, current_seq, room_name
from app.core.sockets import socket_handler
from app.extensions import db
from app.rooms.access import get_room
from app.consultations.services import participant_of
from app.core import labels
from app.rooms.floor import room_state
from app.rooms.views import bp

NEXT_SPEAKERS = 5


def _motion_events(consultation_id: int, type_: str, motion_ids=None, limit: int | None = None) -> list[RoomEvent]:
    stmt = select(RoomEvent).where(RoomEvent.consultation_id == consultation_id, RoomEvent.type == type_)
    if motion_ids is not None:
        stmt = stmt.where(RoomEvent.data["motion_id"].as_integer().in_(motion_ids))
    return list(db.session.scalars(stmt.order_by(RoomEvent.seq.desc()).limit(limit)))


def _votes(consultation_id: int, entitled: int) -> dict:
    """The open motions (opened, not yet announced closed) with their latest turnout, and the
    last result, from the stored events. Before a motion's first ballot (no motion.progress
    yet) its eligible count is taken as the entitled voting slots (exact for votes by delegate;
    a vote by member state corrects it with its first turnout)."""
    opened = _motion_events(consultation_id, "motion.opened", limit=20)
    ids = [e.data["motion_id"] for e in opened]
    closed = {e.data["motion_id"] for e in _motion_events(consultation_id, "motion.closed", ids)} if ids else set()
    open_ = [e for e in reversed(opened) if e.data["motion_id"] not in closed]
    votes = []
    for e in open_:
        progress = _motion_events(consultation_id, "motion.progress", [e.data["motion_id"]], limit=1)
        turnout = progress[0].data if progress else {}
        votes.append({"motion_id": e.data["motion_id"], "question": e.data["question"],
                      "closes_at": e.data.get("closes_at"), "voted": turnout.get("voted", 0),
                      "eligible": turnout.get("eligible", entitled)})
    last = _motion_events(consultation_id, "motion.closed", limit=1)
    result = None
    if last:
        r = last[0].data["result"]
        result = {"motion_id": last[0].data["motion_id"], "question": last[0].data["question"],
                  "outcome": r.get("outcome"), "tallies": r.get("tallies") or {},
                  "voted": r.get("voted"), "eligible": r.get("eligible")}
    return {"open": votes, "last_result": result}


def _next_speakers(state: dict) -> list[dict]:
    """The speakers' list in speaking order, with names, and the `kind` (speak, point_of_order)
    when the room's state carries it. The order is the `speakers` list's when the state has one
    (contract §5, the current item's list), else the `queue`'s; names missing there are read."""
    kinds = {s.get("user_id"): s.get("kind") for s in state.get("speakers") or []}
    names = {q["user_id"]: q.get("name") for q in state.get("queue") or []}
    order = [s["user_id"] for s in state.get("speakers") or []] or list(names)
    order = order[:NEXT_SPEAKERS]
    missing = [uid for uid in order if not names.get(uid)]
    if missing:
        names.update(db.session.execute(select(User.id, User.name).where(User.id.in_(missing))).all())
    return [{"user_id": uid, "name": names.get(uid) or "", "kind": kinds.get(uid) or "speak"} for uid in order]


def projector_state(actor: User, consultation_id) -> dict:
    """What the hall screen shows now. NotFound for whoever may not enter the room."""
    c, _p = get_room(actor, consultation_id)
    seq = current_seq(c.id)  # read first: never claims an event the answer does not reflect
    state = room_state(actor, c)
    floor = state.get("floor")
    roll = attendance.summary(c)
    return {
        "seq": seq, "now": isoformat(utcnow()), "consultation_id": c.id, "title": c.title, "status": state["status"],
        "agenda_item": state.get("agenda_item"),
        "floor": {k: floor.get(k) for k in ("user_id", "name", "constituency", "since", "limit_s", "ends_at")}
        if floor else None,
        "next": _next_speakers(state),
        "attendance": roll,
        "votes": _votes(c.id, roll["entitled"]),
    }


def projector_join(actor, payload):
    """Follow the room as a read-only screen: access checked, the Socket.IO room joined, the
    screen's state returned (asked again after a reconnect or a missed event)."""
    c, _p = get_room(actor, payload.get("consultation_id"))
    # Enter the Socket.IO room before reading: an event committed meanwhile is then both sent
    # and reflected, never neither (the screen ignores events at or below the state's seq).
    join_room(room_name(c.id), sid=request.sid)
    try:
        return {"state": projector_state(actor, c.id)}
    except Exception:
        leave_room(room_name(c.id), sid=request.sid)
        raise


def projector_action(c, user):
    """The consultation page's link to the hall screen (for those who may enter the room)."""
    if c.status == "draft" or not (user.is_secretariat or participant_of(user, c) is not None):
        return None
    return {"url": url_for("rooms.projector", consultation_id=c.id), "label": _("Hall screen")}


@bp.get("/<int:consultation_id>/projector")
@login_required
def projector(consultation_id: int):
    state = projector_state(current_user, consultation_id)
    return render_template("rooms/projector.html", s=state,
                           group_labels=labels.translated("constituency_group"),
                           outcomes=labels.translated("outcome"))


def register(app) -> None:
    socket_handler("projector:join")(projector_join)
