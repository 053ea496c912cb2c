"""Running the sitting: raised hands and the speaking queue, the floor, the current agenda item,
muting and removing people, opening and closing the live session, and the room's state."""

import time
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from app.accounts.models import User
from app.consultations.agenda import get_agenda_item
from app.consultations.models import PARTICIPANT_ROLES, STATUSES, Consultation
from app.consultations.services import (
    _LOOK_UP,
    Access,
    can_moderate,
    change_status,
    check_speaking_time,
    participant_of,
    require_moderate,
)
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Invalid
from app.core.realtime import RoomEvent, lock_room, next_seq, record_event, room_name
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, enum, list_of, nullable
from app.core.connections import leave_room_on_commit
from app.extensions import db
from app.rooms.access import (
    SPEAKING_ROLES,
    _int,
    _require_voice,
    _restriction,
    _target,
    get_room,
    room_role,
    sitting_seq,
    voice_refusal,
)
from app.rooms.event_types import (
    AgendaChanged,
    ChatMuted,
    ChatUnmuted,
    FloorGiven,
    FloorReleased,
    HandLowered,
    HandRaised,
    ParticipantRemoved,
)
from app.rooms import speakers
from app.rooms.models import HandRaise, RoomFloor, RoomRestriction
from app.rooms.presence import _drop_members, presence_tick, room_cache

# --- hands and floor --------------------------------------------------------------------

def raise_hand(actor: User, consultation_id, kind=None) -> RoomEvent:
    """Ask for the floor on the current agenda item's list: at its end, or with a point of
    order at its top. Conflict when already on it."""
    kind = speakers.check_kind(kind)
    c, p = get_room(actor, consultation_id)
    _require_voice(actor, c, p, "hand")
    lock_room(c.id)
    sitting = sitting_seq(c.id)
    hand = speakers.hand_of(c.id, c.current_agenda_item_id, actor.id)
    if hand is not None and hand.seq > sitting:
        raise Conflict("Your hand is already raised.")
    seq = next_seq(c.id)
    speakers.insert_hand(c, actor.id, kind, sitting, seq)
    return record_event(c.id, HandRaised(user_id=actor.id, kind=kind,
                                         **speakers.listing(c.id, c.current_agenda_item_id, sitting)), actor, seq=seq)


def _lower(c: Consultation, user_id: int, actor: User | None, sitting: int) -> RoomEvent | None:
    hand = speakers.hand_of(c.id, c.current_agenda_item_id, user_id)
    if hand is None:
        return None
    stale = hand.seq <= sitting
    db.session.delete(hand)
    db.session.flush()
    if stale:
        return None
    return record_event(c.id, HandLowered(user_id=user_id, **speakers.listing(c.id, c.current_agenda_item_id, sitting)),
                        actor)


def lower_hand(actor: User, consultation_id, user_id=None) -> RoomEvent:
    """Leave the current item's list; the secretariat or chair may take anyone off it
    (user_id). Conflict when that hand is not raised."""
    c, _p = get_room(actor, consultation_id)
    target = actor.id if user_id is None else _int(user_id, "user_id")
    if target != actor.id:
        require_moderate(actor, c)
    lock_room(c.id)
    ev = _lower(c, target, actor, sitting_seq(c.id))
    if ev is None:
        raise Conflict("That hand is not raised.")
    return ev


def _floor(consultation_id: int, sitting: int) -> RoomFloor | None:
    f = db.session.get(RoomFloor, consultation_id)
    return f if f is not None and f.user_id is not None and f.seq > sitting else None


def ends_at(floor: RoomFloor) -> datetime | None:
    return floor.since + timedelta(seconds=floor.limit_s) if floor.limit_s else None


def give_floor(actor: User, consultation_id, user_id, limit_s=None) -> RoomEvent:
    """Secretariat or chair: give the floor to a participant who may speak (usually the next
    on the current item's list, which they leave) for limit_s seconds, or the consultation's
    speaking_time_s when none is given (no limit when neither is). Forbidden for others;
    Conflict unless live; Invalid for observers, outsiders and a limit out of range."""
    c, _p = get_room(actor, consultation_id)
    require_moderate(actor, c)
    if c.status != "live":
        raise Conflict("The live session is not open.")
    limit = check_speaking_time("limit_s", limit_s) if limit_s is not None else c.speaking_time_s
    user, tp = _target(c, user_id)
    if tp is not None and (tp.role not in SPEAKING_ROLES or user.role == "observer"):
        raise Invalid("Observers cannot be given the floor.", {"user_id": "observer"})
    lock_room(c.id)
    sitting = sitting_seq(c.id)
    if _restriction(c.id, user.id, "removed", sitting):
        raise Conflict("That person was removed from this sitting.")
    hand = speakers.hand_of(c.id, c.current_agenda_item_id, user.id)
    if hand is not None:
        db.session.delete(hand)
        db.session.flush()
    floor = db.session.get(RoomFloor, c.id) or RoomFloor(consultation_id=c.id)
    floor.user_id, floor.since, floor.agenda_item_id = user.id, utcnow(), c.current_agenda_item_id
    floor.limit_s = limit
    db.session.add(floor)
    db.session.flush()
    org = user.organisation
    ev = record_event(c.id, FloorGiven(
        user_id=user.id, name=user.name, constituency=org.constituency if org else None,
        since=isoformat(floor.since), limit_s=limit, ends_at=isoformat(ends_at(floor)),
        **speakers.listing(c.id, c.current_agenda_item_id, sitting)), actor)
    floor.seq = ev.seq
    return ev


def release_floor(actor: User, consultation_id) -> RoomEvent:
    """The holder ends their turn, or the secretariat or chair takes the floor back. Conflict
    when nobody has it; Forbidden for anyone else."""
    c, _p = get_room(actor, consultation_id)
    lock_room(c.id)
    sitting = sitting_seq(c.id)
    floor = _floor(c.id, sitting)
    if floor is None:
        raise Conflict("Nobody has the floor.")
    if floor.user_id != actor.id:
        require_moderate(actor, c)
    return _release(c, floor, actor, sitting)


def _release(c: Consultation, floor: RoomFloor, actor: User | None, sitting: int) -> RoomEvent:
    previous = floor.user_id
    floor.user_id = None
    ev = record_event(c.id, FloorReleased(user_id=previous, **speakers.listing(c.id, c.current_agenda_item_id, sitting)),
                      actor)
    floor.seq, floor.since = ev.seq, utcnow()
    return ev


# --- agenda, moderation, session ------------------------------------------------------------

def set_agenda_item(actor: User, consultation_id, agenda_item_id) -> RoomEvent:
    """Secretariat or chair: the item under discussion now (Consultation.current_agenda_item_id)."""
    c, _p = get_room(actor, consultation_id)
    require_moderate(actor, c)
    if c.status == "archived":
        raise Conflict("An archived consultation cannot change.")
    item = get_agenda_item(c, _int(agenda_item_id, "agenda_item_id"))
    c.current_agenda_item_id, c.current_agenda_item = item.id, item  # both: the relationship may be loaded
    db.session.flush()
    ev = record_event(c.id, AgendaChanged(agenda_item_id=item.id, title=item.title, position=item.position), actor)
    speakers.list_shown(c, actor)  # the room now shows this item's speakers' list
    return ev


def _moderated_target(actor: User, consultation_id, user_id) -> tuple[Consultation, User, int]:
    c, _p = get_room(actor, consultation_id)
    require_moderate(actor, c)
    user, _tp = _target(c, user_id)
    if can_moderate(user, c):
        raise Conflict("The secretariat and the chair cannot be muted or removed.")
    lock_room(c.id)
    return c, user, sitting_seq(c.id)


def mute(actor: User, consultation_id, user_id) -> RoomEvent:
    """Secretariat or chair: stop a participant's chat for the sitting (Conflict if muted)."""
    c, user, sitting = _moderated_target(actor, consultation_id, user_id)
    return _restrict(c, user, "mute", actor, sitting, ChatMuted, "Already muted.")


def unmute(actor: User, consultation_id, user_id) -> RoomEvent:
    """Secretariat or chair: give a participant their chat back (Conflict if not muted)."""
    c, user, sitting = _moderated_target(actor, consultation_id, user_id)
    r = _restriction(c.id, user.id, "mute", sitting)
    if r is None:
        raise Conflict("That person is not muted.")
    db.session.delete(r)
    return record_event(c.id, ChatUnmuted(user_id=user.id, name=user.name), actor)


def _restrict(c, user, kind, actor, sitting, event_type, already) -> RoomEvent:
    r = db.session.scalar(select(RoomRestriction).where(
        RoomRestriction.consultation_id == c.id, RoomRestriction.user_id == user.id, RoomRestriction.kind == kind))
    if r is not None and r.seq > sitting:
        raise Conflict(already)
    r = r or RoomRestriction(consultation_id=c.id, user_id=user.id, kind=kind, seq=0)
    r.by_id, r.at = actor.id, utcnow()
    db.session.add(r)
    db.session.flush()
    ev = record_event(c.id, event_type(user_id=user.id, name=user.name), actor)
    r.seq = ev.seq
    return ev


def remove_from_room(actor: User, consultation_id, user_id) -> RoomEvent:
    """Secretariat or chair: send a participant out of the room for the rest of the sitting.
    Their sockets stop receiving the room at once; they cannot rejoin until the session is
    next opened or closed."""
    c, user, sitting = _moderated_target(actor, consultation_id, user_id)
    ev = _restrict(c, user, "removed", actor, sitting, ParticipantRemoved, "Already removed.")
    _clear_person(c, user.id, actor, sitting)
    return ev


def _clear_person(c: Consultation, user_id: int, actor: User | None, sitting: int) -> None:
    """Take someone out of the room's state: queue, floor, presence and socket room."""
    from app.core.connections import user_sids
    _lower(c, user_id, actor, sitting)
    db.session.execute(delete(HandRaise).where(HandRaise.consultation_id == c.id, HandRaise.user_id == user_id))
    floor = _floor(c.id, sitting)
    if floor is not None and floor.user_id == user_id:
        _release(c, floor, actor, sitting)
    _drop_members(c.id, user_id)
    leave_room_on_commit(user_sids(user_id), room_name(c.id))


def on_access_lost(consultation_id: int, user_id: int) -> None:
    """A participant was removed from the consultation: out of the room at once."""
    c = db.session.get(Consultation, consultation_id)
    user = db.session.get(User, user_id)
    if c is None or user is None or user.is_secretariat:
        return
    _clear_person(c, user_id, None, sitting_seq(c.id))


def set_session_status(actor: User, consultation_id, status) -> RoomEvent | None:
    """Open (live) or close the live session; the rules are change_status's."""
    c, _p = get_room(actor, consultation_id)
    if status not in ("live", "closed"):
        raise Invalid("status must be live or closed.", {"status": "not an allowed value"})
    if c.status == status:
        raise Conflict(f"The session is already {status}.")
    change_status(actor, c, status)
    return db.session.scalar(select(RoomEvent).where(RoomEvent.consultation_id == c.id)
                             .order_by(RoomEvent.seq.desc()).limit(1))


# --- state ------------------------------------------------------------------------------

ROOM_ROLE = enum(*PARTICIPANT_ROLES, "secretariat")
SPEAKER = Shape("Speaker", {"user_id": INT, "name": STR, "constituency": nullable(STR)})
LISTED = SPEAKER.extend("ListedSpeaker", {"kind": enum(*speakers.KINDS), "raised_at": DATETIME})
ROOM_STATE = Shape("RoomState", {
    "status": enum(*STATUSES),
    "now": DATETIME,  # the server's clock when the state was read: clients correct countdowns by it
    "agenda_item_id": nullable(INT),
    "agenda_item": nullable(Shape("CurrentAgendaItem", {"agenda_item_id": INT, "title": STR, "position": INT})),
    "floor": nullable(SPEAKER.extend("Floor", {"since": DATETIME, "agenda_item_id": nullable(INT),
                                               "limit_s": nullable(INT), "ends_at": nullable(DATETIME)})),
    "queue": list_of(SPEAKER), "speakers": list_of(LISTED), "muted": list_of(INT),
    "me": Shape("RoomMe", {"user_id": INT, "role": ROOM_ROLE, "can_moderate": BOOL, "can_chat": BOOL,
                           "can_raise_hand": BOOL, "muted": BOOL, "hand_raised": BOOL,
                           "hand_refusal": nullable(STR)})})


def _shared_state(c: Consultation) -> dict:
    """The part of the room's state that is the same for everyone in it (read from the
    database; the sitting, speakers' list, floor and mutes)."""
    sitting = sitting_seq(c.id)
    listed = speakers.hands(c.id, c.current_agenda_item_id, sitting)
    qids = [h.user_id for h in listed]
    floor = _floor(c.id, sitting)
    needed = set(qids) | ({floor.user_id} if floor else set())
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(needed)))} if needed else {}

    def brief(uid):
        u = users.get(uid)
        return {"user_id": uid, "name": u.name if u else "", "constituency": u.constituency if u else None}

    item = c.current_agenda_item
    muted = list(db.session.scalars(select(RoomRestriction.user_id).where(
        RoomRestriction.consultation_id == c.id, RoomRestriction.kind == "mute", RoomRestriction.seq > sitting)))
    return {
        "sitting": sitting,
        "agenda_item": {"agenda_item_id": item.id, "title": item.title, "position": item.position} if item else None,
        "floor": dict(brief(floor.user_id), since=isoformat(floor.since), agenda_item_id=floor.agenda_item_id,
                      limit_s=floor.limit_s, ends_at=isoformat(ends_at(floor)))
        if floor else None,
        "queue": [brief(uid) for uid in qids],
        "speakers": [dict(brief(h.user_id), **speakers.entry(h)) for h in listed],
        "muted": muted,
    }


SHARED_KEEP = 10.0  # seconds; names in it may lag a rename by as much (as presence's do)


def shared_state(c: Consultation, seq: int | None) -> dict:
    """_shared_state(c), kept per room and seq while presence is coalesced: every change to it
    is written with a room event in its transaction (hands, floor, mutes, agenda, session), so
    while the room's seq stays the same so does this part (a join storm asked for it once per
    joiner). seq: the room's seq read before, in the caller's transaction; the part read after
    it is as new or newer (a change committed meanwhile reaches the joiner as an event too).
    None, or no presence tick: read it now."""
    if seq is None or not presence_tick():
        return _shared_state(c)
    key = (c.id, seq, c.status, c.current_agenda_item_id)
    now, kept_states = time.monotonic(), room_cache("state")
    hit = kept_states.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    if len(kept_states) > 256:
        kept_states.clear()
    part = _shared_state(c)
    kept_states[key] = (now + SHARED_KEEP, part)
    return part


def room_state(actor: User, c: Consultation, p=_LOOK_UP, seq: int | None = None) -> dict:
    """What the page shows besides chat: status, agenda item, floor (with its time limit),
    the current item's speakers' list, mutes, and what the actor may do (and why not).
    p: the actor's Participant row (or None) when the caller has read it (get_room); seq: the
    room's seq the caller read, to share the room's part with other joiners (shared_state)."""
    shared = shared_state(c, seq)
    if p is _LOOK_UP:
        p = participant_of(actor, c)
    sitting, muted = shared["sitting"], shared["muted"]
    qids = [s["user_id"] for s in shared["queue"]]
    is_muted = actor.id in muted
    refusal = voice_refusal(actor, c, p, "hand", sitting)
    item = shared["agenda_item"]
    return ROOM_STATE.dump({
        "status": c.status, "now": isoformat(utcnow()),
        "agenda_item_id": item["agenda_item_id"] if item else None,
        "agenda_item": item, "floor": shared["floor"], "queue": shared["queue"], "speakers": shared["speakers"],
        "muted": muted,
        "me": {"user_id": actor.id, "role": room_role(actor, p), "can_moderate": Access(actor, c, p).can_moderate,
               "can_chat": voice_refusal(actor, c, p, "chat", sitting, muted=is_muted) is None,
               "can_raise_hand": refusal is None, "hand_refusal": refusal.message if refusal else None,
               "muted": is_muted, "hand_raised": actor.id in qids},
    })
