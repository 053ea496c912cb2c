"""JSON resources: standing bodies and their members, following, and a theme across the years."""
from datetime import date

from flask import jsonify
from flask_babel import lazy_gettext as _l

from app.accounts.models import RECS
from app.api import ApiBlueprint, actor, json_body, page
from app.bodies import follows, services, themes
from app.bodies.models import KINDS
from app.bodies.serialize import BODY, MEMBER, body_dict, member_dict
from app.bodies.themes import THEME_OVERVIEW
from app.consultations.models import LEVELS, VOTING_CONSTITUENCIES
from app.core.errors import Invalid
from app.core.shapes import BOOL, Shape, page_of
from app.core.validation import Field, parse
from app.extensions import db

api = ApiBlueprint("bodies", __name__)

RULE = Field(dict, nullable=True, extra={"oneOf": "a preset name (string) or a rule object"})
BODY_BODY = {
    "name": Field(str, required=True, max_len=200),
    "acronym": Field(str, max_len=20, nullable=True),
    "kind": Field(str, required=True, choices=KINDS),
    "level": Field(str, required=True, choices=LEVELS),
    "country": Field(str, max_len=2, nullable=True),
    "rec": Field(str, choices=RECS, nullable=True),
    "rule": RULE,
    "voting_constituencies": Field("str_list", choices=VOTING_CONSTITUENCIES, nullable=True),
    "description": Field(str, max_len=20000, nullable=True, multiline=True),
}
MEMBER_BODY = {
    "organisation_id": Field(int, required=True),
    "seat": Field(str, max_len=200, nullable=True),
    "term_start": Field(str, required=True, max_len=10, extra={"format": "date"}),
    "term_end": Field(str, max_len=10, nullable=True, extra={"format": "date"}),
}
FOLLOW_BODY = {"following": Field(bool, required=True)}
FOLLOWING = Shape("Following", {"following": BOOL})


def parse_date(name: str, value: str | None) -> date | None:
    """A YYYY-MM-DD day; Invalid naming the field otherwise."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(_l("%(name)s must be a date (YYYY-MM-DD).", name=name), {name: "must be a date"}) from None
    if not 1900 <= day.year <= 2200:
        raise Invalid(_l("%(name)s is out of range.", name=name), {name: "out of range"})
    return day


def body_input(raw: dict) -> dict:
    data = parse(raw, {k: v for k, v in BODY_BODY.items() if k != "rule"})
    data["rule"] = raw.get("rule")
    return data


def member_input(raw: dict) -> dict:
    data = parse(raw, MEMBER_BODY)
    data["term_start"] = parse_date("term_start", data["term_start"])
    data["term_end"] = parse_date("term_end", data.get("term_end"))
    return data


@api.operation("/bodies", summary="Standing bodies", returns=page_of(BODY), tag="bodies")
def list_bodies():
    user = actor()
    return jsonify(page([body_dict(b, user) for b in services.list_bodies()], None))


@api.operation("/bodies", ("POST",), summary="Create a standing body (secretariat)", body=BODY_BODY, status=201,
               returns=BODY, tag="bodies")
def create_body():
    user = actor()
    body = services.create_body(user, body_input(json_body()))
    db.session.commit()
    return jsonify(body_dict(body, user, detail=True)), 201


@api.operation("/bodies/<int:body_id>", summary="A standing body with its members (current and past) and sessions",
               returns=BODY, tag="bodies")
def get_body(body_id: int):
    user = actor()
    return jsonify(body_dict(services.get_body(body_id), user, detail=True))


@api.operation("/bodies/<int:body_id>/members", ("POST",), summary="Give a body a member for a term (secretariat)",
               body=MEMBER_BODY, status=201, returns=MEMBER, tag="bodies")
def add_member(body_id: int):
    user = actor()
    body = services.get_body(body_id)
    m = services.add_member(user, body, member_input(json_body()))
    db.session.commit()
    return jsonify(member_dict(m, services.today())), 201


@api.operation("/bodies/<int:body_id>/follow", ("PUT",), summary="Follow a body, or stop following it",
               body=FOLLOW_BODY, returns=FOLLOWING, tag="bodies")
def follow_body(body_id: int):
    return _set_follow(lambda: {"body": services.get_body(body_id)})


def _set_follow(target) -> tuple:
    """Follow or unfollow what target() names (a body or a theme), after the caller is known."""
    user = actor()
    on = follows.set_follow(user, parse(json_body(), FOLLOW_BODY)["following"], **target())
    db.session.commit()
    return jsonify(FOLLOWING.dump({"following": on}))


@api.operation("/themes/<slug>", summary="A theme across RECs and years, as far as the caller may see",
               returns=THEME_OVERVIEW, tag="bodies")
def get_theme(slug: str):
    user = actor()
    data = themes.theme_overview(user, slug)
    data["following"] = follows.is_following(user, theme=themes.get_theme(slug))
    return jsonify(THEME_OVERVIEW.dump(data))


@api.operation("/themes/<slug>/follow", ("PUT",), summary="Follow a theme, or stop following it",
               body=FOLLOW_BODY, returns=FOLLOWING, tag="bodies")
def follow_theme(slug: str):
    return _set_follow(lambda: {"theme": themes.get_theme(slug)})
