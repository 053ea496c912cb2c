"""Differences between two versions, paragraph by paragraph (by anchor) and word by word.

Paragraphs are aligned by anchor with difflib on the two anchor sequences: anchors on both sides
in the aligned run are unchanged or changed; anchors on both sides outside it were moved; the
rest were added or removed. Within a changed paragraph the Markdown source is compared word by
word, so a changed link target shows as clearly as a changed word. Output HTML is built from
escaped text and <ins>/<del> only.

Words are compared with rapidfuzz's Indel alignment (a longest common subsequence, bit-parallel in
C++), not difflib: difflib's SequenceMatcher is quadratic in the words for every block it finds,
so one repetitive 1,000-word paragraph and its amendment took 6 s to compare, and 3,000 words
155 s, on the event loop of every page showing the amendment; rapidfuzz takes 2 ms and 6 ms
(bench/word_alignment.py).
The alignment keeps a bit matrix of (words of one) x (words of the other) / 8 bytes, so once the
common beginning and end are set aside, a middle larger than WORD_DIFF_CELLS is shown as replaced
as a whole (a 200 KB paragraph against a 50 KB amendment with nothing in common would take
300 MB).
rapidfuzz is imported at the first word diff, not with the server: its 40 modules are 2.8 MiB in
every server process, and most never show an amendment (bench/start_memory.py)."""
import re
from difflib import SequenceMatcher
from html import escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
WORD_DIFF_CELLS = 64_000_000  # words x words of the part that differs: an 8 MB bit matrix at most


def _merged_opcodes(a: list[str], b: list[str]) -> list[tuple]:
    """(tag, i1, i2, j1, j2) opcodes where a run of mere whitespace between two changes joins
    them, so a rewritten phrase reads as one deletion and one insertion rather than word confetti."""
    ops = _opcodes(a, b)
    out: list[list] = []
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        blank = op == "equal" and not "".join(a[i1:i2]).strip()
        if blank and 0 < k < len(ops) - 1 and out and out[-1][0] != "equal":
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
            continue
        if op != "equal" and out and out[-1][0] != "equal":
            out[-1] = ["replace", out[-1][1], i2, out[-1][3], j2]
            continue
        out.append([op, i1, i2, j1, j2])
    return [tuple(o) for o in out]


def _opcodes(a: list[str], b: list[str]) -> list[tuple]:
    """Indel alignment of a and b as (tag, i1, i2, j1, j2); past WORD_DIFF_CELLS the middle
    between the common beginning and end is one replacement."""
    from rapidfuzz.distance import Indel, Postfix, Prefix

    la, lb = len(a), len(b)
    head = Prefix.similarity(a, b)
    tail = Postfix.similarity(a[head:], b[head:])
    if (la - head - tail) * (lb - head - tail) <= WORD_DIFF_CELLS:
        return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end) for o in Indel.opcodes(a, b)]
    ops = [("equal", 0, head, 0, head)] if head else []
    ops.append(("replace", head, la - tail, head, lb - tail))
    if tail:
        ops.append(("equal", la - tail, la, lb - tail, lb))
    return ops


def word_diff(old: str, new: str) -> dict:
    """{inline, left, right} HTML: inline has <del> and <ins>, left only <del>, right only <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    inline, left, right = [], [], []
    for op, i1, i2, j1, j2 in _merged_opcodes(a, b):
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            inline.append(old_part)
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            inline.append(f"<del>{old_part}</del>")
            left.append(f"<del>{old_part}</del>")
        if new_part:
            inline.append(f"<ins>{new_part}</ins>")
            right.append(f"<ins>{new_part}</ins>")
    return {"inline": "".join(inline), "left": "".join(left), "right": "".join(right)}


def word_diffs(pairs: list[tuple[str, str]]) -> list[dict]:
    """word_diff of each (old, new) pair, in order: one call for all of a page's amendments, so
    that a page with many or long ones is one trip to a worker (app.documents.reading)."""
    return [word_diff(old, new) for old, new in pairs]


def _row(kind: str, anchor: str, old: dict | None, new: dict | None) -> dict:
    row = {"kind": kind, "anchor": anchor, "left_html": None, "right_html": None, "inline_html": None}
    if kind in ("changed", "moved") and old and new and old["src"] != new["src"]:
        d = word_diff(old["src"], new["src"])
        row.update(left_html=d["left"], right_html=d["right"], inline_html=d["inline"], edited=True)
        return row
    row["left_html"] = old["html"] if old else None
    row["right_html"] = new["html"] if new else None
    row["inline_html"] = (new or old)["html"]
    row["edited"] = False
    return row


def diff_versions(old_paragraphs: list[dict], new_paragraphs: list[dict]) -> dict:
    """Rows in reading order of the new version, removed and moved-away paragraphs where they were.

    kinds: unchanged, changed, added, removed, moved (at its new place, possibly edited too),
    moved_away (a placeholder where a moved paragraph used to be)."""
    old_by = {p["anchor"]: p for p in old_paragraphs}
    new_by = {p["anchor"]: p for p in new_paragraphs}
    a = [p["anchor"] for p in old_paragraphs]
    b = [p["anchor"] for p in new_paragraphs]
    rows: list[dict] = []
    sm = SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for anchor in b[j1:j2]:
                old, new = old_by[anchor], new_by[anchor]
                rows.append(_row("unchanged" if old["src"] == new["src"] else "changed", anchor, old, new))
            continue
        for anchor in a[i1:i2]:
            if anchor in new_by:
                rows.append({"kind": "moved_away", "anchor": anchor, "left_html": old_by[anchor]["html"],
                             "right_html": None, "inline_html": None, "edited": False})
            else:
                rows.append(_row("removed", anchor, old_by[anchor], None))
        for anchor in b[j1:j2]:
            if anchor in old_by:
                rows.append(_row("moved", anchor, old_by[anchor], new_by[anchor]))
            else:
                rows.append(_row("added", anchor, None, new_by[anchor]))
    stats = {k: 0 for k in ("unchanged", "changed", "added", "removed", "moved")}
    for row in rows:
        if row["kind"] in stats:
            stats[row["kind"]] += 1
    return {"stats": stats, "rows": rows}
