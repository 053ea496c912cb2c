"""JSON resources: minutes, their corrections, export, and the public Publication."""
from datetime import datetime

from flask import Response, jsonify, request

from app.api import ApiBlueprint, actor, json_body, page, query_args
from app.consultations import services as consultations
from app.core.pacing import takes_turns
from app.core import office
from app.core.errors import Invalid
from app.core.validation import Field, parse
from app.extensions import db
from app.core.shapes import BINARY, INT, OK, STR, Media, Shape, any_of, const, page_of
from app.core.languages import LANGUAGES
from app.minutes import export, languages, publication, services
from app.minutes.models import CORRECTION, PUBLICATION
from app.minutes.services import MINUTES

api = ApiBlueprint("minutes", __name__)

DRAFT_BODY = {"replace": Field(bool)}
PATCH_BODY = {"body": Field(str, required=True, max_len=services.MAX_BODY, strip=False, multiline=True)}
CIRCULATE_BODY = {"deadline": Field(datetime, nullable=True)}
CORRECTION_BODY = {"anchor": Field(str, required=True, max_len=1000, multiline=True), "text": Field(str, required=True, max_len=5000, multiline=True)}
ADOPT_BODY = {"confirm_placeholders": Field(bool)}
DECIDE_BODY = {"reason": Field(str, max_len=2000, nullable=True, multiline=True)}
CORRIGENDUM_BODY = {"body": Field(str, max_len=services.MAX_BODY, nullable=True, strip=False, multiline=True)}
EXPORT_QUERY = {"format": Field(str, choices=export.FORMATS), "language": Field(str, choices=LANGUAGES)}
LANGUAGE_BODY = {"body": Field(str, required=True, max_len=languages.MAX_BODY, strip=False, multiline=True)}
NOT_PUBLISHED = Shape("NotPublished", {"consultation_id": INT, "published_at": const(None)})
EXPORT = Media({"application/pdf": BINARY, "text/markdown": STR,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": BINARY},
               "The minutes as a tagged PDF, a .docx or Markdown attachment")
PUBLISH_BODY = {"include_minutes": Field(bool), "include_documents": Field(bool), "include_positions": Field(bool),
                "include_results": Field(bool), "note": Field(str, max_len=2000, nullable=True, multiline=True)}


def _minutes_json(m, user, status=200):
    return jsonify(services.serialize(m, user)), status


def _act(minutes_id: int, act, body: dict | None = None, optional: bool = True, status: int = 200):
    """The door of every action on one minutes record: the minutes the caller may see, the body
    read against its spec (none for `body=None`), one service call act(user, minutes, data),
    commit, and the minutes the service returns (the record itself, or a new corrigendum)."""
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(optional=optional), body) if body is not None else {}
    out = act(user, m, data)
    db.session.commit()
    return _minutes_json(out, user, status)


@api.operation("/consultations/<int:consultation_id>/minutes", ("POST",), status=201, body=DRAFT_BODY, tag="minutes",
               returns=MINUTES, summary="Draft minutes from the session record (secretariat)")
def draft_minutes(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    data = parse(json_body(optional=True), DRAFT_BODY)
    m = services.draft_minutes(user, c, replace=bool(data.get("replace")))
    db.session.commit()
    return _minutes_json(m, user, 201)


@api.operation("/consultations/<int:consultation_id>/minutes", returns=page_of(MINUTES), summary="The consultation's minutes and corrigenda",
               tag="minutes")
def list_minutes(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    return jsonify(page([services.serialize(m, user) for m in services.minutes_of(user, c)], None))


@api.operation("/minutes/<int:minutes_id>", returns=MINUTES, summary="Minutes, with body and html", tag="minutes")
def get_minutes(minutes_id: int):
    user = actor()
    return _minutes_json(services.get_minutes(user, minutes_id), user)


@api.operation("/minutes/<int:minutes_id>", ("PATCH",), body=PATCH_BODY, tag="minutes",
               returns=MINUTES, summary="Edit draft minutes (secretariat)")
def update_minutes(minutes_id: int):
    return _act(minutes_id, lambda user, m, data: services.update_minutes(user, m, data["body"]), PATCH_BODY,
                optional=False)


@api.operation("/minutes/<int:minutes_id>/circulate", ("POST",), body=CIRCULATE_BODY, tag="minutes",
               returns=MINUTES, summary="Circulate draft minutes for corrections until a deadline (secretariat)")
def circulate(minutes_id: int):
    return _act(minutes_id, lambda user, m, data: services.circulate(user, m, data.get("deadline")), CIRCULATE_BODY)


@api.operation("/minutes/<int:minutes_id>/adopt", ("POST",), body=ADOPT_BODY, tag="minutes", returns=MINUTES,
               summary="Adopt circulated minutes; they never change again (secretariat). With a draft's "
                       "placeholders left: 409 placeholders_left unless confirm_placeholders")
def adopt(minutes_id: int):
    return _act(minutes_id, lambda user, m, data: services.adopt(user, m, bool(data.get("confirm_placeholders"))),
                ADOPT_BODY)


@api.operation("/minutes/<int:minutes_id>/corrigenda", ("POST",), body=CORRIGENDUM_BODY, status=201, tag="minutes",
               returns=MINUTES, summary="Start a corrigendum to adopted minutes, adopted separately (secretariat)")
def create_corrigendum(minutes_id: int):
    return _act(minutes_id, lambda user, m, data: services.create_corrigendum(user, m, data.get("body")),
                CORRIGENDUM_BODY, status=201)


@api.operation("/minutes/<int:minutes_id>/corrections", returns=page_of(CORRECTION), summary="Corrections (the secretariat sees all, others their own)",
               tag="minutes")
def list_corrections(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    return jsonify(page([x.to_dict() for x in services.list_corrections(user, m)], None))


@api.operation("/minutes/<int:minutes_id>/corrections", ("POST",), body=CORRECTION_BODY, status=201, tag="minutes",
               returns=CORRECTION, summary="Correct a passage reporting your own statement (participants, while circulated)")
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
               returns=CORRECTION, summary="Accept a correction: the passage is rewritten in the minutes (secretariat)")
def accept_correction(correction_id: int):
    return _decide(correction_id, True)


@api.operation("/corrections/<int:correction_id>/reject", ("POST",), body=DECIDE_BODY, tag="minutes",
               returns=CORRECTION, summary="Reject a correction, with a reason (secretariat)")
def reject_correction(correction_id: int):
    return _decide(correction_id, False)


@api.operation("/minutes/<int:minutes_id>/export", query=EXPORT_QUERY, tag="minutes",
               summary="The minutes as tagged PDF, .docx or Markdown", returns=EXPORT)
@takes_turns
def export_minutes(minutes_id: int):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    args = query_args(EXPORT_QUERY)
    fmt = args.get("format") or request.args.get("format") or "pdf"
    return download(m, fmt, args.get("language"))


def download(m, fmt: str, lang: str | None = None) -> Response:
    """The export as an attachment, in the original or a language version (the original,
    labelled, when that language has none); shared by the API and the pages."""
    writers = {"md": export.to_markdown, "pdf": export.to_pdf, "docx": export.to_docx}
    if fmt not in writers:
        raise Invalid("format must be pdf, docx or md.", {"format": "not an allowed value"})
    if lang is not None and lang not in LANGUAGES:
        raise Invalid("Unknown language.", {"language": "not an allowed value"})
    return office.download(writers[fmt](m, lang), fmt, f"minutes-{m.id}" + (f"-{lang}" if lang else ""))


@api.operation("/minutes/<int:minutes_id>/languages", returns=languages.LANGUAGE_STATUSES, tag="minutes",
               summary="The minutes' working languages, each with its translation status")
def list_languages(minutes_id: int):
    m = services.get_minutes(actor(), minutes_id)
    return jsonify(languages.LANGUAGE_STATUSES.dump({"minutes_id": m.id, "original_language": languages.original_language(m),
                                                     "languages": languages.statuses(m)}))


@api.operation("/minutes/<int:minutes_id>/languages/<language>", returns=languages.MINUTES_TEXT, tag="minutes",
               summary="The minutes in one working language (the original, labelled as a fallback, when it has no version)")
def get_language(minutes_id: int, language: str):
    m = services.get_minutes(actor(), minutes_id)
    return jsonify(languages.text_in(m, language).to_dict())


@api.operation("/minutes/<int:minutes_id>/languages/<language>", ("PUT",), body=LANGUAGE_BODY, tag="minutes",
               returns=languages.MINUTES_TEXT, summary="Write the minutes in another working language (secretariat)")
def put_language(minutes_id: int, language: str):
    user = actor()
    m = services.get_minutes(user, minutes_id)
    data = parse(json_body(), LANGUAGE_BODY)
    languages.write_version(user, m, language, data["body"])
    db.session.commit()
    return jsonify(languages.text_in(m, language).to_dict())


@api.operation("/consultations/<int:consultation_id>/publication", returns=any_of(PUBLICATION, NOT_PUBLISHED), summary="The consultation's public archive entry",
               tag="minutes")
def get_publication(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    pub = publication.publication_of(c.id)
    return jsonify(pub.to_dict() if pub else NOT_PUBLISHED.dump({"consultation_id": c.id, "published_at": None}))


@api.operation("/consultations/<int:consultation_id>/publication", ("PUT",), body=PUBLISH_BODY, tag="minutes",
               returns=PUBLICATION, summary="Publish a closed consultation's adopted minutes (and more) to the public archive (secretariat)")
def publish(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    data = parse(json_body(optional=True), PUBLISH_BODY)
    pub = publication.publish(user, c, data, data.get("note"))
    db.session.commit()
    return jsonify(pub.to_dict())


@api.operation("/consultations/<int:consultation_id>/publication", ("DELETE",), tag="minutes",
               returns=OK, summary="Take a consultation off the public archive (secretariat)")
def unpublish(consultation_id: int):
    user = actor()
    c = consultations.get_visible(user, consultation_id)
    publication.unpublish(user, c)
    db.session.commit()
    return jsonify({"ok": True})
