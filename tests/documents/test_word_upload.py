"""Uploading .docx files built by LibreOffice: what comes across, what is reported dropped, what
is refused (with nothing stored), and anchors across a re-uploaded draft."""
import io
import zipfile

import pytest
from sqlalchemy import func, select

from app.documents.models import Document, DocumentVersion
from app.extensions import db
from tests.office import build_docx


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return build_docx(tmp_path_factory.mktemp("docx"))


def _upload(client, headers, url, data: bytes, name="draft.docx", **fields):
    return client.post(url, data={"file": (io.BytesIO(data), name), **fields}, headers=headers,
                       content_type="multipart/form-data")


def _counts():
    return db.session.scalar(select(func.count(Document.id))), db.session.scalar(select(func.count(DocumentVersion.id)))


def test_upload_brings_structure_across(setting, docs, client, office):
    c, sec = setting["c"], docs.h(setting["secretariat"])
    resp = _upload(client, sec, f"/api/v1/consultations/{c.id}/documents", office["policy"], status="open")
    assert resp.status_code == 201, resp.json
    assert resp.json["title"] == "Draft policy on fair recruitment"   # the file's first heading
    assert resp.json["warnings"] == []
    body = resp.json["current_version"]["body"]
    assert "# Draft policy on fair recruitment" in body and "\n## Measures\n" in body
    assert "**private employment agency**" in body and "*country*" in body
    assert "[ILO general principles](https://www.ilo.org/fair-recruitment)" in body
    assert "1. First measure" in body and "- the licensing criteria;" in body
    assert "| Cost | Who pays |" in body and "| Travel | The employer |" in body
    assert "describe.[^1]" in body and "[^2]: The review is led by the tripartite council." in body
    html = resp.json["current_version"]["html"]
    assert "<table>" in html and "<h2" in html and 'class="footnote' in html
    kinds = [p["kind"] for p in resp.json["current_version"]["paragraphs"]]
    assert kinds[:2] == ["heading", "heading"] and "footnotes" in kinds and kinds.count("item") == 5


def test_dropped_content_is_reported(setting, docs, client, office):
    resp = _upload(client, docs.h(setting["secretariat"]), f"/api/v1/consultations/{setting['c'].id}/documents",
                   office["dropped"], title="With a picture")
    assert resp.status_code == 201, resp.json
    assert resp.json["title"] == "With a picture"
    assert len(resp.json["warnings"]) == 2
    assert any("Images" in w for w in resp.json["warnings"]) and any("comments" in w for w in resp.json["warnings"])
    assert "Text after the picture." in resp.json["current_version"]["body"]
    assert "data:image" not in resp.json["current_version"]["body"]


def test_reuploaded_draft_keeps_comments_on_their_paragraphs(setting, docs, client, office):
    c, sec = setting["c"], docs.h(setting["secretariat"])
    doc = _upload(client, sec, f"/api/v1/consultations/{c.id}/documents", office["policy"], status="open").json
    paragraphs = doc["current_version"]["paragraphs"]
    fees = next(p["anchor"] for p in paragraphs if "Recruitment fees" in p["html"])
    final = next(p["anchor"] for p in paragraphs if "Final paragraph" in p["html"])
    comment = docs.post(f"/documents/{doc['id']}/comments", setting["workers"], {"body": "Costs too.", "anchor": fees})
    assert comment.status_code == 201
    resp = _upload(client, sec, f"/api/v1/documents/{doc['id']}/versions", office["policy_v2"], note="After the meeting")
    assert resp.status_code == 201, resp.json
    assert resp.json["number"] == 2 and resp.json["note"] == "After the meeting" and resp.json["warnings"] == []
    new = {p["anchor"]: p["html"] for p in resp.json["paragraphs"]}
    assert "and related costs" in new[fees] and "Final paragraph" in new[final]
    assert sum("data protection" in h for a, h in new.items() if a not in {p["anchor"] for p in paragraphs}) == 1
    listed = client.get(f"/api/v1/documents/{doc['id']}/comments", headers=sec).json["items"]
    assert listed[0]["anchor"] == fees and listed[0]["on_earlier_version"] is False


def test_tracked_changes_are_refused(setting, docs, client, office):
    before = _counts()
    resp = _upload(client, docs.h(setting["secretariat"]), f"/api/v1/consultations/{setting['c'].id}/documents",
                   office["tracked"])
    assert resp.status_code == 422
    assert resp.json["error"]["code"] == "invalid" and "tracked changes" in resp.json["error"]["message"]
    assert resp.json["error"]["fields"] == {"file": "tracked_changes"}
    assert _counts() == before


def _rezip(base: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info.filename)))
        for name, data in replace.items():
            dst.writestr(name, data)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
          + b']><w:document ' + W + b'><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document ' + W
       + b'><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')


def _hostile(name, office):
    base = office["policy"]
    if name == "exe":
        return b"MZ\x90\x00\x03" + bytes(4000)
    if name == "not_zip":
        return b"This is plain text pretending to be a Word file.\n" * 20
    if name == "zip_bomb":
        return _rezip(base, {"word/document.xml": b"<" + b" " * (40 * 1024 * 1024) + b"/>"})
    if name == "xml_bomb":
        return _rezip(base, {"word/document.xml": LAUGHS})
    if name == "xxe":
        return _rezip(base, {"word/document.xml": XXE})
    if name == "docm":
        types = zipfile.ZipFile(io.BytesIO(base)).read("[Content_Types].xml").replace(
            b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
        return _rezip(base, {"[Content_Types].xml": types, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(512)})
    if name == "truncated":
        return base[: len(base) // 2]
    raise AssertionError(name)


@pytest.mark.parametrize("name,status,field", [
    ("exe", 422, "not_docx"), ("not_zip", 422, "not_docx"), ("truncated", 422, "not_docx"),
    ("zip_bomb", 413, None), ("xml_bomb", 422, "unsafe_xml"), ("xxe", 422, "unsafe_xml"), ("docm", 422, "macros"),
])
def test_hostile_uploads_are_refused_and_nothing_is_stored(setting, docs, client, office, name, status, field):
    before = _counts()
    sec = docs.h(setting["secretariat"])
    for url in (f"/api/v1/consultations/{setting['c'].id}/documents", f"/api/v1/documents/{setting['id']}/versions"):
        resp = _upload(client, sec, url, _hostile(name, office), name="draft.docx")
        assert resp.status_code == status, (url, resp.json)
        assert set(resp.json["error"]) >= {"code", "message"}
        if field:
            assert resp.json["error"]["fields"]["file"] == field
    assert _counts() == before


def test_over_ten_megabytes_is_413(setting, docs, client):
    before = _counts()
    big = b"PK\x03\x04" + bytes(10 * 1024 * 1024)
    resp = _upload(client, docs.h(setting["secretariat"]), f"/api/v1/consultations/{setting['c'].id}/documents", big)
    assert resp.status_code == 413 and resp.json["error"]["code"] == "too_large"
    huge = bytes(11 * 1024 * 1024)
    resp = _upload(client, docs.h(setting["secretariat"]), f"/api/v1/documents/{setting['id']}/versions", huge)
    assert resp.status_code == 413 and resp.json["error"]["code"] == "too_large"
    assert _counts() == before


def test_only_the_secretariat_uploads_and_a_missing_file_names_the_field(setting, docs, client, office):
    resp = _upload(client, docs.h(setting["government"]), f"/api/v1/consultations/{setting['c'].id}/documents",
                   office["policy"])
    assert resp.status_code == 403
    resp = _upload(client, docs.h(setting["government"]), f"/api/v1/documents/{setting['id']}/versions", office["policy"])
    assert resp.status_code == 403
    resp = client.post(f"/api/v1/documents/{setting['id']}/versions", data={"note": "x"},
                       headers=docs.h(setting["secretariat"]), content_type="multipart/form-data")
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"file": "required"}


def test_a_large_file_within_ten_megabytes_is_accepted(setting, docs, client, office, login):
    """Above the 2 MB every other request may carry: the limit is raised for uploads only."""
    import os
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(office["policy"])) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("word/media/scan.bin", os.urandom(6 * 1024 * 1024), compress_type=zipfile.ZIP_STORED)
    big = buf.getvalue()
    assert 6 * 1024 * 1024 < len(big) < 10 * 1024 * 1024
    resp = _upload(client, docs.h(setting["secretariat"]), f"/api/v1/consultations/{setting['c'].id}/documents", big)
    assert resp.status_code == 201, resp.json
    login(setting["secretariat"])
    page = client.post(f"/documents/{setting['id']}/versions/upload", data={"file": (io.BytesIO(big), "big.docx")},
                       content_type="multipart/form-data")
    assert page.status_code == 302
    assert "New version published" in client.get(page.headers["Location"]).get_data(as_text=True)
