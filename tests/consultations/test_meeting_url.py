"""The meeting link of a hybrid sitting: PATCH checks it, GET returns it to those who sit (and
only them), the edit form takes it, and the consultation page and the room show it."""
import pytest

URL = "https://meet.example.org/rec-labour-2026?pwd=abc"


def patch(client, token, user, c, body):
    return client.patch(f"/api/v1/consultations/{c.id}", json=body, headers=token(user))


def test_patch_sets_and_clears_it_and_get_returns_it(client, token, factory):
    c = factory.consultation(status="scheduled")
    delegate = factory.participant(c).user
    r = patch(client, token, factory.secretariat, c, {"meeting_url": URL})
    assert r.status_code == 200 and r.json["meeting_url"] == URL
    assert client.get(f"/api/v1/consultations/{c.id}", headers=token(delegate)).json["meeting_url"] == URL
    r = patch(client, token, factory.secretariat, c, {"title": "Renamed"})
    assert r.json["meeting_url"] == URL  # untouched by a PATCH that does not name it
    r = patch(client, token, factory.secretariat, c, {"meeting_url": ""})
    assert r.status_code == 200 and r.json["meeting_url"] is None
    patch(client, token, factory.secretariat, c, {"meeting_url": "http://10.0.0.5/bridge"})
    assert patch(client, token, factory.secretariat, c, {"meeting_url": None}).json["meeting_url"] is None


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "meet.example.org/room", "ftp://example.org/x",
                                 "https://", "https://exa mple.org/", "https://example.org/\nx", 42,
                                 "https://example.org/" + "a" * 600])
def test_patch_refuses_what_is_not_an_http_link(client, token, factory, bad):
    c = factory.consultation(status="scheduled")
    patch(client, token, factory.secretariat, c, {"meeting_url": URL})
    r = patch(client, token, factory.secretariat, c, {"meeting_url": bad})
    assert r.status_code == 422, r.json
    assert r.json["error"]["code"] == "invalid" and "meeting_url" in r.json["error"]["fields"]
    assert client.get(f"/api/v1/consultations/{c.id}", headers=token(factory.secretariat)).json["meeting_url"] == URL


def test_only_the_secretariat_sets_it(client, token, factory):
    c = factory.consultation(status="scheduled")
    delegate = factory.participant(c).user
    r = patch(client, token, delegate, c, {"meeting_url": URL})
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"


def test_a_reader_who_does_not_sit_does_not_get_the_bridge(client, token, factory, login):
    c = factory.consultation(status="scheduled", is_public=True, meeting_url=URL)
    reader = factory.user("delegate", "workers")
    body = client.get(f"/api/v1/consultations/{c.id}", headers=token(reader)).json
    assert body["meeting_url"] is None
    login(reader)
    assert URL.encode() not in client.get(f"/consultations/{c.id}").data


def test_edit_form_takes_it_with_a_label_and_shows_refusals_on_the_field(client, login, factory):
    c = factory.consultation(status="scheduled", title="Hybrid sitting")
    login(factory.secretariat)
    page = client.get(f"/consultations/{c.id}/edit").get_data(as_text=True)
    assert '<label for="meeting_url">Meeting link (video or phone bridge of a hybrid sitting)</label>' in page
    form = {"title": "Hybrid sitting", "level": "rec", "rec": "ECOWAS", "voting_constituencies": ["government"],
            "meeting_url": "not a link"}
    r = client.post(f"/consultations/{c.id}/edit", data=form)
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert 'id="meeting_url-err"' in text
    r = client.post(f"/consultations/{c.id}/edit", data=dict(form, meeting_url=URL))
    assert r.status_code == 302
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Join remotely" in page and 'href="https://meet.example.org/rec-labour-2026?pwd=abc"' in page


def test_room_shows_the_bridge_and_the_hall_screen_link(client, login, factory):
    c, people = factory.live_room()
    c.meeting_url = URL
    factory.db.session.commit()
    login(people["government"])
    page = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    assert 'href="https://meet.example.org/rec-labour-2026?pwd=abc"' in page
    assert f'href="/consultations/{c.id}/projector"' in page
