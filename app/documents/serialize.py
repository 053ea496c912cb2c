"""JSON shapes of documents, versions, comments, amendments and positions (every body with its html):
each serialiser returns its dict through the Shape declared above it (app/core/shapes.py)."""
from flask_babel import gettext as _

from app.accounts.models import CONSTITUENCIES, ORG_REF, PERSON_REF
from app.consultations import words
from app.core.db import isoformat
from app.core.shapes import ANY, BOOL, DATETIME, INT, STR, Shape, enum, list_of, map_of, nullable
from app.documents.models import (
    AMENDMENT_STATUSES,
    STANCES,
    STATUSES,
    Amendment,
    Comment,
    Document,
    DocumentVersion,
    Position,
)

DOCUMENT = Shape("Document", {
    "id": INT, "consultation_id": INT, "agenda_item_id": nullable(INT), "title": STR, "status": enum(*STATUSES),
    "comments_close_at": nullable(DATETIME), "accepting_comments": nullable(BOOL), "language": nullable(STR),
    "current_version_number": INT, "created_at": DATETIME, "updated_at": DATETIME})
VERSION_SUMMARY = Shape("VersionSummary", {
    "number": INT, "note": STR, "author": nullable(PERSON_REF), "amendment_id": nullable(INT), "created_at": DATETIME})
TOC_ENTRY = Shape("TocEntry", {"level": INT, "id": STR, "name": STR}, optional={"html": STR, "data-toc-label": STR},
                  description="A heading of the table of contents, with the headings under it.")
TOC_ENTRY.fields["children"] = list_of(TOC_ENTRY)
VERSION = VERSION_SUMMARY.extend("Version", {
    "body": STR, "html": STR, "toc": list_of(TOC_ENTRY),
    "paragraphs": list_of(Shape("Paragraph", {"anchor": STR, "html": STR, "kind": STR}))},
    optional={"warnings": list_of(STR)})  # a .docx upload: what did not come across, in the reader's language
DOCUMENT_DETAIL = DOCUMENT.extend("DocumentDetail", {
    "current_version": VERSION, "versions": list_of(VERSION_SUMMARY),
    "can": Shape("DocumentPermissions", {"manage": BOOL, "comment": BOOL, "amend": BOOL, "file_position": BOOL})},
    optional={"warnings": list_of(STR)})
COMMENT = Shape("Comment", {
    "id": INT, "document_id": INT, "version_number": INT, "anchor": nullable(STR), "parent_id": nullable(INT),
    "thread_id": INT, "amendment_id": nullable(INT), "body": STR, "html": STR, "author": nullable(PERSON_REF),
    "organisation": nullable(ORG_REF), "constituency": nullable(enum(*CONSTITUENCIES)), "client_id": nullable(STR),
    "created_at": DATETIME, "resolved_at": nullable(DATETIME), "resolved_by_id": nullable(INT),
    "on_earlier_version": BOOL}, optional={"hidden": BOOL})
AMENDMENT = Shape("Amendment", {
    "id": INT, "document_id": INT, "anchor": STR, "base_version_number": INT, "original": STR, "text": STR,
    "text_html": STR, "html": STR, "rationale": STR, "rationale_html": STR, "proposer": nullable(PERSON_REF),
    "organisation": nullable(ORG_REF), "constituency": nullable(enum(*CONSTITUENCIES)),
    "status": enum(*AMENDMENT_STATUSES), "reason": nullable(STR), "decided_at": nullable(DATETIME),
    "resulting_version_number": nullable(INT), "created_at": DATETIME},
    optional={"hidden": BOOL, "motion_id": nullable(INT), "reason_code": nullable(STR),
              "reason_params": nullable(map_of(ANY))})
POSITION = Shape("Position", {
    "id": INT, "document_id": INT, "organisation": nullable(ORG_REF), "constituency": enum(*CONSTITUENCIES),
    "stance": enum(*STANCES), "body": STR, "html": STR, "version_number": INT, "author": nullable(PERSON_REF),
    "created_at": DATETIME})
POSITIONS = Shape("Positions", {
    "items": list_of(POSITION), "next": nullable(STR),
    "summary": map_of(map_of(INT)), "history": list_of(POSITION)},
    description="Current positions (one per organisation), every position filed (newest first), and per "
                "constituency the count of each stance and of organisations that filed none (not_filed).")
DIFF = Shape("Diff", {
    "document_id": INT, "from": INT, "to": INT, "stats": map_of(INT),
    "rows": list_of(Shape("DiffRow", {
        "kind": enum("unchanged", "changed", "added", "removed", "moved", "moved_away"), "anchor": STR,
        "left_html": nullable(STR), "right_html": nullable(STR), "inline_html": nullable(STR), "edited": BOOL}))})


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def _org(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def document(doc: Document, accepting: bool | None = None) -> dict:
    return DOCUMENT.dump({
        "id": doc.id, "consultation_id": doc.consultation_id, "agenda_item_id": doc.agenda_item_id,
        "title": doc.title, "status": doc.status, "comments_close_at": isoformat(doc.comments_close_at),
        "accepting_comments": accepting if accepting is not None else None,
        "language": doc.language, "current_version_number": doc.current_version_number,
        "created_at": isoformat(doc.created_at), "updated_at": isoformat(doc.updated_at),
    })


def version(v: DocumentVersion, full: bool = True) -> dict:
    data = {"number": v.number, "note": v.note, "author": _person(v.author), "amendment_id": v.amendment_id,
            "created_at": isoformat(v.created_at)}
    if full:
        data.update(body=v.body, html=v.html, toc=v.toc,
                    paragraphs=[{"anchor": p["anchor"], "html": p["html"], "kind": p["kind"]} for p in v.paragraphs])
    return (VERSION if full else VERSION_SUMMARY).dump(data)


def _hide(data: dict, hidden: str | None, *fields: str) -> dict:
    """hidden: None (not hidden), "shown" (hidden; the reader is its author or the secretariat)
    or "redacted" (hidden; its text is withheld)."""
    if hidden is not None:
        data["hidden"] = True
        if hidden == "redacted":
            data.update({f: "" for f in fields})
    return data


def vote_reason(a: Amendment) -> str:
    """The reason of an amendment decided by a vote, in the reader's language."""
    p = a.reason_params or {}
    return _("Decided by the vote on motion %(id)s: %(reason)s", id=p.get("motion_id"),
             reason=words.reason(p.get("outcome", ""), p.get("reason_code"), p.get("reason_params")))


def comment(c: Comment, current_anchors: set | None = None, hidden: str | None = None) -> dict:
    return COMMENT.dump(_hide({
        "id": c.id, "document_id": c.document_id, "version_number": c.version_number, "anchor": c.anchor,
        "parent_id": c.parent_id, "thread_id": c.root_id, "amendment_id": c.amendment_id,
        "body": c.body, "html": c.html, "author": _person(c.author), "organisation": _org(c.organisation),
        "constituency": c.constituency, "client_id": c.client_id, "created_at": isoformat(c.created_at),
        "resolved_at": isoformat(c.resolved_at), "resolved_by_id": c.resolved_by_id,
        "on_earlier_version": bool(c.anchor and current_anchors is not None and c.anchor not in current_anchors),
    }, hidden, "body", "html"))


def amendment(a: Amendment, hidden: str | None = None) -> dict:
    return AMENDMENT.dump(_hide({
        "id": a.id, "document_id": a.document_id, "anchor": a.anchor, "base_version_number": a.base_version_number,
        "original": a.original, "text": a.text, "text_html": a.text_html, "html": a.text_html,
        "rationale": a.rationale, "rationale_html": a.rationale_html, "proposer": _person(a.proposer),
        "organisation": _org(a.organisation), "constituency": a.constituency, "status": a.status,
        "reason": vote_reason(a) if a.reason_code else a.reason, "decided_at": isoformat(a.decided_at),
        "resulting_version_number": a.resulting_version_number, "created_at": isoformat(a.created_at),
        "motion_id": a.motion_id, "reason_code": a.reason_code, "reason_params": a.reason_params,
    }, hidden, "text", "text_html", "html", "rationale", "rationale_html", "original"))


def position(p: Position) -> dict:
    return POSITION.dump({
        "id": p.id, "document_id": p.document_id, "organisation": _org(p.organisation),
        "constituency": p.constituency, "stance": p.stance, "body": p.body, "html": p.html,
        "version_number": p.version_number, "author": _person(p.author), "created_at": isoformat(p.created_at),
    })
