"""The public archive: the secretariat publishes a closed consultation's adopted minutes (and,
through the same Publication, its final documents, positions and results) to a transparency
page anyone can read without signing in, at /public/consultations/<id>."""
from sqlalchemy import select

from app.consultations import services as consultations
from app.consultations.models import Consultation
from app.consultations.services import scope_conditions
from app.core.errors import Conflict, NotFound, not_found_as
from app.core.realtime import record_event
from app.extensions import db
from app.minutes.event_types import PublicationChanged
from app.minutes.models import Minutes, Publication

FLAGS = ("include_minutes", "include_documents", "include_positions", "include_results")
MAX_PAGE = 50


def publication_of(consultation_id: int) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.consultation_id == consultation_id))


def _announce(actor, c: Consultation, pub: Publication | None) -> None:
    """Search (and anyone else) learns what is public now through the spine."""
    record_event(c.id, PublicationChanged(kinds=sorted(pub.kinds()) if pub is not None else []), actor)


def publish(actor, c: Consultation, flags: dict | None = None, note: str | None = None) -> Publication:
    """Secretariat only (403); the consultation must be closed or archived and its minutes
    adopted (409). Publishing again updates what the publication covers."""
    consultations.require_manage(actor, c)
    if c.status not in ("closed", "archived"):
        raise Conflict("Only a closed consultation can be published.")
    original = db.session.scalar(select(Minutes).where(Minutes.consultation_id == c.id,
                                                       Minutes.corrigendum_of_id.is_(None)))
    if original is None or original.status != "adopted":
        raise Conflict("Adopt the minutes before publishing the consultation.")
    pub = publication_of(c.id)
    if pub is None:
        pub = Publication(consultation_id=c.id, published_by_id=actor.id)
        db.session.add(pub)
    for key in FLAGS:
        if flags and flags.get(key) is not None:
            setattr(pub, key, bool(flags[key]))
    if note is not None:
        pub.note = note
    db.session.flush()
    _announce(actor, c, pub)
    return db.session.scalar(select(Publication).where(Publication.consultation_id == c.id))


def unpublish(actor, c: Consultation) -> None:
    """Secretariat only (403): take the consultation off the public archive (404 if it is not on it)."""
    consultations.require_manage(actor, c)
    pub = publication_of(c.id)
    if pub is None:
        raise NotFound("This consultation is not published.")
    db.session.delete(pub)
    db.session.flush()
    _announce(actor, c, None)


def get_public(consultation_id) -> tuple[Consultation, Publication]:
    """A published consultation, for anyone; NotFound otherwise."""
    if not isinstance(consultation_id, int) or isinstance(consultation_id, bool):
        raise NotFound("No such published consultation.")
    pub = publication_of(consultation_id)
    c = db.session.get(Consultation, consultation_id)
    if pub is None or c is None:
        raise NotFound("No such published consultation.")
    return c, pub


def public_minutes(c: Consultation, pub: Publication) -> list[Minutes]:
    """The adopted minutes and adopted corrigenda on the public page (none unless covered)."""
    if not pub.include_minutes:
        return []
    return list(db.session.scalars(select(Minutes).where(
        Minutes.consultation_id == c.id, Minutes.status == "adopted").order_by(Minutes.id)))


def get_public_minutes(minutes_id) -> Minutes:
    m = db.session.get(Minutes, minutes_id) if isinstance(minutes_id, int) else None
    if m is None or m.status != "adopted":
        raise NotFound("No such published minutes.")
    with not_found_as("No such published minutes."):
        c, pub = get_public(m.consultation_id)
    if m not in public_minutes(c, pub):
        raise NotFound("No such published minutes.")
    return m


def list_public(filters: dict | None = None, after: int | None = None,
                limit: int = 25) -> tuple[list[tuple[Consultation, Publication]], int | None]:
    """Published consultations, newest first, with the archive's filters."""
    stmt = (select(Consultation, Publication).join(Publication, Publication.consultation_id == Consultation.id)
            .where(*scope_conditions(filters or {})))
    if after is not None:
        stmt = stmt.where(Consultation.id < after)
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(db.session.execute(stmt.order_by(Consultation.id.desc()).limit(limit + 1)))
    nxt = rows[limit - 1][0].id if len(rows) > limit else None
    return [(r[0], r[1]) for r in rows[:limit]], nxt
