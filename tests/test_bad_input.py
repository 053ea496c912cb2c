"""Inputs the API fuzzer found: each gets the error shape, never a 500."""


def test_huge_ids_are_not_found(factory, client, token):
    h = token(factory.secretariat)
    resp = client.patch("/api/v1/users/22192587890441976469597978624", headers=h, json={"name": "X"})
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"


def test_year_out_of_range_is_422(factory, client, token):
    resp = client.get("/api/v1/consultations?year=32110648", headers=token(factory.secretariat))
    assert resp.status_code == 422 and "year" in resp.json["error"]["fields"]


def test_null_for_a_non_nullable_field_is_422(factory, client, token):
    resp = client.patch("/api/v1/me", headers=token(factory.user()), json={"timezone": None})
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"timezone": "may not be null"}


def test_unicode_case_duplicate_organisation_is_409_not_500(factory, client, token):
    h = token(factory.secretariat)
    assert client.post("/api/v1/organisations", headers=h, json={"name": "Ä", "constituency": "workers"}).status_code == 201
    resp = client.post("/api/v1/organisations", headers=h, json={"name": "Ä", "constituency": "workers"})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"


def test_body_that_is_not_an_object_is_400(factory, client, token):
    h = token(factory.secretariat)
    for body in ("[]", "42", '"text"', "{bad json"):
        resp = client.post("/api/v1/organisations", headers=h, data=body, content_type="application/json")
        assert resp.status_code == 400 and resp.json["error"]["code"] == "invalid", body
