"""The speakers' list of each agenda item: hands raised under item 3 stay on item 3's list, and
the room shows the current item's. A point of order goes to the top (after earlier points of
order); the chair reorders a list and adds a name to it (a delegation speaking through a
spokesperson). Lists belong to the sitting, like every room state (app.rooms.models)."""
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.models import Consultation
from app.consultations.services import require_moderate
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Invalid
from app.core.realtime import RoomEvent, lock_room, next_seq, record_event
from app.extensions import db
from app.rooms.access import SPEAKING_ROLES, _int, _restriction, _target, get_room, sitting_seq
from app.rooms.event_types import SpeakersChanged
from app.rooms.models import HandRaise

KINDS = ("speak", "point_of_order")
LIST_MAX = 500


def check_kind(kind) -> str:
    if kind is None:
        return "speak"
    if kind not in KINDS:
        raise Invalid("kind must be speak or point_of_order.", {"kind": "not an allowed value"})
    return kind


def _of_item(item_id: int | None):
    return HandRaise.agenda_item_id.is_(None) if item_id is None else HandRaise.agenda_item_id == item_id


def hands(consultation_id: int, item_id: int | None, sitting: int) -> list[HandRaise]:
    """The item's list this sitting, in speaking order."""
    return list(db.session.scalars(select(HandRaise).where(
        HandRaise.consultation_id == consultation_id, _of_item(item_id), HandRaise.seq > sitting)
        .order_by(HandRaise.position, HandRaise.seq)))


def hand_of(consultation_id: int, item_id: int | None, user_id: int) -> HandRaise | None:
    """The person's hand on the item's list, of this sitting or an older one."""
    return db.session.scalar(select(HandRaise).where(
        HandRaise.consultation_id == consultation_id, _of_item(item_id), HandRaise.user_id == user_id))


def entry(h: HandRaise) -> dict:
    return {"user_id": h.user_id, "kind": h.kind, "raised_at": isoformat(h.raised_at)}


def listing(consultation_id: int, item_id: int | None, sitting: int) -> dict:
    """The fields every list-changing event carries: the item, its list as ids and as entries
    (with the name, so a screen can show someone it has not seen in the room)."""
    hs = hands(consultation_id, item_id, sitting)
    ids = [h.user_id for h in hs]
    names = {uid: name for uid, name in db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))} if ids else {}
    return {"agenda_item_id": item_id, "queue": ids,
            "speakers": [dict(entry(h), name=names.get(h.user_id, "")) for h in hs]}


def _renumber(hs: list[HandRaise]) -> None:
    for i, h in enumerate(hs):
        h.position = i
    db.session.flush()


def insert_hand(c: Consultation, user_id: int, kind: str, sitting: int, seq: int | None = None) -> HandRaise:
    """Put the person on the current item's list: a point of order after the points of order
    at its top, anyone else at its end. Conflict when already on it. The caller holds the
    room lock and records the event (with `seq` taken for it, or the hand's seq set after)."""
    item_id = c.current_agenda_item_id
    old = hand_of(c.id, item_id, user_id)
    if old is not None and old.seq > sitting:
        raise Conflict("That hand is already raised.")
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    hs = hands(c.id, item_id, sitting)
    if len(hs) >= LIST_MAX:
        raise Conflict("The speakers' list is full.")
    at = len(hs)
    if kind == "point_of_order":
        at = 0
        while at < len(hs) and hs[at].kind == "point_of_order":
            at += 1
    hand = HandRaise(consultation_id=c.id, agenda_item_id=item_id, user_id=user_id, kind=kind,
                     seq=seq if seq is not None else 0, raised_at=utcnow())
    db.session.add(hand)
    hs.insert(at, hand)
    _renumber(hs)
    return hand


def _live_moderated(actor: User, consultation_id) -> Consultation:
    c, _p = get_room(actor, consultation_id)
    require_moderate(actor, c)
    if c.status != "live":
        raise Conflict("The live session is not open.")
    lock_room(c.id)
    return c


def add_speaker(actor: User, consultation_id, user_id, kind=None) -> RoomEvent:
    """Secretariat or chair: put a participant who may speak on the current item's list (for
    a delegation speaking through its spokesperson), where a hand of that kind would go.
    Forbidden for others; Invalid for observers and outsiders; Conflict when already on it,
    removed from the sitting, or the session is not live."""
    kind = check_kind(kind)
    c = _live_moderated(actor, consultation_id)
    user, tp = _target(c, user_id)
    if tp is not None and (tp.role not in SPEAKING_ROLES or user.role == "observer"):
        raise Invalid("Observers cannot be put on the speakers' list.", {"user_id": "observer"})
    sitting = sitting_seq(c.id)
    if _restriction(c.id, user.id, "removed", sitting):
        raise Conflict("That person was removed from this sitting.")
    seq = next_seq(c.id)
    insert_hand(c, user.id, kind, sitting, seq)
    return record_event(c.id, SpeakersChanged(**listing(c.id, c.current_agenda_item_id, sitting)), actor, seq=seq)


def reorder_speakers(actor: User, consultation_id, user_ids) -> RoomEvent:
    """Secretariat or chair: the people named come first on the current item's list, in that
    order; the others keep their order after them (a hand raised meanwhile is not lost).
    Invalid for a malformed list; Conflict when someone named is not on the list."""
    if not isinstance(user_ids, list) or not user_ids or len(user_ids) > LIST_MAX:
        raise Invalid("user_ids must be a non-empty list of the people on the speakers' list.",
                      {"user_ids": "must be a list of integers"})
    ids = [_int(u, "user_ids") for u in user_ids]
    if len(set(ids)) != len(ids):
        raise Invalid("user_ids names someone twice.", {"user_ids": "duplicates"})
    c = _live_moderated(actor, consultation_id)
    sitting = sitting_seq(c.id)
    hs = hands(c.id, c.current_agenda_item_id, sitting)
    by_user = {h.user_id: h for h in hs}
    if any(u not in by_user for u in ids):
        raise Conflict("That person is not on the speakers' list.")
    named = set(ids)
    _renumber([by_user[u] for u in ids] + [h for h in hs if h.user_id not in named])
    return record_event(c.id, SpeakersChanged(**listing(c.id, c.current_agenda_item_id, sitting)), actor)


def list_shown(c: Consultation, actor: User | None) -> RoomEvent:
    """The current agenda item changed: announce the list the room now shows."""
    return record_event(c.id, SpeakersChanged(**listing(c.id, c.current_agenda_item_id, sitting_seq(c.id))), actor)
