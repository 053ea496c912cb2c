"""Minutes' events: drafted, circulated for corrections, adopted."""
from app.core.events import Event, Searchable, declare, local


@declare("minutes.status", rendered=False)
class MinutesStatus(Event):
    minutes_id: int
    status: str
    deadline: str | None
    searchable: Searchable | None = local()


@declare("publication.changed", rendered=False)
class PublicationChanged(Event):
    """What the public archive now covers of the consultation (empty: taken off it)."""
    kinds: list[str]


@declare("correction.decided", rendered=False)
class CorrectionDecided(Event):
    minutes_id: int
    correction_id: int
    decision: str
    searchable: Searchable | None = local()
