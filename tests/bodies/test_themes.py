"""A theme across the years: counts and lists per reader, the public version, the page itself."""
import pytest

SLUG = "free-circulation"


@pytest.fixture
def world(factory):
    """A: ECOWAS, reader P takes part (document, P's position, a decision). B: EAC, Q takes part
    (final document, Q's position). D: a draft. E: public, with a document."""
    from app.consultations.services import create_theme
    from app.documents import contributions
    from app.documents import services as documents
    from app.votes import services as votes
    sec = factory.secretariat
    create_theme(sec, SLUG, "Free circulation")
    factory.db.session.commit()

    def consultation(title, status="scheduled", **extra):
        return factory.consultation(status=status, title=title, themes=[SLUG], **extra)

    def document(c, title, status="open"):
        doc = documents.create_document(sec, c.id, {"title": title, "body": "Text.", "status": "open"})
        if status != "open":
            documents.update_document(sec, doc.id, {"status": status})
        factory.db.session.commit()
        return doc
    a, b = consultation("A", status="live", rec="ECOWAS"), consultation("B", level="rec", rec="EAC")
    consultation("D", status="draft")
    e = consultation("E", level="continental", rec=None, is_public=True)
    p = factory.participant(a).user
    q = factory.participant(b, constituency="workers").user
    doc_a = document(a, "Draft A")
    contributions.file_position(p, doc_a.id, "support", "We support.")
    doc_b = document(b, "Draft B")
    contributions.file_position(q, doc_b.id, "oppose", "We oppose.")
    documents.update_document(sec, doc_b.id, {"status": "final"})
    document(e, "Draft E")
    m = votes.create_motion(sec, a, {"question": "Adopt the free circulation roadmap?", "ballot": "roll_call",
                                     "rule": "simple"})
    votes.open_motion(sec, m)
    votes.cast_ballot(p, m.id, "yes")
    votes.close_motion(sec, m)
    factory.db.session.commit()
    return {"a": a, "b": b, "e": e, "p": p, "q": q}


def _counts(api, user):
    resp = api(user, "GET", f"/api/v1/themes/{SLUG}")
    assert resp.status_code == 200, resp.json
    return resp.json["counts"]


def test_three_readers_see_three_different_counts(factory, api, world):
    outsider = factory.user("delegate", "employers")
    assert _counts(api, factory.secretariat) == {"consultations": 4, "documents": 3, "decisions": 1, "positions": 2}
    assert _counts(api, world["p"]) == {"consultations": 2, "documents": 2, "decisions": 1, "positions": 1}
    assert _counts(api, outsider) == {"consultations": 1, "documents": 1, "decisions": 0, "positions": 0}


def test_records_carry_year_level_rec_and_country(factory, api, world):
    data = api(world["p"], "GET", f"/api/v1/themes/{SLUG}").json
    assert {c["title"] for c in data["consultations"]} == {"A", "E"}
    (pos,) = data["positions"]
    assert (pos["stance"], pos["constituency"], pos["level"], pos["rec"]) == ("support", "government", "rec", "ECOWAS")
    assert isinstance(pos["year"], int) and "country" in pos
    (decision,) = data["decisions"]
    assert decision["outcome"] == "carried" and decision["title"] == "Adopt the free circulation roadmap?"
    assert [r["rec"] for r in data["recs"]] == ["ECOWAS"]
    assert data["recs"][0]["stances"]["support"] == 1 and data["recs"][0]["decisions"] == {"carried": 1}


def test_public_version_shows_published_material_only(factory, api, client, world):
    from app.core.realtime import record_event
    from app.minutes.event_types import PublicationChanged
    page = client.get(f"/public/themes/{SLUG}")
    assert page.status_code == 200 and "Draft B" not in page.get_data(as_text=True)
    record_event(world["b"].id, PublicationChanged(kinds=["consultation", "document"]), factory.secretariat)
    factory.db.session.commit()
    text = client.get(f"/public/themes/{SLUG}").get_data(as_text=True)
    assert "Draft B" in text and "Draft A" not in text and "Draft E" not in text
    # a signed-in outsider now also sees B's published document, not its position
    outsider = factory.user("delegate", "employers")
    assert _counts(api, outsider) == {"consultations": 2, "documents": 2, "decisions": 0, "positions": 0}


@pytest.mark.parametrize("lang", ["en", "fr", "pt", "ar"])
def test_theme_page_is_light_has_a_chart_and_a_table(factory, client, login, world, lang):
    user = world["p"]
    user.language = lang
    factory.db.session.commit()
    login(user)
    resp = client.get(f"/themes/{SLUG}")
    assert resp.status_code == 200
    assert len(resp.data) < 150_000
    text = resp.get_data(as_text=True)
    assert "<svg" in text and "<table" in text and "<script" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert f'lang="{lang}"' in text
    if lang == "ar":
        assert 'dir="rtl"' in text


def test_unknown_theme_is_not_found(factory, api, client):
    assert api(factory.secretariat, "GET", "/api/v1/themes/no-such-theme").status_code == 404
    assert client.get("/public/themes/no-such-theme").status_code == 404


def test_a_consultation_moved_to_another_rec_moves_its_records(factory, api, world):
    resp = api(factory.secretariat, "PATCH", f"/api/v1/consultations/{world['a'].id}", json={"rec": "SADC"})
    assert resp.status_code == 200
    recs = {r["rec"]: r for r in api(factory.secretariat, "GET", f"/api/v1/themes/{SLUG}").json["recs"]}
    assert recs["SADC"]["stances"]["support"] == 1 and recs["SADC"]["decisions"] == {"carried": 1}
    assert recs["ECOWAS"]["decisions"] == {} and recs["ECOWAS"]["stances"]["support"] == 0  # only the draft D is left


def _backfill():
    """Run the theme-record backfill migration against the test database."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from app.extensions import db
    path = next((Path(__file__).parents[2] / "migrations" / "versions").glob("*_theme_records_backfill.py"))
    spec = importlib.util.spec_from_file_location("theme_backfill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db.session.remove()
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        module.upgrade()


def _theme_rows():
    from sqlalchemy import select

    from app.bodies.models import ThemeRecord
    from app.extensions import db
    cols = [c for c in ThemeRecord.__table__.columns if c.name not in ("id", "at")]
    return sorted(tuple(r) for r in db.session.execute(select(*cols)).all())


def test_an_installation_from_before_the_read_model_gets_its_past_records(factory, api, world):
    """The backfill migration writes exactly the rows the events wrote, an organisation's
    replaced position included only as its current one, and the counts stay those of the events."""
    from sqlalchemy import delete

    from app.bodies.models import ThemeRecord
    from app.core.realtime import record_event
    from app.documents import contributions
    from app.minutes.event_types import PublicationChanged
    doc_id = api(world["p"], "GET", f"/api/v1/themes/{SLUG}").json["positions"][0]["document_id"]
    contributions.file_position(world["p"], doc_id, "oppose", "We changed our mind.")
    record_event(world["b"].id, PublicationChanged(kinds=["consultation", "document"]), factory.secretariat)
    factory.db.session.commit()
    readers = (factory.secretariat, world["p"], factory.user("delegate", "employers"))
    before_rows, before_counts = _theme_rows(), [_counts(api, u) for u in readers]
    assert len(before_rows) >= 7
    factory.db.session.execute(delete(ThemeRecord))
    factory.db.session.commit()
    assert _counts(api, factory.secretariat)["documents"] == 0
    _backfill()
    assert _theme_rows() == before_rows
    assert [_counts(api, u) for u in readers] == before_counts
    _backfill()  # rows already there are left alone: nothing doubles
    assert _theme_rows() == before_rows
