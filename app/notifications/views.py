"""Pages: the notification list, settings, the sign-up page, accepting an invitation, calendars,
one-click unsubscribe, and the secretariat's list of failed deliveries."""
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.accounts.services import start_session
from app.consultations.services import get_visible
from app.core.errors import DomainError
from app.core.pages import form_action
from app.extensions import csrf, db
from app.notifications import delivery, failures, services, unsubscribe
from app.notifications.calendar import consultation_ics, feed_ics
from app.notifications.models import EMAIL_MODES
from app.notifications.welcome import check_welcome, welcome_language

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    try:
        before = int(request.args["before"]) if request.args.get("before") else None
    except ValueError:
        before = None
    unread_only = request.args.get("unread") == "1"
    items, nxt = services.list_notifications(current_user, unread_only=unread_only, before=before, limit=30)
    rows = [dict(delivery.serialize(n, current_user), created=n.created_at) for n in items]
    return render_template("notifications/index.html", rows=rows, unread_only=unread_only,
                           unread=delivery.unread_count(current_user.id),
                           next_url=url_for("notifications.index", before=nxt, unread="1" if unread_only else None)
                           if nxt else None)


@bp.post("/notifications/read")
@login_required
def read():
    ids = [int(i) for i in request.form.getlist("id") if i.isdigit()]
    try:
        services.mark_read(current_user, ids=ids, all_=request.form.get("all") == "1")
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    return redirect(url_for("notifications.index"))


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    link = services.open_notification(current_user, notification_id)
    db.session.commit()
    return redirect(link)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":
        try:
            services.update_settings(current_user, email_mode=request.form.get("email_mode"),
                                     timezone=request.form.get("timezone") or None,
                                     calendar=request.form.get("calendar") or None)
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("notifications.settings"))
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
    s = services.get_settings(current_user)
    from zoneinfo import available_timezones
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return render_template("notifications/settings.html", s=s, modes=EMAIL_MODES, zones=zones,
                           feed_url=services.calendar_url(s))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """A person invited before having a password sets one here, once, and is signed in. The
    page speaks the invitation's language unless the visitor chose another with the switcher;
    the language they read it in becomes their account's."""
    if "lang" not in session and welcome_language(token):
        session["lang"] = welcome_language(token)
    try:
        user, cid = check_welcome(token)
    except DomainError as err:
        return render_template("notifications/welcome_invalid.html", message=err.message), \
            (410 if err.status == 409 else 404)
    error = None
    if request.method == "POST":
        try:
            user, cid = services.complete_welcome(token, request.form.get("password", ""),
                                                  request.form.get("confirm", ""), session.get("lang"))
            ls = start_session(user, "web", current_app.config["PERMANENT_SESSION_LIFETIME"])
            db.session.commit()
            session.clear()
            session["sid"] = ls.id
            session.permanent = True
            login_user(user)
            flash(_("Welcome to Baraza. Your password is set and your invitation accepted."), "success")
            target = url_for("consultations.detail", consultation_id=cid) if cid else url_for("home.dashboard")
            return redirect(target)
        except DomainError as err:
            db.session.rollback()
            if err.status != 422:
                return render_template("notifications/welcome_invalid.html", message=err.message), \
                    (410 if err.status == 409 else 404)
            error = err.message
    return render_template("notifications/welcome.html", user=user, token=token, error=error), \
        (422 if error else 200)


@bp.post("/consultations/<int:consultation_id>/invitation/accept")
@login_required
def accept(consultation_id: int):
    c = get_visible(current_user, consultation_id)
    services.accept_invitation(current_user, c)
    db.session.commit()
    flash(_("You have accepted the invitation."), "success")
    return redirect(url_for("consultations.detail", consultation_id=c.id))


def _ics(body: str, name: str) -> Response:
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-cache"})


@bp.get("/consultations/<int:consultation_id>/calendar.ics")
@login_required
def consultation_calendar(consultation_id: int):
    c = get_visible(current_user, consultation_id)
    if c.starts_at is None:
        return render_template("error.html", status=404, message=_("This session has no date yet.")), 404
    return _ics(consultation_ics(c, current_user.language or "en", current_user), f"consultation-{c.id}.ics")


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The per-person feed: the secret token in the URL is the credential (calendar apps
    cannot sign in); regenerating it on the settings page revokes the old URL."""
    user, items = services.calendar_feed(token)
    with force_locale(user.language or "en"):
        name = _("Baraza: %(name)s", name=user.name)
    return _ics(feed_ics(items, name, user.language or "en", user), "baraza.ics")


# --- one-click unsubscribe (RFC 8058) ------------------------------------------------------

@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """The List-Unsubscribe link opened in a browser: confirm with a button (a GET changes
    nothing, as mail scanners follow links)."""
    user = unsubscribe.check_unsubscribe(token)
    return render_template("notifications/unsubscribe.html", token=token, done=False,
                           subscribed=unsubscribe.is_subscribed(user))


@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe_post(token: str):
    """One click: a mail client posts List-Unsubscribe=One-Click here, without a session or a
    CSRF token; the signed token is the credential. Turns notification e-mail off."""
    services.unsubscribe(token)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", token=token, done=True, subscribed=False)


# --- the secretariat: delivery failures ------------------------------------------------------

@bp.get("/admin/deliveries")
@login_required
def deliveries():
    found = failures.list_failures(current_user)
    return render_template("notifications/deliveries.html", events=found["events"], mails=found["mails"],
                           reasons=failures.REASON_LABELS)


@bp.post("/admin/deliveries/mail/<int:outbox_id>/retry")
@login_required
def retry_mail(outbox_id: int):
    return form_action(lambda: failures.retry_mail(current_user, outbox_id),
                       _("The mail is queued again; the worker sends it on its next pass."),
                       url_for("notifications.deliveries"))


@bp.post("/admin/deliveries/event/<int:failure_id>/retry")
@login_required
def retry_event(failure_id: int):
    return form_action(lambda: failures.retry_event(current_user, failure_id),
                       _("The event will be tried again on the worker's next pass."),
                       url_for("notifications.deliveries"))
