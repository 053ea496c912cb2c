"""Search is a consumer of the spine: every declared event that carries a `searchable` (the
record's indexable text, not stored with the event) refreshes that record's entry, in the
producer's transaction. No feature calls search, and search reads no other feature's tables."""

from app.consultations.event_types import ContentHidden
from app.core.events import Event, EventBus, searchable_events
from app.minutes.event_types import PublicationChanged
from app.search.services import index_entry, refresh_published, remove_entry


def index(consultation_id: int, event: Event, _actor) -> None:
    s = event.searchable
    if s is None:
        return
    for earlier in s.replaces:
        remove_entry(s.kind, earlier)
    index_entry(s.kind, s.ref_id, consultation_id, s.title, s.body, s.language, publishable=s.publishable)


def hidden(_consultation_id: int, event: ContentHidden, _actor) -> None:
    """What the secretariat hid is no longer found (its text stays with its feature)."""
    remove_entry(event.kind, event.ref_id)


def publication(consultation_id: int, event: PublicationChanged, _actor) -> None:
    refresh_published(consultation_id, event.kinds)


def subscribe(bus: EventBus) -> None:
    for cls in searchable_events():
        bus.subscribe(cls, index)
    bus.subscribe(PublicationChanged, publication)
    bus.subscribe(ContentHidden, hidden)
