"""Standing bodies: who creates them, members' terms and their refusals, sessions of a body."""
from datetime import UTC, date, datetime, timedelta

import pytest


def test_secretariat_creates_a_body_and_anyone_reads_it(factory, api, make_body):
    body = make_body(name="Labour Migration Advisory Committee", acronym="LMAC", kind="advisory",
                     rule="consensus", voting_constituencies=["employers", "workers", "stakeholder"])
    assert body["rule"] == "consensus" and body["stakeholders_vote"] is True
    reader = factory.user("observer", "observer")
    got = api(reader, "GET", f"/api/v1/bodies/{body['id']}")
    assert got.status_code == 200 and got.json["name"] == "Labour Migration Advisory Committee"
    assert got.json["members"] == [] and got.json["sessions"] == []
    assert [b["id"] for b in api(reader, "GET", "/api/v1/bodies").json["items"]] == [body["id"]]
    assert api(reader, "GET", "/api/v1/bodies/999999").status_code == 404


def test_only_the_secretariat_creates_bodies_and_members(factory, api, make_body):
    delegate = factory.user()
    refused = api(delegate, "POST", "/api/v1/bodies", json={"name": "X", "kind": "advisory", "level": "continental"})
    assert refused.status_code == 403
    body = make_body()
    refused = api(delegate, "POST", f"/api/v1/bodies/{body['id']}/members",
                  json={"organisation_id": delegate.organisation_id, "term_start": "2024-01-01"})
    assert refused.status_code == 403
    assert api(delegate, "GET", f"/api/v1/bodies/{body['id']}").json["members"] == []


@pytest.mark.parametrize("fields,field", [
    ({"level": "rec"}, "rec"),
    ({"level": "national", "country": "XX"}, "country"),
    ({"kind": "parliament"}, "kind"),
    ({"rule": "majority_of_wizards"}, "rule"),
    ({"rule": {"threshold": "most"}}, "rule.threshold"),
    ({"rule": {"quorum": {"of": "present", "fraction": "3/2"}}}, "rule.quorum.fraction"),
    ({"rule": 7}, "rule"),
])
def test_bad_bodies_are_refused_naming_the_field(factory, api, fields, field):
    data = {"name": "Council", "kind": "tripartite", "level": "continental"}
    data.update(fields)
    resp = api(factory.secretariat, "POST", "/api/v1/bodies", json=data)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["fields"]
    assert api(factory.secretariat, "GET", "/api/v1/bodies").json["items"] == []


def test_a_rule_object_of_the_contract_is_accepted(make_body):
    rule = {"unit": "member_state", "threshold": "two_thirds", "base": "entitled", "consensus_first": True,
            "quorum": {"of": "entitled", "fraction": "2/3", "counted": "present"}, "groups": None}
    assert make_body(rule=rule)["rule"] == rule


def test_terms_on_the_same_seat_may_not_overlap(factory, make_body, add_member, api):
    body = make_body()
    a, b = factory.org("workers", country=None), factory.org("workers", country=None)
    add_member(body["id"], a, "2020-01-01", "2021-12-31", seat="Workers 1")
    bad = add_member(body["id"], b, "2021-06-01", None, seat="Workers 1", status=422)
    assert "term_start" in bad["error"]["fields"]
    add_member(body["id"], b, "2022-01-01", None, seat="Workers 1")  # the next term: fine
    again = add_member(body["id"], a, "2021-01-01", "2021-03-01", seat="Workers 2", status=422)  # same organisation
    assert "term_start" in again["error"]["fields"]
    members = api(factory.secretariat, "GET", f"/api/v1/bodies/{body['id']}").json["members"]
    assert [(m["organisation"]["id"], m["current"]) for m in members] == [(a.id, False), (b.id, True)]


def test_current_is_computed_from_the_dates(factory, make_body, add_member):
    body = make_body()
    today = date.today()
    past = add_member(body["id"], factory.org(), "2010-01-01", "2011-01-01")
    now = add_member(body["id"], factory.org(), (today - timedelta(days=1)).isoformat(), today.isoformat())
    future = add_member(body["id"], factory.org(), (today + timedelta(days=30)).isoformat())
    assert (past["current"], now["current"], future["current"]) == (False, True, False)


@pytest.mark.parametrize("term,field", [
    ({"term_start": "2024-13-01"}, "term_start"),
    ({"term_start": "2024-05-01", "term_end": "2024-04-01"}, "term_end"),
    ({}, "term_start"),
])
def test_bad_terms_are_refused(factory, make_body, api, term, field):
    body = make_body()
    resp = api(factory.secretariat, "POST", f"/api/v1/bodies/{body['id']}/members",
               json={"organisation_id": factory.org().id, **term})
    assert resp.status_code == 422 and field in resp.json["error"]["fields"]


def test_level_rules_of_members(factory, make_body, add_member):
    ministry_ke = factory.org("government", country="KE")
    continental = make_body(level="continental")
    add_member(continental["id"], ministry_ke)  # a national ministry on a continental seat
    national_gh = make_body(level="national", country="GH")
    wrong = add_member(national_gh["id"], ministry_ke, status=422)
    assert "organisation_id" in wrong["error"]["fields"]
    add_member(national_gh["id"], factory.org("workers", country="GH"))
    add_member(national_gh["id"], factory.org("stakeholder", country=None))  # an international organisation
    eac = make_body(level="rec", rec="EAC")
    add_member(eac["id"], ministry_ke)  # Kenya is an EAC member state
    assert add_member(eac["id"], factory.org("government", country="GH"), status=422)["error"]["fields"] == \
        {"organisation_id": "wrong level"}
    assert add_member(eac["id"], factory.org("stakeholder", country=None, rec="ECOWAS"), status=422)


def test_a_deactivated_organisation_cannot_sit(factory, make_body, add_member):
    from app.accounts.services import update_user
    user = factory.user()
    update_user(factory.secretariat, user, is_active=False)
    factory.db.session.commit()
    body = make_body()
    bad = add_member(body["id"], user.organisation, status=422)
    assert bad["error"]["fields"] == {"organisation_id": "deactivated"}


def _session(api, factory, body_id, **extra):
    data = {"title": "Session", "level": "continental", "body_id": body_id}
    data.update(extra)
    return api(factory.secretariat, "POST", "/api/v1/consultations", json=data)


def test_a_session_invites_current_members_and_takes_the_rule(factory, api, make_body, add_member):
    body = make_body(rule="two_thirds", voting_constituencies=["government", "workers"])
    sitting, former = factory.user(), factory.user()
    add_member(body["id"], sitting.organisation, "2020-01-01")
    add_member(body["id"], former.organisation, "2010-01-01", "2011-01-01")
    resp = _session(api, factory, body["id"])
    assert resp.status_code == 201, resp.json
    assert [p["user_id"] for p in resp.json["participants"]] == [sitting.id]
    assert resp.json["rule"] == "two_thirds"
    assert resp.json["voting_constituencies"] == ["government", "workers"]
    motion = api(factory.secretariat, "POST", f"/api/v1/consultations/{resp.json['id']}/motions",
                 json={"question": "Adopt?", "ballot": "roll_call"})
    assert motion.status_code == 201 and motion.json["rule"] == "two_thirds"
    sessions = api(factory.secretariat, "GET", f"/api/v1/bodies/{body['id']}").json["sessions"]
    assert [s["consultation_id"] for s in sessions] == [resp.json["id"]]


def test_a_motion_without_rule_outside_a_body_is_refused(factory, api):
    c = factory.consultation()
    resp = api(factory.secretariat, "POST", f"/api/v1/consultations/{c.id}/motions",
               json={"question": "Adopt?", "ballot": "roll_call"})
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"rule": "required"}


def test_an_unknown_body_is_refused_and_nothing_is_created(factory, api):
    resp = _session(api, factory, 999999)
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"body_id": "unknown body"}
    assert api(factory.secretariat, "GET", "/api/v1/consultations").json["items"] == []


def test_a_session_record_names_the_members_of_its_day(factory, api, make_body, add_member, login, client):
    body = make_body(name="Social Dialogue Forum")
    first, second = factory.org("workers", country=None), factory.org("workers", country=None)
    add_member(body["id"], first, "2020-01-01", "2022-12-31", seat="Workers")
    add_member(body["id"], second, "2023-01-01", None, seat="Workers")
    old = _session(api, factory, body["id"], title="Old session",
                   starts_at=datetime(2021, 5, 4, 9, tzinfo=UTC).isoformat()).json
    new = _session(api, factory, body["id"], title="New session",
                   starts_at=(datetime.now(UTC) + timedelta(days=3)).isoformat()).json
    sessions = api(factory.secretariat, "GET", f"/api/v1/bodies/{body['id']}").json["sessions"]
    assert [s["title"] for s in sessions] == ["Old session", "New session"]
    assert [m["organisation"]["id"] for m in sessions[0]["members"]] == [first.id]
    assert [m["organisation"]["id"] for m in sessions[1]["members"]] == [second.id]
    login(factory.secretariat)
    page = client.get(f"/consultations/{old['id']}").get_data(as_text=True)
    section = page.split("Members of Social Dialogue Forum on 2021-05-04", 1)[1].split("</section>", 1)[0]
    assert first.name in section and second.name not in section
    assert new["id"]


def test_sessions_listed_are_those_the_reader_may_see(factory, api, make_body, add_member):
    body = make_body()
    member = factory.user()
    add_member(body["id"], member.organisation)
    seen = _session(api, factory, body["id"], title="Scheduled").json
    api(factory.secretariat, "PATCH", f"/api/v1/consultations/{seen['id']}", json={"status": "scheduled"})
    _session(api, factory, body["id"], title="Still a draft")
    outsider = factory.user()
    assert [s["title"] for s in api(member, "GET", f"/api/v1/bodies/{body['id']}").json["sessions"]] == ["Scheduled"]
    assert api(outsider, "GET", f"/api/v1/bodies/{body['id']}").json["sessions"] == []


def test_body_pages_and_secretariat_forms(factory, client, login, api):
    login(factory.secretariat)
    resp = client.post("/bodies/", data={"name": "National Labour Council", "kind": "tripartite",
                                         "level": "national", "country": "GH", "rule": "simple",
                                         "voting_constituencies": ["government", "employers", "workers"]})
    assert resp.status_code == 302
    body_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    org = factory.org("employers", country="GH")
    resp = client.post(f"/bodies/{body_id}/members", data={"organisation_id": str(org.id), "seat": "Employers",
                                                           "term_start": "2024-01-01"})
    assert resp.status_code == 302
    page = client.get(f"/bodies/{body_id}").get_data(as_text=True)
    assert "National Labour Council" in page and org.name in page and "Current members" in page
    assert "they do not vote" in page
    bad = client.post(f"/bodies/{body_id}/members", data={"organisation_id": str(org.id), "seat": "Employers",
                                                          "term_start": "2024-06-01"}, follow_redirects=True)
    assert "overlaps" in bad.get_data(as_text=True)
    assert len(api(factory.secretariat, "GET", f"/api/v1/bodies/{body_id}").json["members"]) == 1
    assert "National Labour Council" in client.get("/bodies/").get_data(as_text=True)


def test_a_delegate_cannot_post_the_secretariat_forms(factory, client, login):
    login(factory.user())
    resp = client.post("/bodies/", data={"name": "X", "kind": "tripartite", "level": "continental"})
    assert resp.status_code == 403


def test_the_secretariat_convenes_a_session_from_the_body_page(factory, client, login, api, make_body, add_member):
    body = make_body(level="rec", rec="EAC", rule="simple")
    member = factory.user("delegate", org=factory.org("government", country="KE"))
    add_member(body["id"], member.organisation)
    login(factory.secretariat)
    resp = client.post(f"/bodies/{body['id']}/sessions", data={"title": "Engagement visit", "level": "rec",
                                                               "rec": "EAC", "starts_at": "2030-05-04T09:00"})
    assert resp.status_code == 302 and "/consultations/" in resp.headers["Location"]
    cid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    detail = api(factory.secretariat, "GET", f"/api/v1/consultations/{cid}").json
    assert [p["user_id"] for p in detail["participants"]] == [member.id] and detail["rule"] == "simple"
    bad = client.post(f"/bodies/{body['id']}/sessions", data={"title": "No REC", "level": "rec"}, follow_redirects=True)
    assert "A REC consultation needs one of" in bad.get_data(as_text=True)


def test_the_new_consultation_page_picks_a_body(factory, client, login, api, make_body, add_member):
    """The new-consultation form offers the standing bodies; choosing one makes the consultation
    a session of it (members invited, the body's rule), choosing none makes one of its own."""
    body = make_body(name="Tripartite council of Kenya", acronym="TCK", level="national", country="KE",
                     rule="two_thirds")
    member = factory.user("delegate", org=factory.org("workers", country="KE"))
    add_member(body["id"], member.organisation)
    login(factory.secretariat)
    page = client.get("/consultations/new").get_data(as_text=True)
    assert "Session of a standing body" in page and "Tripartite council of Kenya (TCK)" in page
    form = {"title": "Council sitting", "level": "national", "country": "KE", "voting_constituencies": "government"}
    resp = client.post("/consultations/new", data=dict(form, body_id=str(body["id"])))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    cid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    detail = api(factory.secretariat, "GET", f"/api/v1/consultations/{cid}").json
    assert [p["user_id"] for p in detail["participants"]] == [member.id] and detail["rule"] == "two_thirds"
    own = client.post("/consultations/new", data=dict(form, body_id="", title="One-off"))
    own_id = int(own.headers["Location"].rstrip("/").split("/")[-1])
    assert api(factory.secretariat, "GET", f"/api/v1/consultations/{own_id}").json["participants"] == []
    unknown = client.post("/consultations/new", data=dict(form, body_id="999999"))
    assert unknown.status_code == 422 and "Not a valid choice" in unknown.get_data(as_text=True)
    # editing a consultation does not offer to move it to a body
    assert "Session of a standing body" not in client.get(f"/consultations/{cid}/edit").get_data(as_text=True)
