"""Statement markers: how the minutes know whose words a passage reports.

A paragraph that reports one person's statement starts with the marker `{#st-<seq> @<user_id>}`,
where <seq> is the room event (floor.given) the statement comes from and <user_id> the speaker.
The drafting writes them; the secretariat keeps them while editing. They are shown as anchors
(`<p class="statement" id="st-<seq>" data-speaker="<user_id>">`) and stripped from the Markdown
export. A correction may only target a statement whose marker names its author.
"""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.core.errors import TooComplex
from app.core.markdown import render

MARKER = re.compile(r"^\{#(st-\d+) @(\d+)\}[ \t]*", re.MULTILINE)
ANCHOR = re.compile(r"^st-\d+$")
_TOKEN = re.compile(r"BRZST(\d+)U(\d+)Z ?")
_P_TOKEN = re.compile(r"<p>BRZST(\d+)U(\d+)Z ?")


@dataclass
class Statement:
    anchor: str
    user_id: int
    text: str        # the paragraph without its marker
    start: int       # offsets of the whole paragraph (marker included) in the body
    end: int


def marker(anchor: str, user_id: int) -> str:
    return f"{{#{anchor} @{user_id}}} "


def statements(body: str) -> list[Statement]:
    """Every marked paragraph of the body, in order. A paragraph ends at a blank line."""
    out = []
    for m in MARKER.finditer(body or ""):
        start = m.start()
        blank = re.compile(r"\n[ \t]*\n").search(body, m.end())
        end = blank.start() if blank else len(body)
        nxt = MARKER.search(body, m.end())
        if nxt and nxt.start() < end:
            end = nxt.start() - 1 if body[nxt.start() - 1] == "\n" else nxt.start()
        out.append(Statement(m.group(1), int(m.group(2)), body[m.end():end].strip(), start, end))
    return out


def find(body: str, anchor: str) -> Statement | None:
    return next((s for s in statements(body) if s.anchor == anchor), None)


def quote_pattern(quote: str) -> re.Pattern:
    """A quoted passage matches whatever the whitespace between its words."""
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def locate_quote(body: str, quote: str, user_id: int | None = None) -> Statement | None:
    """The first statement (of user_id, when given) whose text contains the quoted passage."""
    pattern = quote_pattern(quote)
    for s in statements(body):
        if (user_id is None or s.user_id == user_id) and pattern.search(s.text):
            return s
    return None


def replace_statement(body: str, anchor: str, new_text: str, quote: str | None = None) -> str | None:
    """The body with the statement's text (or only the quoted passage in it) replaced; None when
    the statement or the passage is no longer there."""
    s = find(body, anchor)
    if s is None:
        return None
    new_text = re.sub(r"\n[ \t]*\n+", "\n", new_text.strip())
    if quote:
        pattern = quote_pattern(quote)
        if not pattern.search(s.text):
            return None
        text = pattern.sub(lambda _m: new_text, s.text, count=1)
    else:
        text = new_text
    m = MARKER.match(body, s.start)
    return body[:s.start] + marker(m.group(1), int(m.group(2))) + text + body[s.end:]


def strip_markers(body: str) -> str:
    return MARKER.sub("", body or "")


def to_html(body: str, viewer_id: int | None = None, strict: bool = False) -> Markup:
    """Sanitised HTML with each statement paragraph anchored and tagged with its speaker; the
    viewer's own statements get the class `mine`. Writers call it with strict=True before they
    store a body, so Markdown too complex to render is refused (TooComplex, 422); a reader of a
    body stored before that check (or rendered on a machine slowed down) gets the text as is."""
    tokenised = MARKER.sub(lambda m: f"BRZST{m.group(1)[3:]}U{m.group(2)}Z ", body or "")
    try:
        html = render(tokenised)
    except TooComplex:
        if strict:
            raise
        return Markup(f'<pre class="unrendered">{escape(strip_markers(body))}</pre>')

    def _p(m):
        seq, uid = m.group(1), m.group(2)
        cls = "statement mine" if viewer_id is not None and int(uid) == viewer_id else "statement"
        return f'<p class="{cls}" id="st-{seq}" data-speaker="{uid}">'

    html = _P_TOKEN.sub(_p, html)
    html = _TOKEN.sub(lambda m: f'<span class="statement" id="st-{m.group(1)}" data-speaker="{m.group(2)}"></span>', html)
    return Markup(html)
