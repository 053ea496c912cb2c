"""A real server (gunicorn, gevent worker, as `make serve`) and headless Chromium driven by
Playwright. Skipped, with the reason printed, only when Debian's chromium is not installed."""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
DEMO_PASSWORD = "browser-demo-pass"
OUTPUT = ROOT / "test-output" / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_session(base: str, email: str) -> tuple[requests.Session, dict]:
    """A bearer-authenticated JSON client of the live server, and the person's user record.

    Each call opens its own connection: gunicorn closes a kept-alive connection after 2 idle
    seconds, and a call sent at that moment fails with "Remote end closed connection" (a CI run
    lost a test to it while the page steps kept this client idle)."""
    r = requests.post(base + "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    s = requests.Session()
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    s.headers["Connection"] = "close"
    return s, r.json()["user"]


@pytest.fixture(scope="session")
def chromium_path():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path):
    """Base URL of a fresh Baraza with the demo data, on SQLite, served by gunicorn + gevent."""
    work = tmp_path_factory.mktemp("browser-server")
    port = _free_port()
    env = dict(os.environ, BARAZA_INSTANCE_PATH=str(work), BARAZA_DATABASE_URL=f"sqlite:///{work}/baraza.db",
               BARAZA_SECRET_KEY="browser-test-secret", BARAZA_RATELIMIT_ENABLED="false", BARAZA_HOST="127.0.0.1",
               BARAZA_PORT=str(port), PYTHONUNBUFFERED="1")
    env.pop("BARAZA_REDIS_URL", None)
    bin_dir = Path(sys.executable).parent
    flask = [str(bin_dir / "flask"), "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo", "--password", DEMO_PASSWORD], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(work / "server.log", "w")
    proc = subprocess.Popen([str(bin_dir / "gunicorn"), "--worker-class", "gevent", "--workers", "1",
                             "--bind", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/login", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        proc.terminate()
        raise RuntimeError("server did not start: " + (work / "server.log").read_text()[-2000:])
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    text = (work / "server.log").read_text()
    assert "Traceback" not in text, text[-4000:]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots():
    """shots(page, name) saves a full-page screenshot under test-output/browser/."""
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def _shot(page, name):
        page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    return _shot


def sign_in(browser, base, email, password=DEMO_PASSWORD, **context_args):
    context_args.setdefault("viewport", {"width": 1280, "height": 900})
    ctx = browser.new_context(**context_args)
    page = ctx.new_page()
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")
    return page


def axe_violations(page, base) -> list[dict]:
    """Run axe-core (from the npm registry, served from static/vendor) in the page."""
    page.add_script_tag(url=base + "/static/vendor/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_no_serious(page, base, what) -> None:
    """axe-core finds no serious or critical violation on the page (`what` names it on failure)."""
    bad = axe_violations(page, base)
    assert bad == [], (what, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad])


def set_agenda_item(chair, index: int, title: str, timeout: int = 10_000) -> None:
    """The chair moves the room to agenda item `index` (its select and Set button) and sees it."""
    from playwright.sync_api import expect
    chair.locator("#agenda-item").select_option(index=index)
    chair.locator("form[data-action=agenda]").get_by_role("button", name="Set").click()
    expect(chair.locator("#agenda-current")).to_contain_text(title, timeout=timeout)


def option_value(page, select: str, name: str) -> str | None:
    """The value of the first option of `select` whose text holds `name`."""
    return page.locator(f"{select} option", has_text=name).first.get_attribute("value")


def choose_language(page, lang: str) -> None:
    """Switch the signed-in person's language with the header's picker (it is their setting)."""
    page.select_option("#lang-select", lang)
    page.locator("form.lang button").click()
    page.wait_for_load_state()


@contextlib.contextmanager
def screenshots_on_failure(contexts: list, shots, name: str):
    """Close every browser context at the end; if the block fails, first save what each page
    showed (`<name>-failure-<context>-<page>`)."""
    try:
        yield
    except Exception:
        for i, ctx in enumerate(contexts):
            for j, page in enumerate(ctx.pages):
                shots(page, f"{name}-failure-{i}-{j}")
        raise
    finally:
        for ctx in contexts:
            ctx.close()
