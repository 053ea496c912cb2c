"""Shared plumbing of HTML pages."""
from flask import flash, redirect

from app.core.errors import DomainError
from app.extensions import db


def form_action(action, success: str, target: str):
    """Run one service call for a form post, commit, flash, redirect to target. 403 and 404 go
    to the error page; any other refusal comes back as a message on the target page."""
    try:
        action()
        db.session.commit()
        flash(success, "success")
    except DomainError as err:
        db.session.rollback()
        if err.status in (403, 404):
            raise
        flash(err.message, "error")
    return redirect(target)
