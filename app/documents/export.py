"""One version of a document downloaded as Markdown, .docx or tagged PDF (anyone who may read it).

Labels, headings and dates are in the reader's language; the document's own text keeps its
language and direction (an Arabic text is right to left in a French reader's file). The .docx
and the PDF are built in a worker process (app.core.office.render)."""
from flask import render_template
from flask_babel import gettext as _

from app.core import office
from app.core.i18n import current_language, when_date
from app.core.office import print_css, reader_rtl, text_dir
from app.documents import reading

FORMATS = ("docx", "pdf", "md")


def status_label(status: str) -> str:
    texts = {"draft": _("Draft"), "open": _("Open for comments"), "closed": _("Closed"), "final": _("Final")}
    return texts.get(status, status)


def export_version(actor, document_id: int, number: int | None, fmt: str) -> tuple[bytes | str, str]:
    """(file body, file name without extension) of one version; NotFound as for reading."""
    a, v = reading.version_at(actor, document_id, number)
    doc, c = a.document, a.consultation
    name = office.filename(doc.title, f"v{v.number}")
    if fmt == "md":
        return v.body, name
    meta = [[_("Consultation"), c.title], [_("Version"), str(v.number)], [_("Date"), when_date(v.created_at)],
            [_("Status"), status_label(doc.status)]]
    if v.note:
        meta.append([_("Note on this version"), v.note])
    if fmt == "pdf":
        html = render_template("documents/pdf.html", doc=doc, c=c, v=v, meta=meta, body_dir=text_dir(doc.language))
        return office.render("pdf", html, print_css()), name
    spec = {"title": doc.title, "language": doc.language or current_language(), "rtl": reader_rtl(),
            "blocks": [["heading", 0, doc.title], ["meta", meta], ["html", v.html, 0]]}
    return office.render("docx", spec), name

