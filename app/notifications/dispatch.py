"""The dispatcher: reads stored room events in order and turns them into notifications.

Features never call this code; they record events (the spine) and this reader derives who is
told what. Progress is a cursor (the last RoomEvent.id handled) kept in the same transaction as
the notifications and queued mails it produced, so each event is handled exactly once even when
the worker stops half-way. Ids are assigned before commit, so on PostgreSQL a younger event can
become visible before an older one: the reader stops at a gap in the ids until the events after
it are GAP_WAIT seconds old (a rolled-back transaction leaves a permanent gap).

An event whose handler raises is rolled back alone (a savepoint) and recorded as a
DispatchFailure; the cursor moves past it, so the events after it are handled on time, and the
failed one is tried again with back-off (RETRY_BASE doubling, RETRY_CAP at most) until it
succeeds or, after MAX_ATTEMPTS, is marked failed where the secretariat sees it (failures.py).

The worker shares the server's event loop, and telling 200 participants of a new version took
0.37 s of it (1.8 ms each: the notice, the rendered mail, the live count). So a pass commits
every CHUNK deliveries and yields before the next: one event's audience may be told over several
transactions. That stays exactly-once because telling is idempotent per event (a person who has
a notice for it, or whose invitation is mailed, is skipped) and the cursor moves past an event
only once all of it is told; each transaction still takes the cursor row first.
"""
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.consultations.event_types import ParticipantInvited, SessionRescheduled, SessionStatus
from app.consultations.models import Consultation, Participant
from app.consultations.services import can_view
from app.consultations.voters import voters
from app.core.db import isoformat, utcnow
from app.core.pacing import pause
from app.core.realtime import RoomEvent
from app.core.features import features_of
from app.documents.event_types import (
    AmendmentCreated,
    AmendmentDecided,
    CommentCreated,
    DocumentStatus,
    DocumentVersion,
    PositionUpdated,
)
from app.extensions import db
from app.minutes.event_types import MinutesStatus
from app.notifications import delivery
from app.notifications.models import DispatchCursor, DispatchFailure, Invitation, MotionReminder, Notification
from app.notifications.safetext import header_text
from app.notifications.texts import parse_time
from app.votes.event_types import MotionClosed, MotionOpened

log = logging.getLogger(__name__)
CURSOR = "dispatch"
GAP_WAIT = 30
RETRY_BASE = 30        # seconds before an event that failed is tried again; doubled each time
RETRY_CAP = 3600
MAX_ATTEMPTS = 8       # then the event is marked failed (about 1 h 4 min after the first try)
CHUNK = 10             # deliveries per transaction of a pass (about 20 ms), between which other work runs


@dataclass
class _Chunk:
    left: int
    cut: bool = False


_chunk: ContextVar[_Chunk | None] = ContextVar("dispatch_chunk", default=None)
_audiences: ContextVar[dict | None] = ContextVar("dispatch_audiences", default=None)


def _spend() -> bool:
    """Whether one more delivery fits in this transaction (always, outside a paced pass)."""
    chunk = _chunk.get()
    if chunk is None:
        return True
    if chunk.left <= 0:
        chunk.cut = True
        return False
    chunk.left -= 1
    return True


def _told(ev: RoomEvent) -> set[int]:
    """Who already has a notice for this event (an earlier transaction of the pass told them)."""
    return set(db.session.scalars(select(Notification.user_id).where(Notification.event_id == ev.id)))


def _cursor() -> DispatchCursor:
    cur = db.session.scalar(select(DispatchCursor).where(DispatchCursor.name == CURSOR).with_for_update())
    if cur is None:
        cur = DispatchCursor(name=CURSOR, last_event_id=0)
        db.session.add(cur)
        db.session.flush()
    return cur


def dispatch_pending(limit: int = 2000, now: datetime | None = None, gap_wait: float | None = None,
                     chunk: int = CHUNK) -> int:
    """Handle the events after the cursor, in id order, committing every `chunk` deliveries and
    letting the server's other work run in between; returns how many events were passed.
    An event whose handling fails is rolled back alone and kept for retry (DispatchFailure), so
    one bad event never blocks the rest and is never silently dropped.
    Most room events (chat, presence, hands) notify nobody: the walk reads only (id, type, at)
    of each and loads whole rows only for the types with a handler, so a busy live room costs
    the worker one light query per pass, not an object and a savepoint per chat message."""
    now = now or utcnow()
    wait = timedelta(seconds=GAP_WAIT if gap_wait is None else gap_wait)
    passed = 0
    token = _audiences.set({})
    try:
        while True:
            n, more = _dispatch_chunk(limit, now, wait, chunk)
            passed += n
            if not more:
                return passed
            pause()  # the rooms' greenlets run before the next chunk
    finally:
        _audiences.reset(token)


def _dispatch_chunk(limit: int, now: datetime, wait: timedelta, size: int) -> tuple[int, bool]:
    """One transaction of a pass: (events passed, whether an event was cut short)."""
    cur = _cursor()
    heads = list(db.session.execute(
        select(RoomEvent.id, RoomEvent.type, RoomEvent.at).where(RoomEvent.id > cur.last_event_id)
        .order_by(RoomEvent.id).limit(limit)))
    passed, expected = [], cur.last_event_id + 1
    for ev_id, type_, at in heads:
        if ev_id != expected and now - at < wait:
            break  # an older transaction may still commit the missing ids
        passed.append((ev_id, type_))
        expected = ev_id + 1
    wanted = [ev_id for ev_id, type_ in passed if type_ in HANDLERS]
    events = {e.id: e for e in db.session.scalars(select(RoomEvent).where(RoomEvent.id.in_(wanted)))} \
        if wanted else {}
    chunk = _Chunk(size)
    token = _chunk.set(chunk)
    try:
        for ev_id in wanted:
            _attempt(events[ev_id], now)
            if chunk.cut:  # the rest of its audience is told by the next transaction
                passed = [p for p in passed if p[0] < ev_id]
                break
    finally:
        _chunk.reset(token)
    if passed:
        cur.last_event_id = passed[-1][0]
    db.session.commit()
    return len(passed), chunk.cut


def retry_backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_CAP, RETRY_BASE * 2 ** max(0, attempts - 1)))


def _attempt(ev: RoomEvent, now: datetime, failure: DispatchFailure | None = None) -> bool:
    """Handle one event inside a savepoint. On success a pending failure row is removed; on
    an error the event's partial work is rolled back and the failure recorded (or counted)."""
    try:
        with db.session.begin_nested():
            handle(ev)
    except Exception as err:
        log.exception("notification for event %s (%s) failed; will retry", ev.id, ev.type)
        _record_failure(ev, err, now, failure)
        return False
    if failure is not None:
        db.session.delete(failure)
    return True


def _record_failure(ev: RoomEvent, err: Exception, now: datetime, row: DispatchFailure | None) -> None:
    if row is None:
        row = db.session.scalar(select(DispatchFailure).where(DispatchFailure.event_id == ev.id))
    if row is None:
        row = DispatchFailure(event_id=ev.id, event_type=ev.type, consultation_id=ev.consultation_id,
                              attempts=0, created_at=now)
        db.session.add(row)
    row.attempts += 1
    row.reason = "handler_error"
    row.last_error = header_text(f"{type(err).__name__}: {err}")[:500]
    row.next_attempt_at = now + retry_backoff(row.attempts)
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.failed_at = "failed", now
        log.error("giving up on notifications for event %s (%s) after %s attempts", ev.id, ev.type, row.attempts)
    else:
        row.status = "retrying"
    db.session.flush()


def retry_failed_events(now: datetime | None = None, limit: int = 100) -> int:
    """Try again the failed events that are due (oldest first) and commit; returns how many
    succeeded this time. The cursor is not involved: it has moved on already."""
    now = now or utcnow()
    rows = list(db.session.scalars(select(DispatchFailure).where(
        DispatchFailure.status == "retrying", DispatchFailure.next_attempt_at <= now)
        .order_by(DispatchFailure.next_attempt_at, DispatchFailure.id).limit(limit)
        .with_for_update(skip_locked=True)))
    done = 0
    for row in rows:
        ev = db.session.get(RoomEvent, row.event_id)
        if ev is None:  # the consultation and its events were deleted: nobody left to tell
            db.session.delete(row)
            continue
        done += _attempt(ev, now, row)
    db.session.commit()
    return done


def handle(ev: RoomEvent) -> None:
    fn = HANDLERS.get(ev.type)
    if fn is None:
        return
    c = db.session.get(Consultation, ev.consultation_id)
    if c is not None:
        fn(ev, c, ev.data or {})


# --- audiences --------------------------------------------------------------------------

def _visible(users, c: Consultation, ev: RoomEvent, told: set[int] = frozenset()):
    """Only people who may see the consultation now, and never the one who did it nor those
    already told of this event (checked lazily: a chunk stops early)."""
    seen = set(told)
    for u in users:
        if u is None or u.id in seen or u.id == ev.actor_id:
            continue
        seen.add(u.id)
        if can_view(u, c):
            yield u


def _per_pass(key: tuple, compute):
    """compute() once per dispatch pass for this key: an audience told over several chunks is
    read once, not again for each chunk (outside a pass, every time)."""
    cache = _audiences.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def participants(c: Consultation, ev: RoomEvent) -> list[User]:
    """Participants who were already invited when the event happened (the worker may run late)."""
    return _per_pass(("participants", ev.id), lambda: [p.user for p in db.session.scalars(
        select(Participant).where(Participant.consultation_id == c.id, Participant.invited_at <= ev.at)
        .options(joinedload(Participant.user)).order_by(Participant.id))])


def eligible_voters(c: Consultation, at=None) -> list[User]:
    """Who is told that a vote is open: the consultation's voters (app.consultations.voters)."""
    return _per_pass(("voters", c.id, at), lambda: voters(c, at))


def followers(c: Consultation) -> list[User]:
    """People following one of the consultation's themes or its standing body (features register
    who: app.core.features.Features.followers)."""
    return _per_pass(("followers", c.id), lambda: [u for fn in features_of().followers for u in fn(c)])


def _base(c: Consultation) -> dict:
    return {"title": c.title}


def _link(c: Consultation) -> str:
    return f"/consultations/{c.id}"


def _tell(users, ev, c, kind, params, *, calendar=False) -> None:
    for u in _visible(users, c, ev, _told(ev)):
        if not _spend():
            return
        delivery.notify(u, c, kind, params, _link(c), event_id=ev.id, calendar=calendar)


# --- handlers, one per event type -------------------------------------------------------

def _invited(ev, c, data) -> None:
    ids = [i for i in data.get("user_ids") or [] if isinstance(i, int)]
    for uid in ids:
        user = db.session.get(User, uid)
        if user is None:
            continue
        inv = db.session.scalar(select(Invitation).where(
            Invitation.consultation_id == c.id, Invitation.user_id == uid))
        if inv is None:
            inv = Invitation(consultation_id=c.id, user_id=uid, invited_at=ev.at)
            db.session.add(inv)
            db.session.flush()
        elif inv.invited_at < ev.at:  # removed, then invited again: a new invitation
            inv.invited_at, inv.mailed_at, inv.accepted_at = ev.at, None, None
        # A draft is invisible to its participants: the mail waits until it is scheduled.
        if inv.mailed_at is None and can_view(user, c):
            if not _spend():
                return
            delivery.invite(user, c, inv, event_id=ev.id)


def _session_status(ev, c, data) -> None:
    status = data.get("status")
    if status == "scheduled":
        pending = {i.user_id: i for i in db.session.scalars(select(Invitation).where(
            Invitation.consultation_id == c.id, Invitation.mailed_at.is_(None)))}
        for u in _visible(participants(c, ev), c, ev, _told(ev)):
            if not _spend():
                return
            if u.id in pending:
                delivery.invite(u, c, pending[u.id], event_id=ev.id)
            else:
                delivery.notify(u, c, "session.scheduled", dict(_base(c), starts_at=isoformat(c.starts_at),
                                                               ends_at=isoformat(c.ends_at)),
                                _link(c), event_id=ev.id, calendar=True)
        if data.get("previous") == "draft":  # a new consultation appears under a theme or a body
            invited = {p.user_id for p in db.session.scalars(select(Participant).where(
                Participant.consultation_id == c.id))}
            _tell([u for u in followers(c) if u.id not in invited], ev, c, "follow.consultation", _base(c))
    elif status == "live":
        _tell(participants(c, ev), ev, c, "session.live", _base(c))


def _rescheduled(ev, c, data) -> None:
    if c.status not in ("scheduled", "live"):
        return
    _tell(participants(c, ev), ev, c, "session.rescheduled",
          dict(_base(c), starts_at=data.get("starts_at"), ends_at=data.get("ends_at")), calendar=True)


def _document_version(ev, c, data) -> None:
    if data.get("published"):
        return  # a draft made visible: its document.status event tells people
    number = data.get("number")
    kind = "document.new" if number == 1 else "document.version"
    _tell(participants(c, ev), ev, c, kind, dict(_base(c), document=data.get("title", ""), number=number,
                                             document_id=data.get("document_id"), note=data.get("note") or ""))


def _document_status(ev, c, data) -> None:
    if data.get("status") == "open":
        _tell(participants(c, ev), ev, c, "document.opened",
              dict(_base(c), document=data.get("title", ""), document_id=data.get("document_id"),
                   comments_close_at=data.get("comments_close_at")))
    elif data.get("previous") == "draft":
        _tell(participants(c, ev), ev, c, "document.new",
              dict(_base(c), document=data.get("title", ""), document_id=data.get("document_id")))


def _earlier(c: Consultation, type_: str, key: str, value) -> RoomEvent | None:
    """The event of this type in this consultation whose data[key] equals value."""
    if not isinstance(value, int):
        return None
    return db.session.scalar(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == type_,
        RoomEvent.data[key].as_integer() == value).order_by(RoomEvent.id).limit(1))


def _amendment_decided(ev, c, data) -> None:
    org = data.get("organisation")
    if not isinstance(org, dict):
        created = _earlier(c, AmendmentCreated.type, "amendment_id", data.get("amendment_id"))
        org = (created.data or {}).get("organisation") if created else None
    org_id = org.get("id") if isinstance(org, dict) else None
    if org_id is None:
        return
    decision = data.get("decision")
    if decision not in ("accepted", "rejected"):
        return
    members = [p.user for p in db.session.scalars(select(Participant).where(
        Participant.consultation_id == c.id, Participant.organisation_id == org_id,
        Participant.invited_at <= ev.at))]
    _tell(members, ev, c, f"amendment.{decision}",
          dict(_base(c), document=data.get("title", ""), document_id=data.get("document_id"),
               reason=data.get("reason") or "", version_number=data.get("version_number")))


def _comment_created(ev, c, data) -> None:
    parent_id = data.get("parent_id")
    if parent_id is None:
        return
    parent = _earlier(c, CommentCreated.type, "comment_id", parent_id)
    author_id = parent.actor_id if parent else None
    author = db.session.get(User, author_id) if isinstance(author_id, int) else None
    name = (ev.actor or {}).get("name") or ""
    _tell([author], ev, c, "comment.reply",
          dict(_base(c), name=name, document_id=data.get("document_id"), comment_id=data.get("comment_id"),
               excerpt=(data.get("body") or "")[:280]))


def _motion_opened(ev, c, data) -> None:
    closes_at = parse_time(data.get("closes_at"))
    motion_id = data.get("motion_id")
    if closes_at is None or not isinstance(motion_id, int):
        return  # a vote taken in the sitting: the room shows it, nobody needs a message
    question = str(data.get("question") or "")[:500]
    row = db.session.scalar(select(MotionReminder).where(
        MotionReminder.consultation_id == c.id, MotionReminder.motion_id == motion_id))
    if row is None:
        db.session.add(MotionReminder(consultation_id=c.id, motion_id=motion_id, question=question,
                                      opened_at=ev.at, closes_at=closes_at))
    else:
        row.closes_at, row.closed_at, row.question = closes_at, None, question
    _tell(eligible_voters(c, ev.at), ev, c, "motion.opened",
          dict(_base(c), motion_id=motion_id, question=question, closes_at=isoformat(closes_at)))


def _motion_closed(ev, c, data) -> None:
    row = db.session.scalar(select(MotionReminder).where(
        MotionReminder.consultation_id == c.id, MotionReminder.motion_id == data.get("motion_id")))
    if row is not None and row.closed_at is None:
        row.closed_at = ev.at
    outcome = (data.get("result") or {}).get("outcome")
    _tell(followers(c), ev, c, "follow.decision",
          dict(_base(c), motion_id=data.get("motion_id"), question=str(data.get("question") or "")[:500],
               outcome=outcome if isinstance(outcome, str) else ""))


def _position_updated(ev, c, data) -> None:
    org = data.get("organisation") if isinstance(data.get("organisation"), dict) else {}
    _tell(followers(c), ev, c, "follow.position",
          dict(_base(c), organisation=str(org.get("name") or "")[:200], stance=str(data.get("stance") or ""),
               document_id=data.get("document_id")))


def _minutes_status(ev, c, data) -> None:
    status = data.get("status")
    if status in ("circulated", "adopted"):
        _tell(participants(c, ev), ev, c, f"minutes.{status}",
              dict(_base(c), minutes_id=data.get("minutes_id"), deadline=data.get("deadline")))


# Subscriptions by declared event class; stored events are matched on the class's type.
SUBSCRIPTIONS = {
    ParticipantInvited: _invited,
    SessionStatus: _session_status,
    SessionRescheduled: _rescheduled,
    DocumentVersion: _document_version,
    DocumentStatus: _document_status,
    AmendmentDecided: _amendment_decided,
    CommentCreated: _comment_created,
    MotionOpened: _motion_opened,
    MotionClosed: _motion_closed,
    PositionUpdated: _position_updated,
    MinutesStatus: _minutes_status,
}
HANDLERS = {cls.type: fn for cls, fn in SUBSCRIPTIONS.items()}
