"""A page showing one text twice (two versions or two languages side by side) keeps every id
unique, and each footnote link goes to the footnote of its own column (the W3C checker found
the heading and footnote ids of both columns duplicated)."""
import re
from collections import Counter

import pytest


def _ids(page: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', page))


@pytest.mark.parametrize("path", ["diff", "diff?mode=inline", "languages"])
def test_both_columns_keep_their_ids_apart(setting, client, login, path):
    login(setting["government"])
    page = client.get(f"/documents/{setting['id']}/{path}").get_data(as_text=True)
    ids = _ids(page)
    assert [i for i, n in ids.items() if n > 1] == []
    assert any("fn" in i for i in ids)  # the footnote is there, and so is its anchor
    for target in re.findall(r'\shref="#([^"]+)"', page):
        assert target in ids, target


def test_the_minutes_side_by_side_uses_the_same_prefixing():
    from app.core.markdown import prefix_ids
    html = '<h2 id="scope">Scope</h2><p>x<sup id="fnref:1"><a href="#fn:1">1</a></sup></p><li id="fn:1">n</li>' \
           '<a href="https://example.org/#top">out</a>'
    out = str(prefix_ids(html, "r-"))
    assert 'id="r-scope"' in out and 'id="r-fnref:1"' in out and 'href="#r-fn:1"' in out
    assert 'href="https://example.org/#top"' in out
