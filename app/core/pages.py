"""Shared plumbing of HTML pages."""
from flask import flash, redirect

from app.core.errors import DomainError
from app.extensions import db


def form_action(action, success: str | None, target, *, refusals_on_page: bool = False, then=None):
    """Run one service call for a form post, commit, flash `success` (when given) and go to
    `target` (a URL, or a function answering the response), or, when `then` is given, to the URL
    then(result) names. A missing or invisible record (404) goes to the error page, and so does a
    refusal (403) unless refusals_on_page; any other refusal (409, 422) comes back as a message
    on the target page."""
    try:
        result = action()
        db.session.commit()
        if success:
            flash(success, "success")
    except DomainError as err:
        db.session.rollback()
        if err.status == 404 or (err.status == 403 and not refusals_on_page):
            raise
        flash(err.message, "error")
    else:
        if then is not None:
            return redirect(then(result))
    return target() if callable(target) else redirect(target)


def form_page(form, action, success: str, target, render, *, error_field=None, on_error=None):
    """A page with a WTForms form: when the form validates, run one service call (`action`),
    commit, flash `success` and go to `target` (a URL, or a function of the action's result).
    A refusal is rolled back and shown on the form: on_error(err) may place it and answer True,
    else it goes on `error_field` (the form's first field by default). The page (`render()`) then
    answers 422 when the form has errors, 200 otherwise."""
    if form.validate_on_submit():
        try:
            result = action()
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            if not (on_error and on_error(err)):
                (error_field or next(iter(form))).errors.append(err.message)
        else:
            flash(success, "success")
            return redirect(target(result) if callable(target) else target)
    return render(), (422 if form.errors else 200)


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
