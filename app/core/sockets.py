"""Socket.IO plumbing shared by features: authentication at connect, the acting user of each
event (re-checked against the server-side sign-in every time), acknowledgements, limits, and
ending the sockets of a sign-in that was revoked.

Every handler is wrapped by @socket_handler(event): it validates nothing itself, it calls one
service, commits, and returns {"ok": true, ...}; a DomainError becomes
{"ok": false, "error": {"code", "message"}}; anything else is logged and answered "internal"
without a traceback, and never disconnects other clients.

Where connections are and how they end: app.core.connections."""
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_socketio import ConnectionRefusedError, disconnect, join_room
from sqlalchemy import delete, func, select

from app.core import heap, pg
from app.core.connections import (
    SERVER_ID,
    SocketConnection,
    SocketServer,
    ensure_rows_ticker,
    connection_session_id,
    connection_user_id,
    defer_row,
    end_sockets_on_commit,
    forget_connection,
    register_connection,
    rows_tick,
    unwritten_count,
    write_own_row,
    write_own_rows,
)
from app.core.db import utcnow
from app.core.errors import BadRequest, DomainError, RateLimited, Unauthenticated, translate
from app.core.jsonsafe import RefusedPayload
from app.core.realtime import user_room
from app.core.batching import Batcher
from app.core.i18n import language_of, language_without_account, speaking
from app.core.signin import resolvers, token_session_id
from app.core.validation import parse
from app.extensions import db, socketio

log = logging.getLogger(__name__)


def claimed_session_id(auth) -> str | None:
    """The sign-in a new connection claims (not yet checked): a bearer token's in auth, else
    the cookie's."""
    if isinstance(auth, list) and any(isinstance(a, RefusedPayload) for a in auth):
        raise ConnectionRefusedError(error_ack(next(a for a in auth if isinstance(a, RefusedPayload)).error)["error"])
    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None:
        return token_session_id(token) if isinstance(token, str) else None
    lsid = session.get("sid")
    return lsid if isinstance(lsid, str) and lsid else None


def unauthenticated_refusal() -> ConnectionRefusedError:
    return ConnectionRefusedError({"code": "unauthenticated", "message": translate("Sign in or send a valid token.")})


def socket_actor():
    """The user behind the current socket event; a revoked or expired sign-in disconnects it."""
    ls = resolvers().session(connection_session_id(request.sid))
    if ls is None:
        disconnect()
        raise Unauthenticated("Your session has ended; sign in again.")
    return ls.user


def error_ack(err: DomainError) -> dict:
    return {"ok": False, "error": {"code": err.code, "message": err.message}}


# --- limits ------------------------------------------------------------------------------

def _limits_on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


class TokenBucket:
    """Per-key token buckets in this process: `rate` events a second, bursts up to `burst`."""

    instances: list["TokenBucket"] = []

    def __init__(self) -> None:
        self._state: dict = {}
        self._lock = threading.Lock()
        TokenBucket.instances.append(self)

    @classmethod
    def reset_all(cls) -> None:
        """Forget every bucket (tests: each test's app starts with fresh limits)."""
        for bucket in cls.instances:
            with bucket._lock:
                bucket._state.clear()

    def take(self, key, rate: float, burst: float) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens < 1:
                self._state[key] = (tokens, now)
                return False
            self._state[key] = (tokens - 1, now)
            if len(self._state) > 100_000:  # bounded memory under a storm of keys
                self._state.clear()
            return True

    def forget(self, key) -> None:
        with self._lock:
            self._state.pop(key, None)


_limiter = TokenBucket()


def _check_event_rate(sid: str) -> None:
    """Per user (all their sockets in this process) and per socket events/second limits."""
    if not _limits_on():
        return
    cfg = current_app.config
    rate = cfg.get("SOCKETIO_EVENTS_PER_SECOND", 10)
    burst = cfg.get("SOCKETIO_EVENTS_BURST", 30)
    user_id = connection_user_id(sid)
    if not _limiter.take(("sid", sid), rate, burst) or \
            (user_id is not None and not _limiter.take(("user", user_id), rate * 2, burst * 2)):
        raise RateLimited("Too many events; slow down.")


def _checked_payload(payload, payload_spec: dict | None) -> dict:
    """The event's payload once the sender's rate and its shape are checked (DomainError else)."""
    _check_event_rate(request.sid)
    if isinstance(payload, RefusedPayload):
        raise payload.error
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise BadRequest("The payload must be an object.")
    if payload_spec is not None:
        payload = {**payload, **parse(payload, payload_spec)}
    return payload


def _internal() -> dict:
    return {"ok": False, "error": {"code": "internal", "message": translate("Something went wrong.")}}


def socket_handler(event: str, namespace: str | None = None, *, hold: bool = False,
                   payload_spec: dict | None = None) -> Callable:
    """Register fn(actor, payload) -> dict for a client event; the result is the ack.
    payload_spec: the field specs (app.core.validation) the HTTP door of the same action reads
    its body with; the payload is checked against them first (422 invalid), ids aside, which
    the service resolves (a missing and a hidden record answer alike).
    hold=True: the event's transaction waits for PostgreSQL in C rather than in the event loop
    (app.core.pg); only for short transactions that read and insert (chat)."""
    def deco(fn: Callable) -> Callable:
        @wraps(fn)
        def handler(payload=None, *extra):
            try:
                payload = _checked_payload(payload, payload_spec)
                # before any hold: writing the row may wait for this process's tick (see there)
                write_own_row(request.sid)
                if hold:
                    pg.hold_until_commit(db.session)
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
                return _internal()
            finally:
                db.session.remove()
        socketio.on_event(event, handler, namespace=namespace)
        return fn
    return deco


# --- events served in batches -------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One socket event of a batch: its sender (their User, in the batch's session), socket,
    payload, and the language to answer them in (app.core.i18n.speaking)."""
    actor: Any
    sid: str
    payload: dict
    language: str

    def speaking(self):
        return speaking(self.language)


def batcher(name: str, run: Callable[[list], list]) -> Batcher:
    """This app's batcher called `name` (made at its first use, with `run`)."""
    batchers = socket_hooks().batchers
    found = batchers.get(name)
    return found if found is not None else batchers.setdefault(name, Batcher(run))


def socket_batch_handler(event: str, serve: Callable[[list[Call]], list], *,
                         payload_spec: dict | None = None) -> Callable:
    """Register a client event whose requests are served in batches (app.core.batching): at a
    reconnect storm a thousand `room:join` arrive together. The sender's rate and the payload's
    shape are checked per event, first. serve(calls) then runs for the whole batch in one
    transaction and returns one outcome per call, in order: the ack's fields (a dict), or a
    DomainError for a call that wrote nothing. Around it this wrapper writes the sockets' rows
    and resolves every sign-in in one query (a revoked one is refused and its socket ends, as
    socket_actor does), then commits. If anything else fails, the batch is rolled back and each
    call is served again alone, so a bad call costs only its own answer. Alone, a call is a
    batch of one."""
    def run(entries: list) -> list:
        return serve_batch(serve, entries)

    def handler(payload=None, *extra):
        try:
            payload = _checked_payload(payload, payload_spec)
            entry = (request.sid, connection_session_id(request.sid), payload, language_without_account())
            return {"ok": True, **batcher(event, run).submit(entry)}
        except DomainError as err:
            return error_ack(err)
        except Exception:
            log.exception("socket event %s failed", event)
            return _internal()
    socketio.on_event(event, handler)
    return serve


def serve_batch(serve: Callable, entries: list) -> list:
    """One batch of a socket_batch_handler event: entries are (sid, sign-in id, payload, the
    language without an account); one outcome each (the ack's fields, or an exception)."""
    heap.note(len(entries))
    try:
        return _serve_together(serve, entries)
    except Exception:
        if len(entries) == 1:
            raise
        log.warning("a batch of %d socket events failed; each is served alone", len(entries), exc_info=True)
    outcomes = []
    for entry in entries:
        try:
            outcomes.extend(_serve_together(serve, [entry]))
        except Exception as err:  # noqa: BLE001 - this call's own answer: internal
            log.exception("socket event failed")
            outcomes.append(err)
    return outcomes


def _serve_together(serve: Callable, entries: list) -> list:
    try:
        write_own_rows([sid for sid, _lsid, _payload, _lang in entries])
        users = resolvers().users(sorted({lsid for _sid, lsid, _payload, _lang in entries if lsid}))
        outcomes: list = [None] * len(entries)
        calls, where, ended = [], [], []
        for i, (sid, lsid, payload, fallback) in enumerate(entries):
            user = users.get(lsid)
            if user is None:
                outcomes[i] = Unauthenticated("Your session has ended; sign in again.")
                ended.append(sid)
            else:
                calls.append(Call(user, sid, payload, language_of(user, fallback)))
                where.append(i)
        end_sockets_on_commit(ended)
        answers = serve(calls) if calls else []
        if len(answers) != len(calls):
            raise RuntimeError("a batch's service answered %d of %d calls" % (len(answers), len(calls)))
        for i, answer in zip(where, answers, strict=True):
            outcomes[i] = answer
        db.session.commit()
        return outcomes
    except Exception:
        db.session.rollback()
        raise
    finally:
        db.session.remove()


# --- what features run when sockets go ----------------------------------------------------

@dataclass
class SocketHooks:
    """Per app (app.extensions["baraza.sockets"]): what features run when a socket goes
    (fn(sid, login_session_id), e.g. presence) and when a person loses access to a consultation
    (fn(consultation_id, user_id), in the transaction that removes the participant)."""
    disconnect: list[Callable] = field(default_factory=list)
    access_lost: list[Callable] = field(default_factory=list)
    batchers: dict[str, Batcher] = field(default_factory=dict)  # batcher()


def socket_hooks(app=None) -> SocketHooks:
    return (app or current_app).extensions["baraza.sockets"]


def consultation_access_lost(consultation_id: int, user_id: int) -> None:
    for hook in socket_hooks().access_lost:
        hook(consultation_id, user_id)


# --- connect / disconnect ---------------------------------------------------------------

def _run_disconnect_hooks(sid: str, lsid: str | None) -> None:
    for hook in socket_hooks().disconnect:
        try:
            hook(sid, lsid)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("disconnect hook failed")


def _on_connect(auth=None):
    try:
        outcome = batcher("connect", serve_connects).submit((request.sid, claimed_session_id(auth)))
    except ConnectionRefusedError:
        raise
    except Exception:
        log.exception("socket connect failed")
        raise ConnectionRefusedError({"code": "internal", "message": translate("Something went wrong.")}) from None
    if outcome == "unauthenticated":
        raise unauthenticated_refusal()
    if outcome == "too_many":
        raise ConnectionRefusedError({"code": "rate_limited", "message": "Too many open connections for this account."})
    user_id = outcome
    app = current_app._get_current_object()
    if rows_tick() > 0:
        ensure_rows_ticker(app)
    _ensure_heartbeat(app)
    # Personal notifications go to user:<id>; the server, never the client, names rooms.
    join_room(user_room(user_id))
    return True


def serve_connects(items: list[tuple[str, str | None]]) -> list:
    """The connects of a batch: (sid, claimed sign-in id) -> the user id, or "unauthenticated",
    or "too_many" (the per-user limit). Their sign-ins in one query, their users' open
    connections in another; accepted connections are registered here, in order, so the limit
    counts those of the same batch; their rows are written now (one transaction) or, with
    SOCKETIO_ROWS_TICK, by the socket's first event or the next tick."""
    deferred, accepted = rows_tick() > 0, []
    try:
        users = resolvers().user_ids(sorted({lsid for _sid, lsid in items if lsid}))
        user_ids = sorted(set(users.values()))
        limit = current_app.config.get("SOCKETIO_MAX_CONNECTIONS_PER_USER", 10) if _limits_on() else None
        written = dict(db.session.execute(
            select(SocketConnection.user_id, func.count()).where(SocketConnection.user_id.in_(user_ids))
            .group_by(SocketConnection.user_id)).all()) if limit is not None and user_ids else {}
        outcomes, added = [], {}
        for sid, lsid in items:
            uid = users.get(lsid)
            if uid is None:
                outcomes.append("unauthenticated")
                continue
            if limit is not None and written.get(uid, 0) + unwritten_count(uid) + added.get(uid, 0) >= limit:
                outcomes.append("too_many")
                continue
            if not deferred:
                added[uid] = added.get(uid, 0) + 1
                db.session.add(SocketConnection(sid=sid, server_id=SERVER_ID, login_session_id=lsid, user_id=uid))
            else:
                defer_row(sid, lsid, uid)
            register_connection(sid, lsid, uid)
            accepted.append(sid)
            outcomes.append(uid)
        db.session.commit()
        return outcomes
    except Exception:
        db.session.rollback()
        for sid in accepted:
            forget_connection(sid)
        raise
    finally:
        db.session.remove()


def _on_disconnect(reason=None):
    sid = request.sid
    _limiter.forget(sid)
    lsid = forget_connection(sid)
    try:
        _run_disconnect_hooks(sid, lsid)
        db.session.execute(delete(SocketConnection).where(SocketConnection.sid == sid))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("disconnect cleanup failed")
    finally:
        db.session.remove()


# --- heartbeat and sweeping of dead processes --------------------------------------------

_heartbeat_started = False
_heartbeat_lock = threading.Lock()


def _ensure_heartbeat(app) -> None:
    global _heartbeat_started
    interval = app.config.get("SOCKETIO_HEARTBEAT", 0 if app.testing else 15)
    if not interval or _heartbeat_started:
        return
    with _heartbeat_lock:
        if _heartbeat_started:
            return
        _heartbeat_started = True
    socketio.start_background_task(_heartbeat_loop, app, interval)


def _heartbeat_loop(app, interval: float) -> None:
    while True:
        with app.app_context():
            try:
                beat_and_sweep(stale_after=interval * 3)
            except Exception:
                db.session.rollback()
                log.exception("socket heartbeat failed")
            finally:
                db.session.remove()
        socketio.sleep(interval)


def beat_and_sweep(stale_after: float, now: datetime | None = None) -> int:
    """Record this process as alive; end the connections of processes that stopped beating
    (their disconnect hooks run, so presence is corrected). Returns the connections swept."""
    now = now or utcnow()
    me = db.session.get(SocketServer, SERVER_ID)
    if me is None:
        db.session.add(SocketServer(id=SERVER_ID, seen_at=now))
    else:
        me.seen_at = now
    db.session.commit()
    cutoff = now - timedelta(seconds=stale_after)
    alive = select(SocketServer.id).where(SocketServer.seen_at >= cutoff)
    stale = list(db.session.execute(select(SocketConnection.sid, SocketConnection.login_session_id).where(
        SocketConnection.server_id.not_in(alive), SocketConnection.connected_at < cutoff)))
    for sid, lsid in stale:
        _run_disconnect_hooks(sid, lsid)
        db.session.execute(delete(SocketConnection).where(SocketConnection.sid == sid))
        db.session.commit()
    db.session.execute(delete(SocketServer).where(SocketServer.seen_at < cutoff))
    db.session.commit()
    return len(stale)


class ConnectionSession(SecureCookieSessionInterface):
    """Flask's cookie session, read once per connection for socket events. Flask-SocketIO
    pushes a request context for every event with the environ of the connection's opening
    request, and Flask opens the session anew each time: the cookie header found among the
    environ's keys, parsed, its signature checked, three quarters of the cost of each event's
    context (bench/README.md, "Stop 32"). For a socket the cookie is the one it connected with
    (manage_session=False freezes it there, and only the connect reads it: claimed_session_id),
    so the first opening is kept in that environ and handed to its later events; a socket
    without a session cookie keeps only that fact (a fresh empty session each time, no object
    held per socket). An HTTP request has its own environ and opens its session once, as
    before."""

    _KEPT = "baraza.session"
    _NONE = object()  # the environ's connection had no session in its cookie

    def open_session(self, app, request):
        kept = request.environ.get(self._KEPT)
        if kept is self._NONE:
            return self.session_class()
        if kept is not None:
            return kept
        opened = super().open_session(app, request)
        if opened is not None:
            request.environ[self._KEPT] = opened if opened else self._NONE
        return opened


def init_app(app) -> None:
    app.extensions["baraza.sockets"] = SocketHooks()
    app.session_interface = ConnectionSession()
    socketio.on_event("connect", _on_connect)
    socketio.on_event("disconnect", _on_disconnect)
