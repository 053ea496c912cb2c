"""Shared plumbing of HTML pages."""
from flask import flash, redirect

from app.core.errors import DomainError
from app.extensions import db


def form_action(action, success: str | None, target, *, refusals_on_page: bool = False):
    """Run one service call for a form post, commit, flash `success` (when given) and go to
    `target` (a URL, or a function answering the response). A missing or invisible record (404)
    goes to the error page, and so does a refusal (403) unless refusals_on_page; any other
    refusal (409, 422) comes back as a message on the target page."""
    try:
        action()
        db.session.commit()
        if success:
            flash(success, "success")
    except DomainError as err:
        db.session.rollback()
        if err.status == 404 or (err.status == 403 and not refusals_on_page):
            raise
        flash(err.message, "error")
    return target() if callable(target) else redirect(target)


def filters_from_args(args) -> dict:
    """Read the filter fields of a GET form; unusable values are dropped, not refused."""
    out = {}
    for key in ("kind", "level", "rec", "country", "theme", "status"):
        value = (args.get(key) or "").strip()
        if value:
            out[key] = value[:80]
    year = args.get("year", "")
    if year.isdigit() and 1970 <= int(year) <= 9000:
        out["year"] = int(year)
    return out
