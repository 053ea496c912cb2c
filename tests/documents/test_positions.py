"""Positions: one current per organisation, history kept as rows, a summary by constituency."""


def put(docs, setting, who, stance, body="Statement."):
    return docs.post(f"/documents/{setting['id']}/positions/mine", setting[who], {"stance": stance, "body": body},
                     method="put")


def test_history_and_current(setting, docs):
    assert put(docs, setting, "government", "support", "First view").status_code == 200
    r = put(docs, setting, "government", "support_with_amendments", "Second **view**")
    assert r.json["html"] == "<p>Second <strong>view</strong></p>"
    put(docs, setting, "workers", "oppose")
    put(docs, setting, "employers", "abstain")
    view = docs.post(f"/documents/{setting['id']}/positions", setting["observer"], method="get").json
    current = {p["organisation"]["id"]: p["stance"] for p in view["items"]}
    assert current[setting["government"].organisation_id] == "support_with_amendments"
    assert len(view["items"]) == 3 and len(view["history"]) == 4
    assert [p["body"] for p in view["history"] if p["constituency"] == "government"] == ["Second **view**", "First view"]
    assert view["summary"] == {
        "government": {"support": 0, "support_with_amendments": 1, "oppose": 0, "abstain": 0, "not_filed": 0},
        "employers": {"support": 0, "support_with_amendments": 0, "oppose": 0, "abstain": 1, "not_filed": 0},
        "workers": {"support": 0, "support_with_amendments": 0, "oppose": 1, "abstain": 0, "not_filed": 0},
    }


def test_summary_counts_organisations_that_have_not_filed(setting, docs):
    put(docs, setting, "workers", "oppose")
    summary = docs.post(f"/documents/{setting['id']}/positions", setting["observer"], method="get").json["summary"]
    assert list(summary) == ["government", "employers", "workers"]
    assert summary["government"]["not_filed"] == 1 and summary["workers"]["not_filed"] == 0
    assert "observer" not in summary and "secretariat" not in summary


def test_two_delegates_of_one_organisation_share_its_position(setting, docs, factory):
    colleague = factory.user("delegate", org=setting["government"].organisation)
    factory.participant(setting["c"], colleague)
    put(docs, setting, "government", "support")
    setting["colleague"] = colleague
    put(docs, setting, "colleague", "oppose")
    view = docs.post(f"/documents/{setting['id']}/positions", setting["workers"], method="get").json
    assert [p["stance"] for p in view["items"]] == ["oppose"]


def test_bad_positions(setting, docs):
    assert put(docs, setting, "government", "maybe").status_code == 422
    assert put(docs, setting, "government", "support", "").status_code == 422
    assert put(docs, setting, "government", "support", "x" * (50 * 1024 + 1)).status_code == 413
    docs.post(f"/documents/{setting['id']}", setting["secretariat"], {"status": "final"}, method="patch")
    r = put(docs, setting, "government", "support")
    assert r.status_code == 409
    view = docs.post(f"/documents/{setting['id']}/positions", setting["workers"], method="get").json
    assert view["items"] == []


def test_positions_page_summary(setting, docs, client, login):
    put(docs, setting, "workers", "oppose", "Workers say no")
    login(setting["government"])
    page = client.get(f"/documents/{setting['id']}/positions").data
    assert b"Stances by constituency" in page and b"Workers say no" in page and b"Save position" in page
    login(setting["observer"])
    page = client.get(f"/documents/{setting['id']}/positions").data
    assert b"Save position" not in page
