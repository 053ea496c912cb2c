"""The public archive shows what the secretariat published: ticking "Positions" and "Motion
results" added nothing to the public page, although search hits for a position linked there."""
from datetime import UTC, datetime, timedelta

import pytest

from app.consultations import services as consultations
from app.documents import services as documents
from app.extensions import db
from app.minutes import publication
from app.minutes import services as minutes
from app.votes import services as votes


@pytest.fixture
def published_parts(factory, client, token):
    sec = factory.secretariat
    c = factory.consultation(status="live", title="Seasonal work permits")
    people = factory.tripartite(c)
    doc = documents.create_document(sec, c.id, {"title": "Model permit", "status": "open",
                                                "body": "1. Permits last twelve months.\n\n2. Renewal is free."})
    db.session.commit()
    r = client.put(f"/api/v1/documents/{doc.id}/positions/mine", headers=token(people["workers"]),
                   json={"stance": "support_with_amendments", "body": "Renewal must also be *quick*."})
    assert r.status_code in (200, 201), r.json
    documents.update_document(sec, doc.id, {"status": "final"})
    m = votes.create_motion(sec, c, {"question": "Adopt the model permit?", "ballot": "roll_call",
                                     "rule": "simple"})
    votes.open_motion(sec, m)
    for u in people.values():
        votes.cast_ballot(u, m.id, "yes")
    votes.close_motion(sec, m)
    consultations.change_status(sec, c, "closed")
    mins = minutes.draft_minutes(sec, c)
    minutes.circulate(sec, mins, datetime.now(UTC) + timedelta(days=1))
    minutes.adopt(sec, mins, confirm_placeholders=True)
    db.session.commit()
    return c


DOCS, POSITIONS, DECISIONS = 'class="public-document"', 'class="row position"', 'class="public-decision"'


@pytest.mark.parametrize("flags,shown,hidden", [
    ({}, [DOCS, POSITIONS, DECISIONS], []),
    ({"include_positions": False, "include_results": False}, [DOCS], [POSITIONS, DECISIONS]),
    ({"include_documents": False, "include_results": False}, [POSITIONS], [DOCS, DECISIONS]),
    ({"include_documents": False, "include_positions": False}, [DECISIONS], [DOCS, POSITIONS]),
])
def test_the_public_page_shows_exactly_what_the_publication_covers(published_parts, factory, client,
                                                                   flags, shown, hidden):
    c = published_parts
    publication.publish(factory.secretariat, c, flags)
    db.session.commit()
    page = client.get(f"/public/consultations/{c.id}").get_data(as_text=True)
    for marker in shown:
        assert marker in page, marker
    for marker in hidden:
        assert marker not in page, marker
    if DOCS in shown:
        assert "Permits last twelve months." in page
    if POSITIONS in shown:
        assert "Renewal must also be <em>quick</em>." in page
    if DECISIONS in shown:
        assert 'data-outcome="carried"' in page and "Adopt the model permit?" in page
