"""Forms for creating and editing consultations, inviting and building the agenda."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.forms import country_choices
from app.accounts.models import RECS
from app.consultations.models import MEETING_URL_MAX
from app.core import labels
from app.core.validation import MultiLine, SingleLine

VOTERS = ("government", "employers", "workers", "stakeholder")


class ConsultationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), SingleLine(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), MultiLine(), Length(max=20000)])
    level = SelectField(_l("Level"), choices=list(labels.LEVEL.items()))
    country = SelectField(_l("Country (national consultations)"), choices=[], validators=[Optional()])
    rec = SelectField(_l("Regional Economic Community (REC consultations)"),
                      choices=[("", "—")] + [(r, r) for r in RECS], validators=[Optional()])
    starts_at = DateTimeLocalField(_l("Starts (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Ends (UTC)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    themes = SelectMultipleField(_l("Policy themes"), choices=[], validators=[Optional()])
    voting_constituencies = SelectMultipleField(_l("Who votes"), choices=[(k, labels.CONSTITUENCY_GROUP[k]) for k in VOTERS],
                                                default=["government", "employers", "workers"])
    meeting_url = URLField(_l("Meeting link (video or phone bridge of a hybrid sitting)"),
                           validators=[Optional(), SingleLine(), Length(max=MEETING_URL_MAX)])
    speaking_time_s = IntegerField(_l("Default speaking time (seconds)"), validators=[Optional()])
    is_public = BooleanField(_l("Public (visible to every signed-in user once scheduled)"))
    body_id = SelectField(_l("Session of a standing body"), choices=[], validators=[Optional()])

    def __init__(self, *args, themes=(), bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.themes.choices = [(t.slug, t.name) for t in themes]
        if bodies:  # only when creating: a consultation does not change body afterwards
            self.body_id.choices = [("", _l("None: a consultation of its own"))] + [(str(i), n) for i, n in bodies]
        else:
            del self.body_id


class InviteForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, choices=[])


class InviteUserForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, choices=[])
    role = SelectField(_l("Role in this consultation"),
                       choices=[("delegate", _l("Delegate")), ("adviser", _l("Adviser")),
                                ("observer", _l("Observer")), ("chair", _l("Chair"))])


class AgendaForm(FlaskForm):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), SingleLine(), Length(max=300)])


class ThemeForm(FlaskForm):
    slug = StringField(_l("Short name (slug)"), validators=[DataRequired(), SingleLine(), Length(max=80)])
    name = StringField(_l("Name"), validators=[DataRequired(), SingleLine(), Length(max=200)])
