"""A body's page and a theme's page in a real browser, in English and Arabic: accessible
(axe-core), light, no sideways scroll at 360 px, the chart drawn without JavaScript."""
import gzip

import pytest
import requests

from tests.browser.fixtures import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser


def _weight(page, urls) -> int:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return sum(len(gzip.compress(requests.get(u, cookies=cookies, timeout=5).content))
               for u in dict.fromkeys(urls) if "/socket.io/" not in u)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_body_and_theme_pages(browser, live_server, shots, lang):
    page = sign_in(browser, live_server, "stakeholder@baraza.example", viewport={"width": 360, "height": 740})
    choose_language(page, lang)
    page.goto(live_server + "/bodies/")
    page.locator("main a.row-title", has_text="Labour Migration Advisory Committee").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("#h-sessions ~ ol > li").count() == 4  # two sessions and two engagement visits
    bad = axe_violations(page, live_server)
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shots(page, f"body-{lang}")
    urls = []
    page.on("response", lambda r: urls.append(r.url))
    resp = page.goto(live_server + "/themes/free-circulation")
    assert resp.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("figure.chart svg").count() == 1 and page.locator("main table").count() >= 3
    weight = _weight(page, urls)  # before axe-core is injected
    assert weight < 150 * 1024, (weight, sorted(set(urls)))
    bad = axe_violations(page, live_server)
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if lang == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"
    shots(page, f"theme-{lang}")
    page.context.close()
