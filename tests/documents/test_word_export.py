"""Exports read back the way people will read them: Baraza's .docx and .xlsx opened by
LibreOffice with the text intact, tagged PDFs (pdfinfo), CSV cells that never run, the
compilation by paragraph with its constituency filter, and the positions matrix."""
import io
import subprocess

import pytest
from pypdf import PdfReader

from app.accounts.services import set_language
from app.extensions import db
from tests.office import text_of

BODY = """# Draft policy on fair recruitment

## Scope

This policy covers every **private employment agency** licensed in the country.[^1]

Recruitment fees shall not be charged to workers.

1. First measure on bilateral agreements.
2. Second measure on fair recruitment.

| Cost | Who pays |
|---|---|
| Recruitment fee | The employer |

See the [ILO principles](https://www.ilo.org/fair-recruitment).

[^1]: General principles and operational guidelines, 2019.
"""
ARABIC = "# سياسة التوظيف العادل\n\nلا يجوز تحميل العمال رسوم التوظيف.\n"


def pdfinfo(data: bytes, tmp_path) -> dict:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in out.splitlines())}


def assert_tagged(data: bytes, tmp_path, title: str, lang: str) -> str:
    info = pdfinfo(data, tmp_path)
    assert info["Tagged"] == "yes" and info["Title"] == title
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]) == lang and "/StructTreeRoot" in root
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def filled(setting, docs):
    """An open document with comments (one a formula), a reply, a resolved thread, amendments
    and positions from three constituencies."""
    doc = docs.create(setting["c"], body=BODY, title="Fair recruitment")
    did = doc["id"]
    anchors = {p["html"][:40]: p["anchor"] for p in doc["current_version"]["paragraphs"]}
    fees = next(a for h, a in anchors.items() if "Recruitment fees" in h)
    scope = next(a for h, a in anchors.items() if "This policy covers" in h)
    first = docs.post(f"/documents/{did}/comments", setting["workers"],
                      {"body": "=HYPERLINK(\"http://evil\",\"x\") add related costs", "anchor": fees}).json
    docs.post(f"/documents/{did}/comments", setting["employers"], {"body": "We disagree.", "parent_id": first["id"]})
    gov = docs.post(f"/documents/{did}/comments", setting["government"], {"body": "Define agency.", "anchor": scope}).json
    docs.post(f"/comments/{gov['id']}/resolve", setting["secretariat"])
    docs.post(f"/documents/{did}/comments", setting["government"], {"body": "General remark on the whole text."})
    am = docs.post(f"/documents/{did}/amendments", setting["workers"],
                   {"anchor": fees, "text": "Recruitment fees and related costs shall not be charged to workers.",
                    "rationale": "ILO principle 7."})
    assert am.status_code == 201, am.json
    for who, stance, body in (("workers", "support_with_amendments", "Support, with costs included."),
                              ("employers", "oppose", "-1 cost for employers"),
                              ("government", "support", "Supports the draft.")):
        assert docs.post(f"/documents/{did}/positions/mine", setting[who], {"stance": stance, "body": body},
                         method="put").status_code == 200
    return {**setting, "did": did, "fees": fees, "scope": scope}


def _get(client, docs, user, url):
    resp = client.get(f"/api/v1{url}", headers=docs.h(user))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp


def test_version_as_docx_reads_in_libreoffice(filled, docs, client, tmp_path):
    resp = _get(client, docs, filled["government"], f"/documents/{filled['did']}/export?format=docx&version=1")
    assert resp.mimetype.endswith("wordprocessingml.document")
    assert 'filename="Fair-recruitment-v1.docx"' in resp.headers["Content-Disposition"]
    text = text_of(resp.data, "docx", tmp_path)
    for words in ("Draft policy on fair recruitment", "Scope", "private employment agency",
                  "Recruitment fees shall not be charged to workers.", "1.\tFirst measure on bilateral agreements.",
                  "Recruitment fee", "The employer", "ILO principles", "General principles and operational guidelines, 2019."):
        assert words in text, words


def test_version_as_markdown_and_tagged_pdf(filled, docs, client, tmp_path):
    md = _get(client, docs, filled["government"], f"/documents/{filled['did']}/export?format=md")
    assert md.mimetype == "text/markdown" and md.get_data(as_text=True) == BODY
    pdf = _get(client, docs, filled["government"], f"/documents/{filled['did']}/export?format=pdf")
    text = assert_tagged(pdf.data, tmp_path, "Fair recruitment", "en")
    assert "Recruitment fees shall not be charged to workers." in " ".join(text.split())


def test_arabic_reader_gets_a_right_to_left_tagged_pdf_of_an_english_text(filled, docs, client, tmp_path):
    set_language(filled["government"], "ar")
    db.session.commit()
    pdf = _get(client, docs, filled["government"], f"/documents/{filled['did']}/export?format=pdf")
    text = assert_tagged(pdf.data, tmp_path, "Fair recruitment", "ar")
    assert "Recruitment fees" in text and any("\u0600" <= ch <= "\u06ff" for ch in text)  # Arabic labels


def test_arabic_text_keeps_its_direction_in_docx_and_pdf(setting, docs, client, tmp_path):
    doc = docs.create(setting["c"], body=ARABIC, title="سياسة التوظيف", language="ar")
    docx = _get(client, docs, setting["government"], f"/documents/{doc['id']}/export?format=docx")
    import zipfile
    xml = zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml").decode()
    assert xml.count("<w:bidi/>") >= 2 and "<w:rtl/>" in xml
    assert "لا يجوز تحميل العمال رسوم التوظيف." in text_of(docx.data, "docx", tmp_path)
    pdf = _get(client, docs, setting["government"], f"/documents/{doc['id']}/export?format=pdf")
    assert_tagged(pdf.data, tmp_path, "سياسة التوظيف", "en")


def test_compilation_by_paragraph_as_csv_guards_formulas(filled, docs, client):
    resp = _get(client, docs, filled["observer"], f"/documents/{filled['did']}/comments/export?format=csv")
    import csv
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[:4] == ["Paragraph", "Anchor", "Paragraph text", "Kind"]
    fees = [r for r in rows if r[1] == filled["fees"]]
    kinds = [r[3] for r in fees]
    assert kinds == ["Amendment", "Comment", "Reply"]
    amendment, comment, reply = fees
    assert amendment[5] == filled["workers"].organisation.name and amendment[6] == "Workers" and amendment[9] == "Proposed"
    assert comment[10].startswith("'=HYPERLINK(") and comment[9] == "Not resolved"
    assert reply[11] == comment[4] and reply[6] == "Employers"
    scope = next(r for r in rows if r[1] == filled["scope"])
    assert scope[9] == "Resolved" and scope[0].isdigit()
    assert any(r[2] == "Comments on the whole document" and r[10] == "General remark on the whole text." for r in rows)


def test_compilation_filtered_by_constituency(filled, docs, client):
    resp = _get(client, docs, filled["secretariat"],
                f"/documents/{filled['did']}/comments/export?format=csv&constituency=employers")
    text = resp.get_data(as_text=True)
    assert "We disagree." in text and "add related costs" in text   # the thread employers wrote in, whole
    assert "Define agency." not in text and "ILO principle 7." not in text and "General remark" not in text
    assert "employers" in resp.headers["Content-Disposition"]


def test_compilation_xlsx_and_docx_read_in_libreoffice(filled, docs, client, tmp_path):
    xlsx = _get(client, docs, filled["government"], f"/documents/{filled['did']}/comments/export?format=xlsx")
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    formula = [c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)   # text, never a formula
    sheet = text_of(xlsx.data, "xlsx", tmp_path)
    assert "Recruitment fees and related costs shall not be charged to workers." in sheet
    assert "=HYPERLINK" in sheet and "ILO principle 7." in sheet
    docx = _get(client, docs, filled["government"], f"/documents/{filled['did']}/comments/export?format=docx")
    text = text_of(docx.data, "docx", tmp_path)
    for words in ("Compilation of comments and amendments", "Recruitment fees shall not be charged to workers.",
                  "We disagree.", "Define agency.", "ILO principle 7.", filled["workers"].organisation.name):
        assert words in text, words


def test_positions_matrix(filled, docs, client, tmp_path):
    csv_text = _get(client, docs, filled["observer"], f"/documents/{filled['did']}/positions/export?format=csv"
                    ).get_data(as_text=True)
    assert "Organisation,Constituency,Support,Support with amendments,Oppose,Abstain,Statement" in csv_text
    assert "'-1 cost for employers" in csv_text
    xlsx = _get(client, docs, filled["observer"], f"/documents/{filled['did']}/positions/export?format=xlsx")
    sheet = text_of(xlsx.data, "xlsx", tmp_path)
    assert "Supports the draft." in sheet and filled["employers"].organisation.name in sheet
    docx = _get(client, docs, filled["observer"], f"/documents/{filled['did']}/positions/export?format=docx")
    text = text_of(docx.data, "docx", tmp_path)
    assert "Positions matrix" in text and "Support, with costs included." in text


def test_exports_follow_the_read_rule(filled, docs, client):
    for url in (f"/documents/{filled['did']}/export?format=pdf", f"/documents/{filled['did']}/comments/export",
                f"/documents/{filled['did']}/positions/export"):
        assert client.get(f"/api/v1{url}", headers=docs.h(filled["outsider"])).status_code == 404
    bad = client.get(f"/api/v1/documents/{filled['did']}/export?format=exe", headers=docs.h(filled["government"]))
    assert bad.status_code == 422 and "format" in bad.json["error"]["fields"]


def test_export_in_the_readers_language(filled, docs, client):
    set_language(filled["government"], "fr")
    db.session.commit()
    text = _get(client, docs, filled["government"], f"/documents/{filled['did']}/comments/export?format=csv"
                ).get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("Paragraphe,")
    assert "add related costs" in text   # the comments keep their own words
