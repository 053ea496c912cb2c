"""Who sees which language: Accept-Language, the switcher, the account; every page in all four."""
from datetime import UTC, datetime

import pytest

from app.accounts import services as accounts
from app.core.errors import Forbidden
from app.core.sockets import socket_handler
from app.extensions import db

# One piece of text per page, in en, fr, pt, ar (no apostrophes: they are escaped in HTML).
PAGES = {
    "/dashboard": ("Live now", "En séance", "Em sessão agora", "منعقدة الآن"),
    "/consultations/": ("Filter consultations", "Filtrer les consultations", "Filtrar as consultas",
                       "تصفية المشاورات"),
    "/consultations/new": ("Regional Economic Community (REC consultations)",
                           "Communauté économique régionale (consultations de CER)",
                           "Comunidade Económica Regional (consultas de CER)",
                           "الجماعة الاقتصادية الإقليمية (مشاورات الجماعات الاقتصادية الإقليمية)"),
    "/consultations/{id}": ("Accept credentials", "Accepter les pouvoirs", "Aceitar as credenciais",
                            "قبول أوراق الاعتماد"),
    "/consultations/themes": ("Add a theme", "Ajouter un thème", "Adicionar um tema", "إضافة موضوع"),
    "/admin/organisations": ("All organisations", "Toutes les organisations", "Todas as organizações",
                             "جميع المنظمات"),
    "/admin/users": ("Accredited people", "Personnes accréditées", "Pessoas acreditadas",
                     "الأشخاص المعتمدون"),
    "/admin/users/{user}": ("Leave empty to keep the current password.",
                            "Laissez vide pour conserver le mot de passe actuel.",
                            "Deixe em branco para manter a palavra-passe atual.",
                            "اتركه فارغًا للإبقاء على كلمة المرور الحالية."),
    "/admin/organisations/{org}": ("Nobody yet.", "Personne pour", "Ninguém por enquanto.", "لا أحد بعد."),
    "/settings": ("My settings", "Mes paramètres", "As minhas definições", "إعداداتي"),
}
LANGS = ("en", "fr", "pt", "ar")
NAV = ("All consultations", "Toutes les consultations", "Todas as consultas", "جميع المشاورات")


def _set_language(user, lang, tz=None):
    accounts.set_language(user, lang)
    if tz:
        accounts.set_timezone(user, tz)
    db.session.commit()


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_in_each_language(factory, client, login, lang):
    i = LANGS.index(lang)
    c = factory.consultation(status="live")
    factory.participant(c, credentials="pending")
    org = factory.org("workers")
    sec = factory.secretariat
    _set_language(sec, lang)
    login(sec)
    for path, texts in PAGES.items():
        resp = client.get(path.format(id=c.id, user=sec.id, org=org.id))
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200, (path, resp.status_code)
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page, path
        assert texts[i] in page, (path, lang, texts[i])
        assert NAV[i] in page, path
        if lang != "en":
            assert texts[0] not in page and NAV[0] not in page, (path, lang)
        assert ("css/rtl.css" in page) == (lang == "ar")


def test_login_page_follows_accept_language_before_sign_in(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "Connexion à Baraza" in page
    page = client.get("/login", headers={"Accept-Language": "ar-EG,ar;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "تسجيل الدخول إلى Baraza" in page
    page = client.get("/login", headers={"Accept-Language": "pt-MZ,pt;q=0.9"}).get_data(as_text=True)
    assert '<html lang="pt" dir="ltr">' in page and "Iniciar sessão no Baraza" in page
    page = client.get("/login", headers={"Accept-Language": "sw-KE,de;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page and "Sign in to Baraza" in page


def test_switcher_before_sign_in_overrides_the_browser(client):
    resp = client.post("/language", data={"language": "pt", "next": "/login"},
                       headers={"Accept-Language": "fr"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Iniciar sessão no Baraza" in page
    # the switcher marks the language in use, and names each language in itself
    assert '<option value="pt" lang="pt" dir="ltr" selected>Português</option>' in page
    assert '<option value="ar" lang="ar" dir="rtl" >العربية</option>' in page
    client.post("/language", data={"language": "xx", "next": "/login"})
    assert "Iniciar sessão no Baraza" in client.get("/login").get_data(as_text=True)


def test_switcher_when_signed_in_is_stored_on_the_account(factory, client, login):
    user = factory.user()
    login(user)
    client.post("/language", data={"language": "ar", "next": "/dashboard"})
    db.session.refresh(user)
    assert user.language == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/dashboard").get_data(as_text=True)
    # and it follows the person to another browser
    other = login(user, c=client.application.test_client())
    page = other.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "مشاوراتي" in page


def test_stored_language_wins_after_sign_in(factory, client, login):
    user = factory.user()
    _set_language(user, "fr")
    client.post("/language", data={"language": "pt", "next": "/login"})
    assert "Iniciar sessão" in client.get("/login").get_data(as_text=True)
    login(user)
    page = client.get("/dashboard", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "Mes consultations" in page


def test_times_in_the_viewers_zone_with_the_zone_named_in_each_language(factory, client, login):
    c = factory.consultation(status="scheduled", starts_at=datetime(2031, 3, 12, 13, 0, tzinfo=UTC))
    user = factory.user()
    factory.participant(c, user)
    login(user)
    expected = {  # 13:00 UTC is 14:00 in Lagos and 16:00 in Nairobi
        ("en", "Africa/Lagos"): ["Mar 12, 2031, 2:00", "PM (Lagos, GMT+01:00)"],
        ("fr", "Africa/Nairobi"): ["12 mars 2031, 16:00 (Nairobi, UTC+03:00)"],
        ("pt", "Africa/Maputo"): ["12/03/2031, 15:00 (Maputo, GMT+02:00)"],
        ("ar", "Africa/Cairo"): ["12 مارس 2031، 3:00 م (القاهرة، غرينتش+02:00)"],
        ("en", "UTC"): ["Mar 12, 2031, 1:00", "PM (UTC)"],
    }
    for (lang, tz), parts in expected.items():
        _set_language(user, lang, tz)
        page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
        assert all(part in page for part in parts), (lang, tz, page.split("<time")[1][:200])
        assert '<time datetime="2031-03-12T13:00:00.000Z">' in page


def test_numbers_follow_the_locale(app):
    from app.core.i18n import number
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert number(12345.5) == "12\u202f345,5"
    with app.test_request_context(headers={"Accept-Language": "pt"}):
        assert number(12345.5) in ("12\u00a0345,5", "12 345,5")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert number(12345.5) == "12,345.5"


def test_my_settings_changes_language_and_time_zone(factory, client, login):
    user = factory.user()
    assert client.get("/settings").status_code == 302  # sign in first
    login(user)
    page = client.get("/settings").get_data(as_text=True)
    zones = page.split('id="timezone"')[1]
    # African zones come first, then UTC, then the rest of the world
    assert zones.index('value="Africa/Abidjan"') < zones.index('value="UTC"') < zones.index('value="Europe/Paris"')
    assert 'label="Africa"' in zones
    resp = client.post("/settings", data={"language": "pt", "timezone": "Africa/Luanda"})
    assert resp.status_code == 302
    db.session.refresh(user)
    assert (user.language, user.timezone) == ("pt", "Africa/Luanda")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "As suas definições foram guardadas." in page and 'label="África"' in page
    assert '<option selected value="Africa/Luanda">' in page
    bad = client.post("/settings", data={"language": "pt", "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    db.session.refresh(user)
    assert user.timezone == "Africa/Luanda"


# --- API and Socket.IO error messages: translated, with the same codes --------------------

def test_api_errors_use_accept_language_before_sign_in(client):
    for lang, text in (("fr", "Connectez-vous"), ("pt", "Inicie sessão"), ("ar", "سجّل الدخول"),
                       ("en", "Sign in or send a valid bearer token.")):
        resp = client.get("/api/v1/me", headers={"Accept-Language": lang})
        assert resp.status_code == 401
        assert resp.json["error"]["code"] == "unauthenticated"
        assert resp.json["error"]["message"].startswith(text)
    resp = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "fr"})
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    assert resp.json["error"]["message"].startswith("L'URL demandée est introuvable")


def test_api_errors_use_the_callers_account_language(factory, client, token):
    user = factory.user()
    _set_language(user, "pt")
    headers = {**token(user), "Accept-Language": "en"}
    resp = client.post("/api/v1/organisations", json={"name": "X", "constituency": "workers"}, headers=headers)
    assert resp.status_code == 403
    assert resp.json["error"] == {"code": "forbidden", "message": "Só o secretariado pode fazer isto."}
    resp = client.get("/api/v1/consultations/999999", headers=headers)
    assert resp.json["error"] == {"code": "not_found", "message": "Consulta não encontrada."}


def test_api_validation_messages_are_translated_with_plurals_and_fields_unchanged(factory, client, token):
    sec = factory.secretariat
    _set_language(sec, "ar")
    headers = token(sec)
    resp = client.post("/api/v1/organisations", json={"name": "x" * 201, "constituency": "workers"},
                       headers=headers)
    assert resp.status_code == 422
    body = resp.json["error"]
    assert body["code"] == "invalid" and body["fields"] == {"name": "at most 200 characters"}
    assert body["message"] == "الحقل name أطول من 200 حرف."  # CLDR "other" form for 200
    resp = client.post("/api/v1/organisations", json={"constituency": "workers"}, headers=headers)
    assert resp.json["error"]["message"] == "الحقل name مطلوب."
    resp = client.post("/api/v1/organisations", json={"name": "Y", "constituency": "guild"}, headers=headers)
    assert resp.json["error"]["code"] == "invalid"
    assert resp.json["error"]["message"] == ("يجب أن تكون قيمة الحقل constituency: government أو employers"
                                             " أو workers أو stakeholder أو secretariat أو observer.")
    _set_language(sec, "fr")
    resp = client.post("/api/v1/organisations", json={"name": "x" * 201, "constituency": "workers"},
                       headers=headers)
    assert resp.json["error"]["message"] == "Le champ name dépasse 200 caractères."


def test_html_error_pages_are_translated(factory, client, login):
    user = factory.user()
    _set_language(user, "fr")
    login(user)
    resp = client.get("/admin/organisations")
    assert resp.status_code == 403
    resp = client.get("/consultations/999999")
    assert resp.status_code == 404
    assert "Consultation introuvable." in resp.get_data(as_text=True)
    page = client.get("/no/such/page").get_data(as_text=True)
    assert "L&#39;URL demandée est introuvable sur le serveur." in page


@socket_handler("i18n:test-refusal")
def _refuse(actor, payload):
    raise Forbidden("Only the secretariat may do this.")


def test_socket_error_messages_are_in_the_users_language(app, factory, client, login):
    from app.extensions import socketio
    user = factory.user()
    _set_language(user, "ar")
    login(user)
    sc = socketio.test_client(app, flask_test_client=client, headers={"Accept-Language": "fr"})
    assert sc.is_connected()
    ack = sc.emit("i18n:test-refusal", {}, callback=True)
    assert ack == {"ok": False, "error": {"code": "forbidden", "message": "لا يحق القيام بهذا إلا للأمانة."}}
    ack = sc.emit("i18n:test-refusal", "not an object", callback=True)
    assert ack["error"] == {"code": "invalid", "message": "يجب أن تكون البيانات المرسلة كائنًا."}
    sc.disconnect()


def test_socket_connection_refusal_follows_accept_language(app, client):
    from flask_socketio import ConnectionRefusedError

    from app.core.sockets import unauthenticated_refusal
    with app.test_request_context("/socket.io/", headers={"Accept-Language": "pt-PT"}):
        with pytest.raises(ConnectionRefusedError) as info:
            raise unauthenticated_refusal()
    assert info.value.args[0] == {"code": "unauthenticated", "message": "Inicie sessão ou envie um token válido."}


@pytest.mark.parametrize("lang,noun,verb", [("fr", "Archives", "Archiver"), ("pt", "Arquivo", "Arquivar"),
                                            ("ar", "الأرشيف", "أرشفة")])
def test_archive_the_noun_and_archive_the_verb_are_two_messages(factory, client, login, lang, noun, verb):
    """The French menu said "Archiver" (the button's verb) for the archive of past consultations."""
    c = factory.consultation(status="closed")
    sec = factory.secretariat
    _set_language(sec, lang)
    login(sec)
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    nav = page[page.index("<nav"):page.index("</nav>")]
    assert f">{noun}</a>" in nav and verb not in nav
    assert verb in page[page.index("</nav>"):]


def test_machine_readable_times_have_at_most_milliseconds(app):
    """The HTML checker refuses <time datetime> with microseconds, which isoformat() wrote."""
    from app.core.i18n import iso
    aware = datetime(2026, 11, 29, 14, 44, 5, 123456, tzinfo=UTC)
    assert iso(aware) == "2026-11-29T14:44:05.123Z"
    assert iso(aware.replace(tzinfo=None)) == "2026-11-29T14:44:05.123Z"  # stored naive: UTC
    assert iso("2026-11-29T14:44:05.123456+00:00") == "2026-11-29T14:44:05.123Z"
    assert iso(None) == ""
