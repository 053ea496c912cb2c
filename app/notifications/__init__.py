"""Invitations and notifications: in-app, e-mail (SMTP outbox) and calendar files."""
import os

import click
from flask import url_for
from flask_babel import gettext as _



def _configure(app) -> None:
    env = os.environ
    app.config.setdefault("SMTP_URL", env.get("BARAZA_SMTP_URL") or None)
    app.config.setdefault("MAIL_FROM", env.get("BARAZA_MAIL_FROM") or "Baraza <no-reply@baraza.local>")
    app.config.setdefault("BASE_URL", env.get("BARAZA_BASE_URL") or None)  # None: http://HOST:PORT
    app.config.setdefault("UNSUBSCRIBE_MAX_AGE", int(env.get("BARAZA_UNSUBSCRIBE_MAX_AGE", str(365 * 24 * 3600))))
    app.config.setdefault("INVITE_MAX_AGE", int(env.get("BARAZA_INVITE_MAX_AGE", str(7 * 24 * 3600))))
    app.config.setdefault("NOTIFICATIONS_WORKER", env.get("BARAZA_NOTIFICATIONS_WORKER", "auto"))
    app.config.setdefault("NOTIFICATIONS_INTERVAL", float(env.get("BARAZA_NOTIFICATIONS_INTERVAL", "5")))


def _mail_log(app) -> None:
    """Without SMTP, mail is written to the log: make sure that log is shown (nothing else
    configures logging for INFO), unless the deployment configured the logger itself."""
    import logging
    logger = logging.getLogger("baraza.mail")
    if app.config.get("TESTING") or logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _nav(user) -> dict:
    """The header link with the unread count."""
    if user is None:
        return None
    from app.notifications.delivery import unread_count
    n = unread_count(user.id)
    label = _("Notifications (%(n)s unread)", n=n) if n else _("Notifications")
    return {"url": url_for("notifications.index"), "label": label, "id": "nav-notifications"}


def _deliveries_nav(user) -> dict | None:
    """The secretariat's link to failed deliveries, shown while there are any."""
    if user is None or not user.is_secretariat:
        return None
    from app.notifications.failures import problem_count
    n = problem_count()
    if not n:
        return None
    return {"url": url_for("notifications.deliveries"), "label": _("Delivery problems (%(n)s)", n=n),
            "id": "nav-deliveries"}


def _section(c, user):
    """Secretariat: who was mailed and who accepted. A participant: their invitation."""
    from app.consultations.services import can_manage, participant_of
    from app.notifications import services
    if can_manage(user, c):
        return {"title": _("Invitations"), "template": "notifications/_board.html",
                "context": {"rows": services.invitation_board(user, c)}}
    if participant_of(user, c) is not None:
        return {"title": _("Your invitation"), "template": "notifications/_mine.html",
                "context": {"invitation": services.invitation_of(user, c)}}
    return None


def _calendar_action(c, user):
    if c.starts_at is None:
        return None
    return {"url": url_for("notifications.consultation_calendar", consultation_id=c.id),
            "label": _("Add to calendar (.ics)"), "cls": "ghost"}


def _register_cli(app) -> None:
    from app.notifications.worker import run_loop

    @app.cli.command("send-mail")
    @click.option("--once", is_flag=True, help="Send what is due now, then stop.")
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between passes in loop mode.")
    @click.option("--requeue-failed", is_flag=True, help="Queue again the messages given up on.")
    def send_mail_command(once: bool, interval: float, requeue_failed: bool) -> None:
        """Send queued e-mail (with retry and backoff); loops unless --once."""
        from app.notifications import mailer
        if requeue_failed:
            click.echo(f"{mailer.requeue_failed()} message(s) queued again.")
        run_loop(app, interval=interval, once=once, step=mailer.send_due)

    @app.cli.command("notifications-worker")
    @click.option("--once", is_flag=True, help="One pass, then stop.")
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
    def worker_command(once: bool, interval: float) -> None:
        """Dispatch room events into notifications, send reminders and digests, send mail."""
        run_loop(app, interval=interval, once=once)


def init_app(app) -> None:
    from app.api import register_api
    from app.core.features import features_of
    from app.notifications import api
    from app.notifications.views import bp
    from app.notifications.worker import start_in_process

    _configure(app)
    _mail_log(app)
    app.register_blueprint(bp)
    register_api(app, api.api)
    features_of(app).nav.append(_nav)
    features_of(app).nav.append(_deliveries_nav)
    features_of(app).sections.append(_section)
    features_of(app).actions.append(_calendar_action)
    _register_cli(app)
    start_in_process(app)
