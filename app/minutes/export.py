"""Minutes as a printable PDF (WeasyPrint, static/css/print.css) and as Markdown."""
from pathlib import Path

from flask import current_app, render_template

from app.consultations.models import Consultation
from app.core.db import isoformat
from app.extensions import db
from app.minutes import services, statements
from app.minutes.models import Minutes


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
    """A printed layout: consultation details, headings, page numbers. Only data: URLs are
    fetched while rendering (no network, no local files), so a link in the minutes reaches nothing."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    c = _consultation(m)
    html = render_template("minutes/pdf.html", m=m, c=c, body_html=services.html_of(m))
    css_path = Path(current_app.static_folder) / "css" / "print.css"
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css_path.read_text(encoding="utf-8"), url_fetcher=fetcher)])
