"""Who may see and do what in a consultation, and the changes the secretariat makes to one.

This is the one service other features ask about access: can_view, get_visible,
participant_of, can_moderate. A consultation the actor may not see is reported exactly like a
missing one (NotFound), so its existence leaks nowhere.
"""
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import RECS, User
from app.accounts.services import require_secretariat
from app.consultations.event_types import (
    ScopeChanged,
    SessionRescheduled,
    SessionStatus,
)
from app.consultations.models import (
    CONSULTATION,
    CONSULTATION_DETAIL,
    LEVELS,
    MEETING_URL_MAX,
    STATUSES,
    VOTING_CONSTITUENCIES,
    Consultation,
    Participant,
    Theme,
)
from app.consultations.procedure import stored_rule
from app.consultations.voters import voting_groups
from app.core.countries import COUNTRIES
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.realtime import current_seq, open_room, record_event
from app.extensions import db

MAX_PAGE = 100


# --- access -----------------------------------------------------------------------------

def participant_of(actor: User | None, consultation: Consultation) -> Participant | None:
    if actor is None:
        return None
    return db.session.scalar(select(Participant).where(
        Participant.consultation_id == consultation.id, Participant.user_id == actor.id))


_LOOK_UP = object()


def can_view(actor: User | None, consultation: Consultation, participant=_LOOK_UP) -> bool:
    """Secretariat: always. Participants: once the consultation leaves draft.
    Anyone signed in: public consultations once they leave draft. A caller that has already
    looked up the actor's Participant row (or None) passes it to save the query."""
    if actor is None or not actor.is_active:
        return False
    if actor.is_secretariat:
        return True
    if consultation.status == "draft":
        return False
    if consultation.is_public:
        return True
    if participant is _LOOK_UP:
        participant = participant_of(actor, consultation)
    return participant is not None


def can_manage(actor: User | None, consultation: Consultation | None = None) -> bool:
    return actor is not None and actor.is_secretariat


def is_chair(actor: User | None, consultation: Consultation) -> bool:
    p = participant_of(actor, consultation)
    return p is not None and p.role == "chair"


def can_moderate(actor: User | None, consultation: Consultation) -> bool:
    """The secretariat or the consultation's chair runs the live session."""
    return can_manage(actor, consultation) or is_chair(actor, consultation)


def get_consultation(consultation_id) -> Consultation | None:
    if isinstance(consultation_id, bool) or not isinstance(consultation_id, int):
        return None
    return db.session.get(Consultation, consultation_id)


def get_visible(actor: User | None, consultation_id) -> Consultation:
    """The consultation if the actor may see it; NotFound for missing and forbidden alike."""
    return get_access(actor, consultation_id).consultation


@dataclass(frozen=True)
class Access:
    """What one actor may do in one consultation, read once: the consultation and the actor's
    participant row (None when not a participant), for every rule a request asks about."""
    actor: User
    consultation: Consultation
    participant: Participant | None

    @property
    def can_manage(self) -> bool:
        return can_manage(self.actor, self.consultation)

    @property
    def is_chair(self) -> bool:
        return self.participant is not None and self.participant.role == "chair"

    @property
    def can_moderate(self) -> bool:
        return self.can_manage or self.is_chair


def get_access(actor: User | None, consultation_id) -> Access:
    """The actor's access to a consultation they may see; NotFound for missing and forbidden
    alike. One query for the participant row, whatever the caller asks next."""
    c = get_consultation(consultation_id)
    p = participant_of(actor, c) if c is not None else None
    if c is None or not can_view(actor, c, p):
        raise NotFound("No such consultation.")
    return Access(actor, c, p)


def require_manage(actor: User, consultation: Consultation) -> None:
    if not can_manage(actor, consultation):
        raise Forbidden("Only the secretariat may change this consultation.")


def require_moderate(actor: User, consultation: Consultation) -> None:
    if not can_moderate(actor, consultation):
        raise Forbidden("Only the secretariat or the chair may do this.")


# --- listing ----------------------------------------------------------------------------

def visible_filter(actor: User):
    """The visibility rule as a SQL condition on Consultation (None: everything, secretariat).
    Search and the archive use it too, so the rule stays in one place."""
    if actor.is_secretariat:
        return None
    mine = select(Participant.consultation_id).where(Participant.user_id == actor.id)
    return (Consultation.status != "draft") & (Consultation.id.in_(mine) | Consultation.is_public)


def scope_conditions(filters: dict) -> list:
    """Filters on Consultation as SQL conditions: level, rec, country, theme (slug), year of the
    session, status (one value or a list). Used by listing, search and the archive."""
    out = []
    if filters.get("level"):
        out.append(Consultation.level == filters["level"])
    if filters.get("rec"):
        out.append(Consultation.rec == filters["rec"])
    if filters.get("country"):
        out.append(Consultation.country == filters["country"].upper())
    if filters.get("theme"):
        out.append(Consultation.themes.any(Theme.slug == filters["theme"]))
    if filters.get("year"):
        year = filters["year"]
        out.append(Consultation.starts_at >= datetime(year, 1, 1, tzinfo=UTC))
        out.append(Consultation.starts_at < datetime(year + 1, 1, 1, tzinfo=UTC))
    if filters.get("status"):
        status = filters["status"]
        out.append(Consultation.status.in_(status) if isinstance(status, (list, tuple)) else
                   Consultation.status == status)
    return out


def list_visible(actor: User, *, level=None, rec=None, country=None, theme=None, status=None,
                 q=None, year=None, mine_only=False, after=None, limit=50) -> tuple[list[Consultation], int | None]:
    """Consultations the actor may see, newest first, in pages; returns (items, next cursor)."""
    if year is not None and not 1900 <= year <= 2200:
        raise Invalid("year must be between 1900 and 2200.", {"year": "out of range"})
    stmt = select(Consultation).options(selectinload(Consultation.themes))
    vis = visible_filter(actor)
    if vis is not None:
        stmt = stmt.where(vis)
    if mine_only and not actor.is_secretariat:
        stmt = stmt.where(Consultation.id.in_(
            select(Participant.consultation_id).where(Participant.user_id == actor.id)))
    stmt = stmt.where(*scope_conditions({"level": level, "rec": rec, "country": country, "theme": theme,
                                         "status": status, "year": year}))
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Consultation.title.ilike(like), Consultation.description.ilike(like)))
    if after is not None:
        stmt = stmt.where(Consultation.id < after)
    limit = max(1, min(limit, MAX_PAGE))
    items = list(db.session.scalars(stmt.order_by(Consultation.id.desc()).limit(limit + 1)))
    nxt = items[limit - 1].id if len(items) > limit else None
    return items[:limit], nxt


def dashboard(actor: User) -> dict[str, list[Consultation]]:
    """The actor's own consultations split into live now, upcoming and past."""
    items, _ = list_visible(actor, mine_only=True, limit=MAX_PAGE)
    out = {"live": [], "upcoming": [], "past": []}
    for c in items:
        if c.status == "live":
            out["live"].append(c)
        elif c.status in ("draft", "scheduled"):
            out["upcoming"].append(c)
        else:
            out["past"].append(c)
    far = utcnow().replace(year=9000)
    out["upcoming"].sort(key=lambda c: c.starts_at or far)
    return out


# --- changes ----------------------------------------------------------------------------

def _themes(slugs: list[str]) -> list[Theme]:
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs))))
    missing = set(slugs) - {t.slug for t in themes}
    if missing:
        raise Invalid(_l("Unknown theme: %(themes)s.", themes=", ".join(sorted(missing))), {"themes": "unknown theme"})
    return themes


def _check_scope(level: str, country: str | None, rec: str | None) -> None:
    if level not in LEVELS:
        raise Invalid("level must be national, rec or continental.", {"level": "not an allowed value"})
    if level == "national" and (not country or country not in COUNTRIES):
        raise Invalid("A national consultation needs an ISO 3166 country code.", {"country": "required"})
    if level == "rec" and rec not in RECS:
        raise Invalid(_l("A REC consultation needs one of %(recs)s.", recs=", ".join(RECS)), {"rec": "required"})


SPEAKING_TIME_MAX = 7200


def check_speaking_time(name: str, value) -> int | None:
    """A time limit of a turn on the floor: None (no limit) or 1 to SPEAKING_TIME_MAX seconds."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= SPEAKING_TIME_MAX:
        raise Invalid(_l("%(name)s must be a number of seconds from 1 to %(max)s.", name=name, max=SPEAKING_TIME_MAX),
                      {name: "out of range"})
    return value


def _apply(c: Consultation, data: dict) -> None:
    for key in ("title", "description", "is_public"):
        if data.get(key) is not None:
            setattr(c, key, data[key])
    for key in ("starts_at", "ends_at"):
        if key in data:
            setattr(c, key, data[key])
    if data.get("level") is not None:
        c.level = data["level"]
    if "country" in data:
        c.country = data["country"].upper() if data["country"] else None
    if "rec" in data:
        c.rec = data["rec"] or None
    _check_scope(c.level, c.country, c.rec)
    if c.level != "national":
        c.country = None
    if c.level != "rec":
        c.rec = None
    if c.starts_at and c.ends_at and c.ends_at < c.starts_at:
        raise Invalid("The session cannot end before it starts.", {"ends_at": "before starts_at"})
    if "themes" in data and data["themes"] is not None:
        c.themes = _themes(data["themes"])
    if "meeting_url" in data:
        c.meeting_url = check_meeting_url(data["meeting_url"])
    if "speaking_time_s" in data:
        c.speaking_time_s = check_speaking_time("speaking_time_s", data["speaking_time_s"])
    if "rule" in data:
        c.default_rule = None if data["rule"] is None else stored_rule(data["rule"], voting_groups(c))
    if "voting_constituencies" in data and data["voting_constituencies"] is not None:
        voters = data["voting_constituencies"]
        if not voters or any(v not in VOTING_CONSTITUENCIES for v in voters):
            raise Invalid("voting_constituencies must name government, employers, workers or stakeholder.",
                          {"voting_constituencies": "not an allowed value"})
        c.voting_constituencies = list(dict.fromkeys(voters))


def check_meeting_url(value) -> str | None:
    """A hybrid sitting's bridge: an absolute http(s) URL with a host, one line, at most
    MEETING_URL_MAX characters; empty clears it. Invalid (field meeting_url) otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = value.strip() if isinstance(value, str) else ""
    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or len(value) > MEETING_URL_MAX or any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise Invalid(_l("The meeting link must be a web address starting with http:// or https://."),
                      {"meeting_url": "not an http(s) URL"})
    return value


def meeting_url_for(actor: User | None, c: Consultation) -> str | None:
    """The bridge is for those who sit: the secretariat and the participants (not every reader
    of a public consultation)."""
    if c.meeting_url is None or actor is None:
        return None
    return c.meeting_url if actor.is_secretariat or participant_of(actor, c) is not None else None


def create_consultation(actor: User, data: dict) -> Consultation:
    """Secretariat only; a new consultation starts in draft. With body_id it is a session of
    that standing body (its current members invited, its rule the default of motions)."""
    require_secretariat(actor)
    c = Consultation(title=data["title"], description=data.get("description") or "",
                     level=data.get("level"), status="draft", created_by_id=actor.id)
    _apply(c, data)
    db.session.add(c)
    db.session.flush()
    open_room(c.id)
    if data.get("body_id") is not None:
        _start_body_session(actor, c, data)
    return c


def _start_body_session(actor: User, c: Consultation, data: dict) -> None:
    """A session of a standing body: the bodies feature (above this layer) invites the body's
    current members and gives the consultation its rule, through the hook it registered."""
    from app.core.features import features_of
    hook = features_of().body_session
    if hook is None:
        raise Invalid("No such body.", {"body_id": "unknown body"})
    hook(actor, c, data["body_id"], data)


def update_consultation(actor: User, c: Consultation, data: dict) -> Consultation:
    """Secretariat only; a status change follows the lifecycle (Conflict otherwise)."""
    require_manage(actor, c)
    if c.status == "archived" and set(data) - {"status"}:
        raise Conflict("An archived consultation cannot be edited.")
    before, scope = (c.starts_at, c.ends_at), (c.level, c.country, c.rec)
    _apply(c, {k: v for k, v in data.items() if k != "status"})
    if (c.starts_at, c.ends_at) != before:
        record_event(c.id, SessionRescheduled(starts_at=isoformat(c.starts_at), ends_at=isoformat(c.ends_at)), actor)
    if (c.level, c.country, c.rec) != scope:
        record_event(c.id, ScopeChanged(level=c.level, country=c.country, rec=c.rec), actor)
    if "status" in data and data["status"] != c.status:
        change_status(actor, c, data["status"])
    db.session.flush()
    return c


def change_status(actor: User, c: Consultation, status: str) -> Consultation:
    """draft -> scheduled -> live -> closed -> archived, and closed -> live to reopen.
    The secretariat moves any step; the chair may open and close the live session."""
    if status not in STATUSES:
        raise Invalid("Unknown status.", {"status": "not an allowed value"})
    live_switch = {c.status, status} == {"live", "closed"} or (c.status, status) == ("scheduled", "live")
    if not (can_manage(actor, c) or (live_switch and is_chair(actor, c))):
        raise Forbidden("Only the secretariat may change the status of this consultation.")
    previous = c.status
    c.move_to(status)
    record_event(c.id, SessionStatus(status=status, previous=previous), actor)
    db.session.flush()
    return c


def list_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.id)))


def create_theme(actor: User, slug: str, name: str, description: str = "") -> Theme:
    """Secretariat only: add a theme to the managed list (slugs are unique)."""
    require_secretariat(actor)
    if db.session.scalar(select(Theme).where(Theme.slug == slug)):
        raise Conflict("A theme with this slug exists already.")
    t = Theme(slug=slug, name=name, description=description)
    db.session.add(t)
    db.session.flush()
    return t


def participants_by_constituency(c: Consultation) -> dict[str, list[Participant]]:
    order = ("government", "employers", "workers", "stakeholder", "secretariat", "observer")
    out: dict[str, list[Participant]] = {k: [] for k in order}
    for p in c.participants:
        out.setdefault(p.constituency, []).append(p)
    return {k: v for k, v in out.items() if v}


def serialize(c: Consultation, detail: bool = False, viewer: User | None = None) -> dict:
    """The JSON of a consultation: CONSULTATION, or with detail CONSULTATION_DETAIL (its
    meeting_url only when the viewer takes part, see meeting_url_for)."""
    data = {
        "id": c.id, "title": c.title, "description": c.description, "level": c.level,
        "country": c.country, "rec": c.rec, "status": c.status,
        "starts_at": isoformat(c.starts_at), "ends_at": isoformat(c.ends_at),
        "is_public": c.is_public, "themes": [t.slug for t in c.themes],
        "voting_constituencies": list(c.voting_constituencies or []), "rule": c.default_rule,
    }
    if detail:
        data["agenda"] = [i.to_dict() for i in c.agenda]
        data["participants"] = [p.to_dict() for p in c.participants]
        data["current_agenda_item_id"] = c.current_agenda_item_id
        data["last_seq"] = current_seq(c.id)
        data["meeting_url"] = meeting_url_for(viewer, c)
        data["speaking_time_s"] = c.speaking_time_s
        return CONSULTATION_DETAIL.dump(data)
    return CONSULTATION.dump(data)
