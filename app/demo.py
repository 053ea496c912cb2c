"""Demo data: fictional organisations and people, three consultations on labour migration.

seed_demo() is idempotent: it finds records by their natural keys and creates what is missing.
Features add their own demo content in their init_app (app.core.features: `demo`, called with
the consultations and users by key)."""
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.accounts.services import hash_password
from app.consultations.event_types import SessionStatus
from app.consultations.models import AgendaItem, Consultation, Participant, Theme
from app.core.features import features_of
from app.core.realtime import RoomEvent, record_event
from app.extensions import db

THEMES = [
    ("international-labour-standards", "Ratification and application of international labour standards"),
    ("free-circulation", "Free circulation regimes"),
    ("labour-institutions", "Labour institutions in migration governance"),
    ("tripartite-dialogue", "Tripartite policy dialogue"),
    ("decent-work-migrants", "Decent work for migrant workers"),
    ("social-security-portability", "Social security extension and portability"),
    ("skills-recognition", "Skills and recognition of qualifications"),
    ("labour-migration-data", "Labour migration and labour market data"),
]

ORGANISATIONS = {
    "secretariat": ("Consultation Secretariat (demo)", "secretariat", None, None),
    "gov.ke": ("Ministry of Labour, Kenya (demo)", "government", "KE", "EAC"),
    "emp.ke": ("Kenya Employers' Council (demo)", "employers", "KE", "EAC"),
    "wrk.ke": ("Kenya Workers' Union Federation (demo)", "workers", "KE", "EAC"),
    "gov.gh": ("Ministry of Employment, Ghana (demo)", "government", "GH", "ECOWAS"),
    "emp.gh": ("Ghana Employers' Forum (demo)", "employers", "GH", "ECOWAS"),
    "wrk.gh": ("Ghana Labour Congress (demo)", "workers", "GH", "ECOWAS"),
    "gov.sn": ("Ministère du Travail, Sénégal (démo)", "government", "SN", "ECOWAS"),
    "emp.sn": ("Conseil des employeurs du Sénégal (démo)", "employers", "SN", "ECOWAS"),
    "wrk.sn": ("Union des travailleurs du Sénégal (démo)", "workers", "SN", "ECOWAS"),
    "observer": ("Regional Migration Observatory (demo)", "observer", None, None),
    "stakeholder": ("Pan-African Labour Mobility Partnership (demo)", "stakeholder", None, None),
}

# The delegates: one per side in each demo country, named in the country's working language.
_SIDES = {"gov": ("Government delegate, {}", "Délégué gouvernemental, {}"),
          "emp": ("Employers' delegate, {}", "Délégué des employeurs, {}"),
          "wrk": ("Workers' delegate, {}", "Délégué des travailleurs, {}")}
_COUNTRIES = {"ke": ("Kenya", "en"), "gh": ("Ghana", "en"), "sn": ("Sénégal", "fr")}
USERS = [
    ("secretariat", "Secretariat officer", "secretariat", "en"),
    *[(f"{side}.{cc}", labels[lang == "fr"].format(country), "delegate", lang)
      for cc, (country, lang) in _COUNTRIES.items() for side, labels in _SIDES.items()],
    ("observer", "Observer, migration observatory", "observer", "en"),
    ("stakeholder", "Stakeholder member, labour mobility partnership", "delegate", "en"),
]

CONSULTATIONS = {
    "ke": {
        "title": "Kenya: national tripartite consultation on the labour migration policy review",
        "description": "The Ministry, employers and workers review the draft national labour migration "
                       "policy: bilateral labour agreements, fair recruitment and the protection of "
                       "Kenyan workers abroad.",
        "level": "national", "country": "KE", "rec": None, "status": "scheduled", "start_days": 7,
        "themes": ["tripartite-dialogue", "decent-work-migrants", "labour-institutions"],
        "members": ["gov.ke", "emp.ke", "wrk.ke"],
        "agenda": ["Opening and adoption of the agenda", "Draft policy: bilateral labour agreements",
                   "Fair recruitment and the zero-fees principle", "Any other business"],
    },
    "ecowas": {
        "title": "ECOWAS: regional consultation on the portability of social security benefits",
        "description": "Member states and social partners discuss a regional framework so that migrant "
                       "workers keep their pension and health rights when they move within ECOWAS.",
        "level": "rec", "country": None, "rec": "ECOWAS", "status": "live", "start_days": 0,
        "themes": ["social-security-portability", "free-circulation"],
        "members": ["gov.gh", "emp.gh", "wrk.gh", "gov.sn", "emp.sn", "wrk.sn"],
        "agenda": ["Opening remarks by the chair", "Draft framework on portability of benefits",
                   "Data exchange between social security institutions", "Conclusions and next steps"],
    },
    "au": {
        "title": "African Union: continental dialogue on skills and recognition of qualifications",
        "description": "A continental exchange on mutual recognition of skills and qualifications, and "
                       "on comparable labour migration statistics, with all RECs and social partners.",
        "level": "continental", "country": None, "rec": None, "status": "scheduled", "start_days": 21,
        "themes": ["skills-recognition", "labour-migration-data", "free-circulation"],
        "members": [key for key in ORGANISATIONS if key not in ("secretariat", "observer")],
        "agenda": ["Opening", "Continental qualifications framework: state of play",
                   "Labour migration statistics: the next report", "Recommendations to the AU"],
    },
}

def email_for(key: str) -> str:
    return f"{key}@baraza.example"


def _get_or_create(model, defaults: dict, **keys):
    obj = db.session.scalar(select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **defaults)
        db.session.add(obj)
        db.session.flush()
    return obj


def seed_demo(password: str | None) -> list[tuple[str, str, str]]:
    """Create what is missing and set every demo password; return (email, role, password)."""
    for slug, name in THEMES:
        _get_or_create(Theme, {"name": name, "description": ""}, slug=slug)
    orgs = {key: _get_or_create(Organisation, {"constituency": c, "country": country, "rec": rec}, name=name)
            for key, (name, c, country, rec) in ORGANISATIONS.items()}
    users, logins = {}, []
    for key, name, role, lang in USERS:
        user = _get_or_create(User, {"name": name, "role": role, "organisation_id": orgs[key].id,
                                     "language": lang}, email=email_for(key))
        pw = password or secrets.token_urlsafe(12)
        user.password_hash = hash_password(pw)
        user.is_active = True
        users[key] = user
        logins.append((user.email, role, pw))
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    consultations = {}
    for key, spec in CONSULTATIONS.items():
        c = db.session.scalar(select(Consultation).where(Consultation.title == spec["title"]))
        if c is None:
            starts = now + timedelta(days=spec["start_days"], hours=1 if spec["start_days"] else -1)
            c = Consultation(title=spec["title"], description=spec["description"], level=spec["level"],
                             country=spec["country"], rec=spec["rec"], status=spec["status"],
                             starts_at=starts, ends_at=starts + timedelta(hours=6),
                             created_by_id=users["secretariat"].id,
                             voting_constituencies=["government", "employers", "workers"])
            c.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(spec["themes"]))))
            db.session.add(c)
            db.session.flush()
            for pos, title in enumerate(spec["agenda"], start=1):
                db.session.add(AgendaItem(consultation_id=c.id, position=pos, title=title))
        members = spec["members"] + ["observer", "secretariat"]
        existing = set(db.session.scalars(select(Participant.user_id).where(Participant.consultation_id == c.id)))
        for member in members:
            user = users[member]
            if user.id in existing:
                continue
            role = {"secretariat": "chair", "observer": "observer"}.get(member, "delegate")
            db.session.add(Participant(consultation_id=c.id, user_id=user.id, organisation_id=user.organisation_id,
                                       role=role, credentials="accepted", invited_by_id=users["secretariat"].id))
        consultations[key] = c
        if spec["status"] == "live" and not db.session.scalar(select(RoomEvent.id).where(
                RoomEvent.consultation_id == c.id, RoomEvent.type == SessionStatus.type)):
            # the live demo consultation sits now: its sitting opens, so the attendance register,
            # the roll call and the hall screen's quorum have a sitting to count
            db.session.flush()
            record_event(c.id, SessionStatus(status="live", previous="scheduled"), users["secretariat"])
    db.session.flush()
    for hook in features_of().demo:
        hook(consultations, users)
    db.session.flush()
    return logins
