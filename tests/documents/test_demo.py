"""Demo data: each demo consultation gets an open draft, once."""
from sqlalchemy import select

from app.demo import seed_demo
from app.documents.models import Document
from app.extensions import db


def test_demo_drafts_are_seeded_once(app, client, login):
    seed_demo("demo-password-123")
    db.session.commit()
    seed_demo("demo-password-123")
    db.session.commit()
    # the three consultations' drafts (the standing bodies' demo adds the LMAC's mission reports)
    docs = list(db.session.scalars(select(Document).where(~Document.title.startswith("Mission report"))
                                   .order_by(Document.id)))
    assert len(docs) == 3
    assert {d.status for d in docs} == {"open"}
    from app.documents.services import current_version
    for d in docs:
        kinds = {p["kind"] for p in current_version(d).paragraphs}
        assert {"heading", "item", "block", "footnotes"} <= kinds
        assert "<table>" in current_version(d).html
    assert "Bilateral labour agreements" in current_version(docs[0]).body
    from app.accounts.models import User
    wrk = db.session.scalar(select(User).where(User.email == "wrk.gh@baraza.example"))
    resp = client.post("/login", data={"email": wrk.email, "password": "demo-password-123"})
    assert resp.status_code == 302
    ecowas = next(d for d in docs if "portability" in d.title)
    page = client.get(f"/documents/{ecowas.id}")
    assert page.status_code == 200 and b"Article 1: Principles" in page.data
    assert client.get(f"/documents/{docs[0].id}").status_code == 404  # Kenyan draft: not their consultation
