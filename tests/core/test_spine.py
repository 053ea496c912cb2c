"""The room event spine: gap-free seq, even with concurrent writers, and nothing sent on rollback."""
import threading

from app.core.realtime import RoomEvent, events_since, record_event
from app.extensions import db
from app.rooms.event_types import ChatMessage


def _chat(text: str) -> ChatMessage:
    return ChatMessage(message_id=0, text=text, html="", client_id=None)



def test_seq_increases_by_one_and_rollback_leaves_no_gap(factory):
    c = factory.consultation(status="draft")
    record_event(c.id, _chat("one"), factory.secretariat)
    db.session.commit()
    record_event(c.id, _chat("lost"), factory.secretariat)
    db.session.rollback()
    record_event(c.id, _chat("two"), factory.secretariat)
    db.session.commit()
    events = events_since(c.id, 0)
    assert [(e.seq, e.data["text"]) for e in events] == [(1, "one"), (2, "two")]
    assert [e.seq for e in events_since(c.id, 1)] == [2]
    assert events[0].to_dict()["actor"] == {"id": factory.secretariat.id, "name": "Secretariat officer",
                                            "constituency": "secretariat"}


def test_concurrent_writers_get_distinct_consecutive_seqs(app, factory):
    c = factory.consultation(status="draft")
    cid, uid = c.id, factory.secretariat.id
    errors = []

    def writer(n):
        with app.app_context():
            try:
                from app.accounts.models import User
                user = db.session.get(User, uid)
                for i in range(10):
                    record_event(cid, _chat(f"{n}-{i}"), user)
                    db.session.commit()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    seqs = sorted(db.session.scalars(db.select(RoomEvent.seq).where(RoomEvent.consultation_id == cid)))
    assert seqs == list(range(1, 81))


def test_events_are_broadcast_only_after_commit(app, factory, client, login):
    from app.extensions import socketio
    c = factory.consultation(status="live")
    p = factory.participant(c)
    login(p.user)
    sc = socketio.test_client(app, flask_test_client=client)
    assert sc.is_connected()
    # put the socket in the room directly, as the rooms feature does after its access check
    sid = socketio.server.manager.sid_from_eio_sid(sc.eio_sid, "/")
    socketio.server.enter_room(sid, f"consultation:{c.id}", namespace="/")
    sc.get_received()
    record_event(c.id, _chat("rolled back"), p.user)
    db.session.rollback()
    assert sc.get_received() == []
    record_event(c.id, _chat("kept"), p.user)
    db.session.commit()
    received = sc.get_received()
    assert [(r["name"], r["args"][0]["data"]["text"]) for r in received] == [("room:event", "kept")]
