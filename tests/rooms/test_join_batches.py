"""Joins served in batches (app.core.sockets.socket_batch_handler, rooms.events.room_join_many):
at a reconnect storm the joins that queued while one batch was served are served together, in
one transaction. Each answer is what a lone join would say; a refusal is that person's own and
writes nothing; a batch that fails is served again one join at a time; each person is answered
in their own language; and connects in one batch count toward the per-user limit together."""
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import LoginSession, User
from app.core import sockets
from app.core.connections import SocketConnection
from app.core.jsonsafe import SocketJSON
from app.extensions import db, socketio
from app.rooms.events import room_join_many
from app.rooms.models import RoomMember


def _sid(sc):
    return socketio.server.manager.sid_from_eio_sid(sc.eio_sid, "/")


def _entry(sc, payload, lang="en"):
    sid = _sid(sc)
    return (sid, sockets.connection_session_id(sid), payload, lang)


def _batch(app, entries, serve=room_join_many):
    with app.test_request_context("/socket.io/"):
        outcomes = sockets.serve_batch(serve, entries)
    return [json.loads(SocketJSON.dumps([o]))[0] if isinstance(o, dict) else o for o in outcomes]


def _members(cid):
    db.session.remove()
    return sorted(db.session.execute(select(RoomMember.user_id, RoomMember.sid)
                                     .where(RoomMember.consultation_id == cid)).all())


def test_a_batch_of_joins_answers_each_as_a_lone_join_would(app, socket, live):
    c, p = live
    people = [p[k] for k in ("government", "employers", "workers", "adviser", "chair")]
    ids = [u.id for u in people]
    scs = [socket(u) for u in people]
    answers = _batch(app, [_entry(sc, {"consultation_id": c.id}) for sc in scs])
    assert all(isinstance(a, dict) for a in answers), answers
    for uid, answer in zip(ids, answers, strict=True):
        # every joiner entered before the room was read: each answer lists the whole batch
        assert {x["user_id"] for x in answer["presence"]} == set(ids)
        assert answer["state"]["me"]["user_id"] == uid
    assert len({a["seq"] for a in answers}) == 1
    assert [uid for uid, _sid in _members(c.id)] == sorted(ids)
    # a lone join afterwards agrees with the batch, and its answer carries the same people
    late = socket(p["observer"])
    alone = late.emit("room:join", {"consultation_id": c.id}, callback=True)
    assert alone["ok"], alone
    assert {x["user_id"] for x in alone["presence"]} == set(ids) | {p["observer"].id}
    # chat after the batch reaches every socket of the batch: they are in the Socket.IO room
    for sc in scs:
        sc.get_received()
    assert scs[0].emit("chat:send", {"consultation_id": c.id, "text": "all here"}, callback=True)["ok"]
    for sc in scs[1:]:
        texts = [m["args"][0]["data"].get("text") for m in sc.get_received() if m["name"] == "room:event"]
        assert "all here" in texts


def test_refusals_in_a_batch_are_their_own_and_write_nothing(app, socket, live, factory):
    c, p = live
    ok1, ok2 = socket(p["government"]), socket(p["workers"])
    outsider, bad_since, revoked = socket(p["outsider"]), socket(p["employers"]), socket(p["adviser"])
    lsid = sockets.connection_session_id(_sid(revoked))
    db.session.get(LoginSession, lsid).revoked_at = db.func.now()
    db.session.commit()
    answers = _batch(app, [
        _entry(ok1, {"consultation_id": c.id}),
        _entry(outsider, {"consultation_id": c.id}),
        _entry(bad_since, {"consultation_id": c.id, "since": "yesterday"}),
        _entry(revoked, {"consultation_id": c.id}),
        _entry(ok2, {"consultation_id": c.id, "since": 0}),
    ])
    assert isinstance(answers[0], dict) and isinstance(answers[4], dict)
    assert (answers[1].code, answers[2].code, answers[3].code) == ("not_found", "invalid", "unauthenticated")
    assert "since" in answers[2].message
    assert [uid for uid, _sid in _members(c.id)] == sorted([p["government"].id, p["workers"].id])
    assert not revoked.is_connected()  # a revoked sign-in's socket ends, as for a lone event
    assert ok1.is_connected() and ok2.is_connected()


def test_a_batch_that_fails_is_served_again_one_join_at_a_time(app, socket, live):
    c, p = live
    scs = [socket(p[k]) for k in ("government", "employers", "workers")]
    batches = []

    def flaky(calls):
        batches.append(len(calls))
        if len(calls) > 1:
            room_join_many(calls)  # writes, then fails: the batch's writes are rolled back
            raise RuntimeError("the batch broke")
        return room_join_many(calls)

    answers = _batch(app, [_entry(sc, {"consultation_id": c.id}) for sc in scs], serve=flaky)
    assert batches == [3, 1, 1, 1]
    assert all(isinstance(a, dict) and a["state"]["me"]["user_id"] == uid
               for a, uid in zip(answers, [p[k].id for k in ("government", "employers", "workers")], strict=True))
    members = _members(c.id)
    assert len(members) == 3 and {sid for _uid, sid in members} == {_sid(sc) for sc in scs}


def test_each_person_in_a_batch_is_answered_in_their_own_language(app, socket, live, factory):
    c, p = live
    from app.accounts.models import User
    from app.consultations.models import Consultation
    pending = factory.user("delegate", "workers")
    factory.participant(db.session.get(Consultation, c.id), pending, credentials="pending")
    db.session.get(User, p["observer"].id).language = "fr"
    db.session.get(User, pending.id).language = "ar"
    db.session.commit()
    s_obs, s_pending, s_gov = socket(p["observer"]), socket(pending), socket(p["government"])
    answers = _batch(app, [_entry(s_obs, {"consultation_id": c.id}), _entry(s_pending, {"consultation_id": c.id}),
                           _entry(s_gov, {"consultation_id": c.id}, lang="pt")])
    refusals = [a["state"]["me"]["hand_refusal"] for a in answers[:2]]
    assert refusals[0].startswith("Les observateurs"), refusals
    assert any("\u0600" <= ch <= "\u06ff" for ch in refusals[1]), refusals  # Arabic
    assert answers[2]["state"]["me"]["hand_refusal"] is None


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["SOCKETIO_MAX_CONNECTIONS_PER_USER"] = 3
    yield
    app.config["RATELIMIT_ENABLED"] = False


def test_connects_of_one_batch_count_together_toward_the_per_user_limit(app, socket, live, limited):
    c, p = live
    first = socket(p["government"])
    lsid = sockets.connection_session_id(_sid(first))
    items = [(f"batch-sid-{i}", lsid) for i in range(4)] + [("stranger", "no-such-sign-in"), ("nobody", None)]
    with app.test_request_context("/socket.io/"):
        outcomes = sockets.serve_connects(items)
    uid = p["government"].id
    # one socket open already, limit 3: two more of the batch are let in, the others refused
    assert outcomes == [uid, uid, "too_many", "too_many", "unauthenticated", "unauthenticated"]
    db.session.remove()
    rows = set(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.user_id == uid)))
    assert {"batch-sid-0", "batch-sid-1"} <= rows and not {"batch-sid-2", "batch-sid-3"} & rows
    for sid in ("batch-sid-0", "batch-sid-1"):
        sockets.forget_connection(sid)


def test_joiners_of_one_batch_share_a_replay_only_when_they_rejoin_from_the_same_seq(app, socket, live):
    c, p = live
    first = socket(p["chair"])
    assert first.emit("room:join", {"consultation_id": c.id}, callback=True)["ok"]
    sent = [first.emit("chat:send", {"consultation_id": c.id, "text": f"point {i}"}, callback=True)["seq"]
            for i in range(3)]
    scs = [socket(p[k]) for k in ("government", "employers", "workers", "adviser")]
    sinces = [None, 0, sent[1], 0]
    answers = _batch(app, [_entry(sc, {"consultation_id": c.id} if since is None else
                                  {"consultation_id": c.id, "since": since}) for sc, since in zip(scs, sinces,
                                                                                                  strict=True)])
    chat = [[e["seq"] for e in a["events"] if e["type"] == "chat.message"] for a in answers]
    assert chat == [[], sent, sent[2:], sent]
    assert answers[1]["events"] == answers[3]["events"]
    assert [a["state"]["me"]["user_id"] for a in answers] == [p[k].id for k in ("government", "employers",
                                                                                  "workers", "adviser")]


def test_a_batch_of_connects_lets_in_only_valid_sign_ins(app, socket, live):
    """The connects of a batch are checked by sign-in id alone (two columns, one query): a
    revoked sign-in, an expired one and a deactivated person's are refused with the rest of the
    batch let in, and nothing is written for the refused."""
    c, p = live
    lsids = {}
    for key in ("government", "employers", "workers", "adviser"):
        sc = socket(p[key])
        lsids[key] = sockets.connection_session_id(_sid(sc))
        sc.disconnect()
    db.session.get(LoginSession, lsids["employers"]).revoked_at = db.func.now()
    db.session.get(LoginSession, lsids["workers"]).expires_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.get(User, p["adviser"].id).is_active = False
    db.session.commit()
    items = [(f"checked-{key}", lsid) for key, lsid in lsids.items()]
    with app.test_request_context("/socket.io/"):
        outcomes = sockets.serve_connects(items)
    assert outcomes == [p["government"].id, "unauthenticated", "unauthenticated", "unauthenticated"]
    db.session.remove()
    rows = set(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.sid.like("checked-%"))))
    assert rows == {"checked-government"}
    sockets.forget_connection("checked-government")
