"""The PDF minutes follow the reader's language, right to left in Arabic."""
import io

from pypdf import PdfReader


def test_pdf_minutes_in_arabic(factory, client, token, tmp_path):
    from app.accounts.services import set_language
    from app.extensions import db
    c = factory.consultation(status="closed", title="ECOWAS portability")
    people = factory.tripartite(c)
    sec = token(factory.secretariat)
    m = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=sec)
    assert m.status_code == 201, m.json
    mid = m.json["id"]
    reader = people["workers"]
    set_language(reader, "ar")
    db.session.commit()
    client.post(f"/api/v1/minutes/{mid}/circulate", headers=sec, json={})
    pdf = client.get(f"/api/v1/minutes/{mid}/export?format=pdf", headers=token(reader))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    (tmp_path / "ar.pdf").write_bytes(pdf.data)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "ECOWAS portability" in text
    # Arabic headings are drawn (the glyphs extract as Arabic letters, in any order)
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)
