"""Draft policy documents: versions, diffs, anchored comment threads, amendments and positions."""
from app.documents import api  # noqa: F401  (routes join the API blueprint on import)
from app.documents import languages, models  # noqa: F401


def init_app(app) -> None:
    from app import demo
    from app.core.features import register_section
    from app.documents import views
    from app.documents.demo import seed_documents

    app.register_blueprint(views.bp)
    register_section(views.consultation_section)
    if seed_documents not in demo.DEMO_HOOKS:
        demo.DEMO_HOOKS.append(seed_documents)
