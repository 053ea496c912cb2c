"""Who votes in a consultation, and deputies (substitutes) voting in a delegate's place.

A voting *slot* is the participant record of a delegate (role "delegate") whose credentials the
secretariat accepted and whose organisation's constituency is one of the consultation's
voting_constituencies. Advisers vote only as a named deputy, in their delegate's slot (ILO
Constitution art. 3 and 4), so a delegate and their deputy never both count. A participant whose
role is "chair" does not vote as chair: in ILO bodies the presiding officer votes only as a
delegate (ILC Standing Orders art. 13 — the President does not vote), so a chair who should
vote keeps the role "delegate" and the secretariat or another chair runs the session.
"""
from sqlalchemy import select, update

from app.consultations.models import DEFAULT_VOTERS, Consultation, Participant
from app.consultations.services import participant_of
from app.core.errors import Conflict, Forbidden, Invalid
from app.extensions import db


def voting_groups(c: Consultation) -> list[str]:
    return list(c.voting_constituencies or DEFAULT_VOTERS)


def eligible_slots(c: Consultation) -> list[Participant]:
    rows = db.session.scalars(select(Participant).where(
        Participant.consultation_id == c.id, Participant.role == "delegate",
        Participant.credentials == "accepted"))
    return [p for p in rows if p.constituency in voting_groups(c)]


def eligible_by_group(c: Consultation) -> dict[str, int]:
    out = {g: 0 for g in voting_groups(c)}
    for p in eligible_slots(c):
        out[p.constituency] += 1
    return out


def delegate_of(deputy: Participant) -> Participant | None:
    """The delegate a deputy stands in for, if the naming is still valid (same organisation)."""
    if deputy.deputy_of_id is None or deputy.role != "adviser":
        return None
    delegate = db.session.get(Participant, deputy.deputy_of_id)
    if delegate is None or delegate.consultation_id != deputy.consultation_id \
            or delegate.organisation_id != deputy.organisation_id:
        return None
    return delegate


def slot_for(actor, c: Consultation) -> Participant:
    """The slot the actor votes in: their own as a delegate, or their delegate's as a deputy.

    Raises Forbidden when the actor has no vote (not a delegate or deputy, credentials not
    accepted, or a constituency without a vote in this consultation)."""
    p = participant_of(actor, c)
    if p is None:
        raise Forbidden("Only delegates with accepted credentials vote.")
    if p.role == "delegate":
        slot = p
    else:
        slot = delegate_of(p)
        if slot is None:
            raise Forbidden("Only delegates vote; an adviser votes only when named deputy by their delegate.")
        if p.credentials != "accepted":
            raise Forbidden("Your credentials as deputy have not been accepted.")
    if slot.credentials != "accepted":
        raise Forbidden("Only delegates with accepted credentials vote.")
    if slot.constituency not in voting_groups(c):
        raise Forbidden("Your constituency has no vote in this consultation.")
    return slot


def can_vote(actor, c: Consultation) -> bool:
    try:
        slot_for(actor, c)
    except Forbidden:
        return False
    return True


def deputy_for(slot: Participant) -> Participant | None:
    return db.session.scalar(select(Participant).where(
        Participant.deputy_of_id == slot.id, Participant.role == "adviser",
        Participant.organisation_id == slot.organisation_id))


def name_deputy(actor, c: Consultation, user_id) -> Participant:
    """A delegate names an adviser of their own organisation, taking part in this consultation,
    as their deputy; a previous deputy of that delegate stops being one.

    Raises Forbidden (caller is not a delegate here), Invalid (the user is not an adviser of
    the same organisation taking part), Conflict (archived consultation, or the adviser is
    deputy for another delegate)."""
    me = participant_of(actor, c)
    if me is None or me.role != "delegate":
        raise Forbidden("Only a delegate may name a deputy.")
    if c.status == "archived":
        raise Conflict("An archived consultation cannot change.")
    target = None
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        target = db.session.scalar(select(Participant).where(
            Participant.consultation_id == c.id, Participant.user_id == user_id))
    if target is None:
        raise Invalid("The deputy must take part in this consultation.", {"user_id": "not a participant"})
    if target.organisation_id != me.organisation_id:
        raise Invalid("The deputy must be of your own organisation.", {"user_id": "another organisation"})
    if target.role != "adviser":
        raise Invalid("The deputy must be an adviser of your delegation.", {"user_id": "not an adviser"})
    if target.deputy_of_id not in (None, me.id):
        other = db.session.get(Participant, target.deputy_of_id)
        if other is not None and other.consultation_id == c.id:
            raise Conflict("This adviser is deputy for another delegate already.")
    db.session.execute(update(Participant).where(Participant.deputy_of_id == me.id, Participant.id != target.id)
                       .values(deputy_of_id=None), execution_options={"synchronize_session": "fetch"})
    target.deputy_of_id = me.id
    db.session.flush()
    return target


def remove_deputy(actor, c: Consultation) -> None:
    """A delegate withdraws the naming of their deputy (Forbidden for anyone else)."""
    me = participant_of(actor, c)
    if me is None or me.role != "delegate":
        raise Forbidden("Only a delegate may withdraw a deputy.")
    db.session.execute(update(Participant).where(Participant.deputy_of_id == me.id).values(deputy_of_id=None),
                       execution_options={"synchronize_session": "fetch"})
    db.session.flush()
