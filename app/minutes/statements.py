"""Statement markers: how the minutes know whose words a passage reports.

A paragraph that reports one person's statement starts with the marker `{#st-<seq> @<user_id>}`,
where <seq> is the room event (floor.given) the statement comes from and <user_id> the speaker.
The drafting writes them; the secretariat keeps them while editing. They are shown as anchors
(`<p class="statement" id="st-<seq>" data-speaker="<user_id>">`) and stripped from the Markdown
export. A correction may only target a statement whose marker names its author.

Markers are server-owned. Who spoke is the session record's (the floor.given event's user_id),
not the text's: given `issued` ({anchor: speaker} from those events), a marker counts only if
its anchor was issued to the speaker it names, and only once. User text never creates or moves
one: a correction whose text looks like a marker in any spelling (entities, %-encoding, full-width
braces, invisible characters, spaces) is refused, accepting a correction must leave the body's
markers exactly as they were, and a body the secretariat saves may only carry issued markers.
"""
import html
import re
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from markupsafe import Markup, escape

from app.core.errors import TooComplex
from app.core.markdown import render

MARKER = re.compile(r"^\{#(st-\d+) @(\d+)\}[ \t]*", re.MULTILINE)
ANCHOR = re.compile(r"^st-\d+$")
# what is left of a marker once spelling tricks are undone (see looks_like_marker)
_SUSPECT = re.compile(r"\{#|#st-?\d|st-?\d+@\d|@\d+\}", re.IGNORECASE)
Issued = dict[str, int]


@dataclass
class Statement:
    anchor: str
    user_id: int
    text: str        # the paragraph without its marker
    start: int       # offsets of the whole paragraph (marker included) in the body
    end: int


def marker(anchor: str, user_id: int) -> str:
    return f"{{#{anchor} @{user_id}}} "


def markers(body: str) -> list[tuple[str, int]]:
    """Every marker written in the body, valid or not, in order."""
    return [(m.group(1), int(m.group(2))) for m in MARKER.finditer(body or "")]


def _counted(body: str, issued: Issued | None) -> list[re.Match]:
    """The markers that count: with `issued`, only an issued anchor naming its own speaker, once."""
    out, seen = [], set()
    for m in MARKER.finditer(body or ""):
        anchor, uid = m.group(1), int(m.group(2))
        if issued is not None and (issued.get(anchor) != uid or anchor in seen):
            continue
        seen.add(anchor)
        out.append(m)
    return out


def statements(body: str, issued: Issued | None = None) -> list[Statement]:
    """Every marked paragraph of the body, in order. A paragraph ends at a blank line or at
    the next counted marker."""
    out = []
    found = _counted(body, issued)
    for i, m in enumerate(found):
        start = m.start()
        blank = re.compile(r"\n[ \t]*\n").search(body, m.end())
        end = blank.start() if blank else len(body)
        nxt = found[i + 1] if i + 1 < len(found) else None
        if nxt and nxt.start() < end:
            end = nxt.start() - 1 if body[nxt.start() - 1] == "\n" else nxt.start()
        out.append(Statement(m.group(1), int(m.group(2)), body[m.end():end].strip(), start, end))
    return out


def looks_like_marker(text: str) -> bool:
    """Whether user text holds a statement marker or a piece of one, however spelt: HTML
    entities and %-escapes undone, compatibility forms folded (full-width braces), invisible
    and format characters, backslashes and whitespace removed."""
    t = text or ""
    for _ in range(3):
        t = unicodedata.normalize("NFKC", html.unescape(unquote(t)))
    t = "".join(ch for ch in t if not ch.isspace() and ch != "\\" and unicodedata.category(ch)[0] not in "CZ")
    return bool(_SUSPECT.search(t))


def unissued_markers(body: str, issued: Issued) -> bool:
    """Whether the body carries a marker the session record did not issue (or one twice), or
    anything else that looks like one."""
    found = markers(body)
    if len({a for a, _ in found}) != len(found) or any(issued.get(a) != uid for a, uid in found):
        return True
    return looks_like_marker(MARKER.sub("", body or ""))


def find(body: str, anchor: str, issued: Issued | None = None) -> Statement | None:
    return next((s for s in statements(body, issued) if s.anchor == anchor), None)


def quote_pattern(quote: str) -> re.Pattern:
    """A quoted passage matches whatever the whitespace between its words."""
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def locate_quote(body: str, quote: str, user_id: int | None = None,
                 issued: Issued | None = None) -> Statement | None:
    """The first statement (of user_id, when given) whose text contains the quoted passage."""
    pattern = quote_pattern(quote)
    for s in statements(body, issued):
        if (user_id is None or s.user_id == user_id) and pattern.search(s.text):
            return s
    return None


def replace_statement(body: str, anchor: str, new_text: str, quote: str | None = None,
                      issued: Issued | None = None) -> str | None:
    """The body with the statement's text (or only the quoted passage in it) replaced; None when
    the statement or the passage is no longer there."""
    s = find(body, anchor, issued)
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


def to_html(body: str, viewer_id: int | None = None, issued: Issued | None = None,
            strict: bool = False) -> Markup:
    """Sanitised HTML with each statement paragraph anchored and tagged with its speaker; the
    viewer's own statements get the class `mine`. A marker that does not count stays text.
    Writers call it with strict=True before they store a body, so Markdown too complex to render
    is refused (TooComplex, 422); a reader of a body stored before that check (or rendered on a
    machine slowed down) gets the text as is."""
    body = body or ""
    # a fresh nonce per render, so no text can spell the placeholder a marker becomes
    nonce = "BRZ" + secrets.token_hex(8)
    token = re.compile(nonce + r"ST(\d+)U(\d+)Z ?")
    p_token = re.compile(r"<p>" + nonce + r"ST(\d+)U(\d+)Z ?")
    parts, last = [], 0
    for m in _counted(body, issued):
        parts += [body[last:m.start()], f"{nonce}ST{m.group(1)[3:]}U{m.group(2)}Z "]
        last = m.end()
    try:
        html_out = render("".join(parts) + body[last:])
    except TooComplex:
        if strict:
            raise
        return Markup(f'<pre class="unrendered">{escape(strip_markers(body))}</pre>')

    def _p(m):
        seq, uid = m.group(1), m.group(2)
        cls = "statement mine" if viewer_id is not None and int(uid) == viewer_id else "statement"
        return f'<p class="{cls}" id="st-{seq}" data-speaker="{uid}">'

    html_out = p_token.sub(_p, html_out)
    html_out = token.sub(lambda m: f'<span class="statement" id="st-{m.group(1)}" data-speaker="{m.group(2)}"></span>',
                          html_out)
    return Markup(html_out)


def passage_label(body: str, s: Statement, words: int = 12) -> str:
    """How the correction form names one of a person's statements: the heading of the section
    it stands in, then its opening words as read (Markdown rendered, then reduced to text), so
    two statements that begin alike under different items are told apart."""
    import html as html_lib

    import nh3

    from app.core.markdown import render
    start = body.rfind("\n#", 0, s.start)
    heading = body[start + 1:body.find("\n", start + 1)].lstrip("#").strip() if start >= 0 else ""
    text = " ".join(html_lib.unescape(nh3.clean(render(s.text), tags=set())).split())
    opening = " ".join(text.split()[:words]) + ("…" if len(text.split()) > words else "")
    return f"{heading} — {opening}" if heading else opening
