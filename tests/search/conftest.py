"""Search fixtures: a small index across consultations with different visibility."""
import pytest

from app.extensions import db
from app.search.services import index_entry


@pytest.fixture
def corpus(factory):
    """Three consultations: one the member takes part in (ECOWAS, 2025), one they do not (EAC),
    one still in draft (secretariat only); documents in English, French, Portuguese, Arabic."""
    from datetime import UTC, datetime

    from app.consultations import services
    sec = factory.secretariat
    services.create_theme(sec, "social-security-portability", "Social security portability")
    db.session.commit()
    mine = factory.consultation(status="closed", rec="ECOWAS", title="ECOWAS portability review",
                                starts_at=datetime(2025, 3, 1, tzinfo=UTC), themes=["social-security-portability"])
    hidden = factory.consultation(status="closed", rec="EAC", title="EAC recruitment fees")
    draft = factory.consultation(status="draft", level="national", rec=None, country="KE", title="Kenya draft")
    member = factory.user("delegate", "workers")
    factory.participant(mine, member)
    outsider = factory.user("delegate", "employers")
    index_entry("document", 1, mine.id, "Framework on pension portability",
                "Migrant workers keep their **pension** rights when they move.\n\nTotalisation of periods.", "en")
    index_entry("document", 2, mine.id, "Annex on health insurance",
                "Health insurance for migrant workers; pension is mentioned once.", "en")
    index_entry("position", 3, mine.id, "Position des travailleurs",
                "Les travailleurs migrants doivent conserver leurs droits à pension.", "fr")
    index_entry("decision", 4, mine.id, "Recomendação sobre portabilidade",
                "Os trabalhadores migrantes mantêm os seus direitos de pensão.", "pt")
    index_entry("document", 5, mine.id, "وثيقة حول الهجرة", "حقوق العمال المهاجرين في التقاعد", "ar")
    index_entry("document", 6, hidden.id, "Secret pension memo",
                "Pension portability negotiations, confidential <script>alert(1)</script>.", "en")
    index_entry("document", 7, draft.id, "Draft pension note", "Pension ideas for the draft agenda.", "en")
    db.session.commit()
    return {"mine": mine, "hidden": hidden, "draft": draft, "member": member, "outsider": outsider, "sec": sec}
