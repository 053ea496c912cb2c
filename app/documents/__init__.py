"""Draft policy documents: versions, diffs, anchored comment threads, amendments and positions."""


def init_app(app) -> None:
    from app.api import register_api
    from app.core.events import bus
    from app.core.features import features_of
    from app.documents import moderated, on_the_floor
    from app.documents import api, languages, office_views, public, views  # noqa: F401  (languages: its table; office_views: its routes)
    from app.documents.demo import seed_documents

    app.register_blueprint(views.bp)
    register_api(app, api.api)
    features_of(app).sections.append(views.consultation_section)
    features_of(app).public.extend([public.final_documents_section, public.positions_section])
    features_of(app).demo.append(seed_documents)
    features_of(app).motion_origins["amendment"] = on_the_floor.amendment_motion
    moderated.register(features_of(app))
    on_the_floor.subscribe(bus(app))
