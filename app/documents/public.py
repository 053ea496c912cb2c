"""What the public archive shows of a consultation's documents, when its publication covers
them: its final documents (the text of their last version) and the organisations' current
positions on each document, by constituency."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.documents.models import Document, DocumentVersion
from app.documents.reading import current_positions
from app.extensions import db


def _documents(consultation_id: int, *statuses: str) -> list[Document]:
    stmt = select(Document).where(Document.consultation_id == consultation_id)
    if statuses:
        stmt = stmt.where(Document.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(Document.id)))


def final_documents_section(c, kinds: set[str]) -> dict | None:
    """The final documents, each with the text of its last version (published kind "document")."""
    if "document" not in kinds:
        return None
    items = []
    for doc in _documents(c.id, "final"):
        version = db.session.scalar(select(DocumentVersion).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.number == doc.current_version_number))
        if version is not None:
            items.append((doc, version))
    return {"title": _("Final documents"), "template": "documents/public_section.html",
            "context": {"items": items}} if items else None


def positions_section(c, kinds: set[str]) -> dict | None:
    """Each organisation's current position on each document (published kind "position")."""
    if "position" not in kinds:
        return None
    rows = [(doc, current_positions(doc)[0]) for doc in _documents(c.id, "open", "closed", "final")]
    rows = [(doc, current) for doc, current in rows if current]
    return {"title": _("Positions"), "template": "documents/public_positions.html",
            "context": {"rows": rows}} if rows else None
