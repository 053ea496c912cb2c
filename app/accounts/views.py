"""Pages: sign in and out, language choice, my settings, and the secretariat's admin pages."""
from datetime import UTC, datetime
from functools import wraps

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import SelectField

from app.accounts import services
from app.accounts.forms import OrganisationForm, PasswordForm, UserForm
from app.accounts.limits import password_check_limit
from app.accounts.passwords import MAX_PASSWORD, MIN_PASSWORD
from app.core.errors import DomainError
from app.core.i18n import timezone_choices, when
from app.core.pages import form_page
from app.core.languages import LANGUAGE_NAMES, LANGUAGES
from app.core.ratelimit import account_limit, address_limit
from app.core.security import safe_next
from app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    """The cookie names a server-side sign-in; a revoked or expired one signs the browser out."""
    ls = services.resolve_session(session.get("sid"))
    if ls is None or str(ls.user_id) != user_id:
        return None
    return ls.user


@login_manager.unauthorized_handler
def _unauthorized():
    if request.path.startswith("/api/"):
        from app.core.errors import Unauthenticated
        raise Unauthenticated()
    return redirect(url_for("accounts.login", next=request.full_path if request.query_string else request.path))


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@address_limit
@account_limit
def login():
    from app.accounts.forms import LoginForm
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            error = _("Wrong e-mail or password.")
        else:
            session.clear()
            ls = services.start_session(user, "web", current_app.config["PERMANENT_SESSION_LIFETIME"])
            db.session.commit()
            session["sid"] = ls.id
            session.permanent = True
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("home.dashboard")))
    elif request.method == "POST":
        error = _("Enter your e-mail and password.")
    return render_template("accounts/login.html", form=form, error=error), (401 if error else 200)


@bp.post("/logout")
def logout():
    lang = getattr(current_user, "language", None)  # before the session is revoked (it signs the user out)
    services.revoke_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    if lang:  # the signed-out pages (and this message) stay in the language the person was reading
        session["lang"] = lang
        refresh()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def set_language():
    lang = request.form.get("language", "")
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:
            services.set_language(current_user, lang)
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("accounts.index")))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@password_check_limit
def change_password():
    """My settings: change my password; every other browser session and API token ends."""
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data,
                                     session.get("sid"))
            db.session.commit()
            flash(_("Your password is changed. You are signed out everywhere else."), "success")
            return redirect(url_for("accounts.settings"))
        except DomainError as err:
            db.session.rollback()
            status = err.status
            target = form.current_password if err.status == 403 else form.new_password
            target.errors.append(err.message)
    elif form.errors:
        status = 422
    return render_template("accounts/password.html", form=form, min_length=MIN_PASSWORD,
                           max_length=MAX_PASSWORD), status


def _password_error(form: UserForm, err: DomainError) -> bool:
    """Show a refused password under the password field; True when it was one."""
    if "password" in err.details.get("fields", {}):
        form.password.errors.append(err.message)
        return True
    return False


def _admin_page(rule: str):
    """A secretariat's admin page (GET shows it, POST submits its form): signed in, and 403 for
    anyone but the secretariat."""
    def deco(fn):
        @wraps(fn)
        def page(**kwargs):
            if not current_user.is_secretariat:
                abort(403)
            return fn(**kwargs)
        return bp.route(rule, methods=["GET", "POST"])(login_required(page))
    return deco


@_admin_page("/admin/organisations")
def organisations():
    form = OrganisationForm()
    return form_page(
        form, lambda: services.create_organisation(current_user, form.name.data.strip(), form.constituency.data,
                                                   form.country.data or None, form.rec.data or None),
        _("Organisation added."), url_for("accounts.organisations"),
        lambda: render_template("accounts/organisations.html", form=form, organisations=services.list_organisations()),
        error_field=form.name)


@_admin_page("/admin/organisations/<int:org_id>")
def edit_organisation(org_id: int):
    org = services.get_organisation(org_id)
    form = OrganisationForm(obj=org)
    return form_page(
        form, lambda: services.update_organisation(current_user, org, name=form.name.data.strip(),
                                                   constituency=form.constituency.data,
                                                   country=form.country.data or None, rec=form.rec.data or None),
        _("Organisation saved."), url_for("accounts.organisations"),
        lambda: render_template("accounts/organisation_edit.html", form=form, org=org), error_field=form.name)


def _user_form(obj=None) -> UserForm:
    form = UserForm(obj=obj)
    form.organisation_id.choices = [(o.id, o.name) for o in services.list_organisations()]
    return form


@_admin_page("/admin/users")
def users():
    form = _user_form()
    return form_page(
        form, lambda: services.create_user(current_user, form.email.data, form.name.data.strip(), form.role.data,
                                           form.organisation_id.data, form.password.data or None, form.language.data),
        _("User accredited."), url_for("accounts.users"),
        lambda: render_template("accounts/users.html", form=form, users=services.list_users()),
        error_field=form.email, on_error=lambda err: _password_error(form, err))


@_admin_page("/admin/users/<int:user_id>")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = _user_form(obj=user)
    del form.email, form.language  # the person chooses their language in their settings
    return form_page(
        form, lambda: services.update_user(current_user, user, name=form.name.data.strip(), role=form.role.data,
                                           organisation_id=form.organisation_id.data, is_active=form.is_active.data,
                                           password=form.password.data or None),
        _("User saved."), url_for("accounts.users"),
        lambda: render_template("accounts/user_edit.html", form=form, user=user),
        error_field=form.name, on_error=lambda err: _password_error(form, err))


class SettingsForm(FlaskForm):
    language = SelectField(_l("Language"), choices=list(LANGUAGE_NAMES.items()))
    timezone = SelectField(_l("Time zone"), choices=[])


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm(obj=current_user)
    form.timezone.choices = timezone_choices()
    if form.validate_on_submit():
        try:
            services.set_language(current_user, form.language.data)
            services.set_timezone(current_user, form.timezone.data)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            form.timezone.errors.append(err.message)
        else:
            session["lang"] = form.language.data
            g.pop("_flask_babel", None)  # the message below is in the language just chosen
            flash(_("Your settings are saved."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/settings.html", form=form,
                           example=when(datetime.now(UTC))), (422 if form.errors else 200)
