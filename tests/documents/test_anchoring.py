"""Paragraph splitting and anchors that follow paragraphs across versions."""
from app.documents.anchoring import assign_anchors, join_blocks, render_document, split_blocks
from tests.documents.conftest import repetitive_paragraphs

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


def test_an_edited_paragraph_with_twins_keeps_the_anchor_of_the_one_at_its_place():
    from app.documents.anchoring import similar_pairs
    old = [("p1", "fees shall not be charged to workers"), ("p2", "fees shall not be charged to workers")]
    new = [(0, "the committee meets every quarter in accra"), (1, "fees shall never be charged to workers")]
    assert similar_pairs(old, new) == [(1, "p2")]  # the second paragraph, not the first twin


def test_matching_stops_after_its_work_budget_nearest_pairs_first():
    from app.documents.anchoring import similar_pairs
    a = "alpha bravo charlie delta echo foxtrot golf hotel india juliet"
    b = "kilo lima mike november oscar papa quebec romeo sierra tango"
    c = "uniform victor whiskey xray yankee zulu one two three four"
    old = [("p1", a), ("p2", b), ("p3", c)]
    new = [(0, c.replace("four", "five")), (1, b.replace("tango", "tangos")), (2, a.replace("juliet", "julia"))]
    # 10 words each: a pair costs 10 + 10 + 10 = 30; the three at distance 0 cost 90, the next one is over
    assert sorted(similar_pairs(old, new)) == [(0, "p3"), (1, "p2"), (2, "p1")]
    assert similar_pairs(old, new, work=100) == [(1, "p2")]  # the two swapped ones were too far


def test_a_version_rewriting_every_one_of_300_paragraphs_keeps_each_anchor_and_the_loop_free(setting, docs):
    from app.documents.models import Document
    from app.documents.services import get_version
    from app.extensions import db
    from tests.greenlets import ticks_during
    first, second = repetitive_paragraphs(300, 60)
    r = docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"], {"body": "\n\n".join(first)})
    assert r.status_code == 201, r.json
    r, ticks = ticks_during(lambda: docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"],
                                              {"body": "\n\n".join(second)}))
    assert r.status_code == 201, r.json
    assert ticks > 0  # every pair used to be compared on the event loop, 28 s with no room served
    doc = db.session.get(Document, setting["id"])
    before, after = get_version(doc, 2).paragraphs, get_version(doc, 3).paragraphs
    assert [p["anchor"] for p in after] == [p["anchor"] for p in before]
    assert all("charges" in p["src"] for p in after)
