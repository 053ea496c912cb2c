"""What the public archive shows of a consultation's votes, when its publication covers
decisions: every closed motion with its frozen result, as the ballot allows (a secret ballot's
groups only where each has enough voters, as on the motion page)."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.votes.models import Motion


def decisions_section(c, kinds: set[str]) -> dict | None:
    if "decision" not in kinds:
        return None
    motions = [m for m in db.session.scalars(select(Motion).where(Motion.consultation_id == c.id)
                                             .order_by(Motion.id)) if m.status == "closed" and m.result]
    return {"title": _("Decisions"), "template": "votes/public_section.html",
            "context": {"motions": motions}} if motions else None
