"""Minutes' events: drafted, circulated for corrections, adopted."""
from app.core.events import Event, declare


@declare("minutes.status", rendered=False)
class MinutesStatus(Event):
    minutes_id: int
    status: str
    deadline: str | None


@declare("correction.decided", rendered=False)
class CorrectionDecided(Event):
    minutes_id: int
    correction_id: int
    decision: str
