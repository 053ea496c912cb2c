"""The document page makes a fixed, small number of SQL queries, whatever the number of comments."""
from contextlib import contextmanager

from sqlalchemy import event

from app.core.db import utcnow
from app.documents.models import Comment
from app.extensions import db


@contextmanager
def counting():
    statements = []

    def before(conn, cursor, statement, params, context, executemany):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def add_comments(doc_id, anchors, people, n):
    rows = []
    for i in range(n):
        u = people[i % len(people)]
        rows.append(Comment(document_id=doc_id, version_number=1, anchor=anchors[i % len(anchors)], body=f"c{i}",
                            html=f"<p>c{i}</p>", author_id=u.id, organisation_id=u.organisation_id,
                            constituency=u.organisation.constituency, created_at=utcnow()))
    db.session.add_all(rows)
    db.session.flush()
    replies = [Comment(document_id=doc_id, version_number=1, anchor=r.anchor, parent_id=r.id, thread_id=r.id,
                       body="re", html="<p>re</p>", author_id=people[0].id, organisation_id=people[0].organisation_id,
                       constituency="government", created_at=utcnow()) for r in rows[::3]]
    db.session.add_all(replies)
    db.session.commit()


def page_queries(client, url):
    client.get(url)  # warm caches (session, babel) so only the page's own work is counted
    with counting() as statements:
        resp = client.get(url)
    assert resp.status_code == 200
    return statements


def test_reader_queries_are_bounded(setting, docs, client, login):
    body = "\n\n".join(f"Paragraph number {i} of the long draft, with some words." for i in range(60))
    doc = docs.create(setting["c"], body=body)
    anchors = [p["anchor"] for p in doc["current_version"]["paragraphs"]]
    people = [setting[k] for k in ("government", "employers", "workers", "adviser")]
    for i in range(3):
        docs.post(f"/documents/{doc['id']}/amendments", setting["workers"], {"anchor": anchors[i], "text": f"New {i}"})
    add_comments(doc["id"], anchors, people, 60)
    login(setting["government"])
    url = f"/documents/{doc['id']}"
    few = page_queries(client, url)
    add_comments(doc["id"], anchors, people, 400)
    many = page_queries(client, url)
    assert len(many) == len(few), many
    assert len(many) <= 14, many
    filtered = page_queries(client, url + "?constituency=workers&anchor=" + anchors[1])
    assert len(filtered) <= 14


def test_api_document_and_comments_queries_are_bounded(setting, docs, client):
    people = [setting[k] for k in ("government", "employers", "workers")]
    add_comments(setting["id"], ["p3", "p4", None], people, 30)
    h = docs.h(setting["workers"])
    url = f"/api/v1/documents/{setting['id']}/comments"
    client.get(url, headers=h)
    with counting() as few:
        client.get(url, headers=h)
    add_comments(setting["id"], ["p3", "p4", None], people, 150)
    client.get(url, headers=h)
    with counting() as many:
        assert len(client.get(url, headers=h).json["items"]) == 200
    assert len(many) == len(few) <= 10
