""".docx in: a Word file checked as hostile, then converted to the document's Markdown.

Threat: an upload is hostile until proven otherwise. `convert` runs in a worker process
(app.core.offload: a memory limit and a time budget) and refuses, before mammoth reads anything:
a file that is not a zip (a renamed .exe, an encrypted or old .doc file), a zip bomb (too many
parts, too large once unpacked, or compressed more than MAX_RATIO), a macro-enabled file (.docm,
vbaProject.bin), and any XML part with a DTD, entity declaration or external reference (XML bombs,
XXE; a real Word file has none), each parsed with defusedxml. A file with tracked changes is
refused until they are accepted or rejected, so nobody's unaccepted edit slips into a version.

Conversion: mammoth (.docx -> HTML: headings, lists, tables, footnotes and endnotes, bold,
italic, links; images, comments, text boxes, headers and footers are not carried) then markdownify
(HTML -> Markdown). Footnotes become Markdown footnotes `[^n]`; a table without a header row uses
its first row as header (Markdown tables need one). What was dropped is reported as warning codes
(WARNINGS). The Markdown then goes through the same limits and sanitiser as typed Markdown
(app.documents.services), so nothing here is trusted to make safe HTML.

Imports nothing from Flask: the worker calls it with bytes and gets plain data back."""
import io
import re
import zipfile
import zlib

MAX_PARTS = 2000                 # parts in the zip
MAX_PART_BYTES = 64 * 1024 * 1024        # one part, unpacked
MAX_UNPACKED_BYTES = 160 * 1024 * 1024   # all parts, unpacked
MAX_RATIO = 200                  # unpacked / packed, for parts above 1 MB unpacked
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TRACKED = {W + t for t in ("ins", "del", "moveFrom", "moveTo")}
# warning code -> element tags whose presence means something was dropped
DROPPED = {
    "images": {W + "drawing", W + "pict"},
    "text_boxes": {W + "txbxContent"},
    "embedded_objects": {W + "object"},
    "equations": {"{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"},
}
WARNINGS = ("images", "text_boxes", "embedded_objects", "equations", "comments", "headers_footers")
_NOTE_REF = re.compile(r"^(footnote|endnote)-ref-(\d+)$")
_NOTE = re.compile(r"^(footnote|endnote)-(\d+)$")
_BLANKS = re.compile(r"\n{3,}")


class Refused(Exception):
    """The upload is refused: `code` is one of not_docx, zip_bomb, macros, unsafe_xml,
    tracked_changes, empty."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def convert(data: bytes) -> dict:
    """{"markdown", "warnings": [code]} or {"error": code}; see the module docstring."""
    try:
        zf = _open(data)
        warnings = _inspect(zf)
        markdown = _to_markdown(data)
    except Refused as refused:
        return {"error": refused.code}
    if not markdown.strip():
        return {"error": "empty"}
    return {"markdown": markdown, "warnings": warnings}


def _open(data: bytes) -> zipfile.ZipFile:
    if data[:4] != b"PK\x03\x04":
        raise Refused("not_docx")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise Refused("not_docx") from None
    if len(infos) > MAX_PARTS:
        raise Refused("zip_bomb")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            raise Refused("zip_bomb")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
            raise Refused("zip_bomb")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise Refused("not_docx")
    if any(n.lower().endswith("vbaproject.bin") or n.lower().endswith("vbadata.xml") for n in names):
        raise Refused("macros")
    return zf


def _parse(zf: zipfile.ZipFile, name: str):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring
    try:
        # Read within the declared size (zipfile stops there and checks the CRC).
        return fromstring(zf.read(name), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Refused("unsafe_xml") from None
    except (ParseError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError, zlib.error):
        raise Refused("not_docx") from None


def _inspect(zf: zipfile.ZipFile) -> list[str]:
    """Parse every XML part safely; refuse macros and tracked changes; name what will be dropped."""
    found: set[str] = set()
    for name in zf.namelist():
        if not name.lower().endswith((".xml", ".rels")):
            continue
        root = _parse(zf, name)
        if name == "[Content_Types].xml" and any(
                "macroEnabled" in (el.get("ContentType") or "") for el in root.iter()):
            raise Refused("macros")
        if not name.startswith("word/"):
            continue
        tags = {el.tag for el in root.iter()}
        if name in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
            if tags & TRACKED:
                raise Refused("tracked_changes")
            found.update(code for code, marks in DROPPED.items() if tags & marks)
        elif name == "word/comments.xml" and W + "comment" in tags:
            found.add("comments")
        elif re.fullmatch(r"word/(header|footer)\d*\.xml", name) and "".join(
                el.text or "" for el in root.iter(W + "t")).strip():
            found.add("headers_footers")
    return [code for code in WARNINGS if code in found]


def _to_markdown(data: bytes) -> str:
    import mammoth
    result = mammoth.convert_to_html(io.BytesIO(data), external_file_access=False)
    return html_to_markdown(result.value)


def html_to_markdown(html: str) -> str:
    """mammoth's HTML as Baraza Markdown: footnotes as `[^n]`, images dropped, first table row
    as header where none is marked."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(html, "html.parser")
    for img in soup.find_all("img"):
        img.decompose()
    numbers: dict[str, int] = {}
    for a in soup.find_all("a", id=_NOTE_REF):
        kind, n = _NOTE_REF.match(a["id"]).groups()
        numbers[f"{kind}-{n}"] = len(numbers) + 1
        holder = a.parent if a.parent is not None and a.parent.name == "sup" else a
        holder.replace_with(f"BARAZAFN{numbers[f'{kind}-{n}']}X")
    converter = MarkdownConverter(heading_style="ATX", bullets="-", escape_misc=True,
                                  table_infer_header=True, strip=["span"])
    notes: dict[int, str] = {}
    for li in soup.find_all("li", id=_NOTE):
        for back in li.find_all("a", href=re.compile(r"^#(footnote|endnote)-ref-")):
            back.decompose()
        number = numbers.get(li["id"])
        if number is not None:
            text = converter.convert_soup(li).strip()
            notes[number] = re.sub(r"\s*\n\s*", " ", text.lstrip("0123456789.-* \t"))
        parent = li.parent
        li.decompose()
        if parent is not None and parent.name == "ol" and not parent.find("li"):
            parent.decompose()
    body = converter.convert_soup(soup)
    body = re.sub(r"BARAZAFN(\d+)X", r"[^\1]", body)
    body = _BLANKS.sub("\n\n", body.replace("\t", " ")).strip() + "\n"
    if notes:
        body += "\n" + "\n".join(f"[^{n}]: {text}" for n, text in sorted(notes.items())) + "\n"
    return body
