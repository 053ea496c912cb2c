"""Pages: minutes (read, edit with preview, circulate, correct, adopt, export), the archive,
and the public transparency pages readable without signing in."""
from datetime import UTC, datetime, time

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.consultations import services as consultations
from app.core.pacing import takes_turns
from app.core.errors import DomainError, Invalid
from app.core.features import public_sections
from app.minutes.drafting import placeholders_in
from app.core.pages import filters_from_args, form_action
from app.extensions import db
from app.minutes import archive as archive_service
from app.core.i18n import current_language
from app.core.languages import LANGUAGES, language as language_of
from app.core.markdown import prefix_ids
from app.minutes import export as exports
from app.minutes import languages, publication, services, statements
from app.minutes.api import download

bp = Blueprint("minutes", __name__)


def _cursor() -> int | None:
    value = request.args.get("cursor", "")
    return int(value) if value.isdigit() else None


def _next_url(endpoint: str, nxt) -> str | None:
    if nxt is None:
        return None
    query = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return url_for(endpoint, cursor=nxt, **query)


# --- minutes ---------------------------------------------------------------------------------

@bp.get("/minutes/<int:minutes_id>")
@login_required
def show(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    c = consultations.get_visible(current_user, m.consultation_id)
    manage = consultations.can_manage(current_user, c)
    me = consultations.participant_of(current_user, c)
    own = [(s.anchor, statements.passage_label(m.body, s)) for s in services.statements_of(m)
           if s.user_id == current_user.id]
    can_correct = me is not None and m.status == "circulated" and not m.deadline_passed()
    text = languages.text_in(m, _reading_language(m))
    return render_template("minutes/show.html", m=m, c=c, manage=manage, own=own, can_correct=can_correct,
                           body_html=exports.body_html(text, current_user.id), text=text,
                           note=exports.version_note(text), versions=languages.statuses(m),
                           body_dir=language_of(text.language).direction,
                           corrections=services.list_corrections(current_user, m),
                           publication=publication.publication_of(c.id),
                           placeholders=placeholders_in(m.body) if manage and m.status == "circulated" else [])


def _reading_language(m) -> str | None:
    """?lang= when given; else the reader's language when a version exists in it; else the original."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    mine = current_language()
    return mine if mine in languages.newest(m) else None


@bp.get("/minutes/<int:minutes_id>/languages")
@login_required
def side_by_side(minutes_id: int):
    """Two language versions of the minutes read side by side (?left=en&right=ar)."""
    m = services.get_minutes(current_user, minutes_id)
    c = consultations.get_visible(current_user, m.consultation_id)
    orig = languages.original_language(m)
    left = request.args.get("left") if request.args.get("left") in LANGUAGES else orig
    right = request.args.get("right") if request.args.get("right") in LANGUAGES else next(
        (lang for lang in LANGUAGES if lang != left), "fr")
    columns = []
    for n, lang in enumerate((left, right)):
        t = languages.text_in(m, lang)
        html = exports.body_html(t, current_user.id)
        if n:  # both columns may carry the same headings and statements: ids must stay unique on the page
            html = prefix_ids(html, "r-")
        columns.append({"text": t, "html": html, "note": exports.version_note(t),
                        "dir": language_of(t.language).direction, "asked": lang})
    return render_template("minutes/languages.html", m=m, c=c, columns=columns, left=left, right=right,
                           versions=languages.statuses(m))


@bp.route("/minutes/<int:minutes_id>/languages/<language>/edit", methods=["GET", "POST"])
@login_required
def edit_language(minutes_id: int, language: str):
    """The secretariat writes the minutes in another working language."""
    m = services.get_minutes(current_user, minutes_id)
    c = consultations.get_visible(current_user, m.consultation_id)
    consultations.require_manage(current_user, c)
    if language not in LANGUAGES or language == languages.original_language(m):
        raise Invalid(_("Choose another working language."), {"language": "not an allowed value"})
    body, error = languages.starting_text(m, language), None
    if request.method == "POST":
        body = (request.form.get("body") or "").replace("\r\n", "\n")
        try:
            languages.write_version(current_user, m, language, body)
            db.session.commit()
            flash(_("Language version saved."), "success")
            return redirect(url_for("minutes.show", minutes_id=m.id, lang=language))
        except DomainError as err:
            db.session.rollback()
            if err.status in (403, 404):
                raise
            error = err.message
    return render_template("minutes/edit_language.html", m=m, c=c, language=language, body=body, error=error,
                           body_dir=language_of(language).direction,
                           original_html=services.html_of(m)), 422 if error else 200


@bp.route("/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
@login_required
def edit(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    c = consultations.get_visible(current_user, m.consultation_id)
    consultations.require_manage(current_user, c)
    body = m.body
    preview, error = None, None
    if request.method == "POST":
        body = (request.form.get("body") or "").replace("\r\n", "\n")
        if request.form.get("action") == "preview":
            preview = services.html_of(m, body=body)
        else:
            try:
                services.update_minutes(current_user, m, body)
                db.session.commit()
                flash(_("Minutes saved."), "success")
                return redirect(url_for("minutes.show", minutes_id=m.id))
            except DomainError as err:
                db.session.rollback()
                if err.status in (403, 404):
                    raise
                error = err.message
    status = 409 if error and m.status != "draft" else (422 if error else 200)
    return render_template("minutes/edit.html", m=m, c=c, body=body, preview=preview, error=error), status


@bp.post("/minutes/<int:minutes_id>/preview")
@login_required
def preview(minutes_id: int):
    """The live preview of the editor (static/js/minutes.js): the same rendering as the page."""
    m = services.get_minutes(current_user, minutes_id)
    c = consultations.get_visible(current_user, m.consultation_id)
    consultations.require_manage(current_user, c)
    body = request.form.get("body") or (request.get_json(silent=True) or {}).get("body") or ""
    if not isinstance(body, str) or len(body) > services.MAX_BODY:
        raise Invalid("The minutes are too long.", {"body": "too long"})
    return jsonify({"html": str(services.html_of(m, body=body))})


@bp.post("/consultations/<int:consultation_id>/minutes")
@login_required
def draft(consultation_id: int):
    c = consultations.get_visible(current_user, consultation_id)
    replace = request.form.get("replace") == "1"
    return form_action(lambda: services.draft_minutes(current_user, c, replace=replace),
                       _("Draft minutes written from the session record."),
                       url_for("consultations.detail", consultation_id=c.id),
                       then=lambda m: url_for("minutes.edit", minutes_id=m.id))


def _deadline_from_form() -> datetime | None:
    raw = (request.form.get("deadline") or "").strip()
    if not raw:
        return None
    try:
        return datetime.combine(datetime.strptime(raw, "%Y-%m-%d").date(), time(23, 59), tzinfo=UTC)
    except ValueError:
        raise Invalid(_("The deadline must be a date."), {"deadline": "not a date"}) from None


@bp.post("/minutes/<int:minutes_id>/circulate")
@login_required
def circulate(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    return form_action(lambda: services.circulate(current_user, m, _deadline_from_form()),
                  _("Minutes circulated for corrections."), url_for("minutes.show", minutes_id=m.id))


@bp.post("/minutes/<int:minutes_id>/adopt")
@login_required
def adopt(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    confirmed = request.form.get("confirm_placeholders") == "1"
    return form_action(lambda: services.adopt(current_user, m, confirmed), _("Minutes adopted."),
                  url_for("minutes.show", minutes_id=m.id))


@bp.post("/minutes/<int:minutes_id>/corrigenda")
@login_required
def corrigendum(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    return form_action(lambda: services.create_corrigendum(current_user, m), None,
                       url_for("minutes.show", minutes_id=m.id),
                       then=lambda corr: url_for("minutes.edit", minutes_id=corr.id))


@bp.post("/minutes/<int:minutes_id>/corrections")
@login_required
def submit_correction(minutes_id: int):
    m = services.get_minutes(current_user, minutes_id)
    anchor = (request.form.get("anchor") or "").strip()[:1000]
    text = (request.form.get("text") or "").strip()[:5000]

    def act():
        if not anchor or not text:
            raise Invalid(_("Choose a passage and write the corrected wording."), {"text": "required"})
        services.submit_correction(current_user, m, anchor, text)
    return form_action(act, _("Correction sent to the secretariat."), url_for("minutes.show", minutes_id=m.id))


@bp.post("/corrections/<int:correction_id>/decide")
@login_required
def decide_correction(correction_id: int):
    corr = services.get_correction(current_user, correction_id)
    accept = request.form.get("decision") == "accept"
    reason = (request.form.get("reason") or "").strip()[:2000]
    return form_action(lambda: services.decide_correction(current_user, corr, accept, reason),
                  _("Correction accepted.") if accept else _("Correction rejected."),
                  url_for("minutes.show", minutes_id=corr.minutes_id))


@bp.get("/minutes/<int:minutes_id>/export.<fmt>")
@login_required
@takes_turns
def export(minutes_id: int, fmt: str):
    return download(services.get_minutes(current_user, minutes_id), fmt, _export_language())


def _export_language() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in LANGUAGES else None


# --- archive and publication ---------------------------------------------------------------------

@bp.get("/archive")
@login_required
def archive():
    rows, nxt = archive_service.archive(current_user, filters_from_args(request.args), after=_cursor())
    return render_template("archive/index.html", rows=rows, next_url=_next_url("minutes.archive", nxt),
                           args=request.args, themes=consultations.list_themes())


@bp.post("/consultations/<int:consultation_id>/publication")
@login_required
def publish(consultation_id: int):
    c = consultations.get_visible(current_user, consultation_id)
    target = url_for("consultations.detail", consultation_id=c.id)
    if request.form.get("action") == "unpublish":
        return form_action(lambda: publication.unpublish(current_user, c), _("Taken off the public archive."), target)
    flags = {key: key in request.form for key in publication.FLAGS}
    return form_action(lambda: publication.publish(current_user, c, flags), _("Published to the public archive."), target)


@bp.get("/public/consultations")
def public_index():
    rows, nxt = publication.list_public(filters_from_args(request.args), after=_cursor())
    return render_template("archive/public_index.html", rows=rows, args=request.args,
                           next_url=_next_url("minutes.public_index", nxt), themes=consultations.list_themes())


@bp.get("/public/consultations/<int:consultation_id>")
def public_detail(consultation_id: int):
    c, pub = publication.get_public(consultation_id)
    items = [(m, services.html_of(m)) for m in publication.public_minutes(c, pub)]
    return render_template("archive/public_detail.html", c=c, pub=pub, items=items,
                           sections=public_sections(c, pub.kinds()))


@bp.get("/public/minutes/<int:minutes_id>.<fmt>")
@takes_turns
def public_export(minutes_id: int, fmt: str):
    return download(publication.get_public_minutes(minutes_id), fmt, _export_language())
