"""Accounts: organisations, users, sign-in sessions and API tokens."""


def init_app(app) -> None:
    from app.accounts import api, services, views
    from app.api import register_api
    from app.core import signin
    signin.register(app, session=services.resolve_session, token=services.resolve_token,
                    user_ids=services.session_user_ids,
                    users=services.session_users, token_id=services.token_session_id)
    app.register_blueprint(views.bp)
    register_api(app, api.api)
