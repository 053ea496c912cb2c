"""The live room's events: presence, chat, the speaking queue and floor, the agenda, moderation."""
from dataclasses import field

from app.core.events import Event, declare


@declare("presence.joined")
class PresenceJoined(Event):
    user_id: int
    name: str
    constituency: str | None
    organisation: dict | None
    role: str


@declare("presence.left")
class PresenceLeft(Event):
    user_id: int


@declare("presence.changed")
class PresenceChanged(Event):
    """Several people arrived or went within one presence tick: one event for the room instead
    of one per person (`joined`: the same objects as presence.joined; `left`: user ids)."""
    joined: list[dict]
    left: list[int]


@declare("chat.message")
class ChatMessage(Event):
    message_id: int
    text: str
    html: str
    client_id: str | None


# `queue` is the current agenda item's speakers' list as user ids in speaking order; `speakers`
# the same list as {user_id, kind, raised_at, name} (kind: speak | point_of_order). The fields
# added for meeting conduct have defaults: events stored before them lack them.

@declare("hand.raised")
class HandRaised(Event):
    user_id: int
    queue: list[int]
    kind: str = "speak"
    agenda_item_id: int | None = None
    speakers: list[dict] = field(default_factory=list)


@declare("hand.lowered")
class HandLowered(Event):
    user_id: int
    queue: list[int]
    agenda_item_id: int | None = None
    speakers: list[dict] = field(default_factory=list)


@declare("floor.given")
class FloorGiven(Event):
    """since, ends_at: server times (ISO 8601 UTC); limit_s and ends_at null: no time limit."""
    user_id: int
    name: str
    constituency: str | None
    agenda_item_id: int | None
    queue: list[int]
    since: str | None = None
    limit_s: int | None = None
    ends_at: str | None = None
    speakers: list[dict] = field(default_factory=list)


@declare("floor.released")
class FloorReleased(Event):
    user_id: int | None
    queue: list[int]
    agenda_item_id: int | None = None
    speakers: list[dict] = field(default_factory=list)


@declare("speakers.changed")
class SpeakersChanged(Event):
    """The chair reordered or added to a list, or the current agenda item (and so the list
    shown) changed."""
    agenda_item_id: int | None
    speakers: list[dict]
    queue: list[int]


@declare("agenda.changed")
class AgendaChanged(Event):
    agenda_item_id: int
    title: str
    position: int


@declare("chat.muted")
class ChatMuted(Event):
    user_id: int
    name: str


@declare("chat.unmuted")
class ChatUnmuted(Event):
    user_id: int
    name: str


@declare("participant.removed")
class ParticipantRemoved(Event):
    user_id: int
    name: str
