"""Standing bodies: creating one, its members' terms, its sessions, and what a reader sees of it.

Rules: the secretariat creates bodies and adds members; anyone signed in reads them. A member's
term may not overlap another term on the same seat, nor another term of the same organisation
in the same body (Invalid, field `term_start`); a deactivated organisation (one whose accounts
are all deactivated; Baraza has no other organisation switch) or one outside the body's level
(app/bodies/scope.py) is refused (field `organisation_id`); the body's rule must be one the
votes feature can apply (app/bodies/rules.py, field `rule`). A session of a body is a
consultation the reader may see like any other (the consultations access service decides).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import RECS, Organisation, User
from app.accounts.services import require_secretariat
from app.bodies.models import KINDS, BodyMember, BodySession, StandingBody
from app.bodies.rules import check_rule
from app.bodies.scope import may_sit
from app.consultations.models import LEVELS, VOTING_CONSTITUENCIES, Consultation
from app.consultations.services import visible_filter
from app.consultations.participants import invite
from app.core.countries import COUNTRIES
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db


def today() -> date:
    return utcnow().date()


def list_bodies() -> list[StandingBody]:
    return list(db.session.scalars(select(StandingBody).order_by(StandingBody.name)))


def body_choices() -> list[tuple[int, str]]:
    """Every standing body, for the new-consultation page's picker: name (acronym)."""
    return [(b.id, f"{b.name} ({b.acronym})" if b.acronym else b.name) for b in list_bodies()]


def get_body(body_id) -> StandingBody:
    body = db.session.get(StandingBody, body_id) if isinstance(body_id, int) and not isinstance(body_id, bool) else None
    if body is None:
        raise NotFound("No such body.")
    return body


def _check_scope(level: str, country: str | None, rec: str | None) -> tuple[str | None, str | None]:
    if level not in LEVELS:
        raise Invalid("level must be national, rec or continental.", {"level": "not an allowed value"})
    if level == "national":
        if not country or country.upper() not in COUNTRIES:
            raise Invalid(_l("A national body needs an ISO 3166 country code."), {"country": "required"})
        return country.upper(), None
    if level == "rec":
        if rec not in RECS:
            raise Invalid(_l("A REC body needs one of %(recs)s.", recs=", ".join(RECS)), {"rec": "required"})
        return None, rec
    return None, None


def create_body(actor: User, data: dict) -> StandingBody:
    """Secretariat only. Invalid for a wrong kind, level or scope, or a rule that cannot be
    applied; Conflict when the name is taken."""
    require_secretariat(actor)
    if data.get("kind") not in KINDS:
        raise Invalid("kind must be tripartite or advisory.", {"kind": "not an allowed value"})
    country, rec = _check_scope(data.get("level"), data.get("country"), data.get("rec"))
    voters = data.get("voting_constituencies") or ["government", "employers", "workers"]
    if any(v not in VOTING_CONSTITUENCIES for v in voters):
        raise Invalid("voting_constituencies must name government, employers, workers or stakeholder.",
                      {"voting_constituencies": "not an allowed value"})
    rule = check_rule(data.get("rule"), list(voters))
    if db.session.scalar(select(StandingBody.id).where(StandingBody.name == data["name"])):
        raise Conflict(_l("A body with this name exists already."))
    body = StandingBody(name=data["name"], acronym=data.get("acronym") or "", kind=data["kind"],
                        level=data["level"], country=country, rec=rec, rule=rule,
                        voting_constituencies=list(dict.fromkeys(voters)),
                        description=data.get("description") or "", created_by_id=actor.id)
    db.session.add(body)
    db.session.flush()
    return body


def is_deactivated(org: Organisation) -> bool:
    """An organisation whose accounts have all been deactivated (it has at least one)."""
    return bool(org.users) and not any(u.is_active for u in org.users)


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def add_member(actor: User, body: StandingBody, data: dict) -> BodyMember:
    """Secretariat only: an organisation's term on a seat (the organisation's name when no seat
    is given). Invalid: unknown, deactivated or out-of-level organisation (organisation_id), a
    term ending before it starts (term_end), a term overlapping another on the same seat or of
    the same organisation (term_start)."""
    require_secretariat(actor)
    org = db.session.get(Organisation, data.get("organisation_id"))
    if org is None:
        raise Invalid("No such organisation.", {"organisation_id": "unknown organisation"})
    if is_deactivated(org):
        raise Invalid(_l("%(name)s is deactivated and cannot sit on a body.", name=org.name),
                      {"organisation_id": "deactivated"})
    if not may_sit(body.level, body.country, body.rec, org.country, org.rec):
        raise Invalid(_l("%(name)s does not belong to this body's level or region.", name=org.name),
                      {"organisation_id": "wrong level"})
    start, end = data["term_start"], data.get("term_end")
    if end is not None and end < start:
        raise Invalid(_l("A term cannot end before it starts."), {"term_end": "before term_start"})
    seat = data.get("seat") or ""
    for m in body.members:
        same_seat = seat and m.seat == seat
        if (same_seat or m.organisation_id == org.id) and _overlaps(start, end, m.term_start, m.term_end):
            raise Invalid(_l("This term overlaps the term of %(name)s (%(start)s to %(end)s) on the same seat.",
                             name=m.organisation.name, start=m.term_start.isoformat(),
                             end=m.term_end.isoformat() if m.term_end else "…"),
                          {"term_start": "overlaps another term"})
    member = BodyMember(body_id=body.id, organisation_id=org.id, seat=seat, term_start=start, term_end=end)
    member.organisation = org
    body.members.append(member)
    db.session.flush()
    return member


def members_on(body: StandingBody, day: date) -> list[BodyMember]:
    """The members sitting on that day (the history answers for any day)."""
    return [m for m in body.members if m.sits_on(day)]


def session_day(c: Consultation, link: BodySession) -> date:
    return c.starts_at.date() if c.starts_at else link.held_on


def start_session(actor: User, c: Consultation, body_id, data: dict) -> None:
    """The hook consultations calls for `POST /consultations` with body_id (registered in
    init_app): the consultation becomes a session of the body, the organisations sitting on the
    session's day are invited, the body's rule becomes the default of its motions, and its
    voting constituencies apply unless the request named others. Invalid: unknown body."""
    body = db.session.get(StandingBody, body_id) if isinstance(body_id, int) and not isinstance(body_id, bool) else None
    if body is None:
        raise Invalid("No such body.", {"body_id": "unknown body"})
    link = BodySession(consultation_id=c.id, body_id=body.id, held_on=today())
    db.session.add(link)
    if c.default_rule is None:
        c.default_rule = body.rule
    if not data.get("voting_constituencies"):
        c.voting_constituencies = list(body.voting_constituencies)
    for m in members_on(body, session_day(c, link)):
        invite(actor, c, organisation_id=m.organisation_id)
    db.session.flush()


def body_of(consultation_id: int) -> tuple[StandingBody, BodySession] | None:
    row = db.session.execute(select(StandingBody, BodySession).join(
        BodySession, BodySession.body_id == StandingBody.id).where(
        BodySession.consultation_id == consultation_id)).first()
    return (row[0], row[1]) if row else None


def sessions(actor: User, body: StandingBody) -> list[tuple[Consultation, BodySession]]:
    """The body's sessions the actor may see, oldest first (by start, then creation)."""
    stmt = select(Consultation, BodySession).join(BodySession, BodySession.consultation_id == Consultation.id) \
        .where(BodySession.body_id == body.id)
    vis = visible_filter(actor)
    if vis is not None:
        stmt = stmt.where(vis)
    rows = list(db.session.execute(stmt))
    return sorted(((c, s) for c, s in rows), key=lambda cs: (session_day(*cs), cs[0].id))
