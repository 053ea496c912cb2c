"""Live rooms: presence, chat, speaking queue, floor and agenda over Socket.IO and HTTP."""


def init_app(app) -> None:
    from app.api import register_api
    from app.consultations.event_types import SessionStatus
    from app.core.events import bus
    from app.core.features import features_of
    from app.rooms import api, events, presence, projector, services, views
    app.register_blueprint(views.bp)
    register_api(app, api.api)
    events.register(app)
    projector.register(app)
    features_of(app).actions.append(views.room_action)
    features_of(app).actions.append(projector.projector_action)
    bus(app).subscribe(SessionStatus, presence.check_in_the_room)
    features_of(app).moderated["chat"] = services.chat_record
