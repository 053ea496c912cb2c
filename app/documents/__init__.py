"""Draft policy documents: versions, diffs, anchored comment threads, amendments and positions."""


def init_app(app) -> None:
    from app.api import register_api
    from app.core.features import features_of
    from app.documents import api, languages, public, views  # noqa: F401  (languages: its table)
    from app.documents.demo import seed_documents

    app.register_blueprint(views.bp)
    register_api(app, api.api)
    features_of(app).sections.append(views.consultation_section)
    features_of(app).public.extend([public.final_documents_section, public.positions_section])
    features_of(app).demo.append(seed_documents)
