"""Minutes as a tagged PDF (WeasyPrint PDF/UA-1, static/css/print.css), as .docx and as Markdown.

The PDF and the .docx are built in a worker process (app.core.office.render). Labels and dates
are in the reader's language; the minutes' text keeps its own language and direction."""
from flask import render_template
from flask_babel import gettext as _

from app.consultations.models import Consultation
from app.core import labels, office
from app.core.db import isoformat
from app.core.i18n import when, when_date
from app.extensions import db
from app.minutes import services, statements
from app.minutes.models import Minutes

FORMATS = ("pdf", "md", "docx")


def _consultation(m: Minutes) -> Consultation:
    return db.session.get(Consultation, m.consultation_id)


def to_markdown(m: Minutes) -> str:
    """The minutes' Markdown with a short header; statement markers are left out."""
    c = _consultation(m)
    status = m.status + (f" ({isoformat(m.adopted_at)})" if m.adopted_at else "")
    lines = [f"> **Consultation:** {c.title}  ", f"> **Minutes:** {m.id}, {status}"]
    if m.corrigendum_of_id:
        lines[-1] += "  "
        lines.append(f"> **Corrigendum to minutes:** {m.corrigendum_of_id}")
    return "\n".join(lines) + "\n\n" + statements.strip_markers(m.body).strip() + "\n"


def to_pdf(m: Minutes) -> bytes:
    """A printed, tagged layout: consultation details, headings, page numbers. Only data: URLs
    are fetched while rendering (no network, no local files), so a link in the minutes reaches nothing."""
    c = _consultation(m)
    html = render_template("minutes/pdf.html", m=m, c=c, body_html=services.html_of(m))
    return office.render("pdf", html, office.print_css())


def _status(m: Minutes) -> str:
    texts = {"draft": _("Draft"), "circulated": _("Circulated for corrections"), "adopted": _("Adopted")}
    text = texts.get(m.status, m.status)
    return f"{text}, {when_date(m.adopted_at)}" if m.adopted_at else text


def to_docx(m: Minutes) -> bytes:
    """The same content as the PDF, as a Word file the secretariat can annex and edit."""
    c = _consultation(m)
    scope = labels.label(labels.LEVEL, c.level) + (f" ({c.country})" if c.level == "national" and c.country else
                                                   f" ({c.rec})" if c.level == "rec" and c.rec else "")
    meta = [[_("Consultation"), c.title], [_("Level and scope"), scope]]
    if c.starts_at:
        meta.append([_("Session"), when(c.starts_at) + (f" – {when(c.ends_at)}" if c.ends_at else "")])
    meta.append([_("Status of these minutes"), _status(m)])
    if m.corrigendum_of_id:
        meta.append([_("Corrigendum to"), m.corrigendum_of.title])
    blocks = [["heading", 0, m.title], ["meta", meta], ["html", str(services.html_of(m)), 0]]
    if m.status == "adopted":
        blocks.append(["para", _("Adopted on %(date)s by %(name)s, subject to the corrections received.",
                                 date=when_date(m.adopted_at), name=m.adopted_by.name if m.adopted_by else "")])
    spec = {"title": m.title, "language": m.language or "en", "rtl": office.reader_rtl(), "blocks": blocks}
    return office.render("docx", spec)
