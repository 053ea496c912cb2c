"""Votes: motions under tripartite rules, ballots (roll call, show of hands, secret), results."""
from app.votes import api  # noqa: F401  (routes join the API blueprint on import)


def init_app(app) -> None:
    from app.core.features import register_section
    from app.demo import DEMO_HOOKS
    from app.votes import cli, events, views
    from app.votes.demo import seed_votes

    app.register_blueprint(views.bp)
    register_section(views.motions_section)
    if seed_votes not in DEMO_HOOKS:
        DEMO_HOOKS.append(seed_votes)
    events.init_app(app)
    cli.init_app(app)
