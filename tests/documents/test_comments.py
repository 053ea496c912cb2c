"""Comment threads: idempotent retries, replies, resolving, filters, comments on earlier versions."""
from sqlalchemy import func, select

from app.core.realtime import RoomEvent
from app.documents.models import Comment
from app.extensions import db


def n_events(type_):
    return db.session.scalar(select(func.count()).select_from(RoomEvent).where(RoomEvent.type == type_))


def test_client_id_makes_a_retry_idempotent(setting, docs):
    gov, did = setting["government"], setting["id"]
    first = docs.post(f"/documents/{did}/comments", gov, {"body": "Once", "anchor": "p3", "client_id": "abc-1"})
    retry = docs.post(f"/documents/{did}/comments", gov, {"body": "Once", "anchor": "p3", "client_id": "abc-1"})
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json["id"] == first.json["id"]
    assert n_events("comment.created") == 1
    # the same client_id from someone else, or on another document, is a different comment
    other = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "Mine", "client_id": "abc-1"})
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 2


def test_replies_form_threads_and_inherit_the_anchor(setting, docs):
    did = setting["id"]
    root = docs.post(f"/documents/{did}/comments", setting["government"], {"body": "Root", "anchor": "p4"}).json
    reply = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "Reply", "parent_id": root["id"]}).json
    deeper = docs.post(f"/documents/{did}/comments", setting["employers"], {"body": "Deeper", "parent_id": reply["id"]}).json
    assert reply["anchor"] == deeper["anchor"] == "p4"
    assert reply["thread_id"] == deeper["thread_id"] == root["id"]
    assert deeper["parent_id"] == reply["id"]


def test_resolve_marks_the_thread(setting, docs, client, login):
    did = setting["id"]
    root = docs.post(f"/documents/{did}/comments", setting["government"], {"body": "Root"}).json
    reply = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "Reply", "parent_id": root["id"]}).json
    r = docs.post(f"/comments/{reply['id']}/resolve", setting["secretariat"])
    assert r.status_code == 200 and r.json["id"] == root["id"] and r.json["resolved_at"]
    again = docs.post(f"/comments/{root['id']}/resolve", setting["secretariat"])
    assert again.status_code == 200 and n_events("comment.resolved") == 1
    assert docs.post("/comments/999/resolve", setting["secretariat"]).status_code == 404
    login(setting["secretariat"])
    page = client.get(f"/documents/{did}")
    assert b"Resolved" in page.data


def test_filters_by_paragraph_and_constituency(setting, docs, client, login):
    did = setting["id"]
    docs.post(f"/documents/{did}/comments", setting["government"], {"body": "GOVNOTE on p3", "anchor": "p3"})
    w = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "WRKNOTE on p4", "anchor": "p4"}).json
    docs.post(f"/documents/{did}/comments", setting["employers"], {"body": "EMPREPLY", "parent_id": w["id"]})
    api = docs.post(f"/documents/{did}/comments?constituency=workers", setting["government"], method="get").json
    assert [c["body"] for c in api["items"]] == ["WRKNOTE on p4"]
    api = docs.post(f"/documents/{did}/comments?anchor=p3", setting["government"], method="get").json
    assert [c["body"] for c in api["items"]] == ["GOVNOTE on p3"]
    login(setting["government"])
    page = client.get(f"/documents/{did}?constituency=employers").data
    assert b"WRKNOTE" in page and b"EMPREPLY" in page and b"GOVNOTE" not in page
    page = client.get(f"/documents/{did}?anchor=p3").data
    assert b"GOVNOTE" in page and b"WRKNOTE" not in page
    page = client.get(f"/documents/{did}").data
    assert b'data-count-for="p3"' in page
    assert b'data-count-for="p4" aria-label="2 comments' in page


def test_comment_list_pages(setting, docs):
    did = setting["id"]
    for i in range(5):
        docs.post(f"/documents/{did}/comments", setting["government"], {"body": f"c{i}"})
    page1 = docs.post(f"/documents/{did}/comments?limit=3", setting["workers"], method="get").json
    assert len(page1["items"]) == 3 and page1["next"]
    page2 = docs.post(f"/documents/{did}/comments?limit=3&cursor={page1['next']}", setting["workers"], method="get").json
    assert [c["body"] for c in page2["items"]] == ["c3", "c4"] and page2["next"] is None


def test_comments_on_a_deleted_paragraph_stay_visible_marked_earlier(setting, docs, client, login):
    did = setting["id"]
    docs.post(f"/documents/{did}/comments", setting["government"], {"body": "About agencies", "anchor": "p3"})
    body = docs.get(did).json["current_version"]["body"].replace(
        "This policy covers every private employment agency licensed in the country.\n\n", "")
    assert docs.post(f"/documents/{did}/versions", setting["secretariat"], {"body": body, "note": "cut"}).status_code == 201
    items = docs.post(f"/documents/{did}/comments", setting["workers"], method="get").json["items"]
    assert items[0]["on_earlier_version"] is True and items[0]["version_number"] == 1
    login(setting["workers"])
    page = client.get(f"/documents/{did}").data
    assert b"About agencies" in page and b"on an earlier version (v1)" in page
    page = client.get(f"/documents/{did}?anchor=_earlier").data
    assert b"About agencies" in page
    # the old paragraph can no longer take new comments
    r = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "x", "anchor": "p3"})
    assert r.status_code == 422


def test_comment_on_an_amendment(setting, docs):
    did = setting["id"]
    am = docs.post(f"/documents/{did}/amendments", setting["employers"], {"anchor": "p4", "text": "Fees banned."}).json
    c = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "Agree", "amendment_id": am["id"]}).json
    assert c["amendment_id"] == am["id"] and c["anchor"] == "p4"


def test_comment_times_follow_the_readers_language_and_name_the_zone(setting, docs, client, login):
    """Comments showed a raw "2026-11-29 14:44" in every language, with no zone."""
    from app.accounts.services import set_language, set_timezone
    from app.extensions import db
    did, reader = setting["id"], setting["employers"]
    r = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "On timing", "anchor": "p3"})
    assert r.status_code == 201
    set_language(reader, "fr")
    set_timezone(reader, "Africa/Nairobi")
    db.session.commit()
    login(reader)
    page = client.get(f"/documents/{did}?anchor=p3").get_data(as_text=True)
    import re
    shown = re.search(r'<time class="meta" datetime="[^"]+">([^<]+)</time>', page).group(1)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", shown), shown   # French short form
    assert "Les heures sont" in page and "Nairobi" in page
