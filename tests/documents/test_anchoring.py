"""Paragraph splitting and anchors that follow paragraphs across versions."""
from app.documents.anchoring import assign_anchors, join_blocks, render_document, split_blocks

V1 = """# Title

The first paragraph explains the purpose of the policy in a few words.

The second paragraph sets out the scope of application for agencies.

The third paragraph is about bilateral labour agreements and their review.

The fourth paragraph covers the monitoring committee and its yearly report.
"""


def anchored(body, previous=None, counter=1, forced=None):
    r = render_document(body)
    nxt = assign_anchors(previous or [], r.paragraphs, counter, forced)
    return [p.to_json() for p in r.paragraphs], nxt


def by_text(paras):
    return {p["src"].split()[1]: p["anchor"] for p in paras}


def test_blocks_headings_lists_fences_footnotes():
    src = "# A\ntext under\n\n1. one\n2. two\n\n    more of two\n\n```\ncode\n\nstill code\n```\n\n[^n]: note\n    continued\n"
    assert split_blocks(src) == ["# A", "text under", "1. one", "2. two\n\n    more of two",
                                 "```\ncode\n\nstill code\n```", "[^n]: note\n    continued"]
    assert split_blocks(join_blocks(split_blocks(src))) == split_blocks(src)


def test_each_paragraph_rendered_once_with_global_footnotes_and_heading_ids():
    r = render_document("# Scope\n\nSee the note.[^a]\n\n# Scope\n\n2. second item\n\n[^a]: The note.\n")
    kinds = [p.kind for p in r.paragraphs]
    assert kinds == ["heading", "block", "heading", "item", "footnotes"]
    assert 'id="scope"' in r.paragraphs[0].html and 'id="scope_1"' in r.paragraphs[2].html
    assert 'href="#fn:a"' in r.paragraphs[1].html and 'id="fn:a"' in r.paragraphs[4].html
    assert '<ol start="2">' in r.paragraphs[3].html
    assert [t["id"] for t in r.toc] == ["scope", "scope_1"]


def test_sentinels_cannot_be_forged():
    r = render_document("BARAZA0000000000000000S0\n\nreal text\n")
    assert [p.src for p in r.paragraphs] == ["BARAZA0000000000000000S0", "real text"]


def test_unchanged_document_keeps_every_anchor():
    v1, n = anchored(V1)
    v2, n2 = anchored(V1, v1, n)
    assert [p["anchor"] for p in v2] == [p["anchor"] for p in v1] == ["p1", "p2", "p3", "p4", "p5"]
    assert n2 == n


def test_lightly_edited_paragraph_keeps_its_anchor():
    v1, n = anchored(V1)
    edited = V1.replace("in a few words", "in a few plain words")
    v2, _ = anchored(edited, v1, n)
    assert by_text(v2) == by_text(v1)


def test_moved_paragraph_keeps_its_anchor():
    v1, n = anchored(V1)
    blocks = split_blocks(V1)
    blocks[1], blocks[4] = blocks[4], blocks[1]
    v2, _ = anchored(join_blocks(blocks), v1, n)
    assert by_text(v2) == by_text(v1)
    assert [p["anchor"] for p in v2] == ["p1", "p5", "p3", "p4", "p2"]


def test_deleted_paragraph_anchor_is_never_reused():
    v1, n = anchored(V1)
    blocks = split_blocks(V1)
    del blocks[3]
    v2, n = anchored(join_blocks(blocks), v1, n)
    assert [p["anchor"] for p in v2] == ["p1", "p2", "p3", "p5"]
    blocks.insert(3, "An entirely new paragraph on social dialogue institutions arrives here.")
    v3, _ = anchored(join_blocks(blocks), v2, n)
    assert [p["anchor"] for p in v3] == ["p1", "p2", "p3", "p6", "p5"]


def test_inserted_paragraph_gets_a_fresh_anchor():
    v1, n = anchored(V1)
    blocks = split_blocks(V1)
    blocks.insert(2, "A new paragraph about the rights of migrant domestic workers in destination.")
    v2, _ = anchored(join_blocks(blocks), v1, n)
    assert [p["anchor"] for p in v2] == ["p1", "p2", "p6", "p3", "p4", "p5"]


def test_rewritten_paragraph_counts_as_deleted_and_inserted_unless_forced():
    v1, n = anchored(V1)
    blocks = split_blocks(V1)
    blocks[2] = "Completely different: zero recruitment fees, enforced by labour inspectors."
    v2, _ = anchored(join_blocks(blocks), v1, n)
    assert v2[2]["anchor"] == "p6"
    v2f, _ = anchored(join_blocks(blocks), v1, n, forced={2: "p3"})
    assert v2f[2]["anchor"] == "p3"


def test_duplicate_paragraphs_pair_up_in_order():
    body = "Same text here.\n\nOther text entirely different.\n\nSame text here.\n"
    v1, n = anchored(body)
    v2, _ = anchored(body, v1, n)
    assert [p["anchor"] for p in v2] == ["p1", "p2", "p3"]
