"""Who votes in a consultation: the one rule, read by votes (slots and ballots) and by
notifications (who is told that a vote is open, and reminded).

A voting *slot* is the participant record of a delegate (role "delegate") whose credentials the
secretariat accepted and whose organisation's constituency is one of the consultation's
voting_constituencies. Advisers vote only as a named deputy, in their delegate's slot (ILO
Constitution art. 3 and 4), so a delegate and their deputy never both count. A participant whose
role is "chair" does not vote as chair: in ILO bodies the presiding officer votes only as a
delegate (ILC Standing Orders art. 13 — the President does not vote), so a chair who should
vote keeps the role "delegate" and the secretariat or another chair runs the session.
"""
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.consultations.models import DEFAULT_VOTERS, Consultation, Participant
from app.extensions import db


def voting_groups(c: Consultation) -> list[str]:
    return list(c.voting_constituencies or DEFAULT_VOTERS)


def is_slot(p: Participant, c: Consultation) -> bool:
    return p.role == "delegate" and p.credentials == "accepted" and p.constituency in voting_groups(c)


def eligible_slots(c: Consultation) -> list[Participant]:
    rows = db.session.scalars(select(Participant).where(
        Participant.consultation_id == c.id, Participant.role == "delegate",
        Participant.credentials == "accepted"))
    return [p for p in rows if p.constituency in voting_groups(c)]


def entitled_rows(c: Consultation) -> list[dict]:
    """The voting slots as plain rows {id, group, country, organisation}: one query of columns,
    for counting and for the register a vote is decided on (thousands of voters)."""
    groups = voting_groups(c)
    rows = db.session.execute(
        select(Participant.id, Organisation.constituency, Organisation.country, Participant.organisation_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(Participant.consultation_id == c.id, Participant.role == "delegate",
               Participant.credentials == "accepted", Organisation.constituency.in_(groups))
        .order_by(Participant.id))
    return [{"id": pid, "group": g, "country": cc, "organisation": org} for pid, g, cc, org in rows]


def delegate_of(deputy: Participant) -> Participant | None:
    """The delegate a deputy stands in for, if the naming is still valid (same organisation)."""
    if deputy.deputy_of_id is None or deputy.role != "adviser":
        return None
    delegate = db.session.get(Participant, deputy.deputy_of_id)
    if delegate is None or delegate.consultation_id != deputy.consultation_id \
            or delegate.organisation_id != deputy.organisation_id:
        return None
    return delegate


def voters(c: Consultation, at=None) -> list[User]:
    """Everyone who may cast a ballot now: the delegates holding a slot, and the named deputies
    (accepted credentials) of a slot. `at`: only participants already invited then."""
    stmt = select(Participant).where(Participant.consultation_id == c.id)
    if at is not None:
        stmt = stmt.where(Participant.invited_at <= at)
    out = []
    for p in db.session.scalars(stmt.order_by(Participant.id)):
        if is_slot(p, c):
            out.append(p.user)
        elif p.credentials == "accepted" and (slot := delegate_of(p)) is not None and is_slot(slot, c):
            out.append(p.user)
    return out
