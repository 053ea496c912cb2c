"""The live room's events: presence, chat, the speaking queue and floor, the agenda, moderation."""
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


@declare("hand.raised")
class HandRaised(Event):
    user_id: int
    queue: list[int]


@declare("hand.lowered")
class HandLowered(Event):
    user_id: int
    queue: list[int]


@declare("floor.given")
class FloorGiven(Event):
    user_id: int
    name: str
    constituency: str | None
    agenda_item_id: int | None
    queue: list[int]


@declare("floor.released")
class FloorReleased(Event):
    user_id: int | None
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
