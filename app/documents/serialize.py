"""JSON shapes of documents, versions, comments, amendments and positions (every body with its html)."""
from app.core.db import isoformat
from app.documents.models import Amendment, Comment, Document, DocumentVersion, Position


def _person(user) -> dict | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def _org(org) -> dict | None:
    return {"id": org.id, "name": org.name} if org is not None else None


def document(doc: Document, accepting: bool | None = None) -> dict:
    return {
        "id": doc.id, "consultation_id": doc.consultation_id, "agenda_item_id": doc.agenda_item_id,
        "title": doc.title, "status": doc.status, "comments_close_at": isoformat(doc.comments_close_at),
        "accepting_comments": accepting if accepting is not None else None,
        "language": doc.language, "current_version_number": doc.current_version_number,
        "created_at": isoformat(doc.created_at), "updated_at": isoformat(doc.updated_at),
    }


def version(v: DocumentVersion, full: bool = True) -> dict:
    data = {"number": v.number, "note": v.note, "author": _person(v.author), "amendment_id": v.amendment_id,
            "created_at": isoformat(v.created_at)}
    if full:
        data.update(body=v.body, html=v.html, toc=v.toc,
                    paragraphs=[{"anchor": p["anchor"], "html": p["html"], "kind": p["kind"]} for p in v.paragraphs])
    return data


def comment(c: Comment, current_anchors: set | None = None) -> dict:
    return {
        "id": c.id, "document_id": c.document_id, "version_number": c.version_number, "anchor": c.anchor,
        "parent_id": c.parent_id, "thread_id": c.root_id, "amendment_id": c.amendment_id,
        "body": c.body, "html": c.html, "author": _person(c.author), "organisation": _org(c.organisation),
        "constituency": c.constituency, "client_id": c.client_id, "created_at": isoformat(c.created_at),
        "resolved_at": isoformat(c.resolved_at), "resolved_by_id": c.resolved_by_id,
        "on_earlier_version": bool(c.anchor and current_anchors is not None and c.anchor not in current_anchors),
    }


def amendment(a: Amendment) -> dict:
    return {
        "id": a.id, "document_id": a.document_id, "anchor": a.anchor, "base_version_number": a.base_version_number,
        "original": a.original, "text": a.text, "text_html": a.text_html, "html": a.text_html,
        "rationale": a.rationale, "rationale_html": a.rationale_html, "proposer": _person(a.proposer),
        "organisation": _org(a.organisation), "constituency": a.constituency, "status": a.status,
        "reason": a.reason, "decided_at": isoformat(a.decided_at),
        "resulting_version_number": a.resulting_version_number, "created_at": isoformat(a.created_at),
    }


def position(p: Position) -> dict:
    return {
        "id": p.id, "document_id": p.document_id, "organisation": _org(p.organisation),
        "constituency": p.constituency, "stance": p.stance, "body": p.body, "html": p.html,
        "version_number": p.version_number, "author": _person(p.author), "created_at": isoformat(p.created_at),
    }
