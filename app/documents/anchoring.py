"""Splitting a version's Markdown into paragraphs, and anchors that follow a paragraph across versions.

Blocks. The source is cut into block-level pieces by `split_blocks`: runs of non-blank lines
separated by blank lines; an ATX heading (`# ...`) is always a block of its own; a fenced code
block (``` or ~~~) is one block even with blank lines inside; each top-level list item is a block
of its own, with its indented continuation lines (including blank-line separated ones and nested
lists); a footnote definition keeps its indented continuation. Joining the blocks with blank lines
gives back an equivalent document, which is how amendments replace a paragraph.

Rendering. The whole document is rendered ONCE by app.core.markdown.render_with_toc (so footnote
numbers and heading ids are global and unique), with a sentinel paragraph carrying a random nonce
placed before every block. The sanitised HTML is cut at the sentinels, so each block gets exactly
its own HTML. Blocks that render to nothing (footnote and link definitions) are not paragraphs;
the footnotes python-markdown gathers at the end become one last paragraph whose source is the
footnote definitions. A user cannot forge a sentinel: the nonce is new for each rendering.

Anchors. Every paragraph gets an anchor `p<n>`; numbers come from a per-document counter and are
never reused, so a comment on a deleted paragraph can never land on a new one. When a version is
published, its paragraphs are matched to the previous version's, and a match inherits the anchor:
  1. identical text (whitespace-normalised) matches first, wherever it moved to; duplicates pair
     up in order;
  2. the remaining paragraphs are compared pairwise on their words (words and punctuation marks
     as tokens: far cheaper than characters, and closer to what a reader calls "lightly
     edited"): the similarity is 2 x (words in common, in order) / (words of both), rapidfuzz's
     normalised Indel similarity (the measure of difflib's ratio, computed bit-parallel in C++
     instead of difflib's matching blocks, which are quadratic in the words for every block);
     pairs scoring at least SIMILARITY (0.6) are taken greedily, best score first (the nearer of
     two equal pairs first), each paragraph at most once. Every pair is still many pairs, so the
     step is bounded (similar_pairs): pairs are compared nearest first (by position among the
     paragraphs still unmatched), at most NEAR_PAIRS of them and MATCH_WORK of work; more than
     INLINE_PAIRS pairs are compared in a worker process (app.core.offload), off the event loop.
     A version rewriting every one of 300 paragraphs used to compare its 90,000 pairs with
     difflib on the event loop: 28 s during which no live room was served;
  3. `forced` pins a new paragraph to an anchor (an accepted amendment keeps the anchor of the
     paragraph it replaced, however much it rewrote it);
  4. everything left gets a fresh anchor.
So an unchanged or lightly edited paragraph keeps its anchor (and its comments) even when moved,
a heavily rewritten one counts as deleted plus inserted, and comments whose anchor is missing from
the current version are shown as being on an earlier version.
"""
import re
import secrets
from dataclasses import dataclass, field

from app.core import offload
from app.core.errors import TooComplex
from app.core.markdown import render_with_toc

SIMILARITY = 0.6
# Bounds of step 2 (see the module docstring). MATCH_WORK counts, for each pair compared, the
# words of both plus the 64-word blocks of one times the words of the other (the bit-parallel
# alignment's steps): a few nanoseconds each, so the worst case stays near a second of a
# worker's CPU.
MATCH_WORK = 200_000_000
NEAR_PAIRS = 200_000    # candidate pairs listed at most (nearest first); all of them below that
INLINE_PAIRS = 64       # above this many pairs, step 2 runs in a worker process
MATCH_BUDGET = 30.0     # seconds for that worker call
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d{1,9}\.)[ \t]+\S")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:")
_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+|[^\w\s]")


@dataclass
class Paragraph:
    """One anchored paragraph of a version: its HTML, its Markdown and the blocks it came from."""

    html: str
    src: str
    blocks: list[int]
    kind: str = "block"
    anchor: str | None = None

    def to_json(self) -> dict:
        return {"anchor": self.anchor, "html": self.html, "src": self.src, "blocks": self.blocks,
                "kind": self.kind}


@dataclass
class Rendered:
    html: str
    toc: list
    blocks: list[str]
    paragraphs: list[Paragraph] = field(default_factory=list)


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def split_blocks(source: str, limit: int | None = None) -> list[str]:
    """Cut Markdown into top-level blocks (see the module docstring); blank lines are dropped.
    With `limit`, TooComplex as soon as there are more blocks than that (not after cutting
    40,000 of them)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[str]] = []
    cur: list[str] = []
    kind = None  # None | "text" | "item" | "footnote" | "fence"
    fence = ""
    pending_blank = 0

    def add(block: list[str]) -> None:
        blocks.append(block)
        if limit is not None and len(blocks) > limit:
            raise TooComplex()

    def flush():
        nonlocal cur, kind, pending_blank
        if cur:
            add(cur)
        cur, kind, pending_blank = [], None, 0

    for line in lines:
        if kind == "fence":
            cur.append(line)
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                flush()
            continue
        if not line.strip():
            if cur:
                pending_blank += 1
            continue
        m = _FENCE.match(line)
        if m:
            flush()
            cur, kind, fence = [line], "fence", m.group(1)
            continue
        if _HEADING.match(line):
            flush()
            add([line])
            continue
        if _ITEM.match(line) and (kind != "text" or pending_blank):
            flush()
            cur, kind = [line], "item"
            continue
        if _FOOTNOTE.match(line):
            flush()
            cur, kind = [line], "footnote"
            continue
        if kind in ("item", "footnote") and pending_blank:
            if _indented(line):
                cur.extend([""] * pending_blank + [line])
                pending_blank = 0
                continue
            flush()
        elif pending_blank:
            flush()
        if not cur:
            kind = "text"
        cur.append(line)
    flush()
    return ["\n".join(b).strip("\n") for b in blocks]


def join_blocks(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


# Each block becomes a paragraph that is anchored, stored and sent, in the serving process: a
# real 200 KB document has about 950; 40,000 one-line headings held the loop for seconds.
MAX_BLOCKS = 4000


def render_document(source: str) -> Rendered:
    """Render a whole Markdown document once and cut it into per-block paragraphs (no anchors).
    TooComplex (422) for more than MAX_BLOCKS paragraphs, before anything is rendered."""
    blocks = split_blocks(source, MAX_BLOCKS)
    nonce = secrets.token_hex(8)
    marked = []
    for i, block in enumerate(blocks):
        marked.append(f"BARAZA{nonce}S{i}")
        marked.append(block)
    marked.append(f"BARAZA{nonce}SEND")
    html, toc = render_with_toc("\n\n".join(marked) + "\n")
    parts = re.split(rf"<p>BARAZA{nonce}S(\d+|END)</p>\n?", html)
    paragraphs: list[Paragraph] = []
    footnote_blocks = [i for i, b in enumerate(blocks) if _FOOTNOTE.match(b)]
    # parts = [before, idx0, html0, idx1, html1, ..., "END", tail]
    for j in range(1, len(parts) - 1, 2):
        key, fragment = parts[j], parts[j + 1].strip()
        if key == "END":
            if fragment:
                src = "\n\n".join(blocks[i] for i in footnote_blocks)
                paragraphs.append(Paragraph(fragment, src, footnote_blocks, "footnotes"))
            continue
        if fragment:
            i = int(key)
            paragraphs.append(Paragraph(fragment, blocks[i], [i], _kind(blocks[i])))
    full = "\n".join(p.html for p in paragraphs)
    return Rendered(full, toc, blocks, paragraphs)


def _kind(block: str) -> str:
    if _HEADING.match(block):
        return "heading"
    if _ITEM.match(block):
        return "item"
    return "block"


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def assign_anchors(previous: list[dict], paragraphs: list[Paragraph], next_number: int,
                   forced: dict[int, str] | None = None) -> int:
    """Give each new paragraph an anchor, inheriting from `previous` ({anchor, src} dicts) where
    they match (see the module docstring). Returns the next free anchor number."""
    forced = dict(forced or {})
    taken: set[str] = set(forced.values())
    for i, anchor in forced.items():
        paragraphs[i].anchor = anchor
    old = [(p["anchor"], normalise(p["src"])) for p in previous if p["anchor"] not in taken]
    new_text = [normalise(p.src) for p in paragraphs]
    by_text: dict[str, list[str]] = {}
    for anchor, text in old:
        by_text.setdefault(text, []).append(anchor)
    for i, p in enumerate(paragraphs):
        if p.anchor is None and by_text.get(new_text[i]):
            p.anchor = by_text[new_text[i]].pop(0)
            taken.add(p.anchor)
    rest_old = [(a, t) for a, t in old if a not in taken]
    rest_new = [(i, new_text[i]) for i, p in enumerate(paragraphs) if p.anchor is None]
    if rest_old and rest_new:
        if len(rest_old) * len(rest_new) > INLINE_PAIRS:
            matches = offload.run(similar_pairs, rest_old, rest_new, budget=MATCH_BUDGET, lane="quick")
        else:
            matches = similar_pairs(rest_old, rest_new)
        for i, anchor in matches:
            paragraphs[i].anchor = anchor
    for p in paragraphs:
        if p.anchor is None:
            p.anchor = f"p{next_number}"
            next_number += 1
    return next_number


def similar_pairs(old: list[tuple[str, str]], new: list[tuple[int, str]],
                  work: int = MATCH_WORK) -> list[tuple[int, str]]:
    """Step 2 of the matching: (new paragraph's index, old anchor) for the pairs of `old`
    ((anchor, normalised text)) and `new` ((index, normalised text)), both in document order,
    whose words score at least SIMILARITY; each paragraph at most once, best score first.
    Candidates are compared nearest first: new paragraph j of n against old k of m at distance
    |k - j*m/n|; at most NEAR_PAIRS of them are listed and comparing stops once `work` is spent
    (see MATCH_WORK), so a version that rewrites hundreds of paragraphs at once keeps the anchors
    of those that stayed near their place and gives the rest fresh ones. rapidfuzz is imported
    here, at the first version that needs it, not with every server process (see diff.py)."""
    from rapidfuzz.distance import Indel

    old_words = [_WORD.findall(t) for _a, t in old]
    new_words = [_WORD.findall(t) for _i, t in new]
    n_old, n_new = len(old_words), len(new_words)
    half = n_old if n_old * n_new <= NEAR_PAIRS else max(1, NEAR_PAIRS // n_new // 2)
    candidates = []
    for j in range(n_new):
        centre = j * n_old // n_new
        for k in range(max(0, centre - half), min(n_old, centre + half + 1)):
            candidates.append((abs(k - centre), j, k))
    candidates.sort()
    spent, scored = 0, []
    for dist, j, k in candidates:
        a, b = old_words[k], new_words[j]
        la, lb = len(a), len(b)
        if la + lb == 0:
            scored.append((1.0, dist, j, k))
            continue
        if 2 * min(la, lb) / (la + lb) < SIMILARITY:  # the best two lengths this far apart can do
            continue
        spent += la + lb + (la // 64 + 1) * lb
        if spent > work:
            break
        score = Indel.normalized_similarity(a, b, score_cutoff=SIMILARITY)
        if score >= SIMILARITY:
            scored.append((score, dist, j, k))
    scored.sort(key=lambda t: (-t[0], t[1], t[2], t[3]))
    out, new_taken, old_taken = [], set(), set()
    for _score, _dist, j, k in scored:
        if j not in new_taken and k not in old_taken:
            new_taken.add(j)
            old_taken.add(k)
            out.append((new[j][0], old[k][0]))
    return out
