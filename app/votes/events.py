"""Socket.IO door of votes: vote:cast {motion_id, choice} -> {ok, ...}, the same service as
POST /motions/{id}/ballots."""
from app.core.sockets import socket_handler
from app.votes import services


@socket_handler("vote:cast")
def vote_cast(actor, payload: dict) -> dict:
    return services.cast_ballot(actor, payload.get("motion_id"), payload.get("choice"))
