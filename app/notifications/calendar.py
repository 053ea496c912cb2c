"""iCalendar files: one consultation's session, and a person's feed of their consultations.

Times are written in UTC (DTSTART:...Z), which every calendar converts to the reader's zone.
The UID is stable per consultation and SEQUENCE counts the session.rescheduled events, so a
calendar that imported the file replaces the old entry when the session moves. STATUS is always
CONFIRMED: the lifecycle has no cancellation (a consultation is archived only after it sat), so
an archived meeting is one that was held. Every text value
goes through safetext.ics_text and is added as a vText (escaped), X-WR-CALNAME included: a
stored title with a line break or a control character cannot break the file."""
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask_babel import force_locale
from sqlalchemy import func, select

from app.consultations.models import Consultation
from app.consultations.services import meeting_url_for
from app.core.db import utcnow
from app.core.realtime import RoomEvent
from app.extensions import db
from app.notifications.links import absolute, base_url
from app.notifications.safetext import ics_text
from app.notifications.texts import scope

if TYPE_CHECKING:
    import icalendar

PRODID = "-//Baraza//Consultations//EN"


def _host() -> str:
    return urlsplit(base_url()).hostname or "baraza.local"


def uid(c: Consultation) -> str:
    return f"consultation-{c.id}@{_host()}"


def sequence(c: Consultation) -> int:
    return db.session.scalar(select(func.count(RoomEvent.id)).where(
        RoomEvent.consultation_id == c.id, RoomEvent.type == "session.rescheduled")) or 0


def _event(c: Consultation, locale: str, user=None) -> "icalendar.Event":
    link = absolute(f"/consultations/{c.id}")
    import icalendar  # on first use: 4 MB a server process mostly does without
    bridge = meeting_url_for(user, c)
    ev = icalendar.Event()
    ev.add("uid", uid(c))
    ev.add("sequence", sequence(c))
    ev.add("dtstamp", utcnow())
    ev.add("dtstart", c.starts_at)
    ev.add("dtend", c.ends_at if c.ends_at and c.ends_at > c.starts_at else c.starts_at + timedelta(hours=1))
    ev.add("summary", ics_text(c.title))
    with force_locale(locale):
        where = scope(c.level, c.country, c.rec, locale)
    ev.add("description", ics_text("\n\n".join(p for p in (where, c.description, bridge, link) if p)))
    # A hybrid sitting's bridge is where the meeting is: the consultation has no physical venue
    # field, so LOCATION carries the bridge too (else the consultation's page, as before).
    ev.add("url", bridge or link)
    ev.add("location", ics_text(bridge or link))
    ev.add("status", "CONFIRMED")
    if c.updated_at:
        ev.add("last-modified", c.updated_at)
    return ev


def _calendar(name: str) -> "icalendar.Calendar":
    import icalendar
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # The library writes an X- property as given unless told it is text: without the vText a
    # line break in the name ended the property (and the file answered 500).
    cal.add("x-wr-calname", icalendar.vText(ics_text(name)))
    return cal


def consultation_ics(c: Consultation, locale: str = "en", user=None) -> str:
    """One VEVENT for the consultation's session (the caller checks it has a start time);
    the meeting link is written for a `user` who takes part (meeting_url_for)."""
    cal = _calendar(c.title)
    cal.add_component(_event(c, locale, user))
    return cal.to_ical().decode()


def feed_ics(consultations: list[Consultation], name: str, locale: str = "en", user=None) -> str:
    cal = _calendar(name)
    for c in consultations:
        if c.starts_at is not None:
            cal.add_component(_event(c, locale, user))
    return cal.to_ical().decode()
