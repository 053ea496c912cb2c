"""How the feature plugs in: the API document, the worker's placement, the loop's resilience."""


def test_openapi_documents_the_notification_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get"} <= set(paths["/notifications"])
    assert {"post"} <= set(paths["/notifications/read"])
    assert {"get", "put"} <= set(paths["/notifications/settings"])


def test_worker_placement(app):
    from app.notifications.worker import in_process_wanted
    assert in_process_wanted(app) is False  # never under tests
    app.config["TESTING"] = False
    try:
        app.config["NOTIFICATIONS_WORKER"] = "external"
        assert in_process_wanted(app) is False
        app.config["NOTIFICATIONS_WORKER"] = "inline"
        assert in_process_wanted(app) is True
        app.config["NOTIFICATIONS_WORKER"] = "auto"
        assert in_process_wanted(app) is False  # this process is not gevent-patched
    finally:
        app.config["TESTING"] = True


def test_loop_survives_a_failing_pass(app, caplog):
    from app.notifications.worker import run_loop
    calls = []

    def step():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return {"events": 0}
    run_loop(app, interval=0, step=step, max_passes=3)
    assert len(calls) == 3
    assert "notifications pass failed" in caplog.text


def test_no_section_or_nav_for_outsiders_and_anonymous(factory, client, login):
    c = factory.consultation(status="scheduled")
    assert b"Notifications" not in client.get("/login").data
    p = factory.participant(c)
    login(p.user)
    page = client.get(f"/consultations/{c.id}").data
    assert b"Your invitation" in page and b"Invitations</h2>" not in page
    assert b"/notifications" in page
