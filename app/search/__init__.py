"""Search: one full-text index (FTS5 or tsvector) over every feature's records, filtered by
who may see them; the public Publication of a consultation."""
from app.search import (
    api,  # noqa: F401  (routes join the API blueprint)
    models,  # noqa: F401
)


def init_app(app) -> None:
    from app.core.events import bus
    from app.search import consumers, views
    consumers.subscribe(bus(app))
    if "search" not in app.blueprints:
        app.register_blueprint(views.bp)
