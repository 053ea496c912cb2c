"""Documents, positions and decisions reach the search index through their own services."""


def hits(client, headers, q):
    resp = client.get(f"/api/v1/search?q={q}", headers=headers)
    assert resp.status_code == 200, resp.json
    return [(i["kind"], i["title"]) for i in resp.json["items"]]


def test_documents_positions_and_decisions_are_searchable_by_participants_only(factory, client, token):
    c = factory.consultation(status="live")
    people = factory.tripartite(c)
    outsider = factory.user("delegate", "workers")
    sec = token(factory.secretariat)
    draft = client.post(f"/api/v1/consultations/{c.id}/documents", headers=sec,
                        json={"title": "Remittance costs note", "body": "Remittance corridors and their costs."})
    assert draft.status_code == 201
    member = token(people["workers"])
    assert hits(client, member, "remittance") == []  # a draft is not visible to participants, nor found
    opened = client.patch(f"/api/v1/documents/{draft.json['id']}", headers=sec, json={"status": "open"})
    assert opened.status_code == 200
    assert ("document", "Remittance costs note") in hits(client, member, "remittance")
    pos = client.put(f"/api/v1/documents/{draft.json['id']}/positions/mine", headers=member,
                     json={"stance": "oppose", "body": "Transfer fees must fall below three percent."})
    assert pos.status_code in (200, 201), pos.json
    assert [k for k, _ in hits(client, member, "transfer")] == ["position"]
    again = client.put(f"/api/v1/documents/{draft.json['id']}/positions/mine", headers=member,
                       json={"stance": "support", "body": "Transfer fees: agreed after the revision."})
    assert again.status_code in (200, 201)
    found = hits(client, member, "transfer")
    assert [k for k, _ in found] == ["position"]  # only the current position, not the history
    motion = client.post(f"/api/v1/consultations/{c.id}/motions", headers=sec,
                         json={"question": "Adopt the remittance recommendations?", "ballot": "roll_call", "rule": "simple"})
    assert motion.status_code == 201, motion.json
    mid = motion.json["id"]
    assert client.post(f"/api/v1/motions/{mid}/open", headers=sec).status_code == 200
    for u in people.values():
        assert client.post(f"/api/v1/motions/{mid}/ballots", headers=token(u), json={"choice": "yes"}).status_code in (200, 201)
    assert hits(client, member, "recommendations") == []  # not a decision until closed
    assert client.post(f"/api/v1/motions/{mid}/close", headers=sec).status_code == 200
    assert ("decision", "Adopt the remittance recommendations?") in hits(client, member, "recommendations")
    assert hits(client, token(outsider), "remittance") == []


def test_comments_and_amendments_are_searchable_by_those_who_may_read_them(factory, client, token):
    """They were not indexed at all. A participant finds a comment and an amendment, by kind too;
    an outsider and the public find neither (comments are never published)."""
    c = factory.consultation(status="live")
    people = factory.tripartite(c)
    outsider = factory.user("delegate", "workers")
    sec = token(factory.secretariat)
    doc = client.post(f"/api/v1/consultations/{c.id}/documents", headers=sec,
                      json={"title": "Recruitment fees", "status": "open",
                            "body": "1. Workers pay no recruitment fee.\n\n2. Agencies are licensed."})
    assert doc.status_code == 201
    did = doc.json["id"]
    paragraphs = client.get(f"/api/v1/documents/{did}", headers=sec).json["current_version"]["paragraphs"]
    member = token(people["employers"])
    cm = client.post(f"/api/v1/documents/{did}/comments", headers=token(people["workers"]),
                     json={"body": "Include *visa* costs in the fee ban.", "anchor": paragraphs[0]["anchor"]})
    assert cm.status_code == 201, cm.json
    am = client.post(f"/api/v1/documents/{did}/amendments", headers=token(people["government"]),
                     json={"anchor": paragraphs[1]["anchor"], "text": "Agencies are licensed and inspected yearly.",
                           "rationale": "Inspections make licensing credible."})
    assert am.status_code == 201, am.json
    assert ("comment", "Recruitment fees") in hits(client, member, "visa")
    assert ("amendment", "Recruitment fees") in hits(client, member, "inspections")
    by_kind = client.get("/api/v1/search?q=visa&kind=comment", headers=member).json["items"]
    assert [(i["kind"], i["ref_id"]) for i in by_kind] == [("comment", cm.json["id"])]
    assert hits(client, token(outsider), "visa") == [] and hits(client, token(outsider), "inspections") == []
    public = client.get("/search?q=visa")  # signed out: published material only
    assert public.status_code == 200 and b'class="hit"' not in public.data
