"""Diffs between versions: word level inside paragraphs, added / removed / moved by anchor."""
from app.documents.anchoring import join_blocks, split_blocks
from app.documents.diff import word_diff
from tests.documents.conftest import BODY, repetitive_paragraphs


def test_word_diff_marks_only_changed_words_and_escapes():
    d = word_diff("Fees shall not be charged to workers.", "Fees shall never be charged to <b>workers</b>.")
    assert d["inline"] == ("Fees shall <del>not</del><ins>never</ins> be charged to "
                           "<ins>&lt;b&gt;</ins>workers<ins>&lt;/b&gt;</ins>.")
    assert "<ins>" not in d["left"] and "<del>" not in d["right"]


def test_word_diff_joins_a_rewritten_phrase():
    d = word_diff("The committee meets once a year.", "The committee reports to ministers every quarter.")
    assert d["inline"].count("<del>") == 1 and d["inline"].count("<ins>") == 1


def _second_version(docs, setting):
    blocks = split_blocks(BODY)
    blocks[3] = "Recruitment fees shall never be charged to workers or jobseekers."  # edited
    moved = blocks.pop(4)                                                   # item 1 moved
    blocks.insert(6, moved)
    del blocks[2]                                                           # removed
    blocks.insert(1, "A brand new introduction on the objectives of this draft policy.")  # added
    r = docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"],
                  {"body": join_blocks(blocks), "note": "Second draft"})
    assert r.status_code == 201, r.json
    return r.json


def test_api_diff_shows_added_removed_changed_moved(setting, docs):
    _second_version(docs, setting)
    d = docs.post(f"/documents/{setting['id']}/diff?from=1&to=2", setting["workers"], method="get").json
    kinds = {row["anchor"]: row["kind"] for row in d["rows"] if row["kind"] != "moved_away"}
    assert kinds["p3"] == "removed"
    assert kinds["p4"] == "changed"
    assert kinds["p5"] == "moved"
    assert [a for a, k in kinds.items() if k == "added"] == ["p10"]
    assert d["stats"] == {"unchanged": 6, "changed": 1, "added": 1, "removed": 1, "moved": 1}
    changed = next(r for r in d["rows"] if r["anchor"] == "p4")
    assert "<del>not</del><ins>never</ins>" in changed["inline_html"]
    assert "<ins> or jobseekers</ins>" in changed["inline_html"]
    back = docs.post(f"/documents/{setting['id']}/diff?from=2&to=1", setting["workers"], method="get").json
    assert {r["anchor"]: r["kind"] for r in back["rows"]}["p10"] == "removed"


def test_diff_refuses_unknown_versions_and_bad_numbers(setting, docs):
    w = setting["workers"]
    r = docs.post(f"/documents/{setting['id']}/diff?from=1&to=9", w, method="get")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    r = docs.post(f"/documents/{setting['id']}/diff?from=x&to=1", w, method="get")
    assert r.status_code == 422
    r = docs.post(f"/documents/{setting['id']}/diff?from=1", w, method="get")
    assert r.status_code == 422


def test_diff_pages_side_by_side_and_inline(setting, docs, client, login):
    _second_version(docs, setting)
    login(setting["government"])
    side = client.get(f"/documents/{setting['id']}/diff?from=1&to=2")
    assert side.status_code == 200
    assert b'<table class="diff-side' in side.data and b'class="d-moved"' in side.data
    assert b"<del>not</del>" in side.data and b"<ins>never</ins>" in side.data
    inline = client.get(f"/documents/{setting['id']}/diff?from=1&to=2&mode=inline")
    assert b'class="diff-inline' in inline.data and b"class=\"d-removed\"" in inline.data
    assert b"A brand new introduction" in inline.data


def test_reader_switches_versions(setting, docs, client, login):
    _second_version(docs, setting)
    login(setting["employers"])
    old = client.get(f"/documents/{setting['id']}?version=1")
    assert b"You are reading version 1" in old.data and b"This policy covers every" in old.data
    new = client.get(f"/documents/{setting['id']}")
    assert b"A brand new introduction" in new.data and b"This policy covers every" not in new.data
    assert client.get(f"/documents/{setting['id']}?version=7").status_code == 404
    v1 = docs.post(f"/documents/{setting['id']}/versions/1", setting["employers"], method="get").json
    assert v1["number"] == 1 and "html" in v1 and v1["body"] == BODY


def test_the_diff_is_computed_in_a_worker_with_the_same_rows(setting, docs, monkeypatch):
    from app.core import offload
    from app.documents import diff as diffing
    from app.documents import reading
    from app.documents.models import Document
    from app.documents.services import get_version
    from app.extensions import db
    _second_version(docs, setting)
    calls = []
    real = offload.run
    monkeypatch.setattr(offload, "run", lambda fn, *a, **kw: calls.append(fn.__qualname__) or real(fn, *a, **kw))
    from_worker = reading.diff(setting["workers"], setting["id"], 1, 2)
    assert calls == ["diff_versions"]
    doc = db.session.get(Document, setting["id"])
    here = diffing.diff_versions(get_version(doc, 1).paragraphs, get_version(doc, 2).paragraphs)
    assert {k: from_worker[k] for k in ("stats", "rows")} == here


def test_other_greenlets_run_while_a_300_paragraph_diff_is_computed(setting, docs):
    from tests.greenlets import ticks_during
    first, second = repetitive_paragraphs(300, 60)
    for body in (first, second):
        r = docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"], {"body": "\n\n".join(body)})
        assert r.status_code == 201, r.json
    d, ticks = ticks_during(lambda: docs.post(f"/documents/{setting['id']}/diff?from=2&to=3", setting["workers"],
                                              method="get").json)
    assert d["stats"]["changed"] == 300 and ticks > 0


def test_a_long_repetitive_paragraph_and_its_amendment_are_compared_word_by_word():
    # 3,000 words drawn from ten: difflib took 155 s for this, on the event loop of every page
    # showing the amendment
    old = repetitive_paragraphs(1, 3000)[0][0]
    d = word_diff(old, old.replace("fees", "charges"))
    assert d["inline"].count("<del>fees</del><ins>charges</ins>") == 300
    assert d["inline"].count("<del>") == 300 and "<ins>" not in d["left"]


def test_past_its_size_the_differing_middle_shows_as_replaced_whole(monkeypatch):
    from app.documents import diff
    monkeypatch.setattr(diff, "WORD_DIFF_CELLS", 8)
    d = diff.word_diff("The committee meets every year in March.", "The committee reports to ministers in March.")
    assert d["inline"] == ("The committee <del>meets every year</del><ins>reports to ministers</ins> in March.")
    monkeypatch.setattr(diff, "WORD_DIFF_CELLS", 64_000_000)
    d = diff.word_diff("The committee meets every year in March.", "The committee reports to ministers in March.")
    assert d["inline"].count("<del>") >= 1 and "The committee " in d["inline"]
