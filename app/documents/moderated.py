"""Comments and amendments as app.consultations.moderation sees them (app.core.features:
`moderated`): where they are, who wrote them, their text and where to read them."""
from flask import url_for

from app.consultations.moderation import hidden_map, may_see_hidden
from app.documents.models import Amendment, Comment, Document
from app.extensions import db


def _where(record, anchor: str | None, fragment: str) -> dict | None:
    doc = db.session.get(Document, record.document_id)
    if doc is None:
        return None
    url = url_for("documents.reader", document_id=doc.id, anchor=anchor) if anchor else \
        url_for("documents.reader", document_id=doc.id)
    return {"consultation_id": doc.consultation_id, "url": f"{url}#{fragment}", "title": doc.title}


def comment(ref_id: int) -> dict | None:
    c = db.session.get(Comment, ref_id)
    where = _where(c, c.anchor, f"comment-{c.id}") if c is not None else None
    return where and {**where, "author_id": c.author_id, "author": c.author.name, "text": c.body}


def amendment(ref_id: int) -> dict | None:
    am = db.session.get(Amendment, ref_id)
    where = _where(am, None, f"amendment-{am.id}") if am is not None else None
    return where and {**where, "author_id": am.proposer_id, "author": am.proposer.name,
                      "text": f"{am.text}\n\n{am.rationale}".strip()}


def register(features) -> None:
    features.moderated.update({"comment": comment, "amendment": amendment})


def hidden_states(actor, kind: str, records, author_of) -> dict[int, str]:
    """Of these comments or amendments, the hidden ones by id: "shown" to their author and the
    secretariat (marked hidden), "redacted" for every other reader."""
    hidden = hidden_map(kind, [r.id for r in records])
    return {r.id: "shown" if may_see_hidden(actor, author_of(r)) else "redacted" for r in records if r.id in hidden}
