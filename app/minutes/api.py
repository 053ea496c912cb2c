"""JSON resources: minutes, their corrections, export, and the public Publication."""
from datetime import datetime

from flask import Response, jsonify, request

from app.api import ApiBlueprint, actor, json_body, query_args
from app.consultations import services as consultations
from app.core.errors import Invalid
from app.core.validation import Field, parse
from app.extensions import db
from app.minutes import export, publication, services

api = ApiBlueprint("minutes", __name__)

DRAFT_BODY = {"replace": Field(bool)}
PATCH_BODY = {"body": Field(str, required=True, max_len=services.MAX_BODY, strip=False, multiline=True)}
CIRCULATE_BODY = {"deadline": Field(datetime, nullable=True)}
CORRECTION_BODY = {"anchor": Field(str, required=True, max_len=1000, multiline=True), "text": Field(str, required=True, max_len=5000, multiline=True)}
ADOPT_BODY = {"confirm_placeholders": Field(bool)}
DECIDE_BODY = {"reason": Field(str, max_len=2000, nullable=True, multiline=True)}
CORRIGENDUM_BODY = {"body": Field(str, max_len=services.MAX_BODY, nullable=True, strip=False, multiline=True)}
EXPORT_QUERY = {"format": Field(str, choices=("pdf", "md"))}
PUBLISH_BODY = {"include_minutes": Field(bool), "include_documents": Field(bool), "include_positions": Field(bool),
                "include_results": Field(bool), "note": Field(str, max_len=2000, nullable=True, multiline=True)}


def _minutes_json(m, user, status=200):
    return jsonify(services.serialize(m, user)), status


@api.operation("/consultations/<int:consultation_id>/minutes", ("POST",), status=201, body=DRAFT_BODY, tag="minutes",
               summary="Draft minutes from the session record (secretariat)")
def draft_minutes(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    data = parse(json_body(optional=True), DRAFT_BODY)
    m = services.draft_minutes(user, c, replace=bool(data.get("replace")))
    db.session.commit()
    return _minutes_json(m, user, 201)


@api.operation("/consultations/<int:consultation_id>/minutes", summary="The consultation's minutes and corrigenda",
               tag="minutes")
def list_minutes(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    return jsonify({"items": [services.serialize(m, user) for m in services.minutes_of(user, c)], "next": None})


@api.operation("/minutes/<int:minutes_id>", summary="Minutes, with body and html", tag="minutes")
def get_minutes(minutes_id: int):
    user = actor()
    return _minutes_json(services.get_minutes(user, minutes_id), user)


@api.operation("/minutes/<int:minutes_id>", ("PATCH",), body=PATCH_BODY, tag="minutes",
               summary="Edit draft minutes (secretariat)")
def update_minutes(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(), PATCH_BODY)
    services.update_minutes(user, m, data["body"])
    db.session.commit()
    return _minutes_json(m, user)


@api.operation("/minutes/<int:minutes_id>/circulate", ("POST",), body=CIRCULATE_BODY, tag="minutes",
               summary="Circulate draft minutes for corrections until a deadline (secretariat)")
def circulate(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(optional=True), CIRCULATE_BODY)
    services.circulate(user, m, data.get("deadline"))
    db.session.commit()
    return _minutes_json(m, user)


@api.operation("/minutes/<int:minutes_id>/adopt", ("POST",), body=ADOPT_BODY, tag="minutes",
               summary="Adopt circulated minutes; they never change again (secretariat). With a draft's "
                       "placeholders left: 409 placeholders_left unless confirm_placeholders")
def adopt(minutes_id: int):
    user = actor()
    data = parse(json_body(optional=True), ADOPT_BODY)
    m = services.get_minutes(user, minutes_id)
    services.adopt(user, m, bool(data.get("confirm_placeholders")))
    db.session.commit()
    return _minutes_json(m, user)


@api.operation("/minutes/<int:minutes_id>/corrigenda", ("POST",), body=CORRIGENDUM_BODY, status=201, tag="minutes",
               summary="Start a corrigendum to adopted minutes, adopted separately (secretariat)")
def create_corrigendum(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(optional=True), CORRIGENDUM_BODY)
    corr = services.create_corrigendum(user, m, data.get("body"))
    db.session.commit()
    return _minutes_json(corr, user, 201)


@api.operation("/minutes/<int:minutes_id>/corrections", summary="Corrections (the secretariat sees all, others their own)",
               tag="minutes")
def list_corrections(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    return jsonify({"items": [x.to_dict() for x in services.list_corrections(user, m)], "next": None})


@api.operation("/minutes/<int:minutes_id>/corrections", ("POST",), body=CORRECTION_BODY, status=201, tag="minutes",
               summary="Correct a passage reporting your own statement (participants, while circulated)")
def submit_correction(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(), CORRECTION_BODY)
    corr = services.submit_correction(user, m, data["anchor"], data["text"])
    db.session.commit()
    return jsonify(corr.to_dict()), 201


def _decide(correction_id: int, accept: bool):
    user = actor()
    corr = services.get_correction(user, correction_id)
    data = parse(json_body(optional=True), DECIDE_BODY)
    services.decide_correction(user, corr, accept, data.get("reason") or "")
    db.session.commit()
    return jsonify(corr.to_dict())


@api.operation("/corrections/<int:correction_id>/accept", ("POST",), body=DECIDE_BODY, tag="minutes",
               summary="Accept a correction: the passage is rewritten in the minutes (secretariat)")
def accept_correction(correction_id: int):
    return _decide(correction_id, True)


@api.operation("/corrections/<int:correction_id>/reject", ("POST",), body=DECIDE_BODY, tag="minutes",
               summary="Reject a correction, with a reason (secretariat)")
def reject_correction(correction_id: int):
    return _decide(correction_id, False)


@api.operation("/minutes/<int:minutes_id>/export", query=EXPORT_QUERY, tag="minutes",
               summary="The minutes as PDF or Markdown", responses={"200": {"description": "application/pdf or text/markdown"}})
def export_minutes(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    fmt = query_args(EXPORT_QUERY).get("format") or request.args.get("format") or "pdf"
    return download(m, fmt)


def download(m, fmt: str) -> Response:
    """The export as an attachment; shared by the API and the pages."""
    if fmt == "md":
        body, mime = export.to_markdown(m).encode("utf-8"), "text/markdown; charset=utf-8"
    elif fmt == "pdf":
        body, mime = export.to_pdf(m), "application/pdf"
    else:
        raise Invalid("format must be pdf or md.", {"format": "not an allowed value"})
    resp = Response(body, mimetype=mime)
    resp.headers["Content-Disposition"] = f'attachment; filename="minutes-{m.id}.{fmt}"'
    return resp


@api.operation("/consultations/<int:consultation_id>/publication", summary="The consultation's public archive entry",
               tag="minutes")
def get_publication(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    pub = publication.publication_of(c.id)
    return jsonify(pub.to_dict() if pub else {"consultation_id": c.id, "published_at": None})


@api.operation("/consultations/<int:consultation_id>/publication", ("PUT",), body=PUBLISH_BODY, tag="minutes",
               summary="Publish a closed consultation's adopted minutes (and more) to the public archive (secretariat)")
def publish(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    data = parse(json_body(optional=True), PUBLISH_BODY)
    pub = publication.publish(user, c, data, data.get("note"))
    db.session.commit()
    return jsonify(pub.to_dict())


@api.operation("/consultations/<int:consultation_id>/publication", ("DELETE",), tag="minutes",
               summary="Take a consultation off the public archive (secretariat)")
def unpublish(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    publication.unpublish(user, c)
    db.session.commit()
    return jsonify({"ok": True})
