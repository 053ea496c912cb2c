"""Minutes as a tagged PDF (WeasyPrint PDF/UA-1, static/css/print.css), as .docx and as Markdown,
in the original or in one of its language versions (app/minutes/languages.py).

The PDF and the .docx are built in a worker process (app.core.office.render). Labels and dates
are in the reader's language; an export of a language version (`lang`) is a document in that
language, labels included, and says which text it holds (a translation, an outdated one, or the
original as a fallback). The minutes' text keeps its own language and direction."""
import re
from contextlib import nullcontext
from functools import lru_cache
from html import unescape

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.consultations.models import Consultation
from app.core import labels, office
from app.core.i18n import text_direction, when, when_date
from app.core.languages import LANGUAGE_NAMES, language as language_of
from app.core.markdown import render
from app.extensions import db
from app.minutes import languages, services, statements
from app.minutes.models import Minutes

FORMATS = ("pdf", "md", "docx")


def _consultation(m: Minutes) -> Consultation:
    return db.session.get(Consultation, m.consultation_id)


def _locale(lang: str | None):
    """Labels in the language version's language when one is asked for, else the reader's."""
    return force_locale(language_of(lang).locale or lang) if lang else nullcontext()


def version_note(t: "languages.Text") -> str:
    """The sentence that says which text a reader holds ("" for the original asked for)."""
    names = {"language": LANGUAGE_NAMES[t.requested],
             "original": LANGUAGE_NAMES[languages.original_language(t.minutes)]}
    if t.fallback:
        return _("These minutes are not yet available in %(language)s; the original (%(original)s) is shown.", **names)
    if t.status == "outdated":
        return _("This %(language)s version translates an earlier text of the minutes; the original (%(original)s) "
                 "has changed since.", **names)
    if t.status == "current":
        return _("%(language)s version of minutes drafted in %(original)s.", **names)
    return ""


def body_html(t: "languages.Text", viewer_id: int | None = None):
    if t.is_original:
        return services.html_of(t.minutes, viewer_id)
    return render(t.body)


_BLOCK = re.compile(r"<(p|li|h[1-6]|td|th|dt|dd)(\s[^>]*)?>", re.IGNORECASE)
_NEXT = re.compile(r"</?(?:p|li|h[1-6]|td|th|dt|dd|ul|ol|table|tr|div|blockquote)\b", re.IGNORECASE)
_STRONG = re.compile(r"<strong>(.*?)</strong>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=4)  # a pure function of the text: the same minutes asked for at once cost it once
def isolate_directions(html) -> Markup:
    """For the PDF: each paragraph, list item, heading and cell written in one direction gets that
    direction (what dir="auto" does in a browser; WeasyPrint does not resolve it), and each bold
    run (names, motion questions) is isolated, so English in Arabic minutes keeps its punctuation
    at its end ("Respect the framework?", "1. Purpose") and an Arabic name in French ones its own."""
    html = str(html)
    out, pos = [], 0
    for m in _BLOCK.finditer(html):
        attrs = m.group(2) or ""
        end = _NEXT.search(html, m.end())
        inner = html[m.end():end.start() if end else len(html)]
        out.append(html[pos:m.start()])
        text = unescape(_TAG.sub("", inner))
        direction = text_direction(text)
        # a block holding both directions keeps the page's; its bold runs are isolated below
        mixed = direction != "auto" and text_direction("".join(reversed(text))) != direction
        if "dir=" in attrs or direction == "auto" or mixed:
            out.append(m.group(0))
        else:
            out.append(f'<{m.group(1)}{attrs} dir="{direction}">')
        pos = m.end()
    out.append(html[pos:])

    def strong(m):
        direction = text_direction(unescape(_TAG.sub("", m.group(1))))
        return m.group(0) if direction == "auto" else f'<strong><span dir="{direction}">{m.group(1)}</span></strong>'
    return Markup(_STRONG.sub(strong, "".join(out)))


def _status(m: Minutes) -> str:
    texts = {"draft": _("Draft"), "circulated": _("Circulated for corrections"), "adopted": _("Adopted")}
    text = texts.get(m.status, m.status)
    return f"{text}, {when_date(m.adopted_at)}" if m.adopted_at else text


def to_markdown(m: Minutes, lang: str | None = None) -> str:
    """The minutes' Markdown with a short header; statement markers are left out."""
    t = languages.text_in(m, lang)
    with _locale(lang):
        c = _consultation(m)
        lines = [f"> **{_('Consultation')}:** {c.title}  ", f"> **{_('Minutes')}:** {m.id}, {_status(m)}"]
        if m.corrigendum_of_id:
            lines[-1] += "  "
            lines.append(f"> **{_('Corrigendum to')}:** {m.corrigendum_of.title}")
        note = version_note(t)
        if note:
            lines[-1] += "  "
            lines.append(f"> _{note}_")
    return "\n".join(lines) + "\n\n" + statements.strip_markers(t.body).strip() + "\n"


def to_pdf(m: Minutes, lang: str | None = None) -> bytes:
    """A printed, tagged layout: consultation details, headings, page numbers. Only data: URLs
    are fetched while rendering (no network, no local files), so a link in the minutes reaches nothing."""
    t = languages.text_in(m, lang)
    with _locale(lang):
        c = _consultation(m)
        html = render_template("minutes/pdf.html", m=m, c=c, body_html=isolate_directions(body_html(t)), text=t, note=version_note(t),
                               text_lang=t.language, text_dir=language_of(t.language).direction)
        css = office.print_css()
    return office.render("pdf", html, css)


def to_docx(m: Minutes, lang: str | None = None) -> bytes:
    """The same content as the PDF, as a Word file the secretariat can annex and edit."""
    t = languages.text_in(m, lang)
    with _locale(lang):
        c = _consultation(m)
        scope = labels.label(labels.LEVEL, c.level) + (f" ({c.country})" if c.level == "national" and c.country else
                                                       f" ({c.rec})" if c.level == "rec" and c.rec else "")
        meta = [[_("Consultation"), c.title], [_("Level and scope"), scope]]
        if c.starts_at:
            meta.append([_("Session"), when(c.starts_at) + (f" – {when(c.ends_at)}" if c.ends_at else "")])
        meta.append([_("Status of these minutes"), _status(m)])
        if m.corrigendum_of_id:
            meta.append([_("Corrigendum to"), m.corrigendum_of.title])
        note = version_note(t)
        if note:
            meta.append([_("Language version"), note])
        blocks = [["heading", 0, m.title], ["meta", meta], ["html", str(body_html(t)), 0]]
        if m.status == "adopted":
            blocks.append(["para", _("Adopted on %(date)s by %(name)s, subject to the corrections received.",
                                     date=when_date(m.adopted_at), name=m.adopted_by.name if m.adopted_by else "")])
        spec = {"title": m.title, "language": t.language, "rtl": office.reader_rtl(), "blocks": blocks}
    return office.render("docx", spec)
