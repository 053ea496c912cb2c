"""Consultations: scope, lifecycle, participants, agenda and themes; who may see and do what."""


def init_app(app) -> None:
    from app.api import register_api
    from app.consultations import (  # noqa: F401 (the other modules add their routes to these blueprints)
        api,
        attendance_views,
        live,
        moderation_api,
        moderation_views,
        secretariat_views,
        views,
    )
    app.register_blueprint(views.bp)
    app.register_blueprint(views.home)
    register_api(app, api.api)
    live.init_app(app)
