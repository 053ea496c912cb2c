"""Connection rows written late (SOCKETIO_ROWS_TICK > 0, the storm configuration): a connect
writes nothing; the socket's first event writes its row (joining a room needs it) or the next
tick does; until then revoking the sign-in, ending the user's sockets and the per-user limit
still see the socket; and a sign-in revoked where the row could not be seen (another process)
is caught by the tick that writes it."""
import time

import pytest
from sqlalchemy import select, update

from app.accounts.models import LoginSession, User
from app.core import connections
from app.core.connections import SocketConnection
from app.extensions import db, socketio
from tests.rooms.conftest import ticking


@pytest.fixture
def deferred(app):
    with ticking(app, "SOCKETIO_ROWS_TICK", connections.flush_connections):
        yield


def _rows(user_id):
    db.session.remove()
    return set(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.user_id == user_id)))


def _wait(pred, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not pred():
        socketio.sleep(0.02)
    return pred()


def test_the_first_event_writes_the_row_and_the_tick_writes_the_others(deferred, socket, live):
    c, p = live
    idle, active = socket(p["government"]), socket(p["workers"])
    assert _rows(p["government"].id) == _rows(p["workers"].id) == set()
    res = active.emit("room:join", {"consultation_id": c.id}, callback=True)
    assert res["ok"], res  # its room membership refers to the row, written in the same transaction
    assert len(_rows(p["workers"].id)) == 1 and _rows(p["government"].id) == set()
    assert connections.flush_connections() == 1
    assert len(_rows(p["government"].id)) == 1
    assert connections.flush_connections() == 0
    idle.disconnect()
    assert _rows(p["government"].id) == set()
    assert active.emit("chat:send", {"consultation_id": c.id, "text": "still here"}, callback=True)["ok"]


def test_revoking_a_sign_in_ends_its_socket_before_the_row_is_written(deferred, app, bearer, live):
    c, p = live
    from app.accounts.services import revoke_session
    sc = socketio.test_client(app, auth={"token": bearer(p["employers"])})
    assert sc.is_connected() and _rows(p["employers"].id) == set()
    lsid = db.session.scalar(select(LoginSession.id).where(LoginSession.user_id == p["employers"].id))
    revoke_session(lsid)
    db.session.commit()
    assert _wait(lambda: not sc.is_connected())
    assert connections.flush_connections() == 0


def test_a_revocation_the_tick_could_not_see_is_caught_when_the_row_is_written(deferred, app, bearer, live):
    c, p = live
    sc = socketio.test_client(app, auth={"token": bearer(p["workers"])})
    assert sc.is_connected()
    # as another process revokes it: its search for the sign-in's sockets finds no row here
    db.session.execute(update(LoginSession).where(LoginSession.user_id == p["workers"].id)
                       .values(revoked_at=LoginSession.expires_at))
    db.session.commit()
    assert connections.flush_connections() == 1
    assert _wait(lambda: not sc.is_connected())


def test_ending_a_users_sockets_and_the_limit_count_unwritten_rows(deferred, app, bearer, live):
    c, p = live
    app.config["SOCKETIO_MAX_CONNECTIONS_PER_USER"] = 2
    token = bearer(p["government"])
    clients = [socketio.test_client(app, auth={"token": token}) for _ in range(3)]
    assert [sc.is_connected() for sc in clients] == [True, True, False]
    assert len(connections.user_sids(p["government"].id)) == 2
    from app.accounts.services import revoke_all_sessions
    revoke_all_sessions(db.session.get(User, p["government"].id))
    db.session.commit()
    assert _wait(lambda: not any(sc.is_connected() for sc in clients))


def test_a_first_event_while_the_tick_is_writing_the_row_still_finds_it(deferred, socket, live):
    c, p = live
    sc = socket(p["government"])
    (sid,) = [s for s in connections._unwritten if connections._unwritten[s][1] == p["government"].id]
    # the tick has taken the row and not committed it yet: the join must not refer to a row
    # that is not there (PostgreSQL refused it: a foreign key violation, answered "internal")
    connections._writing[sid] = connections._unwritten.pop(sid)
    res = sc.emit("room:join", {"consultation_id": c.id}, callback=True)
    assert res["ok"], res
    assert _rows(p["government"].id) == {sid}
    connections._writing.pop(sid, None)
    assert connections.flush_connections() == 0
