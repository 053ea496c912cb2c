"""Stored codes are shown by their names, in the page's language."""


def test_admin_pages_name_constituencies_roles_and_countries_in_french(factory, client, login):
    from app.accounts.services import set_language
    from app.extensions import db
    factory.user("adviser", "employers")
    set_language(factory.secretariat, "fr")
    db.session.commit()
    login(factory.secretariat)
    orgs = client.get("/admin/organisations").get_data(as_text=True)
    assert ">Employeurs</span>" in orgs and ">employers</span>" not in orgs
    assert ">Sénégal</option>" in orgs and "Côte d’Ivoire" in orgs
    people = client.get("/admin/users").get_data(as_text=True)
    assert "<td>Conseiller technique" in people or "<td>Conseiller" in people
