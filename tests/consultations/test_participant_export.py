"""The participant list as .xlsx, CSV and the "List of participants" .docx, read back by LibreOffice."""
import io

from openpyxl import load_workbook

from tests.office import text_of


def test_participant_list_in_three_formats(factory, client, token, tmp_path):
    c = factory.consultation(status="live", title="Fair recruitment council")
    people = factory.tripartite(c)
    pending = factory.user("delegate", "workers", name="=cmd|' /C calc'!A0")
    factory.participant(c, pending, credentials="pending", constituency="workers")
    gov = token(people["government"])
    csv = client.get(f"/api/v1/consultations/{c.id}/participants/export?format=csv", headers=gov)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert text.startswith("\ufeffName,Organisation,Constituency,Country,Role,Credentials")
    assert "'=cmd|" in text and people["workers"].organisation.name in text and "Pending" in text
    xlsx = client.get(f"/api/v1/consultations/{c.id}/participants/export?format=xlsx", headers=gov)
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert [cell.value for cell in ws[1]][:3] == ["Name", "Organisation", "Constituency"]
    assert people["employers"].name in text_of(xlsx.data, "xlsx", tmp_path)
    docx = client.get(f"/api/v1/consultations/{c.id}/participants/export?format=docx", headers=gov)
    annex = text_of(docx.data, "docx", tmp_path)
    assert "List of participants" in annex and people["government"].name in annex
    assert "Employers" in annex and "=cmd" not in annex   # the annex lists accepted credentials only


def test_participant_list_follows_the_consultation_read_rule(factory, client, token, login):
    c = factory.consultation(status="live")
    factory.tripartite(c)
    stranger = factory.user("delegate", "workers")
    resp = client.get(f"/api/v1/consultations/{c.id}/participants/export?format=csv", headers=token(stranger))
    assert resp.status_code == 404
    login(factory.secretariat)
    page = client.get(f"/consultations/{c.id}/participants/export.xlsx")
    assert page.status_code == 200 and page.data[:2] == b"PK"
    assert client.get(f"/consultations/{c.id}/participants/export.exe").status_code == 404
