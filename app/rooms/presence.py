"""Presence: who is in the room, on which sockets; joining, leaving and a socket going away."""

from sqlalchemy import delete, select

from app.accounts.models import ORG_REF, Organisation, User
from app.consultations import attendance
from app.consultations.event_types import SessionStatus
from app.consultations.models import Consultation, Participant
from app.core.errors import Forbidden
from app.core.realtime import record_event
from app.core.shapes import INT, STR, Shape, nullable
from app.extensions import db
from app.rooms.access import _int, _restriction, get_room, room_role
from app.rooms.event_types import (
    PresenceJoined,
    PresenceLeft,
)
from app.rooms.models import RoomMember

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
        attendance.check_in(c, p, actor)  # joining the live room of a live sitting checks in
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
