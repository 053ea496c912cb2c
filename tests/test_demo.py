"""seed-demo: the contract's accounts and consultations, idempotent."""
from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.consultations.models import Consultation, Participant


def run(app, *args):
    return app.test_cli_runner().invoke(args=["seed-demo", *args])


def test_seed_demo_contract_data_and_idempotence(app, client):
    from app.extensions import db
    first = run(app, "--password", "demo-pass-123")
    assert first.exit_code == 0, first.output
    assert "secretariat@baraza.example" in first.output
    counts = [db.session.scalar(select(func.count(m.id))) for m in (User, Organisation, Consultation, Participant)]
    second = run(app, "--password", "demo-pass-123")
    assert second.exit_code == 0
    assert [db.session.scalar(select(func.count(m.id))) for m in (User, Organisation, Consultation, Participant)] == counts
    emails = set(db.session.scalars(select(User.email)))
    expected = {f"{k}@baraza.example" for k in ("secretariat", "observer", "stakeholder")} | {
        f"{c}.{cc}@baraza.example" for c in ("gov", "emp", "wrk") for cc in ("ke", "gh", "sn")}
    assert expected <= emails
    by_email = {u.email: u for u in db.session.scalars(select(User))}
    assert by_email["emp.gh@baraza.example"].organisation.constituency == "employers"
    assert by_email["stakeholder@baraza.example"].organisation.constituency == "stakeholder"
    assert by_email["observer@baraza.example"].role == "observer"
    levels = {c.level: c for c in db.session.scalars(select(Consultation))}
    assert set(levels) == {"national", "rec", "continental"}
    assert levels["rec"].rec == "ECOWAS" and levels["national"].country == "KE"
    for c in levels.values():
        assert c.agenda and c.themes
    ke_gov = by_email["gov.ke@baraza.example"]
    tok = client.post("/api/v1/auth/token", json={"email": ke_gov.email, "password": "demo-pass-123"}).json["token"]
    h = {"Authorization": f"Bearer {tok}"}
    assert client.get(f"/api/v1/consultations/{levels['rec'].id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/consultations/{levels['national'].id}", headers=h).status_code == 200
    obs = client.post("/api/v1/auth/token", json={"email": "observer@baraza.example", "password": "demo-pass-123"}).json["token"]
    seen = client.get("/api/v1/consultations", headers={"Authorization": f"Bearer {obs}"}).json["items"]
    assert len(seen) == 3


def test_seed_demo_without_password_prints_random_ones(app):
    result = run(app)
    assert result.exit_code == 0
    line = next(ln for ln in result.output.splitlines() if "gov.ke@baraza.example" in ln)
    assert len(line.split()[-1]) >= 12


def test_seed_if_empty_only_once(app):
    runner = app.test_cli_runner()
    assert "Demo logins" in runner.invoke(args=["seed-if-empty"]).output
    assert "has users already" in runner.invoke(args=["seed-if-empty"]).output
