"""Following a theme or a body: who is told when a consultation, a decision or a position
appears under it.

The notifications feature asks, through the followers hook this feature registers
(`app.core.features.Features.followers`), who follows a consultation: the followers of its
themes and of the body it is a session of. Notifications then tells only those who may see the
consultation, so following never shows anyone more than they could read.
"""
from sqlalchemy import delete, or_, select

from app.accounts.models import User
from app.bodies.models import BodySession, Follow, StandingBody
from app.consultations.models import Consultation, Theme, consultation_theme
from app.extensions import db


def _target(theme: Theme | None, body: StandingBody | None):
    """The one condition naming what is followed (a theme or a body)."""
    return Follow.theme_id == theme.id if theme is not None else Follow.body_id == body.id


def is_following(user: User | None, theme: Theme | None = None, body: StandingBody | None = None) -> bool:
    if user is None:
        return False
    return db.session.scalar(select(Follow.id).where(Follow.user_id == user.id, _target(theme, body))) is not None


def set_follow(actor: User, on: bool, theme: Theme | None = None, body: StandingBody | None = None) -> bool:
    """Any signed-in person follows (on) or stops following a theme or a body; idempotent.
    Returns whether the actor follows it now."""
    if on and not is_following(actor, theme, body):
        db.session.add(Follow(user_id=actor.id, theme_id=theme.id if theme else None,
                              body_id=body.id if body else None))
    elif not on:
        db.session.execute(delete(Follow).where(Follow.user_id == actor.id, _target(theme, body)))
    db.session.flush()
    return on


def followers(c: Consultation) -> list[User]:
    """Everyone following one of the consultation's themes or its body (once each, by id)."""
    themes = select(consultation_theme.c.theme_id).where(consultation_theme.c.consultation_id == c.id)
    bodies = select(BodySession.body_id).where(BodySession.consultation_id == c.id)
    ids = select(Follow.user_id).where(or_(Follow.theme_id.in_(themes), Follow.body_id.in_(bodies)))
    return list(db.session.scalars(select(User).where(User.id.in_(ids), User.is_active.is_(True)).order_by(User.id)))
