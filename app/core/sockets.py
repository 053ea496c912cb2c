"""Socket.IO plumbing shared by features: authentication at connect, the acting user of each
event (re-checked against the server-side sign-in every time), acknowledgements, limits, and
ending the sockets of a sign-in that was revoked.

Every handler is wrapped by @socket_handler(event): it validates nothing itself, it calls one
service, commits, and returns {"ok": true, ...}; a DomainError becomes
{"ok": false, "error": {"code", "message"}}; anything else is logged and answered "internal"
without a traceback, and never disconnects other clients.

Open connections are also rows (SocketConnection), so any process can find the sockets of a
sign-in or a user and end them: python-socketio's message queue carries disconnect and
leave_room to the process that holds the socket. Each process heartbeats a SocketServer row;
connections of a process that stopped heartbeating are swept (their disconnect hooks run).

With SOCKETIO_ROWS_TICK > 0 (the default, 0.25 s) a connect writes nothing: its row is written
by the socket's first event, in that event's transaction (joining a room needs it), or by the
process's next tick, all of a tick's rows in one transaction; at a reconnect storm a write
transaction per connect queued every connect behind the database's write lock. Until then this
process counts the row as written (ending a sign-in's or a user's sockets, the per-user limit);
after a tick writes rows it checks their sign-ins again and ends the sockets of any revoked
meanwhile (another process looking for them could not see them yet). What another process ends
for other reasons within that tick (a user's sockets after a change of role) is not repeated:
such a socket stays open until its next event, which re-reads the user. 0: written at connect."""
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps

from flask import current_app, request, session
from flask_socketio import ConnectionRefusedError, disconnect, join_room
from sqlalchemy import String, delete, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core import pg
from app.core.db import utcnow
from app.core.errors import BadRequest, DomainError, RateLimited, Unauthenticated, translate
from app.core.jsonsafe import RefusedPayload
from app.core.realtime import user_room
from app.core.signin import resolve_token, resolvers
from app.core.validation import parse
from app.extensions import db, socketio

log = logging.getLogger(__name__)
# One id per server process: connection rows name the process that holds the socket.
SERVER_ID = uuid.uuid4().hex[:16]
_ACTIONS_KEY = "baraza_socket_actions"
# request.sid -> login session id; each socket lives in one process, so a local map is enough.
_connections: dict[str, str] = {}
_connection_users: dict[str, int] = {}
# sid -> (login session id, user id, connected at): connections of this process whose row is
# not written yet (SOCKETIO_ROWS_TICK)
_unwritten: dict[str, tuple[str, int, datetime]] = {}
_ROWS_KEY = "baraza_socket_rows"
_orphans: set[str] = set()
_writing: dict[str, tuple[str, int, datetime]] = {}  # rows taken by a transaction not yet ended


class SocketConnection(db.Model):
    """One open Socket.IO connection, held by the server process server_id."""

    __tablename__ = "socket_connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    server_id: Mapped[str] = mapped_column(String(32), index=True)
    login_session_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(index=True)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)


class SocketServer(db.Model):
    """A server process's heartbeat; its connections are stale once it stops beating."""

    __tablename__ = "socket_server"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


def authenticate(auth):
    """The login session of a new connection: a bearer token in auth, else the cookie."""
    if isinstance(auth, list) and any(isinstance(a, RefusedPayload) for a in auth):
        raise ConnectionRefusedError(error_ack(next(a for a in auth if isinstance(a, RefusedPayload)).error)["error"])
    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None:
        ls = resolve_token(token) if isinstance(token, str) else None
    else:
        ls = resolvers().session(session.get("sid"))
    if ls is None:
        raise ConnectionRefusedError({"code": "unauthenticated", "message": translate("Sign in or send a valid token.")})
    return ls


def register_connection(sid: str, login_session_id: str, user_id: int | None = None) -> None:
    _connections[sid] = login_session_id
    if user_id is not None:
        _connection_users[sid] = user_id


def forget_connection(sid: str) -> str | None:
    _unwritten.pop(sid, None)
    _writing.pop(sid, None)
    _connection_users.pop(sid, None)
    _limiter.forget(sid)
    return _connections.pop(sid, None)


def connection_session_id(sid: str) -> str | None:
    return _connections.get(sid)


def socket_actor():
    """The user behind the current socket event; a revoked or expired sign-in disconnects it."""
    ls = resolvers().session(_connections.get(request.sid))
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
    user_id = _connection_users.get(sid)
    if not _limiter.take(("sid", sid), rate, burst) or \
            (user_id is not None and not _limiter.take(("user", user_id), rate * 2, burst * 2)):
        raise RateLimited("Too many events; slow down.")


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
                _check_event_rate(request.sid)
                if isinstance(payload, RefusedPayload):
                    raise payload.error
                if payload is None:
                    payload = {}
                if not isinstance(payload, dict):
                    raise BadRequest("The payload must be an object.")
                if payload_spec is not None:
                    payload = {**payload, **parse(payload, payload_spec)}
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
                return {"ok": False, "error": {"code": "internal", "message": translate("Something went wrong.")}}
            finally:
                db.session.remove()
        socketio.on_event(event, handler, namespace=namespace)
        return fn
    return deco


# --- ending sockets when access ends -------------------------------------------------------

def _after_commit(action: tuple) -> None:
    db.session.info.setdefault(_ACTIONS_KEY, []).append(action)


def _sids(*criteria, unwritten=lambda _row: False) -> list[str]:
    """Sockets whose rows match, with this process's unwritten rows that match `unwritten`."""
    written = list(db.session.scalars(select(SocketConnection.sid).where(*criteria)))
    return written + [sid for sid, row in list(_unwritten.items()) if unwritten(row) and sid not in written]


def end_sessions_on_commit(session_ids: list[str]) -> None:
    """Once the transaction commits, disconnect every socket opened with these sign-ins."""
    ids = [s for s in session_ids if s]
    if ids:
        sids = _sids(SocketConnection.login_session_id.in_(ids), unwritten=lambda row: row[0] in ids)
        if sids:
            _after_commit(("disconnect", sids, None))


def end_user_sockets_on_commit(user_id: int) -> None:
    """Once the transaction commits, disconnect every socket of this user."""
    sids = user_sids(user_id)
    if sids:
        _after_commit(("disconnect", sids, None))


def user_sids(user_id: int) -> list[str]:
    return _sids(SocketConnection.user_id == user_id, unwritten=lambda row: row[1] == user_id)


def leave_room_on_commit(sids: list[str], room: str) -> None:
    """Once the transaction commits, stop sending `room` to these sockets (any process)."""
    if sids:
        _after_commit(("leave", list(sids), room))


@dataclass
class SocketHooks:
    """Per app (app.extensions["baraza.sockets"]): what features run when a socket goes
    (fn(sid, login_session_id), e.g. presence) and when a person loses access to a consultation
    (fn(consultation_id, user_id), in the transaction that removes the participant)."""
    disconnect: list[Callable] = field(default_factory=list)
    access_lost: list[Callable] = field(default_factory=list)


def socket_hooks(app=None) -> SocketHooks:
    return (app or current_app).extensions["baraza.sockets"]


def consultation_access_lost(consultation_id: int, user_id: int) -> None:
    for hook in socket_hooks().access_lost:
        hook(consultation_id, user_id)


def _disconnect_all(sids: list[str]) -> None:
    for sid in sids:
        try:
            socketio.server.disconnect(sid)
        except Exception:
            log.exception("disconnect of %s failed", sid)


@event.listens_for(Session, "after_commit")
def _run_actions(sess: Session) -> None:
    actions = sess.info.pop(_ACTIONS_KEY, None)
    for kind, sids, room in actions or ():
        try:
            if kind == "leave":
                for sid in sids:
                    socketio.server.leave_room(sid, room)
            else:
                # Not inline: a local disconnect runs the disconnect handler, which must not
                # reuse this (committing) session. Leave the rooms at once, then disconnect.
                for sid in sids:
                    for r in list(socketio.server.rooms(sid) if _is_local(sid) else []):
                        if r != sid:
                            socketio.server.leave_room(sid, r)
                socketio.start_background_task(_disconnect_all, sids)
        except Exception:
            log.exception("socket action %s failed", kind)


def _is_local(sid: str) -> bool:
    try:
        return socketio.server.manager.is_connected(sid, "/")
    except Exception:
        return False


@event.listens_for(Session, "after_rollback")
def _drop_actions(sess: Session) -> None:
    sess.info.pop(_ACTIONS_KEY, None)
    for sid, row in sess.info.pop(_ROWS_KEY, None) or ():
        _writing.pop(sid, None)
        if sid in _connections:  # not written after all: the next event or tick writes it
            _unwritten.setdefault(sid, row)


@event.listens_for(Session, "after_commit")
def _rows_written(sess: Session) -> None:
    for sid, _row in sess.info.pop(_ROWS_KEY, None) or ():
        _writing.pop(sid, None)
        if sid not in _connections:  # it went while its row was being written: the tick deletes it
            _orphans.add(sid)


# --- connection rows -----------------------------------------------------------------------

def rows_tick() -> float:
    """Seconds between two writes of this process's new connection rows (0: at connect)."""
    return float(current_app.config.get("SOCKETIO_ROWS_TICK", 0.25))


def _take_rows(sids) -> list[dict]:
    rows = []
    for sid in sids:
        row = _unwritten.pop(sid, None)
        if row is not None:
            db.session.info.setdefault(_ROWS_KEY, []).append((sid, row))
            _writing[sid] = row
            rows.append({"sid": sid, "server_id": SERVER_ID, "login_session_id": row[0], "user_id": row[1],
                         "connected_at": row[2]})
    return rows


def _insert_rows(rows: list[dict]) -> None:
    """Insert connection rows; one that another transaction of this process is writing at the
    same moment (the tick and the socket's first event) is left to it: the insert waits for
    that transaction (PostgreSQL; SQLite's writers queue anyway) and then does nothing, so the
    row is there, committed, before this transaction goes on to refer to it."""
    pg = db.session.get_bind().dialect.name == "postgresql"
    stmt = (pg_insert if pg else sqlite_insert)(SocketConnection.__table__).on_conflict_do_nothing(
        index_elements=["sid"])
    db.session.execute(stmt, rows)


def write_own_row(sid: str) -> None:
    """Write this socket's row in the current transaction if it is not written yet (or is
    being written by the tick right now)."""
    if sid in _unwritten:
        _insert_rows(_take_rows([sid]))
    elif sid in _writing:
        lsid, user_id, at = _writing[sid]
        _insert_rows([{"sid": sid, "server_id": SERVER_ID, "login_session_id": lsid, "user_id": user_id,
                       "connected_at": at}])


def flush_connections() -> int:
    """Write the rows of this process's connections not written yet, in one transaction; then
    end the sockets of sign-ins no longer valid (revoked while their rows were not visible).
    Returns the rows written. Rows that fail are kept for the next tick."""
    rows, orphans = _take_rows(list(_unwritten)), list(_orphans)
    if not rows and not orphans:
        return 0
    try:
        if orphans:
            _orphans.difference_update(orphans)
            db.session.execute(delete(SocketConnection).where(SocketConnection.sid.in_(orphans)))
        if rows:
            _insert_rows(rows)
        db.session.commit()
        valid = resolvers().valid(sorted({r["login_session_id"] for r in rows}))
        ended = [r["sid"] for r in rows if r["login_session_id"] not in valid]
        if ended:
            _after_commit(("disconnect", ended, None))
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("writing socket connection rows failed")
        return 0
    finally:
        db.session.remove()
    return len(rows)


_rows_started = False


def _ensure_rows_ticker(app) -> None:
    """The background loop of this process (not under tests: they call flush_connections())."""
    global _rows_started
    if _rows_started or app.testing:
        return
    with _heartbeat_lock:
        if _rows_started:
            return
        _rows_started = True
    socketio.start_background_task(_rows_loop, app, rows_tick())


def _rows_loop(app, interval: float) -> None:
    while True:
        socketio.sleep(interval)
        with app.app_context():
            flush_connections()


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
    deferred = rows_tick() > 0
    try:
        ls = authenticate(auth)
        lsid, user_id = ls.id, ls.user_id
        if _limits_on():
            limit = current_app.config.get("SOCKETIO_MAX_CONNECTIONS_PER_USER", 10)
            count = db.session.scalar(select(func.count()).select_from(SocketConnection)
                                      .where(SocketConnection.user_id == user_id))
            count += sum(1 for row in list(_unwritten.values()) if row[1] == user_id)
            if count >= limit:
                raise ConnectionRefusedError({"code": "rate_limited",
                                              "message": "Too many open connections for this account."})
        if not deferred:
            db.session.add(SocketConnection(sid=request.sid, server_id=SERVER_ID, login_session_id=lsid,
                                            user_id=user_id))
        db.session.commit()
    except ConnectionRefusedError:
        db.session.rollback()
        raise
    except Exception:
        db.session.rollback()
        log.exception("socket connect failed")
        raise ConnectionRefusedError({"code": "internal", "message": translate("Something went wrong.")}) from None
    finally:
        db.session.remove()
    register_connection(request.sid, lsid, user_id)
    app = current_app._get_current_object()
    if deferred:
        _unwritten[request.sid] = (lsid, user_id, utcnow())
        _ensure_rows_ticker(app)
    _ensure_heartbeat(app)
    # Personal notifications go to user:<id>; the server, never the client, names rooms.
    join_room(user_room(user_id))
    return True


def _on_disconnect(reason=None):
    sid = request.sid
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


def init_app(app) -> None:
    app.extensions["baraza.sockets"] = SocketHooks()
    socketio.on_event("connect", _on_connect)
    socketio.on_event("disconnect", _on_disconnect)
