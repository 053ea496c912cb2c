"""Socket.IO plumbing shared by features: authentication at connect, the acting user of each
event (re-checked against the server-side sign-in every time), and acknowledgements.

Every handler is wrapped by @socket_handler(event): it validates nothing itself, it calls one
service, commits, and returns {"ok": true, ...}; a DomainError becomes
{"ok": false, "error": {"code", "message"}}; anything else is logged and answered "internal"
without a traceback, and never disconnects other clients."""
import logging
from collections.abc import Callable
from functools import wraps

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, disconnect, join_room

from app.accounts.services import resolve_session, resolve_token
from app.core.errors import BadRequest, DomainError, Unauthenticated, translate
from app.core.realtime import user_room
from app.extensions import db, socketio

log = logging.getLogger(__name__)
# request.sid -> login session id; each socket lives in one process, so a local map is enough.
_connections: dict[str, str] = {}


def authenticate(auth):
    """The login session of a new connection: a bearer token in auth, else the cookie."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None:
        ls = resolve_token(current_app.config["SECRET_KEY"], token, current_app.config["TOKEN_MAX_AGE"]) \
            if isinstance(token, str) else None
    else:
        ls = resolve_session(session.get("sid"))
    if ls is None:
        raise ConnectionRefusedError({"code": "unauthenticated", "message": translate("Sign in or send a valid token.")})
    return ls


def register_connection(sid: str, login_session_id: str) -> None:
    _connections[sid] = login_session_id


def forget_connection(sid: str) -> str | None:
    return _connections.pop(sid, None)


def connection_session_id(sid: str) -> str | None:
    return _connections.get(sid)


def socket_actor():
    """The user behind the current socket event; a revoked or expired sign-in disconnects it."""
    ls = resolve_session(_connections.get(request.sid))
    if ls is None:
        disconnect()
        raise Unauthenticated("Your session has ended; sign in again.")
    return ls.user


def error_ack(err: DomainError) -> dict:
    return {"ok": False, "error": {"code": err.code, "message": err.message}}


def socket_handler(event: str, namespace: str | None = None) -> Callable:
    """Register fn(actor, payload) -> dict for a client event; the result is the ack."""
    def deco(fn: Callable) -> Callable:
        @wraps(fn)
        def handler(payload=None, *extra):
            try:
                if payload is None:
                    payload = {}
                if not isinstance(payload, dict):
                    raise BadRequest("The payload must be an object.")
                actor = socket_actor()
                result = fn(actor, payload) or {}
                db.session.commit()
                return {"ok": True, **result}
            except DomainError as err:
                db.session.rollback()
                return error_ack(err)
            except Exception:
                db.session.rollback()
                log.exception("socket event %s failed", event)
                return {"ok": False, "error": {"code": "internal", "message": translate("Something went wrong.")}}
            finally:
                db.session.remove()
        socketio.on_event(event, handler, namespace=namespace)
        return fn
    return deco


# Features add fn(sid, login_session_id) here to clean up (e.g. presence) when a socket goes.
disconnect_hooks: list[Callable] = []


def _on_connect(auth=None):
    try:
        ls = authenticate(auth)
        lsid, user_id = ls.id, ls.user_id
    finally:
        db.session.remove()
    register_connection(request.sid, lsid)
    # Personal notifications go to user:<id>; the server, never the client, names rooms.
    join_room(user_room(user_id))
    return True


def _on_disconnect(reason=None):
    lsid = forget_connection(request.sid)
    try:
        for hook in disconnect_hooks:
            try:
                hook(request.sid, lsid)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("disconnect hook failed")
    finally:
        db.session.remove()


def init_app(app) -> None:
    socketio.on_event("connect", _on_connect)
    socketio.on_event("disconnect", _on_disconnect)
