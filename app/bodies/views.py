"""Pages: the bodies, one body (members current and past, sessions in order), the secretariat's
forms to create a body and add a member; a theme across the years, signed in and public."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import RECS
from app.accounts.services import list_organisations
from app.bodies import follows, services, themes
from app.bodies.api import body_input, member_input
from app.bodies.chart import chart_css, stance_chart, stance_rows
from app.bodies.models import KINDS
from app.bodies.rules import preset_choices
from app.bodies.serialize import body_dict
from app.consultations.api import CONSULTATION_NEW
from app.consultations.models import LEVELS, VOTING_CONSTITUENCIES
from app.consultations.services import create_consultation
from app.core.pages import form_action
from app.core.validation import parse

bp = Blueprint("bodies", __name__)
PAGE_LIST = 20  # rows per list on the theme page (the API gives more)


def nav(user):
    if user is None:
        return None
    return {"url": url_for("bodies.index"), "label": _("Bodies")}


def session_section(c, user):
    """On a session's page: the body it belongs to and its members on the session's day."""
    found = services.body_of(c.id)
    if found is None or user is None:
        return None
    body, link = found
    on = services.session_day(c, link)
    return {"title": _("Members of %(body)s on %(day)s", body=body.acronym or body.name, day=on.isoformat()),
            "template": "bodies/_session.html",
            "context": {"body": body, "members": services.members_on(body, on)}}


def _form() -> dict:
    """A page form read as the API's JSON body (one payload spec for both doors)."""
    out = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}
    if "voting_constituencies" in request.form:
        out["voting_constituencies"] = request.form.getlist("voting_constituencies")
    for key in ("organisation_id",):
        if str(out.get(key, "")).isdigit():
            out[key] = int(out[key])
    return out


@bp.get("/bodies/")
@login_required
def index():
    return render_template("bodies/index.html", bodies=[body_dict(b, current_user) for b in services.list_bodies()],
                           can_manage=current_user.is_secretariat, kinds=KINDS, levels=LEVELS, recs=RECS,
                           presets=preset_choices(), voters=VOTING_CONSTITUENCIES)


@bp.post("/bodies/")
@login_required
def create():
    made = {}

    def act():
        made["body"] = services.create_body(current_user, body_input(_form()))
    return form_action(act, _("Body created."),
                       lambda: redirect(url_for("bodies.detail", body_id=made["body"].id) if made
                                        else url_for("bodies.index")))


@bp.get("/bodies/<int:body_id>")
@login_required
def detail(body_id: int):
    body = services.get_body(body_id)
    orgs = list_organisations() if current_user.is_secretariat else []
    return render_template("bodies/detail.html", body=body, data=body_dict(body, current_user, detail=True),
                           can_manage=current_user.is_secretariat, organisations=orgs, levels=LEVELS, recs=RECS,
                           following=follows.is_following(current_user, body=body))


@bp.post("/bodies/<int:body_id>/members")
@login_required
def add_member(body_id: int):
    body = services.get_body(body_id)
    return form_action(lambda: services.add_member(current_user, body, member_input(_form())),
                       _("Member added."), url_for("bodies.detail", body_id=body.id, _anchor="members"))


@bp.post("/bodies/<int:body_id>/sessions")
@login_required
def new_session(body_id: int):
    """The secretariat convenes a session: a consultation of the body (POST /consultations with
    body_id), in draft, its current members invited."""
    body = services.get_body(body_id)
    made = {}

    def act():
        data = parse(dict(_form(), body_id=body.id), CONSULTATION_NEW)
        made["c"] = create_consultation(current_user, data)
    return form_action(act, _("Session created as a draft; the current members are invited."),
                       lambda: redirect(url_for("consultations.detail", consultation_id=made["c"].id) if made
                                        else url_for("bodies.detail", body_id=body.id)))


@bp.post("/bodies/<int:body_id>/follow")
@login_required
def follow_body(body_id: int):
    body = services.get_body(body_id)
    return _follow_form({"body": body}, _("You follow this body."), _("You no longer follow this body."),
                        url_for("bodies.detail", body_id=body.id))


def _follow_form(target: dict, followed: str, unfollowed: str, back: str):
    """The follow button's form: `following=1` follows, anything else stops following."""
    on = request.form.get("following") == "1"
    return form_action(lambda: follows.set_follow(current_user, on, **target), followed if on else unfollowed, back)


def _theme_page(reader, slug: str, public: bool):
    data = themes.theme_overview(reader, slug)
    rows = stance_rows(data["stances"])
    chart = stance_chart(rows, _("Positions by constituency and year"))
    for key in ("consultations", "documents", "decisions", "positions"):
        data[key] = data[key][:PAGE_LIST]
    theme = themes.get_theme(slug)
    return render_template("bodies/theme.html", data=data, rows=rows, chart=chart, public=public,
                           following=follows.is_following(reader, theme=theme) if reader else False)


@bp.get("/charts/stances.css")
def chart_stylesheet():
    """The chart's stylesheet (the CSP allows no inline style), for signed-in and public pages."""
    resp = current_app.response_class(chart_css(), mimetype="text/css")
    resp.cache_control.public, resp.cache_control.max_age = True, 86400
    return resp


@bp.get("/themes/<slug>")
@login_required
def theme(slug: str):
    return _theme_page(current_user, slug, public=False)


@bp.get("/public/themes/<slug>")
def public_theme(slug: str):
    """The public version: published material only, for anyone, signed in or not."""
    return _theme_page(None, slug, public=True)


@bp.post("/themes/<slug>/follow")
@login_required
def follow_theme(slug: str):
    return _follow_form({"theme": themes.get_theme(slug)}, _("You follow this theme."),
                        _("You no longer follow this theme."), url_for("bodies.theme", slug=slug))

