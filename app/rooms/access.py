"""Who may do what in a live room: the room of a consultation the actor may see, the sitting,
and the refusals to speak (observers, credentials, a mute)."""

from functools import cache

from sqlalchemy import Integer, and_, bindparam, func, select
from sqlalchemy.orm import Load

from app.accounts.models import User
from app.consultations.models import Consultation, Participant
from app.consultations.services import (
    can_view,
    participant_of,
)
from app.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.core.realtime import RoomEvent
from app.extensions import db
from app.rooms.models import RoomRestriction

SPEAKING_ROLES = ("delegate", "adviser", "chair")


# --- who may do what --------------------------------------------------------------------

def _int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (0 <= value < 2**31):
        raise Invalid(f"{name} must be a non-negative integer.", {name: "must be an integer"})
    return value


def _room_id(consultation_id) -> bool:
    """Whether the value can name a consultation at all (anything else is NotFound)."""
    return not isinstance(consultation_id, bool) and isinstance(consultation_id, int) and \
        0 < consultation_id < 2**31


def _may_enter(actor: User, c: Consultation | None, p: Participant | None) -> bool:
    """The room's rule: participants (once it leaves draft) and the secretariat."""
    return c is not None and can_view(actor, c, p) and (p is not None or actor.is_secretariat)


def get_room(actor: User, consultation_id, *, with_mute: bool = False):
    """The consultation whose room the actor may enter: participants (once it leaves draft)
    and the secretariat. Anyone else gets NotFound, exactly like a missing consultation.
    The consultation and the actor's Participant row come in one query (every room action
    starts here), then the visibility rule decides (consultations.can_view).
    with_mute=True (chat) also reads, in the same query, whether the chair has muted the actor
    this sitting, and returns (c, p, muted). Joining reads several actors at once: get_rooms."""
    if not _room_id(consultation_id):
        raise NotFound("No such consultation.")
    kind = "mute" if with_mute else None
    row = db.session.execute(_room_select(kind), {"cid": consultation_id, "uid": actor.id}).first()
    c, p = (row[0], row[1]) if row is not None else (None, None)
    if not _may_enter(actor, c, p):
        raise NotFound("No such consultation.")
    return (c, p, bool(row[2])) if kind else (c, p)


def get_rooms(actors: list[User], consultation_id) -> dict[int, tuple]:
    """get_room for several actors entering one room (a batch of joins), with whether the chair
    has removed each from this sitting, in three queries whatever their number: user id ->
    (c, p, removed), or the NotFound each would have had."""
    if not _room_id(consultation_id):
        return {a.id: NotFound("No such consultation.") for a in actors}
    c = db.session.get(Consultation, consultation_id)
    params = {"cid": consultation_id, "uids": sorted({a.id for a in actors})}
    parts_q, removed_q = _rooms_selects()
    parts = {p.user_id: p for p in db.session.scalars(parts_q, params)} if c is not None else {}
    removed = set(db.session.scalars(removed_q, params)) if c is not None else set()
    return {a.id: (c, parts.get(a.id), a.id in removed) if _may_enter(a, c, parts.get(a.id))
            else NotFound("No such consultation.") for a in actors}


@cache
def _rooms_selects():
    """get_rooms' two queries (the participant rows of the people joining, and which of them
    the chair removed this sitting), built once: a storm's join batches run them every few
    milliseconds."""
    cid, uids = bindparam("cid", type_=Integer), bindparam("uids", expanding=True)
    parts = (select(Participant).where(Participant.consultation_id == cid, Participant.user_id.in_(uids))
             .options(Load(Participant).lazyload("*")))
    removed = select(RoomRestriction.user_id).where(
        RoomRestriction.consultation_id == cid, RoomRestriction.user_id.in_(uids),
        RoomRestriction.kind == "removed", RoomRestriction.seq > _sitting_select(cid).scalar_subquery())
    return parts, removed


@cache
def _room_select(kind: str | None):
    """get_room's query, built once per kind (every room event runs it): the consultation, the
    actor's participant row and, for a kind, whether that restriction holds this sitting."""
    cid, uid = bindparam("cid", type_=Integer), bindparam("uid", type_=Integer)
    columns = [Consultation, Participant]
    if kind:
        columns.append(_restriction_select(cid, uid, kind, None).exists())
    # Participant's person and organisations load lazily: the person is the actor, already in
    # this session's identity map, so p.user costs no query (the joined loads doubled this one).
    return (select(*columns).outerjoin(Participant, and_(
        Participant.consultation_id == Consultation.id, Participant.user_id == uid))
        .where(Consultation.id == cid)
        .options(Load(Participant).lazyload("*")))


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
