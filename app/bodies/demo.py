"""Demo content: the LMAC as a standing advisory body with fictional member organisations (one
seat changing hands, so the history shows), two ordinary sessions and two engagement visits to
RECs across two years, each visit with its report as a document and positions filed on it, so a
newcomer's body and theme pages show a real timeline. Like the minutes' demo, it takes one other
feature's service (documents, for the reports), allowed in .importlinter for this module only."""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import Organisation
from app.accounts.services import create_organisation
from app.bodies import services
from app.bodies.models import StandingBody
from app.consultations import services as consultations
from app.consultations import participants as consultation_participants
from app.consultations import agenda as consultation_agenda
from app.consultations.models import Consultation
from app.extensions import db

NAME = "Labour Migration Advisory Committee"
# name, constituency, rec, seat — fictional organisations, generic names
MEMBERS = [
    ("EAC Secretariat, labour and employment desk (demo)", "stakeholder", "EAC", "Regional Economic Communities (East)"),
    ("ECOWAS Commission, free movement directorate (demo)", "stakeholder", "ECOWAS", "Regional Economic Communities (West)"),
    ("Continental parliament, committee on labour (demo)", "stakeholder", None, "Continental parliament"),
    ("Continental economic, social and cultural council (demo)", "stakeholder", None, "Continental civil society council"),
    ("Human and peoples' rights commission, migrants desk (demo)", "stakeholder", None, "Human rights commission"),
    ("Committee of experts on the rights of the child (demo)", "stakeholder", None, "Children's rights committee"),
    ("Pan-African trade union organisation (demo)", "workers", None, "Trade unions (1)"),
    ("Continental confederation of trade unions (demo)", "workers", None, "Trade unions (2)"),
    ("Continental employers' confederation (demo)", "employers", None, "Employers"),
    ("International labour agency, Africa office (demo)", "stakeholder", None, "International labour agency"),
    ("International migration agency, Africa office (demo)", "stakeholder", None, "International migration agency"),
    ("Regional economic commission for Africa (demo)", "stakeholder", None, "Economic commission"),
    ("African diaspora professionals' network (demo)", "stakeholder", None, "Diaspora organisations"),
    ("Association of women cross-border traders (demo)", "stakeholder", None, "Women cross-border traders"),
    ("Pan-African Labour Mobility Partnership (demo)", "stakeholder", None, "Universities and research institutions"),
]
FORMER = ("Diaspora workers' association (demo)", "stakeholder", "Diaspora organisations")
THEMES = ["tripartite-dialogue", "free-circulation", "labour-migration-data"]
AGENDA = {
    "rec": ["The JLMP priority and the committee's mandate", "Migrant workers' labour market situation",
            "Policies, legal and institutional frameworks", "Way forward"],
    "continental": ["Adoption of the agenda", "Reports of the engagement visits", "Work plan"],
}


def _org(sec, name: str, constituency: str, rec: str | None) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name))
    return org or create_organisation(sec, name, constituency, None, rec)


def _session(sec, body, title: str, when: datetime, level: str, rec: str | None, guests: list) -> Consultation:
    c = consultations.create_consultation(sec, {
        "title": title, "level": level, "rec": rec, "starts_at": when, "ends_at": when + timedelta(hours=6),
        "themes": THEMES, "body_id": body.id,
        "description": "Engagement visit: the committee meets the REC, its member states and social partners."
        if level == "rec" else "Ordinary session of the committee."})
    for title in AGENDA[level]:
        consultation_agenda.add_agenda_item(sec, c, title)
    for u in guests:
        consultation_participants.invite(sec, c, user_id=u.id)
    for p in c.participants:
        consultation_participants.update_participant(sec, c, p.id, credentials="accepted")
    return c


def _visit_report(sec, c: Consultation, users: dict, stances: dict) -> None:
    from app.documents import contributions, services as documents
    c.status = "live"  # the visit's positions are filed while it runs; no notices for a past visit
    doc = documents.create_document(sec, c.id, {
        "title": f"Mission report: {c.title}", "status": "open", "note": "Report of the mission",
        "body": "## Findings\n\nThe mission met the REC secretariat, labour ministries and social partners.\n\n"
                "## Recommendations\n\n1. Regular capacity building for the REC.\n"
                "2. Closer coordination of partners on labour migration data.\n"})
    for key, stance in stances.items():
        contributions.file_position(users[key], doc.id, stance, "Our position on the mission's recommendations.")
    documents.update_document(sec, doc.id, {"status": "final"})
    c.status = "closed"


def seed_bodies(consultations_by_key: dict, users: dict) -> None:
    """The LMAC with its members, sessions and visits; does nothing when it exists."""
    if db.session.scalar(select(StandingBody.id).where(StandingBody.name == NAME)):
        return
    sec = users["secretariat"]
    year = datetime.now(UTC).year
    body = services.create_body(sec, {
        "name": NAME, "acronym": "LMAC", "kind": "advisory", "level": "continental", "rule": "consensus",
        "voting_constituencies": ["government", "employers", "workers", "stakeholder"],
        "description": "Advises member states, the AU and the RECs on labour migration governance; its "
                       "members come from the RECs, AU organs, social partners, international organisations, "
                       "research, the diaspora and women cross-border traders."})
    start = date(year - 2, 1, 1)
    former = _org(sec, FORMER[0], FORMER[1], None)
    services.add_member(sec, body, {"organisation_id": former.id, "seat": FORMER[2], "term_start": start,
                                    "term_end": date(year - 2, 12, 31)})
    for name, constituency, rec, seat in MEMBERS:
        org = _org(sec, name, constituency, rec)
        begins = date(year - 1, 1, 1) if seat == FORMER[2] else start
        services.add_member(sec, body, {"organisation_id": org.id, "seat": seat, "term_start": begins,
                                        "term_end": date(year + 1, 12, 31)})
    ke = [users[k] for k in ("gov.ke", "emp.ke", "wrk.ke")]
    west = [users[k] for k in ("gov.gh", "emp.gh", "wrk.gh", "gov.sn")]
    first = _session(sec, body, "LMAC: ordinary session", datetime(year - 2, 3, 10, 8, tzinfo=UTC), "continental", None, [])
    visit_east = _session(sec, body, "LMAC engagement visit to the EAC", datetime(year - 2, 9, 15, 8, tzinfo=UTC),
                          "rec", "EAC", ke)
    second = _session(sec, body, "LMAC: ordinary session", datetime(year - 1, 3, 9, 8, tzinfo=UTC), "continental", None, [])
    visit_west = _session(sec, body, "LMAC engagement visit to ECOWAS", datetime(year - 1, 6, 20, 8, tzinfo=UTC),
                          "rec", "ECOWAS", west)
    for c in (first, second):
        c.status = "closed"
    _visit_report(sec, visit_east, users, {"gov.ke": "support", "emp.ke": "support_with_amendments",
                                           "wrk.ke": "support"})
    _visit_report(sec, visit_west, users, {"gov.gh": "support", "emp.gh": "oppose", "wrk.gh": "support",
                                           "gov.sn": "support_with_amendments"})
    db.session.flush()
