"""Organisations and users (accreditation): the secretariat may, nobody else may."""
import pytest


def test_secretariat_creates_organisation_and_user(factory, client, token):
    h = token(factory.secretariat)
    org = client.post("/api/v1/organisations", headers=h,
                      json={"name": "Workers' Federation of Togo", "constituency": "workers", "country": "tg", "rec": "ECOWAS"})
    assert org.status_code == 201
    assert org.json["country"] == "TG" and org.json["constituency"] == "workers"
    user = client.post("/api/v1/users", headers=h, json={
        "email": "Delegate@Example.org", "name": "Workers' delegate, Togo", "role": "delegate",
        "organisation_id": org.json["id"], "password": "a-long-password"})
    assert user.status_code == 201
    assert user.json["email"] == "delegate@example.org"
    assert user.json["constituency"] == "workers"
    tok = client.post("/api/v1/auth/token", json={"email": "delegate@example.org", "password": "a-long-password"})
    assert tok.status_code == 200


@pytest.mark.parametrize("role", ["delegate", "adviser", "observer"])
def test_others_may_not_accredit(factory, client, token, role):
    user = factory.user(role)
    h = token(user)
    resp = client.post("/api/v1/organisations", headers=h, json={"name": "X", "constituency": "workers"})
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    resp = client.post("/api/v1/users", headers=h, json={"email": "x@example.org", "name": "X", "role": "secretariat",
                                                         "organisation_id": user.organisation_id})
    assert resp.status_code == 403
    assert client.get("/api/v1/users", headers=h).status_code == 403


@pytest.mark.parametrize("body,field", [
    ({"name": "X", "constituency": "farmers"}, "constituency"),
    ({"name": "X", "constituency": "workers", "country": "ZZ"}, "country"),
    ({"name": "X", "constituency": "workers", "rec": "EU"}, "rec"),
    ({"constituency": "workers"}, "name"),
    ({"name": "", "constituency": "workers"}, "name"),
    ({"name": "x" * 201, "constituency": "workers"}, "name"),
])
def test_organisation_bad_fields_are_422(factory, client, token, body, field):
    resp = client.post("/api/v1/organisations", headers=token(factory.secretariat), json=body)
    assert resp.status_code == 422
    assert field in resp.json["error"]["fields"]


def test_duplicates_are_409(factory, client, token):
    h = token(factory.secretariat)
    org = factory.org("employers", name="Employers' Council")
    resp = client.post("/api/v1/organisations", headers=h, json={"name": "employers' council", "constituency": "employers"})
    assert resp.status_code == 409
    user = factory.user(org=org)
    resp = client.post("/api/v1/users", headers=h, json={"email": user.email.upper(), "name": "Y", "role": "delegate",
                                                         "organisation_id": org.id})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"


def test_user_bad_fields(factory, client, token):
    h = token(factory.secretariat)
    org = factory.org()
    for body in ({"email": "not-an-email", "name": "Y", "role": "delegate", "organisation_id": org.id},
                 {"email": "y@example.org", "name": "Y", "role": "king", "organisation_id": org.id},
                 {"email": "y@example.org", "name": "Y", "role": "delegate", "organisation_id": 99999},
                 {"email": "y@example.org", "name": "Y", "role": "delegate", "organisation_id": org.id, "password": "short"}):
        assert client.post("/api/v1/users", headers=h, json=body).status_code == 422, body


def test_role_change_ends_open_sessions(factory, client, token):
    user = factory.user()
    h = token(user)
    resp = client.patch(f"/api/v1/users/{user.id}", headers=token(factory.secretariat), json={"role": "observer"})
    assert resp.status_code == 200 and resp.json["role"] == "observer"
    assert client.get("/api/v1/me", headers=h).status_code == 401


def test_secretariat_cannot_lock_itself_out(factory, client, token):
    resp = client.patch(f"/api/v1/users/{factory.secretariat.id}", headers=token(factory.secretariat),
                        json={"is_active": False})
    assert resp.status_code == 409


@pytest.mark.parametrize("path", ["/admin/organisations", "/admin/users", "/admin/users/1", "/admin/organisations/1"])
def test_admin_pages_refused_to_delegates(factory, client, login, path):
    login(factory.user())
    assert client.get(path).status_code == 403


def test_admin_pages_create_through_forms(factory, client, login):
    login(factory.secretariat)
    resp = client.post("/admin/organisations", data={"name": "Diaspora Network", "constituency": "stakeholder",
                                                     "country": "", "rec": ""})
    assert resp.status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Diaspora Network" in page
    from app.accounts.models import Organisation
    from app.extensions import db
    org = db.session.query(Organisation).filter_by(name="Diaspora Network").one()
    resp = client.post("/admin/users", data={"email": "member@example.org", "name": "Diaspora member", "role": "delegate",
                                             "organisation_id": org.id, "password": ""})
    assert resp.status_code == 302
    assert "Diaspora member" in client.get("/admin/users").get_data(as_text=True)
    bad = client.post("/admin/organisations", data={"name": "", "constituency": "workers"})
    assert bad.status_code == 422


def test_me_language_and_timezone(factory, client, token):
    user = factory.user()
    h = token(user)
    resp = client.patch("/api/v1/me", headers=h, json={"language": "fr", "timezone": "Africa/Dakar"})
    assert resp.status_code == 200 and resp.json["language"] == "fr" and resp.json["timezone"] == "Africa/Dakar"
    assert client.patch("/api/v1/me", headers=h, json={"timezone": "Mars/Olympus"}).status_code == 422
    assert client.patch("/api/v1/me", headers=h, json={"language": "de"}).status_code == 422
