"""The session cookie is written only when the session changed.

A browser sends many requests at once with whatever cookie it held when each started (a page's
scripts, its stylesheets revalidated on reload, another tab's page). When every response wrote
the session back, one that started before a page showed its message ("Motion opened") and
finished after it put the message back in the cookie: the chair's next page showed the old
message again, first (the chaired-sitting browser test failed on it, in CI, on both databases).
The sign-in's own lifetime is server-side (LoginSession.expires_at, fixed at sign-in), so
re-writing an unchanged cookie bought nothing."""
import pytest

COOKIE = "baraza_session"


def _stale_request(app, old_cookie, path):
    """A request that left with the cookie the browser held before the message was shown."""
    other = app.test_client()
    other.set_cookie(COOKIE, old_cookie)
    return other.get(path)


@pytest.mark.parametrize("path,changes", [
    ("/api/v1/me", False),          # a page's script
    ("/static/css/app.css", False),  # a stylesheet revalidated on reload
    ("/dashboard", True),           # another tab's page: it shows the message, and takes it out
])
def test_a_request_that_started_before_a_message_was_shown_does_not_bring_it_back(
        factory, client, login, app, path, changes):
    login(factory.user())
    saved = client.post("/settings", data={"language": "en", "timezone": "Africa/Accra"})
    assert saved.status_code == 302
    with_message = client.get_cookie(COOKIE).value          # the message waits in the cookie
    page = client.get("/settings").get_data(as_text=True)
    assert "Your settings are saved." in page                # shown once ...
    stale = _stale_request(app, with_message, path)
    assert stale.status_code == 200                          # still signed in, still served
    written = [h for h in stale.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]
    assert bool(written) is changes
    for header in stale.headers.getlist("Set-Cookie"):      # what the browser's jar would take
        name, _, rest = header.partition("=")
        client.set_cookie(name, rest.split(";")[0])
    again = client.get("/settings").get_data(as_text=True)
    assert "Your settings are saved." not in again           # ... and not again


def test_a_change_to_the_session_is_still_written(factory, client, login):
    login(factory.user())
    before = client.get_cookie(COOKIE).value
    resp = client.post("/settings", data={"language": "fr", "timezone": "Africa/Dakar"})
    assert any(h.startswith(COOKIE + "=") for h in resp.headers.getlist("Set-Cookie"))
    assert client.get_cookie(COOKIE).value != before
    assert 'lang="fr"' in client.get("/settings").get_data(as_text=True)
