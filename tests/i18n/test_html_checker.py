"""The W3C Nu HTML Checker (vnu.jar from npm's `vnu-jar`, pinned in package.json and installed by
`make vendor`; Java from Debian's default-jre-headless, scripts/system-packages.sh) finds no
error on any page: every GET route of the page blueprints, read from the app's url_map (so a new
page is checked without touching this file), with ids from the demo data and a consultation
built here, as the secretariat, a chair, a delegate, an observer and signed out, in English and
Arabic. A page a role cannot open (403, 404, a redirect to sign-in) is checked as the roles that
can; every page kind must open for one of them. All pages go to one vnu run (the JVM's start is
the slow part). Locally the test is skipped without Java or the jar; under CI (CI=true) it fails."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.i18n.pages import build

JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
MISSING = [what for what, ok in (("Java (apt-get install default-jre-headless)", JAVA),
                                 (f"{JAR} (make vendor: npm ci)", JAR.exists())) if not ok]

# GET routes of the page blueprints that answer something other than an HTML page (the reason)
NOT_PAGES = {
    "bodies.chart_stylesheet": "CSS",
    "consultations.export_participants": "CSV / XLSX",
    "documents.export_comments": "DOCX / XLSX",
    "documents.export_positions": "DOCX / XLSX",
    "documents.export_version": "DOCX / Markdown",
    "documents.downloads": "a file download",
    "minutes.export": "PDF / DOCX / Markdown",
    "minutes.public_export": "PDF / DOCX / Markdown",
    "votes.results_download": "CSV / XLSX",
    "notifications.feed": "iCalendar",
    "notifications.consultation_calendar": "iCalendar",
    "notifications.open_one": "a redirect to what the notification is about",
    "accounts.index": "a redirect to the dashboard or sign-in",
}
ROLES = ("secretariat", "chair", "delegate", "observer", "public")
LANGS = ("en", "ar")


@pytest.fixture(autouse=True)
def _need_the_checker():
    if MISSING and os.environ.get("CI") == "true":
        pytest.fail("The Nu HTML checker cannot run in CI: missing " + ", ".join(MISSING)
                    + " (scripts/system-packages.sh and make vendor install them).")
    if MISSING:
        pytest.skip("needs " + ", ".join(MISSING))


def check(files: list[Path]) -> list[str]:
    run = subprocess.run([JAVA, "-Xss1m", "-jar", str(JAR), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=900)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} | {m.get('extract', '')!r}"
            for m in messages if m.get("type") == "error"]


def page_rules(app) -> list:
    """Every GET route of the HTML blueprints (not the API, not static files)."""
    api = {name for name, bp in app.blueprints.items() if bp.url_prefix and bp.url_prefix.startswith("/api")}
    return sorted((r for r in app.url_map.iter_rules()
                   if "GET" in r.methods and r.endpoint != "static" and r.endpoint.split(".")[0] not in api
                   and not r.rule.startswith("/api")), key=lambda r: r.rule)


def world(factory):
    """The demo data, the i18n consultation (live, with a document, comments, a closed and an
    open motion, circulated minutes with a French version), a consultation whose minutes are
    still a draft, and one person of each role taking part in all of them."""
    from app.accounts.models import User
    from app.bodies.models import StandingBody
    from app.consultations import participants as consultation_participants
    from app.consultations.models import Consultation, Participant, Theme
    from app.demo import email_for, seed_demo
    from app.documents.models import Document
    from app.minutes import languages
    from app.minutes import services as minutes
    from app.minutes.models import Minutes
    from app.notifications.welcome import welcome_token
    from app.notifications.unsubscribe import unsubscribe_token
    from app.votes import services as votes
    seed_demo("demo-pass-123")
    db.session.commit()
    people, live, finish = build(factory)
    sec = factory.secretariat
    c = db.session.get(Consultation, int(live["consultation"].rsplit("/", 1)[1]))
    by = {u.email: u for u in db.session.scalars(select(User))}
    roles = {"secretariat": by[email_for("secretariat")], "chair": by[email_for("gov.sn")],
             "delegate": by[email_for("gov.gh")], "observer": by[email_for("observer")]}
    draft = factory.consultation(status="live", title="Rasimu")
    for target in (c, draft):
        for role in ("chair", "delegate", "observer"):
            factory.participant(target, roles[role], role=role)
    ecowas = db.session.scalar(select(Participant).where(Participant.user_id == roles["chair"].id,
                                                          Participant.role == "delegate"))
    consultation_participants.update_participant(sec, db.session.get(Consultation, ecowas.consultation_id), ecowas.id, role="chair")
    opened = votes.create_motion(sec, c, {"question": "Kuahirisha?", "ballot": "secret", "rule": "simple"})
    votes.open_motion(sec, opened)
    mins = db.session.get(Minutes, int(live["minutes"].rsplit("/", 1)[1]))
    languages.write_version(sec, mins, "fr", "# Procès-verbal\n\nTexte.")
    draft_minutes = minutes.draft_minutes(sec, draft)
    newcomer = factory.user("delegate", "workers")
    newcomer.password_hash = None
    db.session.commit()
    demo_past = max(db.session.scalars(select(Consultation).where(Consultation.status == "closed")), key=lambda x: x.id)
    # the document with the most versions (a diff to show), and the i18n one with its comments
    docs = sorted(db.session.scalars(select(Document)), key=lambda d: -d.current_version_number)
    ids = {
        "consultation_id": [c.id, demo_past.id],
        "document_id": [int(live["document"].rsplit("/", 1)[1]), docs[0].id],
        "motion_id": [int(live["motion"].rsplit("/", 1)[1]), opened.id],
        "minutes_id": [mins.id, draft_minutes.id],
        "body_id": [b.id for b in db.session.scalars(select(StandingBody))][:1],
        "slug": [t.slug for t in db.session.scalars(select(Theme))][:1],
        "org_id": [roles["delegate"].organisation_id],
        "user_id": [roles["delegate"].id],
        "language": ["fr"],
    }
    tokens = {"notifications.welcome": welcome_token(newcomer, c.id, "en"),
              "notifications.unsubscribe_page": unsubscribe_token(roles["delegate"].id)}
    finish_urls = finish()
    db.session.commit()
    return roles, ids, tokens, finish_urls


def urls_of(rule, ids: dict, tokens: dict) -> list[str]:
    """The URLs of one route with every candidate id (one argument varies at a time)."""
    from flask import url_for
    args = set(rule.arguments)
    if "token" in args:
        assert rule.endpoint in tokens, f"{rule.endpoint}: say which token its page takes (tokens in world())"
        return [url_for(rule.endpoint, token=tokens[rule.endpoint])]
    unknown = args - set(ids)
    assert not unknown, f"{rule.rule}: no demo id for {unknown}; add one to world() or list it in NOT_PAGES"
    urls = []
    for arg in sorted(args) or [None]:
        for value in (ids[arg] if arg else [None]):
            values = {a: ids[a][0] for a in args}
            if arg:
                values[arg] = value
            url = url_for(rule.endpoint, **values)
            if url not in urls:
                urls.append(url)
    return urls


def test_every_page_has_no_html_error(app, factory, client, login, tmp_path):
    from app.accounts.services import set_language
    roles, ids, tokens, _public = world(factory)
    rules = [r for r in page_rules(app) if r.endpoint not in NOT_PAGES]
    with app.test_request_context():
        urls = {r.endpoint: urls_of(r, ids, tokens) for r in rules}
    files, reached = [], {}
    for lang in LANGS:
        for role in ROLES:
            user = roles.get(role)
            client.post("/logout")
            if user is not None:
                set_language(user, lang)
                db.session.commit()
                login(user, "demo-pass-123")
            else:
                client.post("/language", data={"language": lang})
            for endpoint, endpoint_urls in urls.items():
                for n, url in enumerate(endpoint_urls):
                    r = client.get(url)
                    if r.status_code != 200 or not r.mimetype == "text/html":
                        continue
                    reached.setdefault(endpoint, set()).add(role)
                    path = tmp_path / f"{lang}-{role}-{endpoint}-{n}.html"
                    path.write_text(r.get_data(as_text=True), encoding="utf-8")
                    files.append(path)
            if user is not None:
                set_language(user, "en")
                db.session.commit()
    unreached = sorted(set(urls) - set(reached))
    assert unreached == [], f"page kinds no role could open: {unreached}"
    # every role reads its own pages: the public ones signed out, the consultation's as each member
    assert {"public"} <= reached["minutes.public_detail"] and reached["rooms.room"] >= {"chair", "delegate", "observer"}
    errors = check(files)
    assert errors == [], f"{len(errors)} errors on {len(files)} pages:\n" + "\n".join(errors)


def test_the_checker_reports_an_error():
    """The run would see one: a duplicate id and a <time> whose datetime has microseconds."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        page = Path(d) / "bad.html"
        page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p id="a">1</p>'
                        '<p id="a"><time datetime="2031-03-12T09:00:00.123456Z">x</time></p></body></html>')
        errors = check([page])
    assert len(errors) >= 2 and any(re.search(r"Duplicate ID", e) for e in errors)
