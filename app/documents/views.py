"""Pages: document reader with comments, versions and diffs, amendments, positions; forms post
normally (no JavaScript needed), documents.js only adds live updates."""
from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import CONSTITUENCIES
from app.core.pacing import takes_turns
from app.core import labels
from app.core.errors import DomainError, Forbidden
from app.core.i18n import local_to_utc
from app.core.languages import LANGUAGE_NAMES
from app.core.pages import form_action
from app.core.validation import check_line
from app.documents import contributions, moderated, reading, serialize, services
from app.documents.models import STANCES, TRANSITIONS
from app.extensions import db

bp = Blueprint("documents", __name__, url_prefix="/documents")


def constituency_labels() -> dict[str, str]:
    """Translated once per page: a page of threads shows hundreds of constituency badges."""
    return labels.translated("constituency")


def _tz():
    try:
        return ZoneInfo(current_user.timezone or "UTC")
    except (KeyError, ValueError):
        return UTC


def consultation_section(c, user) -> dict | None:
    """The documents list on the consultation page."""
    try:
        docs = services.list_documents(user, c.id)
    except DomainError:
        return None
    if not docs and not user.is_secretariat:
        return None
    return {"title": _("Draft policy documents"), "template": "documents/section.html",
            "context": {"documents": docs, "can_manage": user.is_secretariat}}


def _int(name: str):
    value = request.args.get(name)
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def _act(back: str, action, success: str):
    return form_action(action, success, back)


def _reader_url(document_id: int, anchor: str | None = None, fragment: str | None = None) -> str:
    url = url_for("documents.reader", document_id=document_id, anchor=anchor or None)
    return f"{url}#{fragment}" if fragment else url


@bp.get("/<int:document_id>")
@login_required
def reader(document_id: int):
    ctx = reading.reader(current_user, document_id, _int("version"), request.args.get("anchor") or None,
                         _choice("constituency", CONSTITUENCIES))
    comments = [c for root, replies in ctx["threads"] for c in (root, *replies)]
    ctx["hidden_comments"] = moderated.hidden_states(current_user, "comment", comments, lambda c: c.author_id)
    ctx["hidden_amendments"] = moderated.hidden_states(current_user, "amendment", ctx["amendments"],
                                                       lambda am: am.proposer_id)
    return render_template("documents/reader.html", **ctx, vote_reason=serialize.vote_reason, constituencies=CONSTITUENCIES,
                           consultation=ctx["access"].consultation, clabels=constituency_labels(), tz=_tz())


@bp.get("/<int:document_id>/diff")
@login_required
@takes_turns
def diff(document_id: int):
    a, current = reading.version_at(current_user, document_id)
    to_n = _int("to") or current.number
    from_n = _int("from") or max(1, to_n - 1)
    result = reading.diff(current_user, document_id, from_n, to_n)
    mode = "inline" if request.args.get("mode") == "inline" else "side"
    return render_template("documents/diff.html", doc=a.document, access=a, diff=result, mode=mode,
                           versions=reading.versions(a.document), consultation=a.consultation)


@bp.get("/<int:document_id>/positions")
@login_required
def positions(document_id: int):
    view = reading.positions(current_user, document_id)
    return render_template("documents/positions.html", **view, stances=STANCES, stance_labels=labels.STANCE,
                           consultation=view["access"].consultation, clabels=constituency_labels())


@bp.route("/new/<int:consultation_id>", methods=["GET", "POST"])
@login_required
def new(consultation_id: int):
    from app.consultations import services as consultations
    c = consultations.get_visible(current_user, consultation_id)
    if not current_user.is_secretariat:
        raise Forbidden("Only the secretariat may add documents.")
    error = None
    if request.method == "POST":
        data = {"title": request.form.get("title", ""), "body": request.form.get("body", ""),
                "note": request.form.get("note", "")[:500],
                "status": "open" if request.form.get("open") else "draft",
                "agenda_item_id": request.form.get("agenda_item_id", type=int)}
        try:
            check_line("title", data["title"].strip())
            check_line("body", data["body"], multiline=True)
            check_line("note", data["note"], multiline=True)
            doc = services.create_document(current_user, c.id, data)
            db.session.commit()
            flash(_("Document created."), "success")
            return redirect(url_for("documents.reader", document_id=doc.id))
        except DomainError as err:
            db.session.rollback()
            if err.status == 403:
                raise
            error = err.message
    return render_template("documents/form.html", c=c, consultation=c, error=error, form=request.form), \
        (422 if error else 200)


@bp.get("/<int:document_id>/edit")
@login_required
def edit(document_id: int):
    a, v = reading.version_at(current_user, document_id)
    if not a.can_manage:
        raise Forbidden("Only the secretariat may edit documents.")
    return render_template("documents/edit.html", doc=a.document, version=v, access=a, consultation=a.consultation,
                           next_statuses=TRANSITIONS[a.document.status])


@bp.post("/<int:document_id>/versions")
@login_required
def publish_version(document_id: int):
    body, note = request.form.get("body", ""), request.form.get("note", "")[:500]
    return _act(_reader_url(document_id), lambda: services.publish_version(
        current_user, document_id, _block("body", body), _block("note", note)),
                _("New version published."))


def _block(name: str, value: str) -> str:
    """The multi-line rule of the API's Field(multiline=True), for fields read from the form."""
    return check_line(name, value, multiline=True)


def _deadline(value: str):
    return local_to_utc(value, current_user.timezone, "comments_close_at",
                        _("The deadline is not a valid date and time."))


@bp.post("/<int:document_id>/settings")
@login_required
def settings(document_id: int):
    def change():
        data = {}
        if request.form.get("status"):
            data["status"] = request.form["status"]
        if "comments_close_at" in request.form:
            data["comments_close_at"] = _deadline(request.form.get("comments_close_at", "").strip())
        if request.form.get("title"):
            data["title"] = check_line("title", request.form["title"][:300].strip())
        if "agenda_item_id" in request.form:  # attach to an agenda item ("" detaches)
            data["agenda_item_id"] = request.form.get("agenda_item_id", type=int)
        services.update_document(current_user, document_id, data)
    return _act(url_for("documents.edit", document_id=document_id), change, _("Document updated."))


@bp.post("/<int:document_id>/comments")
@login_required
def add_comment(document_id: int):
    anchor = request.form.get("anchor") or None
    parent_id = request.form.get("parent_id", type=int)
    amendment_id = request.form.get("amendment_id", type=int)
    back = _reader_url(document_id, request.form.get("back_anchor") or None, "comments")
    return _act(back, lambda: contributions.add_comment(
        current_user, document_id, _block("body", request.form.get("body", "")), anchor, parent_id,
        (request.form.get("client_id") or "")[:64] or None, amendment_id), _("Comment posted."))


@bp.post("/comments/<int:comment_id>/resolve")
@login_required
def resolve_comment(comment_id: int):
    back = request.form.get("back") or url_for("accounts.index")
    if not back.startswith("/documents/"):
        back = url_for("accounts.index")
    return _act(back, lambda: contributions.resolve_comment(current_user, comment_id), _("Thread marked resolved."))


@bp.post("/<int:document_id>/amendments")
@login_required
def propose_amendment(document_id: int):
    anchor = request.form.get("anchor", "")
    return _act(_reader_url(document_id, anchor, anchor), lambda: contributions.propose_amendment(
        current_user, document_id, anchor, _block("text", request.form.get("text", "")),
        _block("rationale", request.form.get("rationale", ""))),
        _("Amendment proposed."))


@bp.post("/amendments/<int:amendment_id>/decide")
@login_required
def decide_amendment(amendment_id: int):
    decision, reason = request.form.get("decision"), request.form.get("reason", "")
    document_id = request.form.get("document_id", type=int) or 0

    def run():
        if decision == "accept":
            contributions.accept_amendment(current_user, amendment_id, reason)
        else:
            contributions.reject_amendment(current_user, amendment_id, reason)
    done = _("Amendment accepted; a new version was published.") if decision == "accept" else _("Amendment rejected.")
    return _act(_reader_url(document_id), run, done)


@bp.post("/<int:document_id>/positions")
@login_required
def file_position(document_id: int):
    return _act(url_for("documents.positions", document_id=document_id), lambda: contributions.file_position(
        current_user, document_id, request.form.get("stance"), _block("body", request.form.get("body", ""))),
        _("Your organisation's position was saved."))




@bp.route("/<int:document_id>/languages", methods=["GET", "POST"])
@login_required
def languages(document_id: int):
    """Two working languages of one version side by side; the secretariat adds a language version."""
    from app.documents import languages as lang
    a, current = reading.version_at(current_user, document_id)
    number = _int("version") or current.number
    version = services.get_version(a.document, number)
    if request.method == "POST":
        return form_action(
            lambda: lang.publish(current_user, document_id, number, request.form.get("language"), request.form.get("body")),
            _("Language version saved."), url_for("documents.languages", document_id=document_id, version=number))
    original = lang.original_language(a.document)
    present = [original] + sorted(lang.available(a.document, number))
    left = request.args.get("left") if request.args.get("left") in present else original
    right_default = next((code for code in present if code != left), left)
    right = request.args.get("right") if request.args.get("right") in present else right_default
    columns = [dict(lang.text_in(current_user, document_id, number, code), name=LANGUAGE_NAMES[code])
               for code in (left, right)]
    return render_template("documents/languages.html", doc=a.document, access=a, consultation=a.consultation,
                           version=version, versions=reading.versions(a.document), present=present,
                           columns=columns, left=left, right=right, names=LANGUAGE_NAMES, original=original)
