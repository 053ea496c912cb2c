"""Differences between two versions, paragraph by paragraph (by anchor) and word by word.

Paragraphs are aligned by anchor with difflib on the two anchor sequences: anchors on both sides
in the aligned run are unchanged or changed; anchors on both sides outside it were moved; the
rest were added or removed. Within a changed paragraph the Markdown source is compared word by
word, so a changed link target shows as clearly as a changed word. Output HTML is built from
escaped text and <ins>/<del> only."""
import re
from difflib import SequenceMatcher
from html import escape

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _merged_opcodes(a: list[str], b: list[str]) -> list[tuple]:
    """difflib opcodes where a run of mere whitespace between two changes joins them, so a
    rewritten phrase reads as one deletion and one insertion rather than word confetti."""
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
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
