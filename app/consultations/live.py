"""The consultation page kept current without a reload: a page watches its consultation
(`consultation:watch {consultation_id}` -> {ok, status}) and is told of each status change
(`consultation:status {consultation_id, status, previous}`), read from the session.status event.
Watching is not presence: the page joins its own Socket.IO room (watch:<id>), not the live room,
so nobody is checked in or shown as present by reading the consultation page."""
from flask_socketio import join_room

from app.consultations.event_types import SessionStatus
from app.consultations.services import get_visible
from app.core.events import bus
from app.core.realtime import emit_on_commit
from app.core.sockets import socket_handler


def watch_room(consultation_id: int) -> str:
    return f"watch:{consultation_id}"


def watch(actor, payload: dict) -> dict:
    c = get_visible(actor, payload.get("consultation_id"))  # missing and hidden answer alike
    join_room(watch_room(c.id))
    return {"status": c.status}


def announce(consultation_id: int, event: SessionStatus, _actor) -> None:
    emit_on_commit("consultation:status", {"consultation_id": consultation_id, "status": event.status,
                                           "previous": event.previous}, watch_room(consultation_id))


def init_app(app) -> None:
    socket_handler("consultation:watch")(watch)
    bus(app).subscribe(SessionStatus, announce)
