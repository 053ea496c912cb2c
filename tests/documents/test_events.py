"""Room events: the contract's types and data shapes, stored in the change's own transaction."""
from sqlalchemy import select

from app.core.realtime import RoomEvent
from app.extensions import db


def events(c):
    return list(db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id).order_by(RoomEvent.seq)))


def test_every_change_is_an_event_with_the_contract_shape(setting, docs, monkeypatch):
    import app.core.realtime as realtime
    sent = []
    monkeypatch.setattr(realtime.socketio, "emit", lambda name, payload, to=None: sent.append((name, payload, to)))
    c, did, sec = setting["c"], setting["id"], setting["secretariat"]
    start = len(events(c))
    cm = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "*Hi*", "anchor": "p3"}).json
    am = docs.post(f"/documents/{did}/amendments", setting["government"],
                   {"anchor": "p4", "text": "New text for fees.", "rationale": "Because"}).json
    docs.post(f"/amendments/{am['id']}/accept", sec)
    docs.post(f"/documents/{did}/positions/mine", setting["employers"], {"stance": "abstain", "body": "Later"},
              method="put")
    docs.post(f"/documents/{did}/versions", sec, {"body": "# Short\n\nNew.", "note": "Trimmed"})
    new = events(c)[start:]
    assert [e.type for e in new] == ["comment.created", "amendment.created", "document.version",
                                     "amendment.decided", "position.updated", "document.version"]
    seqs = [e.seq for e in new]
    assert seqs == list(range(seqs[0], seqs[0] + 6))
    gov_org, emp_org = setting["government"].organisation, setting["employers"].organisation
    assert new[0].data == {"document_id": did, "comment_id": cm["id"], "parent_id": None, "anchor": "p3",
                           "body": "*Hi*", "html": "<p><em>Hi</em></p>", "version_number": 1,
                           "truncated": False}
    assert new[0].actor["id"] == setting["workers"].id and new[0].actor["constituency"] == "workers"
    assert new[1].data == {"document_id": did, "amendment_id": am["id"], "anchor": "p4", "text": "New text for fees.",
                           "rationale": "Because", "organisation": {"id": gov_org.id, "name": gov_org.name},
                           "truncated": False}
    assert new[2].data["number"] == 2 and new[2].data["document_id"] == did and new[2].data["note"] == ""
    # the credit is written at display in the reader's language: the event names the amendment
    assert new[2].data["amendment_id"] == am["id"] and new[2].data["amendment_by"] == gov_org.name
    assert new[3].data == {"document_id": did, "amendment_id": am["id"], "decision": "accepted", "reason": "",
                           "version_number": 2, "title": "Draft policy", "reason_code": None, "reason_params": None}
    assert new[4].data == {"document_id": did, "position_id": new[4].data["position_id"],
                           "organisation": {"id": emp_org.id, "name": emp_org.name},
                           "constituency": "employers", "stance": "abstain"}
    assert isinstance(new[4].data["position_id"], int)
    assert new[5].data == {"document_id": did, "title": "Draft policy", "number": 3,
                           "note": "Trimmed", "published": False, "amendment_id": None, "amendment_by": ""}
    broadcast = [p for name, p, to in sent if name == "room:event" and to == f"consultation:{c.id}"]
    assert [p["type"] for p in broadcast] == [e.type for e in new]
    assert broadcast[0]["seq"] == new[0].seq and broadcast[0]["data"] == new[0].data


def test_a_long_comment_or_amendment_reaches_the_room_as_its_opening_words(setting, docs):
    """Every member of the room gets each event: a 20 KB comment (its HTML larger still) would be
    sent whole to each of them. The event carries its first 2,000 characters and no HTML; the
    comment itself, on the page and in the API, is whole."""
    from app.documents.contributions import ROOM_TEXT_MAX
    c, did = setting["c"], setting["id"]
    start = len(events(c))
    long_body = "**Paragraph 4** " + "the social partners agree " * 700
    cm = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": long_body, "anchor": "p3"}).json
    am = docs.post(f"/documents/{did}/amendments", setting["government"],
                   {"anchor": "p4", "text": "New text. " * 400, "rationale": "Short"}).json
    comment, amendment = events(c)[start:]
    assert comment.data["body"] == long_body[:ROOM_TEXT_MAX] and comment.data["html"] is None
    assert comment.data["truncated"] is True and comment.data["comment_id"] == cm["id"]
    assert amendment.data["text"] == ("New text. " * 400)[:ROOM_TEXT_MAX] and amendment.data["truncated"] is True
    assert cm["body"] == long_body and "<strong>Paragraph 4</strong>" in cm["html"]
    assert am["text"] == "New text. " * 400


def test_refused_changes_leave_no_event(setting, docs):
    c, did = setting["c"], setting["id"]
    start = len(events(c))
    docs.post(f"/documents/{did}/comments", setting["observer"], {"body": "no"})
    docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "x", "anchor": "p77"})
    docs.post(f"/documents/{did}/amendments", setting["workers"], {"anchor": "p4", "text": ""})
    docs.post(f"/documents/{did}/positions/mine", setting["observer"], {"stance": "support", "body": "x"}, method="put")
    assert len(events(c)) == start


def test_drafts_are_silent_until_opened(setting, docs):
    c = setting["c"]
    start = len(events(c))
    draft = docs.create(c, status="draft", title="Quiet")
    docs.post(f"/documents/{draft['id']}/versions", setting["secretariat"], {"body": "Second", "note": ""})
    assert len(events(c)) == start
    docs.post(f"/documents/{draft['id']}", setting["secretariat"], {"status": "open"}, method="patch")
    ev, status = events(c)[start:]
    assert ev.type == "document.version" and ev.data == {"document_id": draft["id"], "title": "Quiet", "number": 2,
                                                         "note": "published", "published": True,
                                                         "amendment_id": None, "amendment_by": ""}
    assert status.type == "document.status" and status.data == {
        "document_id": draft["id"], "title": "Quiet", "status": "open", "previous": "draft", "comments_close_at": None}
