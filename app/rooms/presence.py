"""Presence: who is in the room, on which sockets; joining, leaving and a socket going away.

Sockets are rows (RoomMember), written by each join and leave. What the room was told is
RoomPresence; announce() records the difference as room events. With ROOMS_PRESENCE_TICK > 0
(the default, 0.25 s) a process collects the people whose sockets changed and announces them
once per tick per room, so a storm of N joins costs a few broadcasts instead of N (each to up to
N people); with 0 every join and leave announces in its own transaction (tests)."""
import bisect
import logging
import threading
import time

from flask import current_app
from sqlalchemy import bindparam, delete, event, insert, select
from sqlalchemy.orm import Session

from app.accounts.models import ORG_REF, Organisation, User
from app.consultations import attendance
from app.consultations.event_types import SessionStatus
from app.consultations.models import Consultation, Participant
from app.core import pg
from app.core.db import utcnow
from app.core.errors import DomainError, Forbidden
from app.core.jsonsafe import RawJSON, encode
from app.core.ticker import Ticker
from app.core.realtime import lock_room, record_event
from app.core.shapes import INT, STR, Shape, nullable
from app.extensions import db
from app.rooms.access import _int, get_rooms, room_role
from app.rooms.event_types import (
    PresenceChanged,
    PresenceJoined,
    PresenceLeft,
)
from app.rooms.models import RoomMember, RoomPresence

log = logging.getLogger(__name__)

# --- presence ---------------------------------------------------------------------------

PRESENT = Shape("PresentPerson", {"user_id": INT, "name": STR, "constituency": nullable(STR),
                                  "organisation": nullable(ORG_REF),
                                  "role": STR})


def _person(user_id: int, name: str, org_id: int | None, org_name: str | None,
            constituency: str | None, role: str | None) -> dict:
    return PRESENT.dump({"user_id": user_id, "name": name, "constituency": constituency,
                         "organisation": {"id": org_id, "name": org_name} if org_id is not None else None,
                         "role": role or "secretariat"})


def person(user: User, p: Participant | None) -> dict:
    org = user.organisation
    return _person(user.id, user.name, org.id if org else None, org.name if org else None,
                   org.constituency if org else None, room_role(user, p))


def _rows(consultation_id: int, user_ids):
    return db.session.execute(
        select(User.id, User.name, Organisation.id, Organisation.name, Organisation.constituency,
               Participant.role)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Participant, (Participant.consultation_id == consultation_id) & (Participant.user_id == User.id))
        .where(User.id.in_(user_ids)))


def _people(consultation_id: int, ids: list[int]) -> dict[int, tuple[dict, str]]:
    """user_id -> (person dict, its JSON text). While presence is coalesced (a tick > 0) they
    are kept for PERSON_TTL seconds: every join answers with the whole list, so a storm of N
    joins read (and encoded) N people N times; a renamed person shows the new name within that
    time."""
    if not presence_tick():
        return {row[0]: _entry(_person(*row)) for row in _rows(consultation_id, ids)}
    now, people_kept = time.monotonic(), room_cache("people")
    out, missing = {}, []
    for uid in ids:
        hit = people_kept.get((consultation_id, uid))
        if hit is not None and hit[0] > now:
            out[uid] = hit[1]
        else:
            missing.append(uid)
    if missing:
        if len(people_kept) > 50_000:
            people_kept.clear()
        for row in _rows(consultation_id, missing):
            out[row[0]] = entry = _entry(_person(*row))
            people_kept[(consultation_id, row[0])] = (now + PERSON_TTL, entry)
    return out


def _entry(d: dict) -> tuple[dict, str]:
    return d, encode(d)


def _present_ids(consultation_id: int) -> set[int]:
    return set(db.session.scalars(_PRESENT_IDS, {"cid": consultation_id}))


def _present(c: Consultation) -> list[tuple[dict, str]]:
    return sorted(_people(c.id, list(_present_ids(c.id))).values(), key=_order)


def _order(entry: tuple[dict, str]) -> tuple[str, int]:
    return entry[0]["name"], entry[0]["user_id"]


def presence(c: Consultation) -> list[dict]:
    """Everyone with at least one socket in the room now, by name (the same dicts as person()):
    the join answer, which the announcements after its seq then keep up to date."""
    return [d for d, _text in _present(c)]


def presence_json(c: Consultation) -> RawJSON:
    """presence(c) as JSON text, made of each person's text. While presence is coalesced each
    room's sorted list is kept (for PERSON_TTL seconds) and brought up to date with the people
    who came and went since: the ids are read every time, the people only when new."""
    if not presence_tick():
        return RawJSON.of_parts(text for _d, text in _present(c))
    ids, now, lists = _present_ids(c.id), time.monotonic(), room_cache("presence")
    kept = lists.get(c.id)
    if kept is None or kept.expires <= now or len(ids ^ kept.ids) > len(ids) // 2:
        if len(lists) > 256:
            lists.clear()
        kept = lists[c.id] = _PresentList(now + PERSON_TTL, _people(c.id, list(ids)))
    else:
        kept.update(ids, lambda added: _people(c.id, added))
    return kept.json()


class _PresentList:
    """A room's presence list in order, its entries by user id, and its JSON text once made."""

    def __init__(self, expires: float, people: dict[int, tuple[dict, str]]) -> None:
        self.expires, self.ids, self.by_id = expires, set(people), dict(people)
        self.order = sorted(_order(e) for e in people.values())
        self._json: RawJSON | None = None

    def update(self, ids: set[int], read) -> None:
        if ids == self.ids:
            return
        for uid in self.ids - ids:
            entry = self.by_id.pop(uid)
            self.order.pop(bisect.bisect_left(self.order, _order(entry)))
        for uid, entry in read(list(ids - self.ids)).items():
            self.by_id[uid] = entry
            bisect.insort(self.order, _order(entry))
        self.ids, self._json = set(self.by_id), None

    def json(self) -> RawJSON:
        if self._json is None:
            self._json = RawJSON.of_parts(self.by_id[uid][1] for _name, uid in self.order)
        return self._json


_PRESENT_IDS = select(RoomMember.user_id).where(RoomMember.consultation_id == bindparam("cid")).distinct()


# --- coalescing: one presence announcement per room per tick --------------------------------

PERSON_TTL = 10.0
_PENDING_KEY = "baraza_presence_dirty"
# consultation_id -> {user id whose sockets changed in this process since the last tick:
# whether their presence flipped (first socket in, or last socket out) meanwhile}
_dirty: dict[int, dict[int, bool]] = {}
_dirty_lock = threading.Lock()


def room_cache(name: str) -> dict:
    """A cache of this app's rooms (app.extensions, so nothing outlives an app in tests, where
    a new database gives out the same room ids and seqs again)."""
    return current_app.extensions.setdefault("baraza.rooms.caches", {}).setdefault(name, {})


def presence_tick() -> float:
    """Seconds between presence announcements (0: each join and leave announces at once)."""
    return float(current_app.config.get("ROOMS_PRESENCE_TICK", 0.25))



def _changed(consultation_id: int, user_id: int, flipped: bool) -> None:
    """A person's sockets in a room changed (`flipped`: they came in or went out). Without a
    tick, announce now (in this transaction); with one, at the next tick after this commits."""
    if not presence_tick():
        announce(consultation_id, {user_id})
        return
    db.session.info.setdefault(_PENDING_KEY, []).append((consultation_id, user_id, flipped))
    _ensure_ticker(current_app._get_current_object())


@event.listens_for(Session, "after_commit")
def _mark_dirty(sess: Session) -> None:
    pending = sess.info.pop(_PENDING_KEY, None)
    if pending:
        with _dirty_lock:
            for cid, uid, flipped in pending:
                room = _dirty.setdefault(cid, {})
                room[uid] = room.get(uid, False) or flipped


@event.listens_for(Session, "after_rollback")
def _forget_dirty(sess: Session) -> None:
    sess.info.pop(_PENDING_KEY, None)


def _ensure_ticker(app) -> None:
    """The background loop of this process (not under tests: they call flush_presence())."""
    _presence_ticker.ensure(app, presence_tick())


def flush_presence() -> int:
    """Announce the presence changes this process saw since the last tick: one transaction and
    at most one event per room. A room that fails is retried at the next tick."""
    with _dirty_lock:
        batch = dict(_dirty)
        _dirty.clear()
    announced = 0
    for cid, uids in batch.items():
        try:
            announced += len(announce(cid, set(uids), {u for u, flipped in uids.items() if flipped}))
            pg.release_hold(db.session)  # the commit's wait for the disk is the event loop's
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("presence tick of room %s failed", cid)
            with _dirty_lock:
                room = _dirty.setdefault(cid, {})
                for uid, flipped in uids.items():
                    room[uid] = room.get(uid, False) or flipped
        finally:
            db.session.remove()
    return announced


_presence_ticker = Ticker(flush_presence)


# the tick's statements, built once (cid, ids)
_IDS = bindparam("ids", expanding=True)
_TICK_USERS = select(User).where(User.id.in_(_IDS))
_TICK_PARTS = select(Participant).where(Participant.consultation_id == bindparam("cid"), Participant.user_id.in_(_IDS))
_TICK_TRUTH = select(RoomMember.user_id).where(
    RoomMember.consultation_id == bindparam("cid"), RoomMember.user_id.in_(_IDS)).distinct()
_TICK_TOLD = select(RoomPresence.user_id).where(
    RoomPresence.consultation_id == bindparam("cid"), RoomPresence.user_id.in_(_IDS))


def announce(consultation_id: int, user_ids: set[int], flipped: frozenset[int] | set[int] = frozenset()) -> list[int]:
    """Compare these people's sockets in the room with what the room was last told, under the
    room's lock (so two processes never announce the same change), and record the difference,
    plus the state now of those in `flipped` (who came and went, or went and came back, within
    the tick: a join answer read meanwhile listed them otherwise, so they are announced again):
    presence.joined or presence.left when one person changed (as before coalescing),
    presence.changed when several did. Newly present participants of a live sitting are checked
    in. Returns the user ids announced.

    The people (users, participant rows) and the room's sitting are read before the lock, for
    everyone in `user_ids`; under it, on PostgreSQL, its statements wait in C (app.core.pg): a
    tick in a busy process held the room for 48 ms at the median (up to 196 ms,
    bench/join_storm.py, 1,000 delegates, two processes) as each statement waited for the event
    loop, and every chat of the room, in both processes, waited behind it (chat p99 during the
    storm 217-1,006 ms; with the hold 136-151 ms). The check-ins, which write rows another
    request of this process may hold, and flush_presence's commit (the disk's wait) wait
    cooperatively again."""
    ids = sorted(user_ids)
    params = {"cid": consultation_id, "ids": ids}
    users = {u.id: u for u in db.session.scalars(_TICK_USERS, params)} if ids else {}
    parts = {p.user_id: p for p in db.session.scalars(_TICK_PARTS, params)} if ids else {}
    c = db.session.get(Consultation, consultation_id) if parts else None
    # joining a live sitting checks in; without one (no sitting opened yet) nobody is, and the
    # sitting is looked up once per tick, not once per person who came
    sitting = c is not None and c.status == "live" and attendance.sitting_of(c) is not None
    pg.hold_until_commit(db.session)
    lock_room(consultation_id)
    truth = set(db.session.scalars(_TICK_TRUTH, params))
    told = set(db.session.scalars(_TICK_TOLD, params))
    joined = sorted((truth - told) | (truth & set(flipped)))
    left = sorted((told - truth) | (set(flipped) - truth))
    if not joined and not left:
        return []
    if left:
        db.session.execute(delete(RoomPresence).where(RoomPresence.consultation_id == consultation_id,
                                                      RoomPresence.user_id.in_(left)))
    db.session.add_all([RoomPresence(consultation_id=consultation_id, user_id=uid) for uid in joined
                        if uid not in told])
    db.session.flush()
    joined = [uid for uid in joined if uid in users]
    people = {uid: person(users[uid], parts.get(uid)) for uid in joined}
    if len(joined) + len(left) == 1:
        if joined:
            record_event(consultation_id, PresenceJoined(**people[joined[0]]), users[joined[0]])
        else:
            record_event(consultation_id, PresenceLeft(user_id=left[0]))
    elif joined or left:
        record_event(consultation_id, PresenceChanged(joined=[people[uid] for uid in joined], left=left))
    if sitting and any(uid in parts for uid in joined):
        pg.release_hold(db.session)
        for uid in joined:
            if uid in parts:
                attendance.check_in(c, parts[uid], users[uid])
    return joined + left


def _has_socket(consultation_id: int, user_id: int) -> bool:
    return db.session.scalar(select(RoomMember.id).where(
        RoomMember.consultation_id == consultation_id, RoomMember.user_id == user_id).limit(1)) is not None


def join(actor: User, consultation_id, sid: str) -> tuple[Consultation, Participant | None]:
    """Enter the room on socket `sid`; a person's first socket is announced (announce()).
    Returns the room's consultation and the actor's participant row (None: the secretariat).
    NotFound for non-participants; Forbidden for someone the chair removed this sitting."""
    outcome = join_many([(actor, consultation_id, sid)])[0]
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def join_many(entries: list[tuple[User, object, str]]) -> list:
    """join() for several (actor, consultation id, sid) at once (a batch of room:join): for each,
    (c, p) or the DomainError join() would raise, which writes nothing. Per room, whatever the
    number of joiners: their room, participant rows and removals in three queries (get_rooms),
    their sockets there in one, the new sockets' rows in one insert."""
    out: list = [None] * len(entries)
    by_room: dict = {}
    for i, (_actor, cid, _sid) in enumerate(entries):
        key = cid if isinstance(cid, int) and not isinstance(cid, bool) else ("bad", i)
        by_room.setdefault(key, []).append(i)
    for idx in by_room.values():
        cid = entries[idx[0]][1]
        rooms = get_rooms([entries[i][0] for i in idx], cid)
        ok = []
        for i in idx:
            actor, _cid, _sid = entries[i]
            room = rooms[actor.id]
            if isinstance(room, DomainError):
                out[i] = room
            elif room[2]:
                out[i] = Forbidden("The chair has removed you from this sitting.")
            else:
                out[i] = room[:2]
                ok.append(i)
        if ok:
            _add_sockets(out[ok[0]][0], [(entries[i][0], entries[i][2], out[i][1]) for i in ok])
    return out


def _add_sockets(c: Consultation, joiners: list[tuple[User, str, Participant | None]]) -> None:
    """Write the room's socket rows of these joiners (a socket already in is left alone) and
    mark each person's presence changed (a first socket flips it)."""
    uids = sorted({actor.id for actor, _sid, _p in joiners})
    here: dict[int, set[str]] = {}
    for uid, sid in db.session.execute(_SOCKETS_HERE, {"cid": c.id, "uids": uids}):
        here.setdefault(uid, set()).add(sid)
    now, rows, changed, tick = utcnow(), [], [], presence_tick()
    for actor, sid, p in joiners:
        sids = here.setdefault(actor.id, set())
        if sid in sids:
            continue
        changed.append((actor.id, not sids))
        sids.add(sid)
        rows.append({"sid": sid, "consultation_id": c.id, "user_id": actor.id, "joined_at": now})
        if tick:  # the join answer lists the joiner: no query for them
            room_cache("people")[(c.id, actor.id)] = (time.monotonic() + PERSON_TTL, _entry(person(actor, p)))
    if rows:
        db.session.execute(_ADD_SOCKET, rows)
    for uid, first in changed:
        _changed(c.id, uid, bool(tick) and first)
_SOCKETS_HERE = select(RoomMember.user_id, RoomMember.sid).where(
    RoomMember.consultation_id == bindparam("cid"), RoomMember.user_id.in_(bindparam("uids", expanding=True)))
_ADD_SOCKET = insert(RoomMember.__table__)


def _drop_members(consultation_id: int, user_id: int, sid: str | None = None) -> bool:
    """Delete membership rows (one socket's, or all of the user's); the person's presence is
    re-announced (presence.left once no socket is left). Returns whether anything was removed."""
    crit = [RoomMember.consultation_id == consultation_id, RoomMember.user_id == user_id]
    if sid is not None:
        crit.append(RoomMember.sid == sid)
    removed = db.session.execute(delete(RoomMember).where(*crit)).rowcount
    if removed:
        _changed(consultation_id, user_id, bool(presence_tick()) and not _has_socket(consultation_id, user_id))
    return bool(removed)


def leave(actor: User, consultation_id, sid: str) -> None:
    """Leave the room on this socket (a no-op when not in it)."""
    cid = _int(consultation_id, "consultation_id")
    _drop_members(cid, actor.id, sid)


def drop_socket(sid: str) -> None:
    """A socket went away: leave every room it had joined."""
    rows = list(db.session.execute(select(RoomMember.consultation_id, RoomMember.user_id).where(RoomMember.sid == sid)))
    for cid, uid in rows:
        _drop_members(cid, uid, sid)


def check_in_the_room(consultation_id: int, event: SessionStatus, actor) -> None:
    """A sitting that opens checks in every participant already in its live room (joining
    checks in only those who come later): a consumer of session.status, in its transaction."""
    if event.status != "live":
        return
    c = db.session.get(Consultation, consultation_id)
    user_ids = set(db.session.scalars(select(RoomMember.user_id).where(RoomMember.consultation_id == consultation_id)))
    if c is None or not user_ids:
        return
    for p in db.session.scalars(select(Participant).where(Participant.consultation_id == c.id,
                                                          Participant.user_id.in_(user_ids))):
        attendance.check_in(c, p, actor)
