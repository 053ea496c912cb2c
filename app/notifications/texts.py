"""Words for notifications: each kind's sentence, dates in the reader's zone with the zone named."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask_babel import gettext as _

from app.core.countries import country_name
from app.core.labels import OUTCOME, STANCE, label


def zone(tz_name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_time(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def when(value, tz_name: str | None, locale: str = "en") -> str:
    """'Tuesday 3 March 2026, 09:00 Africa/Nairobi (UTC+03:00)': local time, zone named."""
    dt = parse_time(value)
    if dt is None:
        return ""
    tz = zone(tz_name)
    local = dt.astimezone(tz)
    offset = local.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    try:
        text = format_datetime(local, "EEEE d MMMM y, HH:mm", tzinfo=tz, locale=locale)
    except (ValueError, TypeError):
        text = local.strftime("%A %d %B %Y, %H:%M")
    if tz.key == "UTC":
        return f"{text} UTC"
    return f"{text} {tz.key} ({offset})"


def scope(level: str | None, country: str | None, rec: str | None, locale: str = "en") -> str:
    if level == "national":
        return _("National consultation, %(country)s", country=country_name(country, locale) or country or "")
    if level == "rec":
        return _("Regional consultation (%(rec)s)", rec=rec or "")
    return _("Continental consultation (African Union)")


def describe(kind: str, p: dict, tz_name: str | None, locale: str = "en") -> str:
    """The one-line text of a notification of this kind with these params."""
    title = p.get("title", "")
    t = {
        "invited": lambda: _("You are invited to %(title)s.", title=title),
        "session.scheduled": lambda: _("%(title)s is scheduled for %(when)s.", title=title,
                                       when=when(p.get("starts_at"), tz_name, locale)) if p.get("starts_at")
        else _("%(title)s is scheduled.", title=title),
        "session.rescheduled": lambda: _("%(title)s has moved: it now starts %(when)s.", title=title,
                                         when=when(p.get("starts_at"), tz_name, locale)) if p.get("starts_at")
        else _("The dates of %(title)s have changed.", title=title),
        "session.live": lambda: _("%(title)s is live now.", title=title),
        "document.opened": lambda: _("%(doc)s is open for comments until %(when)s (%(title)s).",
                                     doc=p.get("document", ""), title=title,
                                     when=when(p.get("comments_close_at"), tz_name, locale))
        if p.get("comments_close_at") else _("%(doc)s is open for comments (%(title)s).",
                                             doc=p.get("document", ""), title=title),
        "document.new": lambda: _("New document in %(title)s: %(doc)s.", title=title, doc=p.get("document", "")),
        "document.version": lambda: _("Version %(number)s of %(doc)s is out (%(title)s).",
                                      number=p.get("number", ""), doc=p.get("document", ""), title=title),
        "amendment.accepted": lambda: _("Your organisation's amendment to %(doc)s was accepted.",
                                        doc=p.get("document", "")),
        "amendment.rejected": lambda: _("Your organisation's amendment to %(doc)s was rejected.",
                                        doc=p.get("document", "")),
        "comment.reply": lambda: _("%(name)s replied to your comment in %(title)s.",
                                   name=p.get("name") or _("Someone"), title=title),
        "motion.opened": lambda: _("Vote open until %(when)s: %(question)s",
                                   when=when(p.get("closes_at"), tz_name, locale), question=p.get("question", "")),
        "motion.reminder": lambda: _("The vote closes %(when)s: %(question)s",
                                     when=when(p.get("closes_at"), tz_name, locale), question=p.get("question", "")),
        "minutes.circulated": lambda: _("The minutes of %(title)s are circulated; corrections until %(when)s.",
                                        title=title, when=when(p.get("deadline"), tz_name, locale))
        if p.get("deadline") else _("The minutes of %(title)s are circulated for corrections.", title=title),
        "minutes.adopted": lambda: _("The minutes of %(title)s are adopted.", title=title),
        # What people following a theme or a standing body are told (app/bodies/follows.py).
        "follow.consultation": lambda: _("New consultation under what you follow: %(title)s.", title=title),
        "follow.decision": lambda: _("Decision in %(title)s: %(question)s (%(outcome)s).", title=title,
                                     question=p.get("question", ""),
                                     outcome=label(OUTCOME, p.get("outcome"))),
        "follow.position": lambda: _("%(organisation)s took a position in %(title)s: %(stance)s.", title=title,
                                     organisation=p.get("organisation", ""),
                                     stance=label(STANCE, p.get("stance"))),
    }.get(kind)
    return t() if t else title
