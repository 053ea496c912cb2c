"""A body as the API and the pages show it: members current and past, sessions in order with
the members of their day and their minutes, documents and decisions (from the read model)."""
from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.bodies import services
from app.bodies.models import BodyMember, StandingBody, ThemeRecord
from app.core.db import isoformat
from app.core.shapes import ANY, BOOL, DATETIME, INT, STR, Shape, any_of, list_of, map_of, nullable
from app.extensions import db

DAY = STR  # YYYY-MM-DD
MEMBER = Shape("BodyMember", {
    "id": INT, "organisation": Shape("MemberOrganisation", {"id": INT, "name": STR, "constituency": STR}),
    "seat": STR, "term_start": DAY, "term_end": nullable(DAY), "current": BOOL})
RECORD_REF = Shape("SessionRecordRef", {"id": INT, "title": STR}, optional={"outcome": nullable(STR)})
SESSION = Shape("BodySession", {
    "consultation_id": INT, "title": STR, "status": STR, "level": STR, "rec": nullable(STR),
    "country": nullable(STR), "date": DAY, "starts_at": nullable(DATETIME), "members": list_of(MEMBER),
    "minutes": list_of(RECORD_REF), "documents": list_of(RECORD_REF), "decisions": list_of(RECORD_REF)})
BODY = Shape("StandingBody", {
    "id": INT, "name": STR, "acronym": STR, "kind": STR, "level": STR, "country": nullable(STR),
    "rec": nullable(STR), "rule": nullable(any_of(STR, map_of(ANY))), "voting_constituencies": list_of(STR),
    "stakeholders_vote": BOOL, "description": STR}, optional={
    "current_members": INT, "members": list_of(MEMBER), "sessions": list_of(SESSION)},
    description="A standing body; its members (current and past) and sessions with the members of their day "
                "when read one at a time.")


def member_dict(m: BodyMember, day: date) -> dict:
    return MEMBER.dump({"id": m.id, "organisation": {"id": m.organisation.id, "name": m.organisation.name,
                                         "constituency": m.organisation.constituency},
            "seat": m.seat or m.organisation.name, "term_start": m.term_start.isoformat(),
            "term_end": m.term_end.isoformat() if m.term_end else None, "current": m.sits_on(day)})


def session_records(consultation_ids: list[int]) -> dict[int, dict[str, list[dict]]]:
    """Minutes, documents and decisions of these consultations, by consultation and kind."""
    out: dict[int, dict[str, list[dict]]] = {cid: {"minutes": [], "documents": [], "decisions": []}
                                             for cid in consultation_ids}
    if not consultation_ids:
        return out
    plural = {"minutes": "minutes", "document": "documents", "decision": "decisions"}
    rows = db.session.scalars(select(ThemeRecord).where(
        ThemeRecord.consultation_id.in_(consultation_ids), ThemeRecord.kind.in_(tuple(plural)))
        .order_by(ThemeRecord.id))
    for r in rows:
        item = {"id": r.ref_id, "title": r.title}
        if r.kind == "decision":
            item["outcome"] = r.outcome
        out[r.consultation_id][plural[r.kind]].append(item)
    return out


def body_dict(body: StandingBody, reader: User, detail: bool = False) -> dict:
    day = services.today()
    data = {"id": body.id, "name": body.name, "acronym": body.acronym, "kind": body.kind, "level": body.level,
            "country": body.country, "rec": body.rec, "rule": body.rule,
            "voting_constituencies": list(body.voting_constituencies or []),
            "stakeholders_vote": "stakeholder" in (body.voting_constituencies or []),
            "description": body.description}
    if not detail:
        data["current_members"] = len(services.members_on(body, day))
        return BODY.dump(data)
    data["members"] = [member_dict(m, day) for m in body.members]
    held = services.sessions(reader, body)
    records = session_records([c.id for c, _ in held])
    data["sessions"] = []
    for c, link in held:
        on = services.session_day(c, link)
        data["sessions"].append({
            "consultation_id": c.id, "title": c.title, "status": c.status, "level": c.level, "rec": c.rec,
            "country": c.country, "date": on.isoformat(), "starts_at": isoformat(c.starts_at),
            "members": [member_dict(m, on) for m in services.members_on(body, on)], **records[c.id]})
    return BODY.dump(data)
