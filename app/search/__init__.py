"""Search: one full-text index (FTS5 or tsvector) over every feature's records, filtered by
who may see them; the public Publication of a consultation."""
from app.search import api  # noqa: F401  (routes join the API blueprint)
from app.search import models  # noqa: F401


def init_app(app) -> None:
    from app.search import views
    if "search" not in app.blueprints:
        app.register_blueprint(views.bp)
