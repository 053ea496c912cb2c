"""Who takes part in a consultation: invitations, credentials, roles and removal, decided by the
secretariat. Every decision is recorded as an event (participant.invited, .updated, .withdrawn)
for the audit page, the minutes and the notifications."""
from sqlalchemy import select

from app.accounts.models import Organisation, User
from app.consultations.event_types import ParticipantInvited, ParticipantUpdated, ParticipantWithdrawn
from app.consultations.models import CREDENTIALS, PARTICIPANT_ROLES, Consultation, Participant
from app.consultations.services import require_manage
from app.core.errors import Conflict, Invalid, NotFound
from app.core.realtime import record_event
from app.extensions import db


def _default_role(user: User) -> str:
    return {"secretariat": "chair", "delegate": "delegate", "adviser": "adviser"}.get(user.role, "observer")


def invite(actor: User, c: Consultation, organisation_id: int | None = None,
           user_id: int | None = None, role: str | None = None) -> list[Participant]:
    """Secretariat only: add one user, or every active user of an organisation, as participants.
    Users who already take part are left as they are; the new records are returned."""
    require_manage(actor, c)
    if c.status == "archived":
        raise Conflict("An archived consultation takes no new participants.")
    if (organisation_id is None) == (user_id is None):
        raise Invalid("Give organisation_id or user_id.", {"organisation_id": "one of organisation_id, user_id"})
    if role is not None and role not in PARTICIPANT_ROLES:
        raise Invalid("Unknown participant role.", {"role": "not an allowed value"})
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None:
            raise Invalid("No such user.", {"user_id": "unknown user"})
        users = [user]
    else:
        org = db.session.get(Organisation, organisation_id)
        if org is None:
            raise Invalid("No such organisation.", {"organisation_id": "unknown organisation"})
        users = [u for u in org.users if u.is_active]
    existing = set(db.session.scalars(select(Participant.user_id).where(Participant.consultation_id == c.id)))
    made = []
    for user in users:
        if user.id in existing:
            continue
        p = Participant(consultation_id=c.id, user_id=user.id, organisation_id=user.organisation_id,
                        role=role or _default_role(user), credentials="pending", invited_by_id=actor.id)
        p.user, p.organisation = user, user.organisation
        db.session.add(p)
        made.append(p)
    db.session.flush()
    if made:
        record_event(c.id, ParticipantInvited(user_ids=[p.user_id for p in made]), actor)
    return made


def get_participant(c: Consultation, participant_id) -> Participant:
    p = db.session.get(Participant, participant_id) if isinstance(participant_id, int) else None
    if p is None or p.consultation_id != c.id:
        raise NotFound("No such participant.")
    return p


def update_participant(actor: User, c: Consultation, participant_id: int,
                       credentials: str | None = None, role: str | None = None) -> Participant:
    """Secretariat only: decide credentials (pending / accepted / rejected) and the role."""
    require_manage(actor, c)
    p = get_participant(c, participant_id)
    before = (p.credentials, p.role)
    if credentials is not None:
        if credentials not in CREDENTIALS:
            raise Invalid("Unknown credentials state.", {"credentials": "not an allowed value"})
        p.credentials = credentials
    if role is not None:
        if role not in PARTICIPANT_ROLES:
            raise Invalid("Unknown participant role.", {"role": "not an allowed value"})
        p.role = role
    db.session.flush()
    if (p.credentials, p.role) != before:
        record_event(c.id, ParticipantUpdated(participant_id=p.id, user_id=p.user_id,
                                              credentials=p.credentials, role=p.role, previous_credentials=before[0],
                                              previous_role=before[1]), actor)
    return p


def accept_credentials(actor: User, c: Consultation, participant_ids) -> list[Participant]:
    """Secretariat only: accept the credentials of several participants at once (each recorded as
    for one); those accepted already are left as they are. Raises Forbidden, NotFound, Invalid."""
    require_manage(actor, c)
    if not isinstance(participant_ids, list) or not participant_ids:
        raise Invalid("Choose at least one participant.", {"participant_ids": "may not be empty"})
    people = [get_participant(c, pid) for pid in participant_ids]
    return [update_participant(actor, c, p.id, credentials="accepted") for p in people if p.credentials != "accepted"]


def remove_participant(actor: User, c: Consultation, participant_id: int) -> None:
    """Secretariat only: the person no longer takes part (and loses access at once)."""
    require_manage(actor, c)
    p = get_participant(c, participant_id)
    user_id = p.user_id
    record_event(c.id, ParticipantWithdrawn(participant_id=p.id, user_id=user_id), actor)
    db.session.delete(p)
    db.session.flush()
    from app.core.sockets import consultation_access_lost  # e.g. the live room drops them at once
    consultation_access_lost(c.id, user_id)
