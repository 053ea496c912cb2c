"""Who may see a consultation: the same answer from the pages and the API."""
import pytest


@pytest.mark.parametrize("who,status,visible", [
    ("secretariat", "draft", True),
    ("participant", "draft", False),
    ("participant", "scheduled", True),
    ("participant", "live", True),
    ("outsider", "scheduled", False),
    ("outsider", "live", False),
])
def test_visibility_matrix_api_and_page(factory, client, login, token, who, status, visible):
    c = factory.consultation(status=status)
    p = factory.participant(c)
    user = {"secretariat": factory.secretariat, "participant": p.user,
            "outsider": factory.user("delegate", "workers")}[who]
    api = client.get(f"/api/v1/consultations/{c.id}", headers=token(user))
    assert api.status_code == (200 if visible else 404)
    if not visible:
        assert api.json == {"error": {"code": "not_found", "message": "No such consultation."}}
    login(user)
    page = client.get(f"/consultations/{c.id}")
    assert page.status_code == (200 if visible else 404)
    if visible:
        assert c.title.encode() in page.data


def test_missing_and_forbidden_answer_alike(factory, client, token):
    c = factory.consultation()
    outsider = factory.user()
    hidden = client.get(f"/api/v1/consultations/{c.id}", headers=token(outsider))
    missing = client.get("/api/v1/consultations/999999", headers=token(outsider))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json == missing.json
