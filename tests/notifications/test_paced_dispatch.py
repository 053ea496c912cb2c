"""A large audience is told in chunks: the worker shares the server's event loop (and, on SQLite,
the one write lock) with the live rooms, so a pass commits every CHUNK deliveries and lets other
work run in between, and still tells each person exactly once, even when it dies half-way."""
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.consultations import services as consultation_services
from app.core.realtime import RoomEvent, record_event
from app.documents.event_types import DocumentVersion
from app.extensions import db
from app.notifications import dispatch
from app.notifications.models import DispatchCursor, Notification, Outbox

N = 2 * dispatch.CHUNK + 10  # three transactions: CHUNK, CHUNK, 10


class Died(BaseException):
    """The worker process stopping between two transactions of a pass."""


def _audience(factory, status="scheduled"):
    c = factory.consultation(status=status, title="Free movement protocol",
                             starts_at=datetime(2026, 12, 1, 8, tzinfo=UTC))
    people = [factory.participant(c).user for _ in range(N)]
    db.session.commit()
    return c, people


def _quiet(run_worker):
    """The invitations of setting up are handled and forgotten: each test sees its own event."""
    run_worker()
    db.session.query(Notification).delete()
    db.session.query(Outbox).delete()
    db.session.commit()


def _new_version(c, factory) -> int:
    ev = record_event(c.id, DocumentVersion(document_id=3, title="Draft protocol", number=2, note=""),
                      factory.secretariat)
    db.session.commit()
    return ev.id


def _told(kind) -> Counter:
    return Counter(db.session.scalars(select(Notification.user_id).where(Notification.kind == kind)))


def test_a_large_audience_is_told_in_chunks_with_nothing_held_in_between(factory, run_worker, monkeypatch):
    c, people = _audience(factory)
    _quiet(run_worker)
    ev_id = _new_version(c, factory)
    seen = []

    def between():
        held = db.session().in_transaction()
        cursor = db.session.scalar(select(DispatchCursor.last_event_id))
        seen.append((held, sum(_told("document.version").values()), cursor))
        db.session.rollback()  # what this look began; the pass goes on from a clean session

    monkeypatch.setattr(dispatch, "pause", between)
    assert dispatch.dispatch_pending() >= 1
    # between two chunks no transaction is open (so no SQLite write lock is held), the notices
    # of the finished chunk are committed, and the cursor has not moved past the event
    assert [s[1] for s in seen] == [dispatch.CHUNK, 2 * dispatch.CHUNK]
    assert all(not s[0] and s[2] < ev_id for s in seen)
    told = _told("document.version")
    assert set(told) == {u.id for u in people} and set(told.values()) == {1}
    assert db.session.scalar(select(DispatchCursor.last_event_id)) >= ev_id
    mails = Counter(db.session.scalars(select(Outbox.user_id).where(Outbox.kind == "document.version")))
    assert set(mails) == {u.id for u in people} and set(mails.values()) == {1}


def test_a_pass_that_dies_between_chunks_resumes_without_telling_anyone_twice(factory, run_worker, monkeypatch):
    c, people = _audience(factory)
    _quiet(run_worker)
    ev_id = _new_version(c, factory)

    def die():
        raise Died()

    monkeypatch.setattr(dispatch, "pause", die)
    with pytest.raises(Died):
        dispatch.dispatch_pending()
    db.session.rollback()
    assert sum(_told("document.version").values()) == dispatch.CHUNK  # the first chunk was kept
    assert db.session.scalar(select(DispatchCursor.last_event_id)) < ev_id
    monkeypatch.undo()
    dispatch.dispatch_pending()
    told = _told("document.version")
    assert set(told) == {u.id for u in people} and set(told.values()) == {1}


def test_invitations_held_for_a_draft_go_out_once_each_over_several_chunks(factory, run_worker, monkeypatch):
    c, people = _audience(factory, status="draft")
    run_worker()
    assert db.session.scalar(select(Outbox.id).limit(1)) is None  # a draft convenes nobody yet
    consultation_services.change_status(factory.secretariat, c, "scheduled")
    db.session.commit()
    yields = []
    monkeypatch.setattr(dispatch, "pause", lambda: yields.append(1))
    dispatch.dispatch_pending()
    assert len(yields) == 2
    invited = Counter(db.session.scalars(select(Outbox.user_id).where(Outbox.kind == "invitation")))
    assert set(invited) == {u.id for u in people} and set(invited.values()) == {1}
    # each is told by the invitation alone, never by a second "scheduled" notice
    assert _told("session.scheduled") == Counter()
    assert set(_told("invited").values()) == {1}


def test_the_chat_of_a_busy_room_is_not_counted_against_a_chunk(factory, run_worker, monkeypatch):
    """Events nobody is told of pass in the same transaction as the deliveries around them."""
    from app.rooms.event_types import ChatMessage
    c, people = _audience(factory)
    _quiet(run_worker)
    for i in range(300):
        record_event(c.id, ChatMessage(message_id=i + 1, text="hello", html="<p>hello</p>", client_id=None),
                     people[0])
    ev_id = _new_version(c, factory)
    yields = []
    monkeypatch.setattr(dispatch, "pause", lambda: yields.append(1))
    assert dispatch.dispatch_pending() == 301
    assert len(yields) == 2
    last = db.session.scalar(select(RoomEvent.id).order_by(RoomEvent.id.desc()).limit(1))
    assert last == ev_id and db.session.scalar(select(DispatchCursor.last_event_id)) == ev_id


def test_the_sender_lets_other_work_run_after_each_mail(factory, run_worker, monkeypatch):
    from app.notifications import mailer
    c, people = _audience(factory)
    _quiet(run_worker)
    _new_version(c, factory)
    dispatch.dispatch_pending()
    held = []
    monkeypatch.setattr(mailer, "pause", lambda: held.append(db.session().in_transaction()))
    assert mailer.send_due(limit=5)["sent"] == 5
    assert held == [False] * 5  # each mail's row is committed before the loop is given up


def test_an_open_vote_reaches_each_voter_once_over_several_chunks_with_one_reading_of_the_voters(
        factory, run_worker, monkeypatch):
    from datetime import timedelta

    from app.core.db import utcnow
    from app.votes.event_types import MotionOpened
    c, people = _audience(factory)
    _quiet(run_worker)
    read = []
    real = dispatch.voters
    monkeypatch.setattr(dispatch, "voters", lambda *a: read.append(1) or real(*a))
    record_event(c.id, MotionOpened(motion_id=1, question="Adopt the framework?", options=["yes", "no"],
                                    ballot="roll_call", rule="simple",
                                    closes_at=(utcnow() + timedelta(days=3)).isoformat()), factory.secretariat)
    db.session.commit()
    yields = []
    monkeypatch.setattr(dispatch, "pause", lambda: yields.append(1))
    dispatch.dispatch_pending()
    assert len(yields) == 2 and len(read) == 1  # three transactions, the voters read in the first
    told = _told("motion.opened")
    assert set(told) == {u.id for u in people} and set(told.values()) == {1}
