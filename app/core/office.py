"""Office files out: tagged PDF (WeasyPrint, PDF/UA-1), .xlsx (openpyxl), CSV, and .docx
(app.core.docx_writer), plus `download`, the attachment response every export answers with.

Rules: every PDF Baraza makes is tagged PDF/UA-1 with its title (the HTML's <title>) and
language (<html lang>), so screen readers read it in order; only data: URLs are fetched while
rendering (no network, no local files). Spreadsheet cells never run: a CSV cell starting with
= + - @ (or a tab or carriage return) is quoted with an apostrophe, as spreadsheets read those as
formulas, and .xlsx cells are written as text, never as formulas. The heavy ones (`pdf`, `xlsx`,
`docx`) are pure functions of plain data, so `render(kind, ...)` runs them in a worker process
(app.core.offload) and the event loop keeps serving."""
import csv
import hashlib
import html as htmllib
import io
import pickle
import re
import threading

from app.core.pacing import turn_aside

RTL_LANGUAGES = ("ar",)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIME = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def downloads(description: str, *fmts: str):
    """The OpenAPI description of a download route answering one of these formats."""
    from app.core.shapes import BINARY, STR, Media
    return Media({MIME[f].split(";")[0]: STR if f in ("md", "csv") else BINARY for f in fmts}, description)


def safe_cell(value):
    """Spreadsheets run cells starting with = + - @ as formulas; quote those."""
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def csv_text(rows: list[list]) -> str:
    """CSV with a byte-order mark (spreadsheets then read UTF-8, Arabic included), cells guarded."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell("" if v is None else v) for v in row])
    return "\ufeff" + out.getvalue()


def pdf(html: str, css: str) -> bytes:
    """A tagged PDF/UA-1 of `html` (its <title> and <html lang> become the PDF's)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=css, url_fetcher=fetcher)], pdf_variant="pdf/ua-1")


def xlsx(sheets: list[dict], title: str = "", language: str = "") -> bytes:
    """sheets: [{title, header: [..], rows: [[..]], rtl, widths: [..]}]; every cell is text or a
    number, never a formula; the header row is bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title, wb.properties.language, wb.properties.creator = title[:255], language, "Baraza"
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet["title"]))
        ws.sheet_view.rightToLeft = bool(sheet.get("rtl"))
        wrap = Alignment(wrap_text=True, vertical="top")
        for r, row in enumerate([sheet["header"], *sheet["rows"]], start=1):
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c)
                if isinstance(value, bool) or value is None:
                    value = "" if value is None else str(value)
                if isinstance(value, int | float):
                    cell.value = value
                else:
                    cell.value = _ILLEGAL.sub("", str(value))[:32767]
                    cell.data_type = "s"   # text, even when it starts with "="
                    cell.alignment = wrap
                if r == 1:
                    cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for c, width in enumerate(sheet.get("widths") or [], start=1):
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"


def docx(spec: dict) -> bytes:
    from app.core import docx_writer
    return docx_writer.build(spec)


_KINDS = {"pdf": pdf, "xlsx": xlsx, "docx": docx}


class _Flight:
    """One render in progress, and whoever asked for the same one meanwhile."""

    def __init__(self):
        self.done = threading.Event()
        self.result: bytes | None = None
        self.error: BaseException | None = None


_flights: dict[bytes, _Flight] = {}
_flights_lock = threading.Lock()


def render(kind: str, *args, **_ignored) -> bytes:
    """pdf(html, css) | xlsx(sheets, title, language) | docx(spec), computed in a worker process.

    The same file asked for while it is being made is made once: when minutes are circulated,
    the delegates download the same PDF at the same moment, and five 50-page PDFs took the two
    cores from the rooms for seconds (bench/heavy_mix.py). The input's digest names the file, so
    two different texts never share one; nothing is kept once it is answered."""
    from app.core import offload
    key = hashlib.blake2b(pickle.dumps((kind, args), protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
    with _flights_lock:
        flight = _flights.get(key)
        mine = flight is None
        if mine:
            flight = _flights[key] = _Flight()
    if not mine:
        # as offload.run does: on SQLite a waiting request must not keep the one write lock (an
        # asker that had read held it for the whole render, and the room's chat waited 3.8 s)
        from app.core.db import release_idle_write_lock
        release_idle_write_lock()
        with turn_aside():
            flight.done.wait()
        if flight.error is not None:
            raise flight.error
        return flight.result
    try:
        flight.result = offload.run(_KINDS[kind], *args, budget=120.0)
        return flight.result
    except BaseException as err:
        flight.error = err
        raise
    finally:
        with _flights_lock:
            _flights.pop(key, None)
        flight.done.set()


def download(body: bytes | str, fmt: str, filename: str):
    """The export as an attachment (RFC 6266 file name, ASCII fallback)."""
    from urllib.parse import quote

    from flask import Response
    data = body.encode("utf-8") if isinstance(body, str) else body
    resp = Response(data, mimetype=MIME[fmt])
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"
    disposition = f'attachment; filename="{ascii_name}.{fmt}"'
    if ascii_name != filename:
        disposition += f"; filename*=UTF-8''{quote(filename)}.{fmt}"
    resp.headers["Content-Disposition"] = disposition
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def filename(*parts) -> str:
    """A file name from words (titles may be in any script; the ASCII fallback is made above)."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return re.sub(r"[\s/\\:*?\"<>|]+", "-", text).strip("-")[:120] or "export"


# --- in the request (reader's language) ---------------------------------------------------------

def plain(html: str) -> str:
    """The text of sanitised HTML, on one line (for spreadsheets and CSV)."""
    return _WS.sub(" ", htmllib.unescape(_TAG.sub(" ", html or ""))).strip()


def text_dir(language: str | None) -> str:
    return "rtl" if (language or "")[:2] in RTL_LANGUAGES else "ltr"


def reader_rtl() -> bool:
    from app.core.i18n import current_language
    return text_dir(current_language()) == "rtl"


def print_css() -> str:
    """static/css/print.css with the page numbers in the reader's language."""
    from pathlib import Path

    from flask import current_app
    from flask_babel import gettext as _
    css = (Path(current_app.static_folder) / "css" / "print.css").read_text(encoding="utf-8")
    before, _sep, after = _("Page %(n)s of %(total)s").partition("%(n)s")
    between, _sep, end = after.partition("%(total)s")
    parts = (_css_string(before), "counter(page)", _css_string(between), "counter(pages)", _css_string(end))
    return css + "\n@page{@bottom-center{content:%s}}\n" % " ".join(p for p in parts if p)


def _css_string(text: str) -> str:
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"') if text else ""
