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
    searchable: Searchable | None = local()
