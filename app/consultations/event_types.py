"""A consultation's own events: its lifecycle, its dates, its invitations, its searchable text."""
from app.core.events import Event, declare


@declare("session.status")
class SessionStatus(Event):
    status: str
    previous: str


@declare("session.rescheduled", rendered=False)
class SessionRescheduled(Event):
    starts_at: str | None
    ends_at: str | None


@declare("consultation.scope", rendered=False)
class ScopeChanged(Event):
    """The consultation's level, country or REC was edited (read models keep a copy of them)."""
    level: str
    country: str | None
    rec: str | None


@declare("participant.invited", rendered=False)
class ParticipantInvited(Event):
    user_ids: list[int]


@declare("attendance.changed")
class AttendanceChanged(Event):
    participant_id: int
    present: bool
    present_count: int
    entitled_count: int
    # per voting constituency: {"government": {"present": 3, "entitled": 4}, ...} (the room and
    # the projector show the roll call by group)
    by_constituency: dict


@declare("content.hidden")
class ContentHidden(Event):
    """The secretariat hid a comment, chat message or amendment (the reason is kept, not sent)."""
    kind: str
    ref_id: int


@declare("agenda.edited", rendered=False)
class AgendaEdited(Event):
    """The secretariat added, renamed, moved, timed or removed an agenda item."""
    agenda_item_id: int
    action: str  # added | renamed | moved | timed | removed
    title: str
    position: int
    starts_at: str | None


@declare("participant.updated", rendered=False)
class ParticipantUpdated(Event):
    """The secretariat decided a participant's credentials or changed their role (no name: a
    room's stored events name nobody who might have voted; readers look the user up)."""
    participant_id: int
    user_id: int
    credentials: str
    role: str
    previous_credentials: str
    previous_role: str


@declare("participant.withdrawn", rendered=False)
class ParticipantWithdrawn(Event):
    """The secretariat removed a participant from the consultation."""
    participant_id: int
    user_id: int
