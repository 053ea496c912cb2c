"""Minutes drafted from the session record, their corrections and adoption; the archive and
the public transparency pages."""


def minutes_section(c, user):
    """The "Minutes" card on the consultation page."""
    from app.consultations.services import can_manage
    from app.minutes import publication, services
    manage = can_manage(user, c)
    items = services.minutes_of(user, c)
    if not items and not (manage and c.status in services.DRAFTABLE):
        return None
    from flask_babel import gettext as _
    original = next((m for m in items if m.corrigendum_of_id is None), None)
    return {"title": _("Minutes"), "template": "minutes/section.html",
            "context": {"items": items, "manage": manage, "original": original,
                        "can_draft": manage and original is None and c.status in services.DRAFTABLE,
                        "can_publish": manage and c.status in ("closed", "archived") and original is not None
                        and original.status == "adopted",
                        "publication": publication.publication_of(c.id)}}


def _nav(user):
    from flask import url_for
    from flask_babel import gettext as _
    from flask_babel import pgettext
    if user is not None:
        return [{"url": url_for("minutes.archive"), "label": pgettext("noun", "Archive")},
                {"url": url_for("search.index"), "label": _("Search")}]
    return [{"url": url_for("minutes.public_index"), "label": _("Public archive")},
            {"url": url_for("search.index"), "label": _("Search")}]


def init_app(app) -> None:
    from app.api import register_api
    from app.core.features import features_of
    from app.minutes import api, demo, views
    app.register_blueprint(views.bp)
    register_api(app, api.api)
    features_of(app).nav.append(_nav)
    features_of(app).sections.append(minutes_section)
    features_of(app).demo.append(demo.seed_minutes)
