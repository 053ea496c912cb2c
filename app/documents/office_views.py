"""Pages for Word in and out: upload a .docx as a new document or version, the downloads page
(a version, the compilation filtered by constituency, the positions matrix) and the downloads."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import CONSTITUENCIES
from app.consultations import services as consultations
from app.core import office
from app.core.errors import DomainError, Forbidden
from app.core.pages import form_action
from app.core.security import allows_upload
from app.documents import compilation, export, reading, upload
from app.documents.views import bp, constituency_labels
from app.extensions import csrf, db


def _file() -> tuple[bytes, str]:
    """The uploaded file of this form post. Its view allows a larger body (allows_upload) and
    is left out of the CSRF check that runs before the limit is raised, so the form's token is
    checked here, as for every other form."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    f = request.files.get("file")
    return (f.read(upload.MAX_UPLOAD_BYTES + 1), f.filename or "") if f else (b"", "")


def _flash_warnings(codes: list[str]) -> None:
    for text in upload.warning_texts(codes):
        flash(text, "info")


@bp.route("/new/<int:consultation_id>/upload", methods=["GET", "POST"])
@csrf.exempt  # checked in _file, once the upload limit is raised
@allows_upload(upload.MAX_REQUEST_BYTES)
@login_required
def upload_new(consultation_id: int):
    if request.method == "GET":
        c = consultations.get_visible(current_user, consultation_id)
        if not current_user.is_secretariat:
            raise Forbidden("Only the secretariat may add documents.")
        return render_template("documents/upload.html", c=c, consultation=c)
    data, filename = _file()
    fields = {"title": (request.form.get("title") or "")[:300], "note": (request.form.get("note") or "")[:500],
              "status": "open" if request.form.get("open") else "draft", "filename": filename}
    try:
        doc, warnings = upload.create_from_docx(current_user, consultation_id, fields, data)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        if err.status in (403, 404):
            raise
        flash(err.message, "error")
        return redirect(url_for("documents.upload_new", consultation_id=consultation_id))
    flash(_("Document created from the Word file."), "success")
    _flash_warnings(warnings)
    return redirect(url_for("documents.reader", document_id=doc.id))


@bp.post("/<int:document_id>/versions/upload")
@csrf.exempt  # checked in _file, once the upload limit is raised
@allows_upload(upload.MAX_REQUEST_BYTES)
@login_required
def upload_version(document_id: int):
    data, _filename = _file()
    note = (request.form.get("note") or "")[:500]
    warnings: list[str] = []

    def run():
        warnings.extend(upload.publish_from_docx(current_user, document_id, data, note)[1])
    response = form_action(run, _("New version published from the Word file."),
                           url_for("documents.edit", document_id=document_id))
    _flash_warnings(warnings)
    return response


@bp.get("/<int:document_id>/downloads")
@login_required
def downloads(document_id: int):
    a, current = reading.version_at(current_user, document_id)
    return render_template("documents/downloads.html", doc=a.document, access=a, consultation=a.consultation,
                           versions=reading.versions(a.document), current=current, constituencies=CONSTITUENCIES,
                           clabels=constituency_labels())


def _fmt(allowed) -> str:
    fmt = request.args.get("format") or allowed[0]
    if fmt not in allowed:
        abort(404)
    return fmt


@bp.get("/<int:document_id>/export")
@login_required
def export_version(document_id: int):
    fmt = _fmt(export.FORMATS)
    body, name = export.export_version(current_user, document_id, request.args.get("version", type=int), fmt)
    return office.download(body, fmt, name)


@bp.get("/<int:document_id>/comments/export")
@login_required
def export_comments(document_id: int):
    fmt = _fmt(compilation.FORMATS)
    constituency = request.args.get("constituency") or None
    body, name = compilation.compile_comments(current_user, document_id, fmt,
                                              constituency if constituency in CONSTITUENCIES else None)
    return office.download(body, fmt, name)


@bp.get("/<int:document_id>/positions/export")
@login_required
def export_positions(document_id: int):
    fmt = _fmt(compilation.FORMATS)
    body, name = compilation.positions_matrix(current_user, document_id, fmt)
    return office.download(body, fmt, name)
