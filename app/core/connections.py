"""Where each open Socket.IO connection is, and ending connections: the rows any process can
see, and the actions run once a transaction commits.

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
import uuid
from datetime import datetime
from functools import cache

from flask import current_app
from sqlalchemy import String, delete, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.db import utcnow
from app.core.signin import resolvers
from app.core.ticker import Ticker
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


def register_connection(sid: str, login_session_id: str, user_id: int | None = None) -> None:
    _connections[sid] = login_session_id
    if user_id is not None:
        _connection_users[sid] = user_id


def forget_connection(sid: str) -> str | None:
    _unwritten.pop(sid, None)
    _writing.pop(sid, None)
    _connection_users.pop(sid, None)
    return _connections.pop(sid, None)


def connection_session_id(sid: str) -> str | None:
    return _connections.get(sid)


def connection_user_id(sid: str) -> int | None:
    return _connection_users.get(sid)


def defer_row(sid: str, login_session_id: str, user_id: int) -> None:
    """This process counts the connection as written; the socket's first event or the next
    tick writes its row."""
    _unwritten[sid] = (login_session_id, user_id, utcnow())


def unwritten_count(user_id: int) -> int:
    return sum(1 for row in list(_unwritten.values()) if row[1] == user_id)


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


def end_sockets_on_commit(sids: list[str]) -> None:
    """Once the transaction commits, disconnect these sockets (any process)."""
    if sids:
        _after_commit(("disconnect", list(sids), None))


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
    db.session.execute(_insert_row(db.session.get_bind().dialect.name == "postgresql"), rows)


@cache
def _insert_row(pg: bool):
    return (pg_insert if pg else sqlite_insert)(SocketConnection.__table__).on_conflict_do_nothing(
        index_elements=["sid"])


def write_own_row(sid: str) -> None:
    """Write this socket's row in the current transaction if it is not written yet (or is
    being written by the tick right now)."""
    write_own_rows([sid])


def write_own_rows(sids: list[str]) -> None:
    """write_own_row for several sockets (a batch of events), in one statement."""
    rows = _take_rows(sids)
    taken = {r["sid"] for r in rows}
    for sid in sids:
        if sid in _writing and sid not in taken:
            lsid, user_id, at = _writing[sid]
            rows.append({"sid": sid, "server_id": SERVER_ID, "login_session_id": lsid, "user_id": user_id,
                         "connected_at": at})
    if rows:
        _insert_rows(rows)


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
        valid = resolvers().user_ids(sorted({r["login_session_id"] for r in rows}))
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


_rows_ticker = Ticker(flush_connections)


def ensure_rows_ticker(app) -> None:
    """The background loop of this process (not under tests: they call flush_connections())."""
    _rows_ticker.ensure(app, rows_tick())
