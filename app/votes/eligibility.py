"""Deputies, and the slot a person votes in. The rule of who votes is the consultation's
(app.consultations.voters)."""
from sqlalchemy import select, update

from app.consultations.models import Consultation, Participant
from app.consultations.services import participant_of
from app.consultations.voters import delegate_of, eligible_slots, entitled_rows, voting_groups
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.realtime import record_event
from app.votes.event_types import DeputyChanged
from app.extensions import db

__all__ = ["delegate_of", "eligible_slots", "voting_groups", "eligible_by_group", "slot_for", "can_vote",
           "deputy_for", "name_deputy", "remove_deputy"]


def eligible_by_group(c: Consultation, rows: list[dict] | None = None) -> dict[str, int]:
    out = {g: 0 for g in voting_groups(c)}
    for row in entitled_rows(c) if rows is None else rows:
        out[row["group"]] += 1
    return out


def slot_for(actor, c: Consultation, participant: Participant | None = None, *, known: bool = False) -> Participant:
    """The slot the actor votes in: their own as a delegate, or their delegate's as a deputy.
    known=True: `participant` is the actor's row as already read (None: not a participant).

    Raises Forbidden when the actor has no vote (not a delegate or deputy, credentials not
    accepted, or a constituency without a vote in this consultation)."""
    p = participant if known else participant_of(actor, c)
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
    record_event(c.id, DeputyChanged(delegate_participant_id=me.id, deputy_participant_id=target.id,
                                     deputy_user_id=target.user_id), actor)
    return target


def remove_deputy(actor, c: Consultation) -> None:
    """A delegate withdraws the naming of their deputy (Forbidden for anyone else)."""
    me = participant_of(actor, c)
    if me is None or me.role != "delegate":
        raise Forbidden("Only a delegate may withdraw a deputy.")
    db.session.execute(update(Participant).where(Participant.deputy_of_id == me.id).values(deputy_of_id=None),
                       execution_options={"synchronize_session": "fetch"})
    db.session.flush()
    record_event(c.id, DeputyChanged(delegate_participant_id=me.id, deputy_participant_id=None, deputy_user_id=None),
                 actor)
