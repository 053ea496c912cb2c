"""Rules of the live room: who may join it, chat, raise a hand, give the floor, set the current
agenda item, mute or remove someone, and open or close the live session.

Every change writes its room event (app.core.realtime.record_event) in the caller's
transaction, so the Socket.IO handlers and the HTTP endpoints emit exactly the same events.
Room state lives in app.rooms.models and is scoped to the sitting (see there)."""
import re

from flask import current_app
from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Load

from app.accounts.models import Organisation, User
from app.consultations.models import Consultation, Participant
from app.consultations.services import (
    can_moderate,
    can_view,
    change_status,
    get_agenda_item,
    participant_of,
    require_moderate,
)
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited, TooLarge
from app.core.markdown import render
from app.core.realtime import RoomEvent, current_seq, events_since, lock_room, next_seq, record_event, room_name
from app.core.sockets import TokenBucket, leave_room_on_commit
from app.core.validation import check_line
from app.extensions import db
from app.rooms.event_types import (
    AgendaChanged,
    ChatMuted,
    ChatUnmuted,
    FloorGiven,
    FloorReleased,
    HandLowered,
    HandRaised,
    ParticipantRemoved,
    PresenceJoined,
    PresenceLeft,
)
from app.rooms.event_types import ChatMessage as ChatMessageEvent
from app.rooms.models import ChatMessage, HandRaise, RoomFloor, RoomMember, RoomRestriction

CHAT_MAX = 2000
CLIENT_ID_MAX = 64
REPLAY_LIMIT = 5000
SPEAKING_ROLES = ("delegate", "adviser", "chair")
_chat_limiter = TokenBucket()
# One line of words and plain punctuation renders to <p>text</p>; skipping the Markdown
# pipeline for it saves most of a chat message's server time.
_PLAIN = re.compile(r"(?:[^\W_]|[ ,.;:?!'])+")


# --- who may do what --------------------------------------------------------------------

def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value < 2**31):
        raise Invalid(f"{name} must be a non-negative integer.", {name: "must be an integer"})
    return value


def get_room(actor: User, consultation_id, *, with_mute: bool = False):
    """The consultation whose room the actor may enter: participants (once it leaves draft)
    and the secretariat. Anyone else gets NotFound, exactly like a missing consultation.
    The consultation and the actor's Participant row come in one query (every room action
    starts here), then the visibility rule decides (consultations.can_view).
    with_mute=True (chat) also reads, in the same query, whether the chair has muted the actor
    this sitting, and returns (c, p, muted)."""
    if isinstance(consultation_id, bool) or not isinstance(consultation_id, int) or \
            not 0 < consultation_id < 2**31:
        raise NotFound("No such consultation.")
    columns = [Consultation, Participant]
    if with_mute:
        columns.append(_restriction_select(consultation_id, actor.id, "mute", None).exists())
    # Participant's person and organisations load lazily: the person is the actor, already in
    # this session's identity map, so p.user costs no query (the joined loads doubled this one).
    row = db.session.execute(
        select(*columns).outerjoin(Participant, and_(
            Participant.consultation_id == Consultation.id, Participant.user_id == actor.id))
        .where(Consultation.id == consultation_id)
        .options(Load(Participant).lazyload("*"))).first()
    c, p = (row[0], row[1]) if row is not None else (None, None)
    if c is None or not can_view(actor, c, p) or (p is None and not actor.is_secretariat):
        raise NotFound("No such consultation.")
    return (c, p, bool(row[2])) if with_mute else (c, p)


def room_role(actor: User, p: Participant | None) -> str:
    return p.role if p is not None else "secretariat"


def _sitting_select(consultation_id: int):
    return select(func.coalesce(func.max(RoomEvent.seq), 0)).where(
        RoomEvent.consultation_id == consultation_id, RoomEvent.type == "session.status")


def sitting_seq(consultation_id: int) -> int:
    """The seq of the latest session.status event: state written before it is stale."""
    return db.session.scalar(_sitting_select(consultation_id))


def _restriction_select(consultation_id: int, user_id: int, kind: str, sitting: int | None):
    """The restriction of this kind on the person in the current sitting (sitting None: the
    sitting is read in the same query)."""
    since = _sitting_select(consultation_id).scalar_subquery() if sitting is None else sitting
    return select(RoomRestriction).where(
        RoomRestriction.consultation_id == consultation_id, RoomRestriction.user_id == user_id,
        RoomRestriction.kind == kind, RoomRestriction.seq > since)


def _restriction(consultation_id: int, user_id: int, kind: str, sitting: int | None) -> RoomRestriction | None:
    return db.session.scalar(_restriction_select(consultation_id, user_id, kind, sitting))


def voice_refusal(actor: User, c: Consultation, p: Participant | None, what: str,
                  sitting: int | None = None, muted: bool | None = None) -> DomainError | None:
    """Why the actor may not chat or raise a hand (what = "chat" | "hand"): the refusal to
    raise, or None. `muted` is what get_room(with_mute=True) read; None: look it up."""
    if c.status != "live":
        return Conflict("The live session is not open.")
    if actor.is_secretariat:
        return None
    if p is None:
        return NotFound("No such consultation.")
    if p.role not in SPEAKING_ROLES or actor.role == "observer":
        return Forbidden("Observers follow the session but cannot chat or raise a hand.")
    if p.credentials != "accepted" and p.role != "chair":
        return Forbidden("Your credentials have not been accepted yet.")
    if what == "chat":
        if muted is None:
            muted = _restriction(c.id, actor.id, "mute", sitting) is not None
        if muted:
            return Forbidden("The chair has muted your chat.")
    return None


def _require_voice(actor: User, c: Consultation, p: Participant | None, what: str,
                   muted: bool | None = None) -> None:
    refusal = voice_refusal(actor, c, p, what, muted=muted)
    if refusal is not None:
        raise refusal


def can_chat(actor: User, c: Consultation) -> bool:
    return voice_refusal(actor, c, participant_of(actor, c), "chat") is None


def _target(c: Consultation, user_id) -> tuple[User, Participant | None]:
    """A person a moderator acts on: a participant of c or a secretariat user (else 422)."""
    user_id = _int(user_id, "user_id")
    user = db.session.get(User, user_id)
    p = None
    if user is not None:
        p = participant_of(user, c)
    if user is None or (p is None and not user.is_secretariat):
        raise Invalid("That person does not take part in this consultation.", {"user_id": "not a participant"})
    return user, p


# --- presence ---------------------------------------------------------------------------

def _person(user_id: int, name: str, org_id: int | None, org_name: str | None,
            constituency: str | None, role: str | None) -> dict:
    return {"user_id": user_id, "name": name, "constituency": constituency,
            "organisation": {"id": org_id, "name": org_name} if org_id is not None else None,
            "role": role or "secretariat"}


def person(user: User, p: Participant | None) -> dict:
    org = user.organisation
    return _person(user.id, user.name, org.id if org else None, org.name if org else None,
                   org.constituency if org else None, room_role(user, p))


def presence(c: Consultation) -> list[dict]:
    """Everyone with at least one socket in the room, by name (the same dicts as person()).
    One query of plain columns: every join answers with the whole list, so at a join storm of
    N delegates this runs N times over up to N people."""
    ids = select(RoomMember.user_id).where(RoomMember.consultation_id == c.id).distinct()
    rows = db.session.execute(
        select(User.id, User.name, Organisation.id, Organisation.name, Organisation.constituency,
               Participant.role)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Participant, (Participant.consultation_id == c.id) & (Participant.user_id == User.id))
        .where(User.id.in_(ids)).order_by(User.name, User.id))
    return [_person(*row) for row in rows]


def _is_present(consultation_id: int, user_id: int) -> bool:
    return db.session.scalar(select(RoomMember.id).where(
        RoomMember.consultation_id == consultation_id, RoomMember.user_id == user_id).limit(1)) is not None


def join(actor: User, consultation_id, sid: str) -> Consultation:
    """Enter the room on socket `sid`; the first socket of a person announces presence.joined.
    NotFound for non-participants; Forbidden for someone the chair removed this sitting."""
    c, p = get_room(actor, consultation_id)
    if _restriction(c.id, actor.id, "removed", None):
        raise Forbidden("The chair has removed you from this sitting.")
    if db.session.scalar(select(RoomMember.id).where(RoomMember.sid == sid, RoomMember.consultation_id == c.id)):
        return c
    present = _is_present(c.id, actor.id)
    db.session.add(RoomMember(sid=sid, consultation_id=c.id, user_id=actor.id))
    db.session.flush()
    if not present:
        record_event(c.id, PresenceJoined(**person(actor, p)), actor)
    return c


def _drop_members(consultation_id: int, user_id: int, sid: str | None = None) -> bool:
    """Delete membership rows (one socket's, or all of the user's); announce presence.left
    when the person has no socket left in the room. Returns whether anything was removed."""
    crit = [RoomMember.consultation_id == consultation_id, RoomMember.user_id == user_id]
    if sid is not None:
        crit.append(RoomMember.sid == sid)
    removed = db.session.execute(delete(RoomMember).where(*crit)).rowcount
    if removed and not _is_present(consultation_id, user_id):
        record_event(consultation_id, PresenceLeft(user_id=user_id))
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


def snapshot(actor: User, c: Consultation, since) -> dict:
    """The join acknowledgement: events after `since` (none when omitted), presence, state.
    seq is read before the events, so it never claims an event the answer does not hold."""
    since = None if since is None else _int(since, "since")
    seq, events, more = current_seq(c.id), [], False
    if since is not None:
        rows = events_since(c.id, since, limit=REPLAY_LIMIT)
        events = [e.to_dict() for e in rows]
        more = len(rows) == REPLAY_LIMIT
        if rows:
            seq = rows[-1].seq if more else max(seq, rows[-1].seq)
    return {"seq": seq, "presence": presence(c), "events": events, "more": more,
            "state": room_state(actor, c)}


# --- chat -------------------------------------------------------------------------------

def _check_chat_rate(user_id: int, consultation_id: int) -> None:
    cfg = current_app.config
    if not cfg.get("RATELIMIT_ENABLED", True):
        return
    if not _chat_limiter.take((user_id, consultation_id), cfg.get("ROOMS_CHAT_RATE", 1.0),
                              cfg.get("ROOMS_CHAT_BURST", 8)):
        raise RateLimited("You are sending messages too fast; wait a moment.")


def render_chat(text: str) -> str:
    """Sanitised HTML of a chat message (app.core.markdown.render, with a plain-text fast path)."""
    if _PLAIN.fullmatch(text) and not text[0].isdigit():
        return f"<p>{text}</p>"
    return render(text)


def send_chat(actor: User, consultation_id, text, client_id=None) -> tuple[ChatMessage, bool]:
    """Post a chat message (plain text or Markdown, rendered sanitised). A client_id already
    used by this person in this room returns the original message and posts nothing.
    Returns (message, created). Observers, muted people and a closed session are refused;
    text over CHAT_MAX characters is TooLarge; a flood is RateLimited."""
    c, p, muted = get_room(actor, consultation_id, with_mute=True)
    if not isinstance(text, str):
        raise Invalid("text must be a string.", {"text": "must be a string"})
    if "\x00" in text:
        raise Invalid("text may not contain NUL bytes.", {"text": "invalid characters"})
    text = check_line("text", text.strip(), multiline=True)
    if not text:
        raise Invalid("text may not be empty.", {"text": "may not be empty"})
    if len(text) > CHAT_MAX:
        raise TooLarge(f"A chat message has at most {CHAT_MAX} characters.")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX):
        raise Invalid(f"client_id must be a string of 1 to {CLIENT_ID_MAX} characters.", {"client_id": "invalid"})
    _require_voice(actor, c, p, "chat", muted)
    if client_id is not None:
        lock_room(c.id)
        existing = db.session.scalar(select(ChatMessage).where(
            ChatMessage.consultation_id == c.id, ChatMessage.user_id == actor.id,
            ChatMessage.client_id == client_id))
        if existing is not None:
            return existing, False
    _check_chat_rate(actor.id, c.id)
    html = render_chat(text)
    seq = next_seq(c.id)  # first, so the message row is written once, with its seq
    msg = ChatMessage(consultation_id=c.id, user_id=actor.id, client_id=client_id, text=text,
                      html=html, seq=seq)
    db.session.add(msg)
    db.session.flush()
    record_event(c.id, ChatMessageEvent(message_id=msg.id, text=text, html=html, client_id=client_id), actor, seq=seq)
    return msg, True


def recent_chat(c: Consultation, limit: int = 100) -> list[dict]:
    rows = list(db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "chat.message")
        .order_by(RoomEvent.seq.desc()).limit(limit)))
    return [e.to_dict() for e in reversed(rows)]


# --- hands and floor --------------------------------------------------------------------

def queue_ids(consultation_id: int, sitting: int | None = None) -> list[int]:
    sitting = sitting_seq(consultation_id) if sitting is None else sitting
    return list(db.session.scalars(select(HandRaise.user_id).where(
        HandRaise.consultation_id == consultation_id, HandRaise.seq > sitting)
        .order_by(HandRaise.seq)))


def _hand(consultation_id: int, user_id: int) -> HandRaise | None:
    return db.session.scalar(select(HandRaise).where(
        HandRaise.consultation_id == consultation_id, HandRaise.user_id == user_id))


def raise_hand(actor: User, consultation_id) -> RoomEvent:
    """Ask for the floor: joins the end of the queue. Conflict when already in it."""
    c, p = get_room(actor, consultation_id)
    _require_voice(actor, c, p, "hand")
    lock_room(c.id)
    sitting = sitting_seq(c.id)
    hand = _hand(c.id, actor.id)
    if hand is not None and hand.seq > sitting:
        raise Conflict("Your hand is already raised.")
    if hand is not None:
        db.session.delete(hand)
        db.session.flush()
    queue = queue_ids(c.id, sitting) + [actor.id]
    ev = record_event(c.id, HandRaised(user_id=actor.id, queue=queue), actor)
    db.session.add(HandRaise(consultation_id=c.id, user_id=actor.id, seq=ev.seq))
    db.session.flush()
    return ev


def _lower(c: Consultation, user_id: int, actor: User | None, sitting: int) -> RoomEvent | None:
    hand = _hand(c.id, user_id)
    if hand is None:
        return None
    stale = hand.seq <= sitting
    db.session.delete(hand)
    db.session.flush()
    if stale:
        return None
    return record_event(c.id, HandLowered(user_id=user_id, queue=queue_ids(c.id, sitting)), actor)


def lower_hand(actor: User, consultation_id, user_id=None) -> RoomEvent:
    """Leave the queue; the secretariat or chair may lower anyone's hand (user_id).
    Conflict when that hand is not raised."""
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


def give_floor(actor: User, consultation_id, user_id) -> RoomEvent:
    """Secretariat or chair: give the floor to a participant who may speak (usually the next
    in the queue); they leave the queue. Forbidden for others; Conflict unless live."""
    c, _p = get_room(actor, consultation_id)
    require_moderate(actor, c)
    if c.status != "live":
        raise Conflict("The live session is not open.")
    user, tp = _target(c, user_id)
    if tp is not None and (tp.role not in SPEAKING_ROLES or user.role == "observer"):
        raise Invalid("Observers cannot be given the floor.", {"user_id": "observer"})
    lock_room(c.id)
    sitting = sitting_seq(c.id)
    if _restriction(c.id, user.id, "removed", sitting):
        raise Conflict("That person was removed from this sitting.")
    hand = _hand(c.id, user.id)
    if hand is not None:
        db.session.delete(hand)
        db.session.flush()
    floor = db.session.get(RoomFloor, c.id) or RoomFloor(consultation_id=c.id)
    floor.user_id, floor.since, floor.agenda_item_id = user.id, utcnow(), c.current_agenda_item_id
    db.session.add(floor)
    db.session.flush()
    org = user.organisation
    ev = record_event(c.id, FloorGiven(
        user_id=user.id, name=user.name, constituency=org.constituency if org else None,
        agenda_item_id=c.current_agenda_item_id, queue=queue_ids(c.id, sitting)), actor)
    floor.seq = ev.seq
    return ev


def release_floor(actor: User, consultation_id) -> RoomEvent:
    """The holder yields, or the secretariat or chair takes the floor back. Conflict when
    nobody has it."""
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
    ev = record_event(c.id, FloorReleased(user_id=previous, queue=queue_ids(c.id, sitting)), actor)
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
    c.current_agenda_item_id = item.id
    db.session.flush()
    return record_event(c.id, AgendaChanged(agenda_item_id=item.id, title=item.title, position=item.position), actor)


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
    from app.core.sockets import user_sids
    _lower(c, user_id, actor, sitting)
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

def room_state(actor: User, c: Consultation) -> dict:
    """What the page shows besides chat: status, agenda item, floor, queue, mutes, and what
    the actor may do."""
    sitting = sitting_seq(c.id)
    p = participant_of(actor, c)
    qids = queue_ids(c.id, sitting)
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
        "status": c.status,
        "agenda_item": {"agenda_item_id": item.id, "title": item.title, "position": item.position} if item else None,
        "floor": dict(brief(floor.user_id), since=isoformat(floor.since), agenda_item_id=floor.agenda_item_id)
        if floor else None,
        "queue": [brief(uid) for uid in qids],
        "muted": muted,
        "me": {"user_id": actor.id, "role": room_role(actor, p), "can_moderate": can_moderate(actor, c),
               "can_chat": voice_refusal(actor, c, p, "chat", sitting) is None,
               "can_raise_hand": voice_refusal(actor, c, p, "hand", sitting) is None,
               "muted": actor.id in muted, "hand_raised": actor.id in qids},
    }


def events_page(actor: User, consultation_id, since: int, limit: int = 500) -> tuple[list[dict], int | None]:
    """Stored events after `since` for the HTTP replay, in pages of `limit`."""
    c, _p = get_room(actor, consultation_id)
    limit = max(1, min(limit, REPLAY_LIMIT))
    rows = events_since(c.id, _int(since, "since"), limit=limit + 1)
    nxt = rows[limit - 1].seq if len(rows) > limit else None
    return [e.to_dict() for e in rows[:limit]], nxt
