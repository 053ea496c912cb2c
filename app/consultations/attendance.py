"""The attendance register of a sitting: who is present, as the chair and the quorum read it.

A sitting is the stretch of a live session since its latest session.status event (the same
boundary as the room's state); the register has one row per participant marked in it. Joining
the live room of a live sitting checks a participant in; the secretariat or the chair takes the
roll call (present or absent). Leaving the room does not strike a name: a delegate whose
connection drops is still in the hall, and only the roll call says otherwise. A deputy present
makes the delegate's voting slot present. A vote under a `present` base or quorum reads the
register when it closes, and the result freezes it (app.votes).
"""
import math
from datetime import datetime
from fractions import Fraction

from sqlalchemy import ForeignKey, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.consultations.event_types import AttendanceChanged
from app.consultations.models import Consultation, Participant
from app.consultations.services import require_moderate
from app.consultations.participants import get_participant
from app.consultations.voters import entitled_rows, voting_groups
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict
from app.core.realtime import RoomEvent, record_event
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, list_of, nullable
from app.extensions import db


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("consultation_id", "sitting", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    sitting: Mapped[int]
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


def sitting_of(c: Consultation) -> int | None:
    """The seq of the event that opened the current (or last) sitting; None before any."""
    return db.session.scalar(select(func.max(RoomEvent.seq)).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "session.status",
        RoomEvent.data["status"].as_string() == "live"))


def _rows(c: Consultation, sitting: int | None) -> list[Attendance]:
    if sitting is None:
        return []
    return list(db.session.scalars(select(Attendance).where(
        Attendance.consultation_id == c.id, Attendance.sitting == sitting, Attendance.present.is_(True))))


def _slot_ids(c: Consultation, present_ids: set[int], slots: list[dict] | None = None) -> tuple[list[dict], set[int]]:
    """The entitled slots (rows), and those present (in person or through their named deputy)."""
    slots = entitled_rows(c) if slots is None else slots
    deputies = dict(db.session.execute(select(Participant.id, Participant.deputy_of_id).where(
        Participant.consultation_id == c.id, Participant.deputy_of_id.is_not(None))).all())
    present = {deputies.get(pid, pid) for pid in present_ids}
    return slots, {s["id"] for s in slots if s["id"] in present}


def present_slots(c: Consultation, slots: list[dict] | None = None) -> list[int] | None:
    """The entitled slots present in the current (or last) sitting, for a vote that closes now;
    None when no sitting was ever held (no register). `slots`: the entitled rows, if read."""
    sitting = sitting_of(c)
    if sitting is None:
        return None
    _slots, present = _slot_ids(c, {a.participant_id for a in _rows(c, sitting)}, slots)
    return sorted(present)


def counts(c: Consultation) -> tuple[int, int]:
    """(present, entitled) voting slots of the current sitting."""
    n_present, n_entitled, _groups = group_counts(c)
    return n_present, n_entitled


def group_counts(c: Consultation) -> tuple[int, int, dict]:
    """(present, entitled, per voting constituency {group: {present, entitled}}) of the current
    sitting; every voting constituency appears, with zeros when it has no slot."""
    slots, present = _slot_ids(c, {a.participant_id for a in _rows(c, sitting_of(c))})
    groups = {g: {"present": 0, "entitled": 0} for g in voting_groups(c)}
    for s in slots:
        g = groups.setdefault(s["group"], {"present": 0, "entitled": 0})
        g["entitled"] += 1
        g["present"] += s["id"] in present
    return len(present), len(slots), groups


def summary(c: Consultation) -> dict:
    """Present and entitled voting slots now, and the attendance quorum of the consultation's
    default rule when it counts those present against those entitled (the room shows it live)."""
    from app.consultations.procedure import expand_rule
    n_present, n_entitled, groups = group_counts(c)
    q = expand_rule(c.default_rule)["quorum"] if c.default_rule is not None else None
    fraction = q["fraction"] if isinstance(q, dict) and (q["of"], q["counted"]) == ("entitled", "present") else None
    required = math.ceil(Fraction(fraction) * n_entitled) if fraction else None
    return {"present": n_present, "entitled": n_entitled, "quorum_fraction": fraction,
            "quorum_required": required, "quorum_met": None if required is None else n_present >= required,
            "by_constituency": groups}


def _mark(c: Consultation, p: Participant, present: bool, actor) -> bool:
    sitting = sitting_of(c)
    if c.status != "live" or sitting is None:
        raise Conflict("The register is kept during a live sitting.")
    row = db.session.scalar(select(Attendance).where(
        Attendance.consultation_id == c.id, Attendance.sitting == sitting, Attendance.participant_id == p.id))
    if row is not None and row.present == present:
        return False
    if row is None:
        row = Attendance(consultation_id=c.id, sitting=sitting, participant_id=p.id)
        db.session.add(row)
    row.present, row.since, row.marked_by_id = present, utcnow(), getattr(actor, "id", None)
    db.session.flush()
    n_present, n_entitled, groups = group_counts(c)
    record_event(c.id, AttendanceChanged(participant_id=p.id, present=present, present_count=n_present,
                                         entitled_count=n_entitled, by_constituency=groups), actor)
    return True


def check_in(c: Consultation, p: Participant | None, actor) -> bool:
    """Joining the live room of a live sitting marks the participant present (once)."""
    if p is None or c.status != "live" or sitting_of(c) is None:
        return False
    return _mark(c, p, True, actor)


def set_presence(actor, c: Consultation, participant_id, present: bool) -> Participant:
    """Roll call by the secretariat or the chair. Raises Forbidden, NotFound (no such
    participant), Conflict (no live sitting)."""
    require_moderate(actor, c)
    p = get_participant(c, participant_id)
    _mark(c, p, present, actor)
    return p


def register(c: Consultation) -> dict:
    """The current (or last) sitting's register, as GET /consultations/{id}/attendance shows it."""
    sitting = sitting_of(c)
    rows = _rows(c, sitting)
    slots, present = _slot_ids(c, {a.participant_id for a in rows})
    people = {p.id: p for p in db.session.scalars(select(Participant).where(
        Participant.id.in_([a.participant_id for a in rows])))}
    items = [{"participant_id": a.participant_id, "user_id": people[a.participant_id].user_id,
              "organisation_id": people[a.participant_id].organisation_id,
              "constituency": people[a.participant_id].constituency,
              "country": people[a.participant_id].organisation.country, "since": isoformat(a.since),
              "entitled": a.participant_id in present}
             for a in sorted(rows, key=lambda a: a.participant_id) if a.participant_id in people]
    return ATTENDANCE.dump({"sitting": sitting, "live": c.status == "live", "entitled_count": len(slots),
                            "present_count": len(present), "present": items})


ATTENDANCE = Shape("Attendance", {
    "sitting": nullable(INT), "live": BOOL, "entitled_count": INT, "present_count": INT,
    "present": list_of(Shape("Attendee", {
        "participant_id": INT, "user_id": INT, "organisation_id": INT, "constituency": STR,
        "country": nullable(STR), "since": nullable(DATETIME), "entitled": BOOL}))},
    description="The register of the current (or last) sitting: who is present, and how many voting slots are "
                "entitled; `entitled` says whether a present person holds a voting slot.")


