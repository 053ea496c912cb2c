"""A .docx built with python-docx from plain data: headings, key-value tables, tables, plain
paragraphs and sanitised HTML fragments (what app.core.markdown renders).

The HTML is the small, known tag set of app.core.markdown_engine.ALLOWED_TAGS, already sanitised:
headings, paragraphs, lists (ordered items carry their number as text, so a document's paragraph
numbers read the same as on the page), tables, quotes, code, links (real Word hyperlinks), bold,
italic, struck, inserted, sub- and superscript; footnotes arrive as the numbered list python-markdown
puts at the end. Images are named by their alt text. Each paragraph takes the direction of its own
first strong character (Arabic right to left) whatever the reader's language.

Pure: runs in a worker process (app.core.offload), imports nothing from Flask. `build(spec)`
returns the file's bytes."""
import io
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WS = re.compile(r"[ \t\r\n]+")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# what may follow w:bidi in a paragraph's properties (ECMA-376 order, which Word checks)
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
               "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
               "w:pPrChange")
BLOCKS = {"p", "ul", "ol", "table", "blockquote", "pre", "hr", "div", "dl", *HEADINGS}


def clean(text: str) -> str:
    """Characters XML 1.0 cannot hold are dropped."""
    return _CONTROL.sub("", text or "")


def is_rtl(text: str) -> bool:
    """Right to left when the first strong character is (UAX #9, rule P2)."""
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def build(spec: dict) -> bytes:
    """spec: {title, language, rtl (the reader's language), blocks: [block]} where a block is
    ["heading", level, text] | ["para", text] | ["meta", [[label, value], ...]] |
    ["table", header, rows] | ["html", fragment, heading_offset] | ["break"]."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    props = doc.core_properties
    props.title, props.language, props.author = clean(spec.get("title", ""))[:255], spec.get("language", ""), "Baraza"
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Noto Sans", Pt(11)
    _set_language(doc, spec.get("language") or "en")
    w = _Writer(doc, bool(spec.get("rtl")))
    for block in spec.get("blocks", []):
        kind = block[0]
        if kind == "heading":
            w.heading(block[2], block[1])
        elif kind == "para":
            w.text_paragraph(block[1], style=block[2] if len(block) > 2 else None)
        elif kind == "meta":
            w.table(None, block[1], bold_first=True)
        elif kind == "table":
            w.table(block[1], block[2])
        elif kind == "html":
            w.html(block[1], block[2] if len(block) > 2 else 0)
        elif kind == "break":
            doc.add_page_break()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _set_language(doc, language: str) -> None:
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    rpr = doc.styles.element.find(qn("w:docDefaults"))
    rpr = rpr.find(qn("w:rPrDefault")).find(qn("w:rPr")) if rpr is not None else None
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:bidi"), "ar")



# HTML inline element -> the run property it switches on.
INLINE_FORMATS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "mono",
                  "del": "strike", "ins": "underline", "sup": "superscript", "sub": "subscript"}

class _Writer:
    def __init__(self, doc, rtl: bool):
        self.doc, self.rtl = doc, rtl

    # --- paragraphs --------------------------------------------------------------------------
    def _direction(self, paragraph, text: str | None = None) -> None:
        rtl = is_rtl(text) if text and text.strip() else self.rtl
        if rtl:
            from docx.oxml.parser import OxmlElement
            ppr = paragraph._p.get_or_add_pPr()
            ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
            for r in paragraph._p.iter(_W + "r"):
                r.get_or_add_rPr().append(OxmlElement("w:rtl"))  # w:rtl follows all we set

    def heading(self, text: str, level: int):
        p = self.doc.add_heading(clean(text), level=max(0, min(int(level), 9)))
        self._direction(p, text)
        return p

    def text_paragraph(self, text: str, style: str | None = None):
        p = self.doc.add_paragraph(style=style)
        lines = clean(text).split("\n")
        for i, line in enumerate(lines):
            run = p.add_run(line)
            if i < len(lines) - 1:
                run.add_break()
        self._direction(p, text)
        return p

    def table(self, header: list | None, rows: list[list], bold_first: bool = False) -> None:
        width = max([len(header or [])] + [len(r) for r in rows] + [1])
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(([header] if header else []) + list(rows)):
            cells = table.add_row().cells
            for i, value in enumerate(row):
                p = cells[i].paragraphs[0]
                run = p.add_run(clean("" if value is None else str(value)))
                run.bold = (header is not None and r == 0) or (bold_first and i == 0)
                self._direction(p, str(value or ""))
        self.doc.add_paragraph()

    # --- sanitised HTML ----------------------------------------------------------------------
    def html(self, fragment: str, offset: int = 0) -> None:
        import lxml.html
        if not (fragment or "").strip():
            return
        root = lxml.html.fragment_fromstring(clean(fragment), create_parent="div")
        self._blocks(root, offset, 0)

    def _blocks(self, el, offset: int, depth: int) -> None:
        loose = []  # inline content between blocks becomes a paragraph of its own
        if (el.text or "").strip():
            loose.append(el.text)
        for child in el:
            if child.tag in BLOCKS:
                self._loose(loose)
                loose = []
                self._block(child, offset, depth)
            else:
                loose.append(child)
            if (child.tail or "").strip():
                loose.append(child.tail)
        self._loose(loose)

    def _loose(self, items) -> None:
        if not items:
            return
        p = self.doc.add_paragraph()
        for item in items:
            if isinstance(item, str):
                p.add_run(_WS.sub(" ", item))
            else:
                self._inline(item, p, {}, tail=False)
        self._direction(p, _text_of(p))

    def _block(self, el, offset: int, depth: int) -> None:
        tag = el.tag
        if tag in HEADINGS:
            p = self.doc.add_heading(level=min(9, HEADINGS[tag] + offset))
            self._inline_children(el, p, {})
            self._direction(p, _text_of(p))
        elif tag == "p":
            p = self.doc.add_paragraph()
            self._inline_children(el, p, {})
            self._direction(p, _text_of(p))
        elif tag in ("ul", "ol"):
            self._list(el, offset, depth)
        elif tag == "table":
            self._html_table(el)
        elif tag == "blockquote":
            for child in el:
                if child.tag in BLOCKS:
                    self._block(child, offset, depth)
            if (el.text or "").strip():
                self.text_paragraph(el.text.strip(), style="Quote")
        elif tag == "pre":
            p = self.doc.add_paragraph()
            run = p.add_run(clean(el.text_content()))
            run.font.name = "Noto Sans Mono"
        elif tag == "dl":
            for child in el:
                p = self.doc.add_paragraph()
                self._inline_children(child, p, {"bold": child.tag == "dt"})
                self._direction(p, _text_of(p))
        elif tag == "div":
            self._blocks(el, offset, depth)

    def _list(self, el, offset: int, depth: int) -> None:
        from docx.shared import Cm
        ordered = el.tag == "ol"
        try:
            number = int(el.get("start") or 1)
        except ValueError:
            number = 1
        for li in el.findall("li"):
            p = self.doc.add_paragraph(style=None if ordered else ("List Bullet" if depth == 0 else "List Bullet 2"))
            if ordered:
                p.paragraph_format.left_indent = Cm(0.9 * (depth + 1))
                p.paragraph_format.first_line_indent = Cm(-0.7)
                p.add_run(f"{number}.\t")
                number += 1
            nested = []
            if (li.text or "").strip():
                p.add_run(_WS.sub(" ", li.text))
            for child in li:
                if child.tag in ("ul", "ol"):
                    nested.append(child)
                elif child.tag == "p":
                    if _text_of(p).strip() and not _text_of(p).rstrip().endswith("."):
                        p.add_run(" ")
                    self._inline_children(child, p, {})
                else:
                    self._inline(child, p, {}, tail=False)
                if (child.tail or "").strip():
                    p.add_run(_WS.sub(" ", child.tail))
            self._direction(p, _text_of(p))
            for child in nested:
                self._list(child, offset, depth + 1)

    def _html_table(self, el) -> None:
        rows = [tr for tr in el.iter("tr")]
        if not rows:
            return
        width = max(len(tr.findall("td")) + len(tr.findall("th")) for tr in rows) or 1
        table = self.doc.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for tr in rows:
            cells = table.add_row().cells
            for i, cell in enumerate([c for c in tr if c.tag in ("td", "th")][:width]):
                p = cells[i].paragraphs[0]
                self._inline_children(cell, p, {"bold": cell.tag == "th"})
                self._direction(p, _text_of(p))
        self.doc.add_paragraph()

    # --- inline ------------------------------------------------------------------------------
    def _inline_children(self, el, p, fmt: dict) -> None:
        if el.text:
            self._run(p, el.text, fmt)
        for child in el:
            self._inline(child, p, fmt)

    def _inline(self, el, p, fmt: dict, tail: bool = True) -> None:
        tag = el.tag
        inner = dict(fmt)
        if tag in INLINE_FORMATS:
            inner[INLINE_FORMATS[tag]] = True
        if tag == "br":
            p.add_run().add_break()
        elif tag == "img":
            self._run(p, f"[{el.get('alt') or 'image'}]", inner)
        elif tag == "a" and "footnote-backref" in (el.get("class") or ""):
            pass
        elif tag == "a" and (el.get("href") or "").startswith(("http://", "https://", "mailto:")):
            _hyperlink(p, el.get("href"), clean(el.text_content()), inner)
        elif tag in BLOCKS:  # a block inside inline content (a list in a table cell): flattened
            self._run(p, " " + el.text_content() + " ", inner)
        else:
            self._inline_children(el, p, inner)
        if tail and el.tail:
            self._run(p, el.tail, fmt)

    @staticmethod
    def _run(p, text: str, fmt: dict):
        text = _WS.sub(" ", clean(text))
        if not text:
            return None
        run = p.add_run(text)
        _format(run, fmt)
        return run


def _format(run, fmt: dict) -> None:
    run.bold = fmt.get("bold") or None
    run.italic = fmt.get("italic") or None
    if fmt.get("strike"):
        run.font.strike = True
    if fmt.get("underline"):
        run.underline = True
    if fmt.get("superscript"):
        run.font.superscript = True
    if fmt.get("subscript"):
        run.font.subscript = True
    if fmt.get("mono"):
        run.font.name = "Noto Sans Mono"


def _hyperlink(p, url: str, text: str, fmt: dict) -> None:
    """A real Word hyperlink (python-docx has no call for it): a relationship and a w:hyperlink."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    from docx.text.run import Run

    r_id = p.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    r = OxmlElement("w:r")
    link.append(r)
    p._p.append(link)
    run = Run(r, p)
    run.text = text
    _format(run, fmt)
    run.underline = True
    run.style = p.part.document.styles["Hyperlink"] if "Hyperlink" in p.part.document.styles else None


def _text_of(p) -> str:
    return "".join(t.text or "" for t in p._p.iter() if t.tag.endswith("}t"))
