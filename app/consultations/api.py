"""JSON resources for consultations, their participants, agenda and the theme list."""
from datetime import datetime

from flask import jsonify

from app.accounts.models import RECS
from app.api import ApiBlueprint, actor, json_body, page, query_args
from app.consultations import agenda, attendance, audit, participants, services
from app.consultations import export as participants_export
from app.consultations.attendance import ATTENDANCE
from app.consultations.models import (
    AGENDA_ITEM,
    CONSULTATION,
    CONSULTATION_DETAIL,
    CREDENTIALS,
    LEVELS,
    MEETING_URL_MAX,
    PARTICIPANT,
    PARTICIPANT_ROLES,
    STATUSES,
    THEME,
    VOTING_CONSTITUENCIES,
)
from app.core import office
from app.core.realtime import ROOM_EVENT
from app.core.shapes import OK, page_of
from app.core.validation import Field, parse
from app.extensions import db

api = ApiBlueprint("consultations", __name__)


def _write(consultation_id: int, act, spec: dict | None = None, partial: bool = False):
    """A write door on one consultation: the caller, the consultation as they may see it (404
    otherwise), the body parsed by `spec`, the service call act(user, consultation, data), the
    commit; answers what act returned."""
    user = actor()
    c = services.get_visible(user, consultation_id)
    data = parse(json_body(), spec, partial=partial) if spec else {}
    answer = act(user, c, data)
    db.session.commit()
    return answer

CONSULTATION_BODY = {
    "title": Field(str, required=True, max_len=300),
    "level": Field(str, required=True, choices=LEVELS),
    "country": Field(str, max_len=2, nullable=True),
    "rec": Field(str, choices=RECS, nullable=True),
    "description": Field(str, max_len=20000, nullable=True, multiline=True),
    "starts_at": Field(datetime, nullable=True),
    "ends_at": Field(datetime, nullable=True),
    "themes": Field("str_list", nullable=True),
    "voting_constituencies": Field("str_list", choices=VOTING_CONSTITUENCIES, nullable=True),
    "is_public": Field(bool),
    # the bridge of a hybrid sitting (http or https URL; "" or null clears it), checked by the service
    "meeting_url": Field(str, max_len=MEETING_URL_MAX, nullable=True),
}
# rule: the default rule of procedure of the consultation's motions, a preset name or a rule object
# (GET /rules); read as given and checked by the service
CONSULTATION_PATCH = dict(CONSULTATION_BODY, status=Field(str, choices=STATUSES), rule=Field(dict, nullable=True),
                          speaking_time_s=Field(int, nullable=True))
ATTENDANCE_BODY = {"present": Field(bool, required=True)}
# Only at creation: the consultation is a session of this standing body.
CONSULTATION_NEW = dict(CONSULTATION_BODY, body_id=Field(int, nullable=True))
LIST_QUERY = {
    "level": Field(str, choices=LEVELS), "rec": Field(str, choices=RECS), "country": Field(str, max_len=2),
    "theme": Field(str, max_len=80), "status": Field(str, choices=STATUSES), "q": Field(str, max_len=200),
    "year": Field(int), "cursor": Field(int), "limit": Field(int),
}
INVITE_BODY = {"organisation_id": Field(int), "user_id": Field(int),
               "role": Field(str, choices=PARTICIPANT_ROLES)}
PARTICIPANT_PATCH = {"credentials": Field(str, choices=CREDENTIALS), "role": Field(str, choices=PARTICIPANT_ROLES)}
AGENDA_BODY = {"title": Field(str, required=True, max_len=300)}
THEME_BODY = {"slug": Field(str, required=True, max_len=80), "name": Field(str, required=True, max_len=200),
              "description": Field(str, max_len=2000, multiline=True)}


@api.operation("/consultations", summary="Consultations the caller may see", query=LIST_QUERY, returns=page_of(CONSULTATION), tag="consultations")
def list_consultations():
    user = actor()
    q = query_args(LIST_QUERY)
    items, nxt = services.list_visible(
        user, level=q.get("level"), rec=q.get("rec"), country=q.get("country"), theme=q.get("theme"),
        status=q.get("status"), q=q.get("q"), year=q.get("year"), after=q.get("cursor"),
        limit=q.get("limit") or 50)
    return jsonify(page([services.serialize(c) for c in items], nxt))


@api.operation("/consultations", ("POST",), summary="Create a consultation (secretariat), or a session of a standing body (body_id)",
               body=CONSULTATION_NEW, status=201, returns=CONSULTATION_DETAIL, tag="consultations")
def create_consultation():
    user = actor()
    data = parse(json_body(), CONSULTATION_NEW)
    c = services.create_consultation(user, data)
    db.session.commit()
    return jsonify(services.serialize(c, detail=True, viewer=user)), 201


@api.operation("/consultations/<int:consultation_id>", summary="A consultation with agenda and participants",
               returns=CONSULTATION_DETAIL, tag="consultations")
def get_consultation(consultation_id: int):
    user = actor()
    c = services.get_visible(user, consultation_id)
    return jsonify(services.serialize(c, detail=True, viewer=user))


@api.operation("/consultations/<int:consultation_id>", ("PATCH",), summary="Edit a consultation or move its status",
               body=CONSULTATION_PATCH, returns=CONSULTATION_DETAIL, tag="consultations")
def update_consultation(consultation_id: int):
    user = actor()
    c = services.get_visible(user, consultation_id)
    raw = json_body()
    data = parse(raw, {k: v for k, v in CONSULTATION_PATCH.items() if k != "rule"}, partial=True)
    if "rule" in raw:
        data["rule"] = raw["rule"]
    services.update_consultation(user, c, data)
    db.session.commit()
    return jsonify(services.serialize(c, detail=True, viewer=user))


@api.operation("/consultations/<int:consultation_id>/participants", summary="Participants of a consultation",
               returns=page_of(PARTICIPANT), tag="consultations")
def list_participants(consultation_id: int):
    c = services.get_visible(actor(), consultation_id)
    return jsonify({"items": [p.to_dict() for p in c.participants], "next": None})


PARTICIPANTS_EXPORT = {"format": Field(str, choices=participants_export.FORMATS)}


@api.operation("/consultations/<int:consultation_id>/participants/export", query=PARTICIPANTS_EXPORT,
               tag="consultations", returns=office.downloads(".xlsx, CSV or the List of participants .docx", "xlsx", "csv", "docx"),
               summary="The participant list as .xlsx, CSV or the \"List of participants\" .docx (default xlsx)")
def export_participants(consultation_id: int):
    fmt = query_args(PARTICIPANTS_EXPORT).get("format") or "xlsx"
    body, name = participants_export.participant_list(actor(), consultation_id, fmt)
    return office.download(body, fmt, name)


@api.operation("/consultations/<int:consultation_id>/participants", ("POST",),
               summary="Invite an organisation (all its users) or one user (secretariat)", body=INVITE_BODY,
               status=201, returns=page_of(PARTICIPANT), tag="consultations")
def invite(consultation_id: int):
    made = _write(consultation_id, lambda user, c, data: participants.invite(
        user, c, data.get("organisation_id"), data.get("user_id"), data.get("role")), INVITE_BODY)
    return jsonify({"items": [p.to_dict() for p in made], "next": None}), 201


@api.operation("/consultations/<int:consultation_id>/participants/<int:participant_id>", ("PATCH",),
               summary="Decide credentials or change a participant's role (secretariat)", body=PARTICIPANT_PATCH,
               returns=PARTICIPANT, tag="consultations")
def update_participant(consultation_id: int, participant_id: int):
    p = _write(consultation_id, lambda user, c, data: participants.update_participant(
        user, c, participant_id, data.get("credentials"), data.get("role")), PARTICIPANT_PATCH, partial=True)
    return jsonify(p.to_dict())


@api.operation("/consultations/<int:consultation_id>/participants/<int:participant_id>", ("DELETE",),
               summary="Remove a participant (secretariat)", returns=OK, tag="consultations")
def remove_participant(consultation_id: int, participant_id: int):
    _write(consultation_id, lambda user, c, _: participants.remove_participant(user, c, participant_id))
    return jsonify({"ok": True})


@api.operation("/consultations/<int:consultation_id>/agenda", ("POST",), summary="Append an agenda item (secretariat)",
               body=AGENDA_BODY, status=201, returns=AGENDA_ITEM, tag="consultations")
def add_agenda_item(consultation_id: int):
    item = _write(consultation_id, lambda user, c, data: agenda.add_agenda_item(user, c, data["title"]), AGENDA_BODY)
    return jsonify(item.to_dict()), 201


@api.operation("/consultations/<int:consultation_id>/attendance", summary="The attendance register of the current "
               "(or last) sitting: present and entitled voting slots", returns=ATTENDANCE, tag="consultations")
def get_attendance(consultation_id: int):
    c = services.get_visible(actor(), consultation_id)
    return jsonify(attendance.register(c))


@api.operation("/consultations/<int:consultation_id>/attendance/<int:participant_id>", ("PUT",),
               summary="Roll call: mark a participant present or absent (secretariat or chair, live sitting)",
               body=ATTENDANCE_BODY, returns=ATTENDANCE, tag="consultations")
def set_attendance(consultation_id: int, participant_id: int):
    def act(user, c, data):
        attendance.set_presence(user, c, participant_id, data["present"])
        return c
    return jsonify(attendance.register(_write(consultation_id, act, ATTENDANCE_BODY)))


@api.operation("/themes", summary="The managed list of policy themes", returns=page_of(THEME), tag="consultations")
def list_themes():
    actor()
    return jsonify({"items": [t.to_dict() for t in services.list_themes()], "next": None})


@api.operation("/themes", ("POST",), summary="Add a policy theme (secretariat)", body=THEME_BODY, status=201,
               returns=THEME, tag="consultations")
def create_theme():
    user = actor()
    data = parse(json_body(), THEME_BODY)
    t = services.create_theme(user, data["slug"], data["name"], data.get("description") or "")
    db.session.commit()
    return jsonify(t.to_dict()), 201


AGENDA_PATCH = {"title": Field(str, max_len=300), "starts_at": Field(datetime, nullable=True)}
CREDENTIALS_BODY = {"participant_ids": Field("int_list", required=True, item_max=1000)}
AUDIT_QUERY = {"before": Field(int)}


@api.operation("/consultations/<int:consultation_id>/agenda/<int:item_id>", ("PATCH",), body=AGENDA_PATCH,
               returns=AGENDA_ITEM, tag="consultations",
               summary="Rename an agenda item or set its time (starts_at; null clears it) (secretariat)")
def update_agenda_item(consultation_id: int, item_id: int):
    def act(user, c, data):
        item = agenda.get_agenda_item(c, item_id)
        if data.get("title") is not None:
            item = agenda.rename_agenda_item(user, c, item_id, data["title"])
        if "starts_at" in data:
            item = agenda.time_agenda_item(user, c, item_id, data["starts_at"])
        return item
    return jsonify(_write(consultation_id, act, AGENDA_PATCH, partial=True).to_dict())


@api.operation("/consultations/<int:consultation_id>/agenda/<int:item_id>", ("DELETE",), returns=OK,
               tag="consultations", summary="Remove an agenda item; the items after it move up (secretariat)")
def remove_agenda_item(consultation_id: int, item_id: int):
    _write(consultation_id, lambda user, c, _: agenda.remove_agenda_item(user, c, item_id))
    return jsonify({"ok": True})


@api.operation("/consultations/<int:consultation_id>/credentials", ("POST",), body=CREDENTIALS_BODY,
               returns=page_of(PARTICIPANT), tag="consultations",
               summary="Accept the credentials of several participants at once (secretariat); answers those changed")
def accept_credentials(consultation_id: int):
    changed = _write(consultation_id, lambda user, c, data: participants.accept_credentials(
        user, c, data["participant_ids"]), CREDENTIALS_BODY)
    return jsonify({"items": [p.to_dict() for p in changed], "next": None})


@api.operation("/consultations/<int:consultation_id>/audit", query=AUDIT_QUERY, returns=page_of(ROOM_EVENT),
               tag="consultations", summary="The audit of a consultation (secretariat): credentials, roles, deputies, "
                                            "agenda, lifecycle, publication and decisions, newest first")
def audit_trail(consultation_id: int):
    q = query_args(AUDIT_QUERY)
    _c, events, nxt = audit.audit_trail(actor(), consultation_id, q.get("before"))
    return jsonify({"items": [e.to_dict() for e in events], "next": str(nxt) if nxt else None})
