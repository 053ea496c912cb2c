"""Language versions of a document version, read side by side."""
import pytest


@pytest.fixture
def doc(factory, client, token):
    c = factory.consultation(status="live")
    people = factory.tripartite(c)
    resp = client.post(f"/api/v1/consultations/{c.id}/documents", headers=token(factory.secretariat),
                       json={"title": "Portability framework", "body": "Benefits follow the worker.\n\nSecond paragraph.",
                             "status": "open"})
    assert resp.status_code == 201, resp.json
    return c, people, resp.json["id"]


def test_secretariat_publishes_and_participants_read_side_by_side(doc, factory, client, token, login):
    c, people, doc_id = doc
    sec = token(factory.secretariat)
    resp = client.put(f"/api/v1/documents/{doc_id}/versions/1/languages/fr", headers=sec,
                      json={"body": "Les prestations suivent le travailleur.\n\nDeuxième paragraphe."})
    assert resp.status_code == 200 and resp.json["language"] == "fr"
    client.put(f"/api/v1/documents/{doc_id}/versions/1/languages/ar", headers=sec,
               json={"body": "تتبع الاستحقاقات العامل."})
    member = token(people["workers"])
    fr = client.get(f"/api/v1/documents/{doc_id}/versions/1/languages/fr", headers=member).json
    assert "Les prestations suivent le travailleur." in fr["html"] and fr["original"] is False
    en = client.get(f"/api/v1/documents/{doc_id}/versions/1/languages/en", headers=member).json
    assert en["original"] is True and "Benefits follow the worker." in en["html"]
    login(people["workers"])
    page = client.get(f"/documents/{doc_id}/languages?left=en&right=ar").get_data(as_text=True)
    assert 'lang="en" dir="ltr"' in page and 'lang="ar" dir="rtl"' in page
    assert "Benefits follow the worker." in page and "تتبع الاستحقاقات العامل." in page
    assert "Add a language version" not in page


def test_refusals(doc, factory, client, token):
    c, people, doc_id = doc
    sec = token(factory.secretariat)
    delegate = token(people["government"])
    url = f"/api/v1/documents/{doc_id}/versions/1/languages"
    assert client.put(f"{url}/fr", headers=delegate, json={"body": "x"}).status_code == 403
    assert client.put(f"{url}/de", headers=sec, json={"body": "x"}).status_code == 422
    assert client.put(f"{url}/en", headers=sec, json={"body": "x"}).status_code == 422  # the original language
    assert client.put(f"{url}/fr", headers=sec, json={"body": "   "}).status_code == 422
    assert client.put(f"/api/v1/documents/{doc_id}/versions/9/languages/fr", headers=sec, json={"body": "x"}).status_code == 404
    assert client.get(f"{url}/pt", headers=delegate).status_code == 404  # not published in Portuguese
    outsider = token(factory.user("delegate", "workers"))
    client.put(f"{url}/fr", headers=sec, json={"body": "Texte."})
    assert client.get(f"{url}/fr", headers=outsider).status_code == 404


def test_language_version_is_sanitised(doc, factory, client, token):
    c, people, doc_id = doc
    client.put(f"/api/v1/documents/{doc_id}/versions/1/languages/pt", headers=token(factory.secretariat),
               json={"body": "<script>alert(1)</script> [x](javascript:alert(1))"})
    html = client.get(f"/api/v1/documents/{doc_id}/versions/1/languages/pt", headers=token(people["workers"])).json["html"]
    assert "<script" not in html and "javascript:" not in html


def test_secretariat_adds_one_through_the_page(doc, factory, client, login):
    c, people, doc_id = doc
    login(factory.secretariat)
    resp = client.post(f"/documents/{doc_id}/languages?version=1", data={"language": "pt", "body": "Os benefícios seguem o trabalhador."})
    assert resp.status_code == 302
    page = client.get(f"/documents/{doc_id}/languages?right=pt").get_data(as_text=True)
    assert "Os benefícios seguem o trabalhador." in page
