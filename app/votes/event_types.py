"""Votes' events: a motion opened, its turnout, its frozen result."""
from app.core.events import Event, Searchable, declare, local


@declare("motion.opened")
class MotionOpened(Event):
    motion_id: int
    question: str
    options: list[str]
    ballot: str
    rule: str
    closes_at: str | None
    # the agenda item the motion belongs to (None: the item current when it opened)
    agenda_item_id: int | None = None


@declare("motion.progress")
class MotionProgress(Event):
    motion_id: int
    turnout: dict
    voted: int
    eligible: int


@declare("motion.closed")
class MotionClosed(Event):
    motion_id: int
    question: str
    result: dict
    agenda_item_id: int | None = None
    # the record the motion decides ({"kind", "id"}, e.g. an amendment put to the vote), or None
    origin: dict | None = None
    searchable: Searchable | None = local()


@declare("deputy.changed", rendered=False)
class DeputyChanged(Event):
    """A delegate named a deputy (an adviser of their delegation) or withdrew one (deputy None)."""
    delegate_participant_id: int
    deputy_participant_id: int | None
    deputy_user_id: int | None
