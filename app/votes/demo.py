"""Demo motions for the ECOWAS consultation: one closed roll-call vote with its result, one draft."""
from sqlalchemy import select

from app.extensions import db
from app.votes import services
from app.votes.models import Motion

CLOSED_QUESTION = ("That the draft regional framework on the portability of social security benefits "
                   "be taken as the basis for negotiation.")
DRAFT_QUESTION = "That the secretariat convene a technical working group on data exchange between institutions."
VOTES = {"gov.gh": "yes", "emp.gh": "yes", "wrk.gh": "yes", "gov.sn": "yes", "emp.sn": "abstain", "wrk.sn": "yes"}


def _exists(c, question: str) -> bool:
    return db.session.scalar(select(Motion.id).where(Motion.consultation_id == c.id,
                                                     Motion.question == question)) is not None


def seed_votes(consultations: dict, users: dict) -> None:
    """Idempotent: adds the two motions to the ECOWAS consultation when they are missing."""
    c = consultations.get("ecowas")
    if c is None or c.status != "live":
        return
    sec = users["secretariat"]
    if not _exists(c, CLOSED_QUESTION):
        db.session.flush()
        m = services.create_motion(sec, c, {"question": CLOSED_QUESTION, "ballot": "roll_call",
                                            "rule": "two_thirds", "quorum": "half_of_eligible"})
        services.open_motion(sec, m)
        for key, choice in VOTES.items():
            services.cast_ballot(users[key], m.id, choice)
        services.close_motion(sec, m)
    if not _exists(c, DRAFT_QUESTION):
        services.create_motion(sec, c, {"question": DRAFT_QUESTION, "ballot": "show_of_hands",
                                        "rule": "constituency_majority"})
    db.session.flush()
