"""The agenda of a consultation: ordered items with a title and an optional time, kept by the
secretariat. Every change is recorded as an agenda.edited event (the audit page and the minutes
read it); the item under discussion is the live room's (agenda.changed, app.rooms)."""
from datetime import datetime

from app.accounts.models import User
from app.consultations.event_types import AgendaEdited
from app.consultations.models import AgendaItem, Consultation
from app.consultations.services import require_manage
from app.core.db import isoformat
from app.core.errors import Conflict, Invalid, NotFound
from app.core.realtime import record_event
from app.extensions import db

TITLE_MAX = 300


def _edited(actor: User, c: Consultation, item: AgendaItem, action: str) -> None:
    record_event(c.id, AgendaEdited(agenda_item_id=item.id, action=action, title=item.title, position=item.position,
                                    starts_at=isoformat(item.starts_at)), actor)


def _open_agenda(actor: User, c: Consultation) -> None:
    require_manage(actor, c)
    if c.status in ("closed", "archived"):
        raise Conflict("The agenda of a closed consultation cannot change.")


def _title(title) -> str:
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
        raise Invalid("An agenda item needs a title of at most 300 characters.", {"title": "1 to 300 characters"})
    return title.strip()


def get_agenda_item(c: Consultation, item_id) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id) if isinstance(item_id, int) and not isinstance(item_id, bool) else None
    if item is None or item.consultation_id != c.id:
        raise NotFound("No such agenda item.")
    return item


def add_agenda_item(actor: User, c: Consultation, title: str) -> AgendaItem:
    """Secretariat only: append an item at the end of the ordered agenda."""
    _open_agenda(actor, c)
    position = max((i.position for i in c.agenda), default=0) + 1
    item = AgendaItem(consultation_id=c.id, position=position, title=title)
    c.agenda.append(item)
    db.session.flush()
    _edited(actor, c, item, "added")
    return item


def move_agenda_item(actor: User, c: Consultation, item_id: int, offset: int) -> None:
    """Secretariat only: move an item up (-1) or down (+1) in the agenda."""
    require_manage(actor, c)
    items = list(c.agenda)
    idx = next((i for i, it in enumerate(items) if it.id == item_id), None)
    if idx is None:
        raise NotFound("No such agenda item.")
    new = idx + offset
    if 0 <= new < len(items):
        items[idx].position, items[new].position = items[new].position, items[idx].position
        db.session.flush()
        _edited(actor, c, items[idx], "moved")
    db.session.flush()


def rename_agenda_item(actor: User, c: Consultation, item_id, title) -> AgendaItem:
    """Secretariat only: a new title. Raises NotFound, Forbidden, Conflict (closed), Invalid."""
    _open_agenda(actor, c)
    item = get_agenda_item(c, item_id)
    title = _title(title)
    if title != item.title:
        item.title = title
        db.session.flush()
        _edited(actor, c, item, "renamed")
    return item


def time_agenda_item(actor: User, c: Consultation, item_id, starts_at: datetime | None) -> AgendaItem:
    """Secretariat only: when the item is taken up (None: no time). Raises NotFound, Forbidden, Conflict."""
    _open_agenda(actor, c)
    item = get_agenda_item(c, item_id)
    item.starts_at = starts_at
    db.session.flush()
    _edited(actor, c, item, "timed")
    return item


def remove_agenda_item(actor: User, c: Consultation, item_id) -> None:
    """Secretariat only: delete an item (documents and motions attached to it stay, unattached);
    the items after it move up. Refused for the item under discussion (Conflict)."""
    _open_agenda(actor, c)
    item = get_agenda_item(c, item_id)
    if c.current_agenda_item_id == item.id:
        raise Conflict("This item is under discussion: move the room to another item first.")
    _edited(actor, c, item, "removed")
    c.agenda.remove(item)
    db.session.flush()
    for n, it in enumerate(sorted(c.agenda, key=lambda i: i.position), start=1):
        it.position = n
    db.session.flush()
