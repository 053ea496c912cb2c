"""Votes: motions under tripartite rules, ballots (roll call, show of hands, secret), results."""


def init_app(app) -> None:
    from app.api import register_api
    from app.core.features import features_of
    from app.votes import api, cli, events, public, views
    from app.votes.demo import seed_votes

    app.register_blueprint(views.bp)
    register_api(app, api.api)
    features_of(app).sections.append(views.motions_section)
    features_of(app).public.append(public.decisions_section)
    features_of(app).demo.append(seed_votes)
    events.init_app(app)
    cli.init_app(app)
