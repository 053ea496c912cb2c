"""Live rooms: presence, chat, speaking queue, floor and agenda over Socket.IO and HTTP."""
from app.rooms import api  # noqa: F401  (routes join the API blueprint at import)
from app.rooms import models  # noqa: F401


def init_app(app) -> None:
    from app.core.features import register_action
    from app.rooms import events, views
    app.register_blueprint(views.bp)
    events.register()
    register_action(views.room_action)
