"""Moderation of comments and amendments: the secretariat hides with a reason (readers see a
placeholder, the author and the secretariat still read it); participants report for review."""
import pytest

from app.consultations.models import HiddenContent


@pytest.fixture
def mod(setting, docs, factory):
    chair = factory.user("delegate", "government")
    factory.participant(setting["c"], chair, role="chair")
    cm = docs.post(f"/documents/{setting['id']}/comments", setting["workers"], {"body": "Rude *words*", "anchor": "p3"}).json
    am = docs.post(f"/documents/{setting['id']}/amendments", setting["employers"],
                   {"anchor": "p4", "text": "Offensive replacement text."}).json
    return {**setting, "chair": chair, "comment": cm, "amendment": am}


def hide(docs, mod, who, kind="comment", ref=None, reason="Insulting language"):
    ref = ref or mod[kind]["id"]
    return docs.post(f"/content/{kind}/{ref}/hide", mod[who], {"reason": reason})


@pytest.mark.parametrize("kind", ["comment", "amendment"])
@pytest.mark.parametrize("who,status,code", [
    ("chair", 403, "forbidden"), ("government", 403, "forbidden"), ("observer", 403, "forbidden"),
    ("outsider", 404, "not_found")])
def test_only_the_secretariat_hides(mod, docs, kind, who, status, code):
    r = hide(docs, mod, who, kind)
    assert r.status_code == status and r.json["error"]["code"] == code and r.json["error"]["message"]


@pytest.mark.parametrize("who,status", [("government", 201), ("observer", 201), ("chair", 201),
                                        ("secretariat", 403), ("outsider", 404)])
def test_participants_report(mod, docs, who, status):
    r = docs.post(f"/content/comment/{mod['comment']['id']}/report", mod[who], {"reason": "Offensive"})
    assert r.status_code == status, r.json
    if status == 201:
        assert r.json["status"] == "open" and r.json["kind"] == "comment"
        again = docs.post(f"/content/comment/{mod['comment']['id']}/report", mod[who], {"reason": "Again"})
        assert again.status_code == 409
    else:
        assert r.json["error"]["code"] in ("forbidden", "not_found")


def test_refusals_name_the_problem(mod, docs):
    assert hide(docs, mod, "secretariat", reason="").status_code == 422
    assert docs.post("/content/poem/1/hide", mod["secretariat"], {"reason": "x"}).status_code == 404
    assert hide(docs, mod, "secretariat", ref=999999).status_code == 404
    assert hide(docs, mod, "secretariat").status_code == 201
    assert hide(docs, mod, "secretariat").status_code == 409


def test_hidden_comment_shows_the_placeholder_to_others_and_the_text_to_author_and_secretariat(mod, docs, client, login):
    r = hide(docs, mod, "secretariat")
    assert r.status_code == 201 and r.json["reason"] == "Insulting language"
    cid = mod["comment"]["id"]

    def listed(who):
        items = docs.post(f"/documents/{mod['id']}/comments", mod[who], method="get").json["items"]
        return next(c for c in items if c["id"] == cid)
    other = listed("government")
    assert other["hidden"] is True and other["body"] == "" and other["html"] == ""
    assert listed("workers")["body"] == "Rude *words*" and listed("workers")["hidden"] is True
    assert listed("secretariat")["body"] == "Rude *words*"
    login(mod["government"])
    page = client.get(f"/documents/{mod['id']}").get_data(as_text=True)
    assert "Hidden by the secretariat" in page and "Rude" not in page


def test_hidden_amendment_shows_the_placeholder(mod, docs, client, login):
    assert hide(docs, mod, "secretariat", "amendment").status_code == 201
    items = docs.post(f"/documents/{mod['id']}/amendments", mod["workers"], method="get").json["items"]
    am = next(a for a in items if a["id"] == mod["amendment"]["id"])
    assert am["hidden"] is True and am["text"] == "" and am["html"] == ""
    mine = docs.post(f"/documents/{mod['id']}/amendments", mod["employers"], method="get").json["items"]
    assert next(a for a in mine if a["id"] == am["id"])["text"] == "Offensive replacement text."
    login(mod["workers"])
    page = client.get(f"/documents/{mod['id']}").get_data(as_text=True)
    assert "Hidden by the secretariat" in page and "Offensive replacement" not in page


def test_secretariat_reviews_reports_hides_or_dismisses(mod, docs, client, login):
    sec = mod["secretariat"]
    r1 = docs.post(f"/content/comment/{mod['comment']['id']}/report", mod["government"], {"reason": "Insults"}).json
    r2 = docs.post(f"/content/amendment/{mod['amendment']['id']}/report", mod["workers"], {"reason": "Spam"}).json
    listed = docs.post(f"/consultations/{mod['c'].id}/reports", sec, method="get")
    assert listed.status_code == 200 and {r["id"] for r in listed.json["items"]} == {r1["id"], r2["id"]}
    assert docs.post(f"/consultations/{mod['c'].id}/reports", mod["chair"], method="get").status_code == 403
    assert docs.post(f"/reports/{r2['id']}/dismiss", mod["government"]).status_code == 403
    assert docs.post(f"/reports/{r2['id']}/dismiss", sec).json["status"] == "dismissed"
    assert docs.post(f"/reports/{r2['id']}/dismiss", sec).status_code == 409
    login(sec)
    page = client.get(f"/consultations/{mod['c'].id}/moderation").get_data(as_text=True)
    assert "Insults" in page and "Rude *words*" in page
    r = client.post(f"/consultations/content/comment/{mod['comment']['id']}/hide",
                    data={"reason": "Insults", "back": f"/consultations/{mod['c'].id}/moderation"})
    assert r.status_code == 302
    items = {r["id"]: r for r in docs.post(f"/consultations/{mod['c'].id}/reports", sec, method="get").json["items"]}
    assert items[r1["id"]]["status"] == "hidden"
    from app.extensions import db
    assert db.session.query(HiddenContent).count() == 1
    client.post("/logout")
    login(mod["chair"])
    assert client.get(f"/consultations/{mod['c'].id}/moderation").status_code == 403


def test_the_compilation_withholds_hidden_text_from_participants(mod, docs):
    assert hide(docs, mod, "secretariat").status_code == 201
    path = f"/documents/{mod['id']}/comments/export?format=csv"
    theirs = docs.post(path, mod["government"], method="get")
    assert theirs.status_code == 200
    text = theirs.get_data(as_text=True)
    assert "Rude" not in text and "Hidden by the secretariat" in text
    assert "Rude" in docs.post(path, mod["secretariat"], method="get").get_data(as_text=True)


def test_hidden_content_is_no_longer_found(mod, docs):
    def found(who):
        return [h["kind"] for h in docs.post("/search?q=rude", mod[who], method="get").json["items"]]
    assert "comment" in found("government")
    assert hide(docs, mod, "secretariat").status_code == 201
    assert "comment" not in found("government")
