"""The chair runs the speakers' list without JavaScript (issue 16): the room page renders, for the
chair and the secretariat only, a form per place on the list (give the floor, move up, move down,
remove) and the "Add to the speakers' list" form; they post to the page routes, which call the
same services as the socket events and the API, and a refusal comes back translated on the page."""
import re

import pytest

from app.extensions import db
from app.rooms import floor

ROOM = "/consultations/{}/room"


def _ids(c, p):
    return [s["user_id"] for s in floor.room_state(p["chair"], c)["speakers"]]


def _reorder_forms(html: str) -> dict[str, list[int]]:
    """aria-label of each server-rendered move button -> the user_ids its form posts."""
    out = {}
    for form in re.findall(r'<form method="post" action="[^"]*/room/reorder">(.*?)</form>', html, re.S):
        label = re.search(r'aria-label="([^"]+)"', form).group(1)
        out[label.replace("&#39;", "'")] = [int(v) for v in re.findall(r'name="user_ids" value="(\d+)"', form)]
    return out


@pytest.fixture
def hands(room):
    c, p = room
    for who in ("government", "employers", "workers"):
        floor.raise_hand(p[who], c.id)
    db.session.commit()
    return c, p


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_the_chair_moves_a_speaker_up_with_the_pages_own_form(client, login, hands, who):
    c, p = hands
    gov, emp, wrk = p["government"], p["employers"], p["workers"]
    login(p[who])
    html = client.get(ROOM.format(c.id)).get_data(as_text=True)
    forms = _reorder_forms(html)
    # the form of "Move up" on the third place posts the new order up to the places it swaps
    assert forms[f"Move up: {wrk.name}"] == [gov.id, wrk.id, emp.id]
    assert forms[f"Move down: {gov.name}"] == [emp.id, gov.id]
    assert f"Move up: {gov.name}" in forms and forms[f"Move up: {gov.name}"] == []   # first place: disabled
    r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(gov.id), str(wrk.id), str(emp.id)]})
    assert r.status_code == 302 and r.headers["Location"].endswith(ROOM.format(c.id))
    assert _ids(c, p) == [gov.id, wrk.id, emp.id]
    page = client.get(ROOM.format(c.id)).get_data(as_text=True)
    assert page.index(f'data-user-id="{wrk.id}"') < page.index(f'data-user-id="{emp.id}"')


def test_the_chair_adds_a_name_and_a_point_of_order_for_someone_else(client, login, hands):
    c, p = hands
    login(p["chair"])
    r = client.post(ROOM.format(c.id) + "/speaker", data={"user_id": str(p["adviser"].id), "kind": "point_of_order"},
                    follow_redirects=True)
    assert r.status_code == 200
    ids = _ids(c, p)
    assert ids[0] == p["adviser"].id and len(ids) == 4
    assert floor.room_state(p["chair"], c)["speakers"][0]["kind"] == "point_of_order"
    html = r.get_data(as_text=True)
    assert 'class="poo"' in html and "Point of order" in html
    # removing a name is the same page's form
    client.post(ROOM.format(c.id) + "/lower", data={"user_id": str(p["employers"].id)})
    assert p["employers"].id not in _ids(c, p)


def test_refusals_come_back_on_the_page(client, login, hands):
    c, p = hands
    gov, emp = p["government"], p["employers"]
    login(p["chair"])
    # someone lowered meanwhile: the stale form is refused, the list unchanged, the page says why
    r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(p["adviser"].id), str(gov.id)]},
                    follow_redirects=True)
    assert "That person is not on the speakers&#39; list." in r.get_data(as_text=True)
    assert _ids(c, p) == [gov.id, emp.id, p["workers"].id]
    r = client.post(ROOM.format(c.id) + "/speaker", data={"user_id": str(gov.id)}, follow_redirects=True)
    assert "That hand is already raised." in r.get_data(as_text=True)
    r = client.post(ROOM.format(c.id) + "/speaker", data={"user_id": str(p["observer"].id)}, follow_redirects=True)
    assert "Observers cannot be put on the speakers&#39; list." in r.get_data(as_text=True)


def test_a_delegate_cannot_reorder_or_add_and_gets_no_such_forms(client, login, hands):
    c, p = hands
    gov, emp, wrk = p["government"], p["employers"], p["workers"]
    login(gov)
    html = client.get(ROOM.format(c.id)).get_data(as_text=True)
    assert "/room/reorder" not in html and "/room/speaker" not in html and 'id="h-chair"' not in html
    r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(wrk.id)]}, follow_redirects=True)
    assert "Only the secretariat or the chair may do this." in r.get_data(as_text=True)
    r = client.post(ROOM.format(c.id) + "/speaker", data={"user_id": str(p["adviser"].id), "kind": "point_of_order"},
                    follow_redirects=True)
    assert "Only the secretariat or the chair may do this." in r.get_data(as_text=True)
    assert _ids(c, p) == [gov.id, emp.id, wrk.id]


def test_an_outsider_gets_not_found(client, login, hands):
    c, p = hands
    login(p["outsider"])
    assert client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(p["workers"].id)]}).status_code == 404


def test_the_refusal_is_in_the_readers_language(client, login, hands):
    c, p = hands
    p["government"].language = "fr"
    db.session.commit()
    login(p["government"])
    r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(p["workers"].id)]}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert 'lang="fr"' in html and "Only the secretariat or the chair may do this." not in html


def test_the_forms_need_the_csrf_token(app, client, login, hands):
    c, p = hands
    gov, emp, wrk = p["government"], p["employers"], p["workers"]
    login(p["chair"])
    token = client.environ_base.pop("HTTP_X_CSRFTOKEN")   # a plain form sends no header
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(wrk.id)]})
        assert r.status_code == 400 and _ids(c, p) == [gov.id, emp.id, wrk.id]
        r = client.post(ROOM.format(c.id) + "/speaker", data={"user_id": str(p["adviser"].id)})
        assert r.status_code == 400
        r = client.post(ROOM.format(c.id) + "/reorder", data={"user_ids": [str(wrk.id)], "csrf_token": token})
        assert r.status_code == 302 and _ids(c, p) == [wrk.id, gov.id, emp.id]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
