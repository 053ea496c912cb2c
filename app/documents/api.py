"""JSON resources for documents, versions, diffs, comments, amendments and positions."""
from datetime import datetime

from flask import jsonify, request

from app.api import ApiBlueprint, actor, json_body, page, query_args
from app.core.pacing import takes_turns
from app.core.validation import Field, parse
from app.accounts.models import CONSTITUENCIES
from app.core import office
from app.core.security import allows_upload
from app.core.shapes import page_of
from app.documents import compilation, contributions, export, moderated, reading, serialize, services, upload
from app.documents.languages import LANGUAGE_VERSION, TEXT_IN
from app.documents.models import STANCES, STATUSES
from app.extensions import db

api = ApiBlueprint("documents", __name__)

# Bodies are checked for size by the services (413), so no max_len here.
DOCUMENT_BODY = {
    "title": Field(str, required=True, max_len=300),
    "body": Field(str, required=True, strip=False, multiline=True),
    "agenda_item_id": Field(int, nullable=True),
    "status": Field(str, choices=("draft", "open")),
    "comments_close_at": Field(datetime, nullable=True),
    "language": Field(str, max_len=5, nullable=True),
    "note": Field(str, max_len=500, multiline=True),
}
DOCUMENT_PATCH = {
    "title": Field(str, required=True, max_len=300),
    "status": Field(str, choices=STATUSES),
    "comments_close_at": Field(datetime, nullable=True),
    "agenda_item_id": Field(int, nullable=True),
}
# multipart/form-data alternative of the two bodies above: `file` (a .docx) and these fields
UPLOAD_FORM = {
    "title": Field(str, max_len=300),
    "note": Field(str, max_len=500, multiline=True),
    "status": Field(str, choices=("draft", "open")),
    "language": Field(str, max_len=5),
}
VERSION_BODY = {"body": Field(str, required=True, strip=False, multiline=True), "note": Field(str, max_len=500, multiline=True)}
DIFF_QUERY = {"from": Field(int, required=True), "to": Field(int, required=True)}
COMMENT_BODY = {
    "body": Field(str, required=True, strip=False, multiline=True),
    "anchor": Field(str, max_len=20, nullable=True),
    "parent_id": Field(int, nullable=True),
    "client_id": Field(str, max_len=64, nullable=True),
    "amendment_id": Field(int, nullable=True),
}
COMMENT_QUERY = {"anchor": Field(str, max_len=20), "constituency": Field(str, max_len=20),
                 "cursor": Field(int), "limit": Field(int)}
AMENDMENT_BODY = {"anchor": Field(str, required=True, max_len=20), "text": Field(str, required=True, strip=False, multiline=True),
                  "rationale": Field(str, strip=False, multiline=True)}
DECISION_BODY = {"reason": Field(str, max_len=5000, multiline=True)}
POSITION_BODY = {"stance": Field(str, required=True, choices=STANCES), "body": Field(str, required=True, strip=False, multiline=True)}
TAG = "documents"


def _document(a) -> dict:
    return serialize.document(a.document, a.accepting_input)


@api.operation("/consultations/<int:consultation_id>/documents", returns=page_of(serialize.DOCUMENT), summary="Documents of a consultation", tag=TAG)
def list_documents(consultation_id: int):
    user = actor()
    docs = services.list_documents(user, consultation_id)
    return jsonify(page([serialize.document(d, d.accepts_input(contributions.now())) for d in docs], None))


def _uploaded():
    """(form fields, file bytes, file name) of a multipart/form-data request, or None for JSON."""
    if request.mimetype != "multipart/form-data":
        return None
    f = request.files.get("file")
    fields = parse({k: v for k, v in request.form.items() if k in UPLOAD_FORM}, UPLOAD_FORM)
    return fields, (f.read(upload.MAX_UPLOAD_BYTES + 1) if f else b""), (f.filename or "") if f else ""


@api.operation("/consultations/<int:consultation_id>/documents", ("POST",), body=DOCUMENT_BODY, status=201, tag=TAG,
               returns=serialize.DOCUMENT_DETAIL, upload=UPLOAD_FORM,
               summary="Create a document with its version 1 (secretariat); JSON or a .docx upload")
@allows_upload(upload.MAX_REQUEST_BYTES)
def create_document(consultation_id: int):
    user = actor()
    doc, warnings = _json_or_docx(
        DOCUMENT_BODY, lambda data: services.create_document(user, consultation_id, data),
        lambda fields, data, filename: upload.create_from_docx(user, consultation_id, {**fields, "filename": filename}, data))
    return _detail(user, doc.id, warnings), 201


def _json_or_docx(spec: dict, from_json, from_docx):
    """Runs the service for the request's body, JSON read against `spec` (from_json(data)) or a
    .docx upload (from_docx(fields, file bytes, file name) -> (result, warnings)), and commits:
    (the result, the upload's warnings in words, None for JSON)."""
    uploaded = _uploaded()
    if uploaded is None:
        result, warnings = from_json(parse(json_body(), spec)), None
    else:
        result, found = from_docx(*uploaded)
        warnings = upload.warning_texts(found)
    db.session.commit()
    return result, warnings


def _detail(user, document_id: int, warnings: list[str] | None = None):
    a, v = reading.version_at(user, document_id)
    data = _document(a)
    data["current_version"] = serialize.version(v)
    data["versions"] = [serialize.version(x, full=False) for x in reading.versions(a.document)]
    data["can"] = {"manage": a.can_manage, "comment": a.can_comment, "amend": a.can_amend,
                   "file_position": a.can_amend}
    if warnings is not None:
        data["warnings"] = warnings
    return jsonify(serialize.DOCUMENT_DETAIL.dump(data))


@api.operation("/documents/<int:document_id>", returns=serialize.DOCUMENT_DETAIL, summary="A document with its current version", tag=TAG)
def get_document(document_id: int):
    return _detail(actor(), document_id)


@api.operation("/documents/<int:document_id>", ("PATCH",), body=DOCUMENT_PATCH, tag=TAG,
               returns=serialize.DOCUMENT_DETAIL, summary="Change title, status or comment deadline (secretariat)")
def update_document(document_id: int):
    user = actor()
    data = parse(json_body(), DOCUMENT_PATCH, partial=True)
    services.update_document(user, document_id, data)
    db.session.commit()
    return _detail(user, document_id)


@api.operation("/documents/<int:document_id>/versions", returns=page_of(serialize.VERSION_SUMMARY), summary="The versions of a document (without bodies)", tag=TAG)
def list_versions(document_id: int):
    a = services.access(actor(), document_id)
    return jsonify(page([serialize.version(v, full=False) for v in reading.versions(a.document)], None))


@api.operation("/documents/<int:document_id>/versions", ("POST",), body=VERSION_BODY, status=201, tag=TAG,
               returns=serialize.VERSION, upload={"note": UPLOAD_FORM["note"]},
               summary="Publish a new version (secretariat); JSON or a .docx upload")
@allows_upload(upload.MAX_REQUEST_BYTES)
def publish_version(document_id: int):
    user = actor()
    v, warnings = _json_or_docx(
        VERSION_BODY, lambda data: services.publish_version(user, document_id, data["body"], data.get("note") or ""),
        lambda fields, data, _filename: upload.publish_from_docx(user, document_id, data, fields.get("note") or ""))
    if warnings is None:
        return jsonify(serialize.version(v)), 201
    return jsonify(serialize.VERSION.dump({**serialize.version(v), "warnings": warnings})), 201


@api.operation("/documents/<int:document_id>/versions/<int:number>", returns=serialize.VERSION, summary="One version of a document", tag=TAG)
def get_version(document_id: int, number: int):
    _a, v = reading.version_at(actor(), document_id, number)
    return jsonify(serialize.version(v))


@api.operation("/documents/<int:document_id>/diff", query=DIFF_QUERY, tag=TAG,
               returns=serialize.DIFF, summary="Changes between two versions: paragraphs by anchor, words within")
@takes_turns
def diff(document_id: int):
    user = actor()
    q = query_args(DIFF_QUERY)
    return jsonify(serialize.DIFF.dump(reading.diff(user, document_id, q["from"], q["to"])))


@api.operation("/documents/<int:document_id>/comments", query=COMMENT_QUERY, tag=TAG, returns=page_of(serialize.COMMENT), summary="Comments on a document")
def list_comments(document_id: int):
    user = actor()
    q = query_args(COMMENT_QUERY)
    _a, items, anchors, nxt = reading.list_comments(user, document_id, q.get("anchor"), q.get("constituency"),
                                                    q.get("cursor"), q.get("limit") or 200)
    hidden = moderated.hidden_states(user, "comment", items, lambda c: c.author_id)
    return jsonify(page([serialize.comment(c, anchors, hidden.get(c.id)) for c in items], nxt))


@api.operation("/documents/<int:document_id>/comments", ("POST",), body=COMMENT_BODY, status=201, tag=TAG,
               returns={201: serialize.COMMENT, 200: serialize.COMMENT}, summary="Comment on the document, a paragraph (anchor) or an amendment, or reply (parent_id)")
def add_comment(document_id: int):
    user = actor()
    data = parse(json_body(), COMMENT_BODY)
    comment, created = contributions.add_comment(user, document_id, data["body"], data.get("anchor"),
                                            data.get("parent_id"), data.get("client_id"), data.get("amendment_id"))
    db.session.commit()
    return jsonify(serialize.comment(comment)), 201 if created else 200


@api.operation("/comments/<int:comment_id>/resolve", ("POST",), tag=TAG, returns=serialize.COMMENT, summary="Mark a thread resolved (secretariat)")
def resolve_comment(comment_id: int):
    comment = contributions.resolve_comment(actor(), comment_id)
    db.session.commit()
    return jsonify(serialize.comment(comment))


@api.operation("/documents/<int:document_id>/amendments", tag=TAG, returns=page_of(serialize.AMENDMENT), summary="Amendments proposed to a document")
def list_amendments(document_id: int):
    user = actor()
    a = services.access(user, document_id)
    items = reading.list_amendments(a.document)
    hidden = moderated.hidden_states(user, "amendment", items, lambda x: x.proposer_id)
    return jsonify(page([serialize.amendment(x, hidden.get(x.id)) for x in items], None))


@api.operation("/documents/<int:document_id>/amendments", ("POST",), body=AMENDMENT_BODY, status=201, tag=TAG,
               returns=serialize.AMENDMENT, summary="Propose replacement text for a paragraph (delegates)")
def propose_amendment(document_id: int):
    user = actor()
    data = parse(json_body(), AMENDMENT_BODY)
    am = contributions.propose_amendment(user, document_id, data["anchor"], data["text"], data.get("rationale") or "")
    db.session.commit()
    return jsonify(serialize.amendment(am)), 201


@api.operation("/amendments/<int:amendment_id>/accept", ("POST",), body=DECISION_BODY, tag=TAG,
               returns=serialize.AMENDMENT, summary="Accept an amendment: a new version with the change (secretariat)")
def accept_amendment(amendment_id: int):
    user = actor()
    data = parse(json_body(optional=True), DECISION_BODY)
    am = contributions.accept_amendment(user, amendment_id, data.get("reason") or "")
    db.session.commit()
    return jsonify(serialize.amendment(am))


@api.operation("/amendments/<int:amendment_id>/reject", ("POST",), body=DECISION_BODY, tag=TAG,
               returns=serialize.AMENDMENT, summary="Reject an amendment with a reason (secretariat)")
def reject_amendment(amendment_id: int):
    user = actor()
    data = parse(json_body(optional=True), DECISION_BODY)
    am = contributions.reject_amendment(user, amendment_id, data.get("reason"))
    db.session.commit()
    return jsonify(serialize.amendment(am))


@api.operation("/documents/<int:document_id>/positions", tag=TAG,
               returns=serialize.POSITIONS, summary="Current position of each organisation, their history and a summary by constituency")
def list_positions(document_id: int):
    view = reading.positions(actor(), document_id)
    return jsonify(serialize.POSITIONS.dump({
        "items": [serialize.position(p) for p in view["current"]], "next": None,
        "summary": view["summary"], "history": [serialize.position(p) for p in view["history"]]}))


@api.operation("/documents/<int:document_id>/positions/mine", ("PUT",), body=POSITION_BODY, tag=TAG,
               returns=serialize.POSITION, summary="File your organisation's position (delegates); earlier ones stay as history")
def file_position(document_id: int):
    user = actor()
    data = parse(json_body(), POSITION_BODY)
    pos = contributions.file_position(user, document_id, data["stance"], data["body"])
    db.session.commit()
    return jsonify(serialize.position(pos))


LANGUAGE_BODY = {"body": Field(str, required=True, strip=False, multiline=True)}


@api.operation("/documents/<int:document_id>/versions/<int:number>/languages/<language>", ("PUT",),
               body=LANGUAGE_BODY, tag=TAG, returns=LANGUAGE_VERSION, summary="Publish version `number` in another working language (secretariat)")
def put_language_version(document_id: int, number: int, language: str):
    from app.documents import languages
    data = parse(json_body(), LANGUAGE_BODY)
    lv = languages.publish(actor(), document_id, number, language, data["body"])
    db.session.commit()
    return jsonify(lv.to_dict())


@api.operation("/documents/<int:document_id>/versions/<int:number>/languages/<language>", tag=TAG,
               returns=TEXT_IN, summary="Version `number` of a document in one working language")
def get_language_version(document_id: int, number: int, language: str):
    from app.documents import languages
    return jsonify(languages.text_in(actor(), document_id, number, language))


EXPORT_QUERY = {"format": Field(str, choices=export.FORMATS), "version": Field(int)}
COMPILATION_QUERY = {"format": Field(str, choices=compilation.FORMATS), "constituency": Field(str, choices=CONSTITUENCIES)}
POSITIONS_QUERY = {"format": Field(str, choices=compilation.FORMATS)}


@api.operation("/documents/<int:document_id>/export", query=EXPORT_QUERY, tag=TAG, returns=office.downloads(".docx, tagged PDF or Markdown", "docx", "pdf", "md"),
               summary="One version (default: the current one) as .docx, tagged PDF or Markdown (default pdf)")
def export_document(document_id: int):
    q = query_args(EXPORT_QUERY)
    fmt = q.get("format") or "pdf"
    body, name = export.export_version(actor(), document_id, q.get("version"), fmt)
    return office.download(body, fmt, name)


@api.operation("/documents/<int:document_id>/comments/export", query=COMPILATION_QUERY, tag=TAG,
               returns=office.downloads(".docx, .xlsx or CSV", "docx", "xlsx", "csv"),
               summary="Compilation of comments and amendments by paragraph (default xlsx), optionally of one constituency")
def export_comments(document_id: int):
    q = query_args(COMPILATION_QUERY)
    fmt = q.get("format") or "xlsx"
    body, name = compilation.compile_comments(actor(), document_id, fmt, q.get("constituency"))
    return office.download(body, fmt, name)


@api.operation("/documents/<int:document_id>/positions/export", query=POSITIONS_QUERY, tag=TAG,
               returns=office.downloads(".docx, .xlsx or CSV", "docx", "xlsx", "csv"),
               summary="Positions matrix: organisation x stance with statements, and the summary by constituency")
def export_positions(document_id: int):
    fmt = query_args(POSITIONS_QUERY).get("format") or "xlsx"
    body, name = compilation.positions_matrix(actor(), document_id, fmt)
    return office.download(body, fmt, name)
