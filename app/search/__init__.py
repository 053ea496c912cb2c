"""Search: one full-text index (FTS5 or tsvector) over every feature's records, filtered by
who may see them; the public Publication of a consultation."""


def init_app(app) -> None:
    from app.api import register_api
    from app.core.events import bus
    from app.search import api, consumers, views
    consumers.subscribe(bus(app))
    app.register_blueprint(views.bp)
    register_api(app, api.api)
