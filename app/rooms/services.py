"""The live room's chat and the join answer. The room's other rules live beside it: who may do
what (access), presence (presence), and running the sitting (floor).

Every change writes its room event (app.core.realtime.record_event) in the caller's
transaction, so the Socket.IO handlers and the HTTP endpoints emit exactly the same events.
Room state lives in app.rooms.models and is scoped to the sitting (see there)."""
import re
import time

from flask import current_app, url_for
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.models import Consultation
from app.consultations.moderation import hidden_map
from app.consultations.services import _LOOK_UP
from app.core.errors import Invalid, RateLimited, TooLarge
from app.core.jsonsafe import RawJSON, encode
from app.core.markdown import render
from app.core.realtime import RoomEvent, current_seq, events_since, lock_room, next_seq, record_event
from app.core.sockets import TokenBucket
from app.core.validation import check_line
from app.extensions import db
from app.rooms.access import _int, _require_voice, get_room
from app.rooms.event_types import ChatMessage as ChatMessageEvent
from app.rooms.floor import room_state
from app.rooms.models import ChatMessage
from app.rooms.presence import presence, presence_json, presence_tick, room_cache

CHAT_MAX = 2000
CLIENT_ID_MAX = 64
REPLAY_LIMIT = 5000
_chat_limiter = TokenBucket()
# One line of words and plain punctuation renders to <p>text</p>; skipping the Markdown
# pipeline for it saves most of a chat message's server time.
_PLAIN = re.compile(r"(?:[^\W_]|[ ,.;:?!'])+")


# --- chat -------------------------------------------------------------------------------

def _check_chat_rate(user_id: int, consultation_id: int) -> None:
    cfg = current_app.config
    if not cfg.get("RATELIMIT_ENABLED", True):
        return
    if not _chat_limiter.take((user_id, consultation_id), cfg.get("ROOMS_CHAT_RATE", 1.0),
                              cfg.get("ROOMS_CHAT_BURST", 8)):
        raise RateLimited("You are sending messages too fast; wait a moment.")


def render_chat(text: str) -> str:
    """Sanitised HTML of a chat message (app.core.markdown.render, with a plain-text fast path)."""
    if _PLAIN.fullmatch(text) and not text[0].isdigit():
        return f"<p>{text}</p>"
    return render(text)


def send_chat(actor: User, consultation_id, text, client_id=None) -> tuple[ChatMessage, bool]:
    """Post a chat message (plain text or Markdown, rendered sanitised). A client_id already
    used by this person in this room returns the original message and posts nothing.
    Returns (message, created). Observers, muted people and a closed session are refused;
    text over CHAT_MAX characters is TooLarge; a flood is RateLimited."""
    c, p, muted = get_room(actor, consultation_id, with_mute=True)
    if not isinstance(text, str):
        raise Invalid("text must be a string.", {"text": "must be a string"})
    if "\x00" in text:
        raise Invalid("text may not contain NUL bytes.", {"text": "invalid characters"})
    text = check_line("text", text.strip(), multiline=True)
    if not text:
        raise Invalid("text may not be empty.", {"text": "may not be empty"})
    if len(text) > CHAT_MAX:
        raise TooLarge(f"A chat message has at most {CHAT_MAX} characters.")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= CLIENT_ID_MAX):
        raise Invalid(f"client_id must be a string of 1 to {CLIENT_ID_MAX} characters.", {"client_id": "invalid"})
    _require_voice(actor, c, p, "chat", muted)
    if client_id is not None:
        lock_room(c.id)
        existing = db.session.scalar(select(ChatMessage).where(
            ChatMessage.consultation_id == c.id, ChatMessage.user_id == actor.id,
            ChatMessage.client_id == client_id))
        if existing is not None:
            return existing, False
    _check_chat_rate(actor.id, c.id)
    html = render_chat(text)
    seq = next_seq(c.id)  # first, so the message row is written once, with its seq
    msg = ChatMessage(consultation_id=c.id, user_id=actor.id, client_id=client_id, text=text,
                      html=html, seq=seq)
    db.session.add(msg)
    db.session.flush()
    record_event(c.id, ChatMessageEvent(message_id=msg.id, text=text, html=html, client_id=client_id), actor, seq=seq)
    return msg, True


def redacted(events: list[dict]) -> list[dict]:
    """Stored events as the room shows them: a chat message the secretariat hid has no text
    (the room shows "hidden by the secretariat"; the message row keeps it for the record)."""
    ids = [e["data"]["message_id"] for e in events if e["type"] == "chat.message"]
    hidden = hidden_map("chat", ids)
    if not hidden:
        return events
    return [{**e, "data": {**e["data"], "text": "", "html": ""}}
            if e["type"] == "chat.message" and e["data"]["message_id"] in hidden else e for e in events]


def recent_chat(c: Consultation, limit: int = 100) -> list[dict]:
    rows = list(db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "chat.message")
        .order_by(RoomEvent.seq.desc()).limit(limit)))
    return redacted([e.to_dict() for e in reversed(rows)])


def chat_record(ref_id: int) -> dict | None:
    """A chat message as app.consultations.moderation sees it (app.core.features: moderated)."""
    msg = db.session.get(ChatMessage, ref_id)
    if msg is None:
        return None
    author = db.session.get(User, msg.user_id) if msg.user_id else None
    return {"consultation_id": msg.consultation_id, "author_id": msg.user_id, "author": author.name if author else "",
            "text": msg.text, "url": url_for("rooms.room", consultation_id=msg.consultation_id), "title": ""}


def _replay(consultation_id: int, since: int, seq: int) -> tuple[list[tuple[dict, str]], bool, int]:
    """(events after `since` as (dict, JSON text), more, the seq they reach), for a join that
    read `seq` as the room's last. While presence is coalesced the events after a given `since`
    are kept per room (with their text: a storm's answers encode each event once) and only the
    newer ones are read: at a reconnect storm most pages rejoin from the same seq while chat
    goes on. Stored events never change, and an event committed after `seq` was read is
    broadcast to the joiner too (it entered the room first), so the answer is exact."""
    replays = room_cache("replays")
    kept = replays.get((consultation_id, since)) if presence_tick() else None
    cached = kept[1] if kept is not None and kept[0] > time.monotonic() else None
    if cached is not None and len(cached) < REPLAY_LIMIT:
        last = cached[-1][0]["seq"] if cached else since
        if last < seq:
            cached = cached + _encoded(events_since(consultation_id, last, limit=REPLAY_LIMIT - len(cached)))
    else:
        cached = _encoded(events_since(consultation_id, since, limit=REPLAY_LIMIT))
    if presence_tick():
        if len(replays) > 64:
            replays.clear()
        expires = kept[0] if kept is not None and kept[0] > time.monotonic() else time.monotonic() + REPLAY_KEEP
        replays[(consultation_id, since)] = (expires, cached)
    more = len(cached) == REPLAY_LIMIT
    if cached:
        seq = cached[-1][0]["seq"] if more else max(seq, cached[-1][0]["seq"])
    return cached, more, seq


def _encoded(rows: list[RoomEvent]) -> list[tuple[dict, str]]:
    return [(d, encode(d)) for d in (e.to_dict() for e in rows)]


REPLAY_KEEP = 10.0  # seconds: a storm's rejoins, not a deleted room's id used again


def snapshot(actor: User, c: Consultation, since, *, participant=_LOOK_UP, encoded: bool = False,
             seq: int | None = None, present: RawJSON | None = None, shared: dict | None = None) -> dict:
    """The join acknowledgement: events after `since` (none when omitted), presence, state.
    seq is read before the events, so it never claims an event the answer does not hold.
    participant: the actor's row when the caller has read it. encoded=True (the socket door):
    presence and events come as RawJSON, encoded once per person and per event, not per answer.
    seq and present (encoded): the room's seq and presence_json(c) when a batch of joiners has
    read them once for all of them, after every one of them entered the room; shared: a dict
    the batch keeps the answer's room part in (seq, presence, events: the same for every joiner
    of the room with the same `since`), so it is read and encoded once; `state` is each one's."""
    since = None if since is None else _int(since, "since")
    seq = current_seq(c.id) if seq is None else seq
    key = (c.id, since, seq)
    room = shared.get(key) if shared is not None else None
    if room is None:
        room = _room_part(c, since, seq, encoded, present)
        if shared is not None:
            shared[key] = room
    return {**room, "state": room_state(actor, c, participant, seq=seq)}


def _room_part(c: Consultation, since: int | None, seq: int, encoded: bool, present: RawJSON | None) -> dict:
    """What a join answer says alike to everyone with this `since`: the seq it reaches, the
    replay (a message hidden since is shown hidden), presence, and whether more follows."""
    replay, more = [], False
    if since is not None:
        replay, more, seq = _replay(c.id, since, seq)
    events = redacted([d for d, _text in replay])
    if encoded:
        # a redacted event is a new dict: its text is made again
        return {"seq": seq, "presence": presence_json(c) if present is None else present,
                "events": RawJSON.of_parts(text if d is orig else encode(d)
                                           for d, (orig, text) in zip(events, replay, strict=True)),
                "more": more}
    return {"seq": seq, "presence": presence(c), "events": events, "more": more}


def events_page(actor: User, consultation_id, since: int, limit: int = 500) -> tuple[list[dict], int | None]:
    """Stored events after `since` for the HTTP replay, in pages of `limit`."""
    c, _p = get_room(actor, consultation_id)
    limit = max(1, min(limit, REPLAY_LIMIT))
    rows = events_since(c.id, _int(since, "since"), limit=limit + 1)
    nxt = rows[limit - 1].seq if len(rows) > limit else None
    return redacted([e.to_dict() for e in rows[:limit]]), nxt
