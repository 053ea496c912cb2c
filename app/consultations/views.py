"""Pages: list, detail, create and edit consultations; invitations, credentials, agenda, themes."""
from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.services import list_organisations, list_users
from app.consultations import agenda, participants, services
from app.consultations.api import AGENDA_BODY
from app.consultations.forms import AgendaForm, ConsultationForm, InviteForm, InviteUserForm, ThemeForm
from app.consultations.models import LEVELS, STATUSES, TRANSITIONS
from app.core.features import detail_actions, detail_sections, features_of
from app.core.pages import form_action, form_page
from app.core.validation import parse

bp = Blueprint("consultations", __name__, url_prefix="/consultations")
home = Blueprint("home", __name__)


@home.get("/dashboard")
@login_required
def dashboard():
    """A person's consultations: live now, upcoming, past."""
    return render_template("consultations/dashboard.html", groups=services.dashboard(current_user))


def _utc(dt):
    return dt.replace(tzinfo=UTC) if dt is not None else None


def _form_data(form: ConsultationForm) -> dict:
    return {
        "title": form.title.data.strip(), "description": form.description.data or "",
        "level": form.level.data, "country": form.country.data or None, "rec": form.rec.data or None,
        "starts_at": _utc(form.starts_at.data), "ends_at": _utc(form.ends_at.data),
        "themes": form.themes.data or [], "voting_constituencies": form.voting_constituencies.data or None,
        "is_public": form.is_public.data, "meeting_url": (form.meeting_url.data or "").strip() or None,
        "speaking_time_s": form.speaking_time_s.data,
    }


def _on_field(form, err) -> bool:
    """A refusal about the meeting link or the speaking time is shown on that field."""
    for name in ("meeting_url", "speaking_time_s"):
        if name in err.details.get("fields", {}):
            getattr(form, name).errors.append(err.message)
            return True
    return False


@bp.get("/")
@login_required
def index():
    args = request.args
    level = args.get("level") if args.get("level") in LEVELS else None
    status = args.get("status") if args.get("status") in STATUSES else None
    try:
        after = int(args["cursor"]) if args.get("cursor") else None
    except ValueError:
        after = None
    items, nxt = services.list_visible(current_user, level=level, status=status,
                                       rec=args.get("rec") or None, country=args.get("country") or None,
                                       theme=args.get("theme") or None, q=(args.get("q") or "")[:200] or None,
                                       after=after, limit=25)
    next_url = None
    if nxt is not None:
        query = {k: v for k, v in args.items() if k != "cursor" and v}
        next_url = url_for("consultations.index", cursor=nxt, **query)
    return render_template("consultations/index.html", items=items, next_url=next_url,
                           themes=services.list_themes(), args=args)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_manage(current_user):
        abort(403)
    hook = features_of().body_choices
    form = ConsultationForm(themes=services.list_themes(), bodies=hook() if hook else None)

    def create():
        data = _form_data(form)
        if getattr(form, "body_id", None) is not None and form.body_id.data:
            data["body_id"] = int(form.body_id.data)
        return services.create_consultation(current_user, data)
    return form_page(form, create,
                     _("Consultation created as a draft."),
                     lambda c: url_for("consultations.detail", consultation_id=c.id),
                     lambda: render_template("consultations/form.html", form=form, consultation=None),
                     error_field=form.title, on_error=lambda err: _on_field(form, err))


@bp.get("/<int:consultation_id>")
@login_required
def detail(consultation_id: int):
    c = services.get_visible(current_user, consultation_id)
    ctx = {"c": c, "groups": services.participants_by_constituency(c),
           "me": services.participant_of(current_user, c),
           "can_manage": services.can_manage(current_user, c),
           "can_moderate": services.can_moderate(current_user, c),
           "next_statuses": TRANSITIONS[c.status], "meeting_url": services.meeting_url_for(current_user, c)}
    if ctx["can_manage"]:
        ctx["invite_form"] = InviteForm()
        taken = {p.organisation_id for p in c.participants}
        ctx["invite_form"].organisation_id.choices = [(o.id, f"{o.name} ({o.constituency})")
                                                      for o in list_organisations() if o.id not in taken]
        ctx["invite_user_form"] = InviteUserForm()
        present = {p.user_id for p in c.participants}
        ctx["invite_user_form"].user_id.choices = [(u.id, f"{u.name} — {u.organisation.name}")
                                                   for u in list_users() if u.id not in present]
        ctx["agenda_form"] = AgendaForm()
    ctx["sections"] = detail_sections(c, current_user)
    ctx["actions"] = detail_actions(c, current_user)
    return render_template("consultations/detail.html", **ctx)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(consultation_id: int):
    c = services.get_visible(current_user, consultation_id)
    services.require_manage(current_user, c)
    form = ConsultationForm(obj=c, themes=services.list_themes())
    if request.method == "GET":
        form.themes.data = [t.slug for t in c.themes]
        form.voting_constituencies.data = list(c.voting_constituencies or [])
        form.starts_at.data = c.starts_at.replace(tzinfo=None) if c.starts_at else None
        form.ends_at.data = c.ends_at.replace(tzinfo=None) if c.ends_at else None
    return form_page(form, lambda: services.update_consultation(current_user, c, _form_data(form)),
                     _("Consultation saved."), url_for("consultations.detail", consultation_id=c.id),
                     lambda: render_template("consultations/form.html", form=form, consultation=c),
                     error_field=form.title, on_error=lambda err: _on_field(form, err))


def _act(consultation_id: int, action, success: str):
    c = services.get_visible(current_user, consultation_id)
    return form_action(lambda: action(c), success, url_for("consultations.detail", consultation_id=consultation_id))


@bp.post("/<int:consultation_id>/status")
@login_required
def change_status(consultation_id: int):
    status = request.form.get("status", "")
    return _act(consultation_id, lambda c: services.change_status(current_user, c, status),
                _("Status changed."))


@bp.post("/<int:consultation_id>/invite")
@login_required
def invite(consultation_id: int):
    form = InviteForm()
    org_id = form.organisation_id.data if form.organisation_id.raw_data else None
    user_id = request.form.get("user_id", type=int)
    role = request.form.get("role") or None
    if user_id:
        return _act(consultation_id, lambda c: participants.invite(current_user, c, user_id=user_id, role=role),
                    _("Participant invited."))
    return _act(consultation_id, lambda c: participants.invite(current_user, c, organisation_id=org_id),
                _("Organisation invited."))


@bp.get("/<int:consultation_id>/participants/export.<fmt>")
@login_required
def export_participants(consultation_id: int, fmt: str):
    from app.consultations import export
    from app.core import office
    if fmt not in export.FORMATS:
        abort(404)
    body, name = export.participant_list(current_user, consultation_id, fmt)
    return office.download(body, fmt, name)


@bp.post("/<int:consultation_id>/participants/<int:participant_id>")
@login_required
def update_participant(consultation_id: int, participant_id: int):
    credentials = request.form.get("credentials") or None
    role = request.form.get("role") or None
    if request.form.get("remove"):
        return _act(consultation_id, lambda c: participants.remove_participant(current_user, c, participant_id),
                    _("Participant removed."))
    return _act(consultation_id,
                lambda c: participants.update_participant(current_user, c, participant_id, credentials, role),
                _("Participant updated."))


@bp.post("/<int:consultation_id>/agenda")
@login_required
def add_agenda_item(consultation_id: int):
    form = AgendaForm()
    title = (form.title.data or "").strip()
    if not title or len(title) > 300:
        flash(_("An agenda item needs a title of at most 300 characters."), "error")
        return redirect(url_for("consultations.detail", consultation_id=consultation_id))
    return _act(consultation_id, lambda c: agenda.add_agenda_item(current_user, c, parse(
        {"title": title}, AGENDA_BODY)["title"]), _("Agenda item added."))


@bp.post("/<int:consultation_id>/agenda/<int:item_id>/move")
@login_required
def move_agenda_item(consultation_id: int, item_id: int):
    offset = -1 if request.form.get("direction") == "up" else 1
    return _act(consultation_id, lambda c: agenda.move_agenda_item(current_user, c, item_id, offset),
                _("Agenda reordered."))


@bp.route("/themes", methods=["GET", "POST"])
@login_required
def themes():
    form = ThemeForm()
    if request.method == "POST" and not services.can_manage(current_user):
        abort(403)
    return form_page(form, lambda: services.create_theme(current_user, form.slug.data.strip().lower(),
                                                         form.name.data.strip()),
                     _("Theme added."), url_for("consultations.themes"),
                     lambda: render_template("consultations/themes.html", form=form, themes=services.list_themes(),
                                             can_manage=services.can_manage(current_user)),
                     error_field=form.slug)
