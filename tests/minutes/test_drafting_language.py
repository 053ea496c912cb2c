"""Minutes drafted outside a request (seed-demo, a script) read in the drafter's language, as a
draft made from the page does: the headings, labels and dates in French for a French-speaking
secretariat, and `Minutes.language` says so."""
from sqlalchemy import select

from app.accounts.services import set_language
from app.consultations.models import Consultation
from app.extensions import db
from app.minutes.models import Minutes


def test_a_draft_outside_a_request_is_in_the_secretariats_language(session):
    from flask import has_request_context

    from app.minutes import services
    assert not has_request_context()
    set_language(session["sec"], "fr")
    m = services.draft_minutes(session["sec"], session["c"])
    assert m.language == "fr"
    assert m.title.startswith("Procès-verbal")
    assert "## 1. Présence" in m.body and "## 3. Déroulement des travaux" in m.body
    assert "Attendance" not in m.body and "Proceedings" not in m.body


def test_an_english_secretariat_still_drafts_in_english(session):
    from app.minutes import services
    m = services.draft_minutes(session["sec"], session["c"])
    assert m.language == "en" and "## 1. Attendance" in m.body


def test_seed_demo_drafts_the_past_session_in_the_secretariats_language(app, monkeypatch):
    from app import demo
    from app.minutes.demo import TITLE
    users = [(k, name, role, "fr" if k == "secretariat" else lang) for k, name, role, lang in demo.USERS]
    monkeypatch.setattr(demo, "USERS", users)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "demo-pass-123"])
    assert result.exit_code == 0, result.output
    c = db.session.scalar(select(Consultation).where(Consultation.title == TITLE))
    m = db.session.scalar(select(Minutes).where(Minutes.consultation_id == c.id))
    assert m.language == "fr" and m.status == "adopted"
    assert "## 1. Présence" in m.body and "## 5. Décisions" in m.body
    # the demo completed the French placeholders as it does the English ones
    assert "à compléter par le secrétariat" not in m.body.lower()
    assert "Delegates agreed that insurance periods" in m.body
