"""PostgreSQL under gevent: waits are cooperative, except inside a room's write section.

psycopg waits cooperatively once gevent has patched `select`: while a query runs, the process
serves other sockets. That is right almost everywhere, but not while a transaction holds a
room's seq row lock (app.core.realtime.next_seq): every statement of that transaction then
waits for the event loop to come round again, and in a busy room the loop is busy with the
broadcasts of earlier messages, so the lock is held for tens of milliseconds and every other
writer of the room queues behind it. Measured with 1,000 clients and a burst of 100 messages
(bench/README.md), chat throughput fell to 41 % of the bare reference's.

hold_until_commit() makes the rest of the current transaction, its COMMIT included, wait in C
(blocking the process for that short while, as SQLite always does): a chat transaction then
reads, takes the room, inserts and commits in ≈ 1-2 ms, and no other greenlet of this process
runs in between. socket_handler(hold=True) starts it for chat:send; the presence tick
(app.rooms.presence.announce) for its section under the room's lock, released before its
check-ins and its commit.

A blocked process must never wait for a lock that another greenlet of the same process holds
(that greenlet could not run to release it). Plain reads and inserts of new rows take no such
lock; the room's row lock is the one a chat waits for, and realtime.lock_room() takes it with
SKIP LOCKED under a hold, which never waits: if another transaction has the room, the hold is
released and the lock awaited cooperatively, as everywhere else.
"""
def install(engine) -> None:
    """New connections of this engine are HoldableConnections."""
    from sqlalchemy import event

    from app.core.pg_connection import HoldableConnection

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        return HoldableConnection.connect(*cargs, **cparams)


def _raw(session):
    if session.get_bind().dialect.name != "postgresql":
        return None
    from app.core.pg_connection import HoldableConnection
    raw = session.connection().connection.driver_connection
    return raw if isinstance(raw, HoldableConnection) else None


def hold_until_commit(session) -> bool:
    """Block, rather than yield, on the database until this transaction commits or rolls back.
    False (nothing changes) on SQLite, whose calls never yield anyway."""
    raw = _raw(session)
    return raw.hold() if raw is not None else False


def is_held(session) -> bool:
    raw = _raw(session)
    return raw is not None and raw._held


def release_hold(session) -> None:
    """Back to cooperative waits for the rest of this transaction."""
    raw = _raw(session)
    if raw is not None:
        raw.hold(False)
