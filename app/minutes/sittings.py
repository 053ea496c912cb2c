"""The sittings that actually took place, for the minutes: each opens with a `session.status`
"live" event and ends with the next `session.status` event (closed, archived) or is still open.
Who attended a sitting comes from its attendance register (app.consultations.attendance, keyed by
the opening event's seq); a sitting with no register row (events recorded before the register)
falls back to who joined the room during it. Times are written in UTC, in the drafting language (app.minutes.wording).
Pure reading: nothing here writes."""
from dataclasses import dataclass, field
from datetime import UTC, datetime

from babel.dates import format_datetime, format_time
from sqlalchemy import select

from app.consultations.attendance import Attendance
from app.consultations.models import Consultation, Participant
from app.core.realtime import RoomEvent
from app.extensions import db
from app.minutes.wording import locale


@dataclass
class Sitting:
    number: int
    opened_seq: int
    opened_at: datetime
    closed_at: datetime | None = None
    closed_seq: int | None = None
    present: list = field(default_factory=list)  # drafting.Person
    absent: list = field(default_factory=list)  # entitled participants not present
    from_register: bool = True


def _aware(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


def utc_when(dt: datetime | None, time_only: bool = False) -> str:
    """A date and time in UTC, the month named in the drafting language ("12 mars 2031, 09:00 UTC")."""
    if dt is None:
        return ""
    loc = locale()
    if time_only:
        return format_time(_aware(dt), "HH:mm", tzinfo=UTC, locale=loc) + " UTC"
    return format_datetime(_aware(dt), "d MMMM y, HH:mm", tzinfo=UTC, locale=loc) + " UTC"


def utc_date(dt: datetime | None) -> str:
    """The UTC date, the month named in the drafting language ("12 mars 2031")."""
    if dt is None:
        return ""
    loc = locale()
    return format_datetime(_aware(dt), "d MMMM y", tzinfo=UTC, locale=loc)


def span(s: Sitting) -> str:
    """"12 March 2031, 09:00 – 12:30 UTC"; the date again when it ends on another day."""
    start = utc_when(s.opened_at)
    if s.closed_at is None:
        return start
    if _aware(s.closed_at).date() == _aware(s.opened_at).date():
        return f"{start[:-4]} – {utc_when(s.closed_at, time_only=True)}"
    return f"{start} – {utc_when(s.closed_at)}"


def sittings_of(c: Consultation, person) -> list[Sitting]:
    """The consultation's sittings in order, each with who was present (`person(user_id, data)`
    builds the minutes' Person from a user id and whatever an event said of them)."""
    events = list(db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type.in_(("session.status", "presence.joined", "presence.changed")))
        .order_by(RoomEvent.seq)))
    out: list[Sitting] = []
    joined: dict[int, list] = {}
    for ev in events:
        d = ev.data or {}
        current = out[-1] if out and out[-1].closed_seq is None else None
        if ev.type == "session.status":
            if d.get("status") == "live" and current is None:
                out.append(Sitting(len(out) + 1, ev.seq, ev.at))
            elif d.get("status") != "live" and current is not None:
                current.closed_at, current.closed_seq = ev.at, ev.seq
        elif current is not None and ev.type == "presence.changed":  # several joins in one tick
            joined.setdefault(current.opened_seq, []).extend(
                (p["user_id"], p) for p in d.get("joined") or () if isinstance(p.get("user_id"), int))
        elif current is not None and isinstance(d.get("user_id"), int):
            joined.setdefault(current.opened_seq, []).append((d["user_id"], d))
    if not out:
        return out
    rows = db.session.execute(select(Attendance.sitting, Participant.user_id).join(
        Participant, Participant.id == Attendance.participant_id).where(
        Attendance.consultation_id == c.id, Attendance.present.is_(True),
        Attendance.sitting.in_([s.opened_seq for s in out])).order_by(Attendance.id)).all()
    register: dict[int, list[int]] = {}
    for sitting, uid in rows:
        register.setdefault(sitting, []).append(uid)
    for s in out:
        if s.opened_seq in register:
            ids = dict.fromkeys(register[s.opened_seq])
            s.present = [person(uid, {}) for uid in ids]
        else:
            s.from_register = False
            seen: dict[int, dict] = {}
            for uid, d in joined.get(s.opened_seq, []):
                seen.setdefault(uid, d)
            s.present = [person(uid, d) for uid, d in seen.items()]
    return out
