"""Socket.IO door of votes: vote:cast {motion_id, choice} -> {ok, ...}, the same service as
POST /motions/{id}/ballots."""
from app.core.sockets import socket_handler
from app.votes import services
from app.votes.api import BALLOT_BODY


def vote_cast(actor, payload: dict) -> dict:
    return services.cast_ballot(actor, payload.get("motion_id"), payload.get("choice"))


def init_app(app) -> None:
    """Register on this app's Socket.IO server (Flask-SocketIO keeps handlers per server once
    init_app has run, so each new app needs them again)."""
    socket_handler("vote:cast", payload_spec=BALLOT_BODY)(vote_cast)
