"""Standing bodies (members over time, sessions, default rule) and themes followed across the
years (the theme pages and their read model); following either."""


def init_app(app) -> None:
    from app.api import register_api
    from app.bodies import api, demo, follows, readmodel, services, views
    from app.core.events import bus
    from app.core.features import features_of

    readmodel.subscribe(bus(app))
    app.register_blueprint(views.bp)
    register_api(app, api.api)
    feats = features_of(app)
    feats.body_session = services.start_session
    feats.body_choices = services.body_choices
    feats.followers.append(follows.followers)
    feats.sections.append(views.session_section)
    feats.nav.append(views.nav)
    feats.demo.append(demo.seed_bodies)
