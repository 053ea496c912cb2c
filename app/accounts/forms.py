"""Forms for signing in, changing one's password, and the secretariat's organisation and user pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.accounts.models import RECS, USER_ROLES
from app.core import labels
from app.core.countries import AFRICAN_UNION, COUNTRIES, country_name
from app.core.languages import LANGUAGE_NAMES
from app.core.validation import SingleLine


def country_choices() -> list[tuple[str, str]]:
    """AU member states first, then the rest, each named and sorted in the page's language."""
    from flask_babel import get_locale
    lang = str(get_locale() or "en")
    au = sorted(((c, country_name(c, lang)) for c in AFRICAN_UNION), key=lambda x: x[1])
    rest = sorted(((c, country_name(c, lang)) for c in COUNTRIES - set(AFRICAN_UNION)), key=lambda x: x[1])
    return [("", "—")] + au + rest


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("The new password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), SingleLine(), Length(max=200)])
    constituency = SelectField(_l("Constituency"), choices=list(labels.CONSTITUENCY.items()))
    country = SelectField(_l("Country"), choices=[], validators=[Optional()])
    rec = SelectField(_l("Regional Economic Community"), choices=[("", "—")] + [(r, r) for r in RECS],
                      validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class UserForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), SingleLine(), Email(check_deliverability=False),
                                                 Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), SingleLine(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r, labels.ROLE[r]) for r in USER_ROLES])
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])
    language = SelectField(_l("Language of the invitation and the pages"), choices=list(LANGUAGE_NAMES.items()),
                           default="en")
    password = PasswordField(_l("Initial password (optional, at least 10 characters)"),
                             validators=[Optional(), Length(min=10, max=1024)])
    is_active = BooleanField(_l("Active"), default=True)
