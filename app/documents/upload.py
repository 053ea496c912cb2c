"""A .docx uploaded as a new document or a new version (secretariat only, as typed Markdown is).

The file is converted in a worker process (app.core.offload; app.documents.word says what is
refused and what is dropped) only after the actor's right is checked; the Markdown it gives then
goes through services.create_document / publish_version, so the size limit, the sanitiser, the
Markdown limits (TooComplex) and anchoring apply exactly as to typed text. Nothing is written
before the file is accepted. Returns the record and the warnings (codes, see WARNING_TEXTS)."""
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.consultations import services as consultations
from app.core import offload
from app.core.db import release_idle_write_lock
from app.core.errors import Forbidden, Invalid, TooLarge
from app.documents import services, word
from app.documents.models import Document, DocumentVersion

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024   # the file and the form's other fields
BUDGET = 30.0   # seconds for one conversion; a 100-page file takes under one

WARNING_TEXTS = {
    "images": _l("Images were left out: Baraza documents hold text only."),
    "text_boxes": _l("Text boxes were left out; move their text into the body if it matters."),
    "embedded_objects": _l("Embedded objects (charts, spreadsheets) were left out."),
    "equations": _l("Equations were left out."),
    "comments": _l("Word comments were left out; participants comment in Baraza."),
    "headers_footers": _l("Page headers and footers were left out."),
}
_REFUSALS = {
    "not_docx": (Invalid, _l("This file is not a Word document (.docx). Save it as .docx and try again.")),
    "zip_bomb": (TooLarge, _l("This file unpacks to far more data than a Word document holds; it was refused.")),
    "macros": (Invalid, _l("Files with macros (.docm) are not accepted. Save it as a Word document (.docx) "
                           "without macros.")),
    "unsafe_xml": (Invalid, _l("This file contains XML declarations that a Word document never has "
                               "(document types or entities); it was refused.")),
    "tracked_changes": (Invalid, _l("This file has tracked changes. Accept or reject them in Word (Review, "
                                    "Accept / Reject all changes), save, then upload it again.")),
    "empty": (Invalid, _l("This file has no text.")),
}


def warning_texts(codes: list[str]) -> list[str]:
    return [str(WARNING_TEXTS[c]) for c in codes if c in WARNING_TEXTS]


def convert(data) -> tuple[str, list[str]]:
    """The file's Markdown and warning codes; 413 over MAX_UPLOAD_BYTES, 422 / 413 for the
    refusals of app.documents.word, 422 for a file that cannot be read."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise Invalid(_l("Choose a Word (.docx) file to upload."), {"file": "required"})
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(_l("The file is larger than %(n)s MB.", n=MAX_UPLOAD_BYTES // (1024 * 1024)))
    release_idle_write_lock()  # SQLite: nothing is written yet; others write while we convert
    try:
        result = offload.run(word.convert, bytes(data), budget=BUDGET)
    except TimeoutError:
        raise TooLarge(_l("This file takes too long to read; it was refused.")) from None
    except offload.OffloadFailed as failed:
        if "MemoryError" in str(failed):
            raise TooLarge(_l("This file unpacks to far more data than a Word document holds; it was refused.")) from None
        unreadable = _REFUSALS["not_docx"][1]
        raise Invalid(unreadable, {"file": "unreadable"}) from None
    if "error" in result:
        cls, message = _REFUSALS.get(result["error"], _REFUSALS["not_docx"])
        raise cls(message, {"file": result["error"]}) if cls is Invalid else cls(message)
    return result["markdown"], result["warnings"]


def _title_from(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()[:300]
    return ""


def create_from_docx(actor: User, consultation_id: int, data: dict, file_bytes) -> tuple[Document, list[str]]:
    """A new document from a .docx (title: the form's, else the file's first heading, else the
    file name)."""
    c = consultations.get_visible(actor, consultation_id)
    if not actor.is_secretariat:
        raise Forbidden("Only the secretariat may add documents.")
    markdown, warnings = convert(file_bytes)
    title = (data.get("title") or "").strip() or _title_from(markdown) or (data.get("filename") or "").strip()
    doc = services.create_document(actor, c.id, {**data, "title": title[:300], "body": markdown})
    return doc, warnings


def publish_from_docx(actor: User, document_id: int, file_bytes, note: str = "") -> tuple[DocumentVersion, list[str]]:
    """A new version from a .docx; anchors follow paragraphs as for typed versions."""
    a = services.access(actor, document_id)
    services._require_manage(a)
    markdown, warnings = convert(file_bytes)
    return services.publish_version(actor, document_id, markdown, note), warnings
