"""Amendments: proposed by delegates, accepted into a new version crediting the proposer, or rejected."""
import re

from app.documents import reading
from app.documents.models import Amendment
from app.extensions import db


def propose(docs, setting, who="employers", anchor="p4", text="Recruitment fees and costs shall never be charged to workers."):
    return docs.post(f"/documents/{setting['id']}/amendments", setting[who],
                     {"anchor": anchor, "text": text, "rationale": "Align with the *zero-fees* principle."})


def test_proposal_carries_organisation_and_snapshot(setting, docs):
    r = propose(docs, setting)
    assert r.status_code == 201
    am = r.json
    assert am["organisation"]["id"] == setting["employers"].organisation_id
    assert am["original"] == "Recruitment fees shall not be charged to workers."
    assert am["status"] == "proposed" and "<em>zero-fees</em>" in am["rationale_html"]
    assert am["text_html"].startswith("<p>")


def test_bad_amendments(setting, docs):
    assert propose(docs, setting, anchor="p404").status_code == 422
    assert propose(docs, setting, text="").status_code == 422
    same = propose(docs, setting, text="Recruitment fees shall not be charged to workers.")
    assert same.status_code == 422 and same.json["error"]["fields"] == {"text": "unchanged"}
    assert propose(docs, setting, text="z" * (50 * 1024 + 1)).status_code == 413
    assert db.session.query(Amendment).count() == 0


def test_accept_creates_a_version_crediting_the_proposer(setting, docs):
    am = propose(docs, setting).json
    r = docs.post(f"/amendments/{am['id']}/accept", setting["secretariat"], {"reason": "Agreed by all"})
    assert r.status_code == 200
    assert r.json["status"] == "accepted" and r.json["resulting_version_number"] == 2
    doc = docs.get(setting["id"]).json
    v = doc["current_version"]
    assert v["number"] == 2 and v["amendment_id"] == am["id"]
    assert setting["employers"].organisation.name in v["note"] and setting["employers"].name in v["note"]
    p4 = next(p for p in v["paragraphs"] if p["anchor"] == "p4")
    assert "never be charged" in p4["html"]
    assert [p["anchor"] for p in v["paragraphs"]] == [f"p{i}" for i in range(1, 10)]
    again = docs.post(f"/amendments/{am['id']}/reject", setting["secretariat"], {"reason": "changed my mind"})
    assert again.status_code == 409


def test_accepting_a_full_rewrite_keeps_the_anchor(setting, docs):
    am = propose(docs, setting, text="Entirely new wording: employers bear every cost of hiring abroad.").json
    docs.post(f"/amendments/{am['id']}/accept", setting["secretariat"])
    v = docs.get(setting["id"]).json["current_version"]
    assert "employers bear every cost" in next(p for p in v["paragraphs"] if p["anchor"] == "p4")["html"]


def test_reject_needs_a_reason_and_makes_no_version(setting, docs):
    am = propose(docs, setting).json
    r = docs.post(f"/amendments/{am['id']}/reject", setting["secretariat"], {})
    assert r.status_code == 422
    r = docs.post(f"/amendments/{am['id']}/reject", setting["secretariat"], {"reason": "Out of scope"})
    assert r.status_code == 200 and r.json["status"] == "rejected" and r.json["reason"] == "Out of scope"
    assert docs.get(setting["id"]).json["current_version_number"] == 1


def test_accept_refused_when_paragraph_gone_or_document_final(setting, docs):
    a1 = propose(docs, setting).json
    a2 = propose(docs, setting, who="workers", anchor="p3", text="Agencies in the whole region.").json
    body = docs.get(setting["id"]).json["current_version"]["body"].replace("Recruitment fees shall not be charged to workers.\n\n", "")
    docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"], {"body": body, "note": "cut"})
    r = docs.post(f"/amendments/{a1['id']}/accept", setting["secretariat"])
    assert r.status_code == 409
    docs.post(f"/documents/{setting['id']}", setting["secretariat"], {"status": "final"}, method="patch")
    assert docs.post(f"/amendments/{a2['id']}/accept", setting["secretariat"]).status_code == 409


def test_suggestions_show_inline_with_their_diff(setting, docs, client, login):
    propose(docs, setting)
    login(setting["government"])
    page = client.get(f"/documents/{setting['id']}").data
    assert b'class="suggestion"' in page and b"<ins>" in page and b"Accept" not in page
    login(setting["secretariat"])
    page = client.get(f"/documents/{setting['id']}").data
    assert b'value="accept"' in page and b'value="reject"' in page


def test_long_suggestions_are_diffed_in_a_worker_and_read_the_same(setting, docs, client, login, monkeypatch,
                                                                   offloaded):
    """A page's amendments adding up to more than INLINE_DIFF_CHARS are diffed in one worker call
    (not on the event loop every live room shares); what the reader sees is the same."""
    def diffs():
        page = client.get(f"/documents/{setting['id']}").data.decode()
        return re.findall(r'<div class="diff-text">(.*?)</div>', page, re.S)

    propose(docs, setting)
    login(setting["government"])
    small = diffs()
    assert len(small) == 1 and "<del>not</del><ins>never</ins>" in small[0]
    assert offloaded == []
    long_text = "Recruitment fees and related costs shall never be charged to migrant workers. " * 300
    assert len(long_text) > reading.INLINE_DIFF_CHARS
    assert propose(docs, setting, who="workers", text=long_text).status_code == 201
    in_worker = diffs()
    assert offloaded == ["word_diffs"]
    assert len(in_worker) == 2 and in_worker[0] == small[0] and in_worker[1].count("<ins>") >= 1
    offloaded.clear()
    monkeypatch.setattr(reading, "INLINE_DIFF_CHARS", 10**9)
    assert diffs() == in_worker and offloaded == []


def test_reject_from_the_page(setting, docs, client, login):
    am = propose(docs, setting).json
    login(setting["secretariat"])
    r = client.post(f"/documents/amendments/{am['id']}/decide",
                    data={"decision": "reject", "reason": "", "document_id": setting["id"]}, follow_redirects=True)
    assert b"reason may not be empty" in r.data
    client.post(f"/documents/amendments/{am['id']}/decide",
                data={"decision": "reject", "reason": "Too broad", "document_id": setting["id"]})
    page = client.get(f"/documents/{setting['id']}").data
    assert b"Decided amendments" in page and b"Too broad" in page


def test_the_credit_on_an_amendments_version_is_in_the_readers_language(setting, docs, tmp_path):
    """Only the amendment's id is stored: a French reader reads the credit in French, an Arabic
    one in Arabic, and the column holds no English sentence (issue 17: nothing English frozen)."""
    from sqlalchemy import select

    from app.documents.models import DocumentVersion
    am = propose(docs, setting).json
    assert docs.post(f"/amendments/{am['id']}/accept", setting["secretariat"], {}).status_code == 200
    stored = db.session.scalar(select(DocumentVersion.typed_note).where(DocumentVersion.amendment_id == am["id"]))
    assert stored == ""
    org = setting["employers"].organisation.name
    notes = {}
    for lang in ("en", "fr", "ar"):
        setting["secretariat"].language = lang
        db.session.commit()
        notes[lang] = docs.get(setting["id"]).json["current_version"]["note"]
        assert org in notes[lang] and setting["employers"].name in notes[lang]
    assert notes["en"].startswith(f"Amendment {am['id']} by")
    assert "Amendement" in notes["fr"] and "Amendment" not in notes["fr"]
    assert "Amendment" not in notes["ar"] and "تعديل" in notes["ar"]


def test_old_english_credits_are_cleared_and_typed_notes_kept(tmp_path):
    from tests.conftest import upgrade_with_old_rows

    def insert(conn, table, **values):
        """A row with the given values and a plain value in every other NOT NULL column."""
        for _cid, name, type_, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})").fetchall():
            if notnull and not pk and default is None and name not in values:
                values[name] = 0 if any(t in type_.upper() for t in ("INT", "BOOL")) else \
                    ("[]" if "JSON" in type_.upper() else ("2026-11-01 00:00:00" if "DATE" in type_.upper() else "x"))
        conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                     list(values.values()))

    def write_old(conn):
        insert(conn, "consultation", id=1, title="C", level="continental", status="live")
        insert(conn, "document", id=1, consultation_id=1, title="D", status="open")
        insert(conn, "organisation", id=1, name="Workers' Union", constituency="workers")
        insert(conn, "user", id=1, name="A. Person", email="a@example.org", organisation_id=1)
        for am in (5, 6):
            insert(conn, "amendment", id=am, document_id=1, proposer_id=1, organisation_id=1)
        for n, note, amendment in ((1, "First reading", None), (2, "Amendment 5 by Workers' Union (A. Person) accepted", 5),
                                   (3, "Agreed in the hall", 6)):
            insert(conn, "document_version", document_id=1, number=n, note=note, amendment_id=amendment)

    def read_new(conn):
        from sqlalchemy import text
        return [r[0] for r in conn.execute(text("SELECT note FROM document_version ORDER BY number"))]

    _app, notes = upgrade_with_old_rows(tmp_path, "5e0c7a1b9d42", write_old, read_new)
    assert notes == ["First reading", "", "Agreed in the hall"]
