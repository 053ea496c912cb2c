"""JSON resources: motions, ballots, results (JSON and CSV), the audit trail, substitutes."""
from datetime import datetime

from flask import Response, jsonify, request

from app.api import ApiBlueprint, actor, json_body
from app.consultations.services import get_visible
from app.core.errors import Invalid
from app.core.validation import Field, parse
from app.extensions import db
from app.votes import eligibility, services
from app.votes.models import BALLOTS
from app.votes.results import results_csv, serialize
from app.votes.rules import RULES

api = ApiBlueprint("votes", __name__)

MOTION_BODY = {
    "question": Field(str, required=True, max_len=2000),
    "options": Field("str_list", nullable=True, item_max=10),
    "ballot": Field(str, required=True, choices=BALLOTS),
    "rule": Field(str, choices=RULES),  # optional when the consultation has a default rule
    "weights": Field(dict, nullable=True),
    "quorum": Field(dict, nullable=True, extra={"oneOf": "integer or \"half_of_eligible\""}),
    "closes_at": Field(datetime, nullable=True),
    "agenda_item_id": Field(int, nullable=True),
    "document_version_id": Field(int, nullable=True),
}
OPEN_BODY = {"closes_at": Field(datetime, nullable=True)}
BALLOT_BODY = {"choice": Field(str, required=True, max_len=100)}
SUBSTITUTE_BODY = {"user_id": Field(int, required=True)}
RESULT_QUERY = {"format": Field(str, choices=("json", "csv"))}


def _motion_json(m, user) -> dict:
    return serialize(m, extra={"my_ballot": services.my_ballot(user, m)})


@api.operation("/consultations/<int:consultation_id>/motions", ("POST",), summary="Draft a motion (secretariat); quorum is an integer or \"half_of_eligible\"",
               body=MOTION_BODY, status=201, tag="votes")
def create_motion(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    raw = json_body()
    data = parse(raw, {k: v for k, v in MOTION_BODY.items() if k != "quorum"})
    data["quorum"] = raw.get("quorum")
    m = services.create_motion(user, c, data)
    db.session.commit()
    return jsonify(_motion_json(m, user)), 201


@api.operation("/consultations/<int:consultation_id>/motions", summary="Motions of a consultation (drafts: secretariat)",
               tag="votes")
def list_motions(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    items = services.list_motions(user, c)
    db.session.commit()
    return jsonify({"items": [serialize(m) for m in items], "next": None})


@api.operation("/motions/<int:motion_id>", summary="A motion: status, turnout by constituency, result once closed",
               tag="votes")
def get_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>/open", ("POST",), summary="Open a draft motion (secretariat)", body=OPEN_BODY,
               tag="votes")
def open_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    data = parse(json_body(optional=True), OPEN_BODY)
    m = services.open_motion(user, m, data.get("closes_at"))
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>/close", ("POST",), summary="Close an open motion and freeze its result (secretariat)",
               tag="votes")
def close_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    m = services.close_motion(user, m)
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>/ballots", ("POST",), summary="Vote (eligible delegates or their deputy)",
               body=BALLOT_BODY, status=201, tag="votes")
def cast_ballot(motion_id: int):
    user = actor()
    data = parse(json_body(), BALLOT_BODY)
    out = services.cast_ballot(user, motion_id, data["choice"])
    db.session.commit()
    return jsonify(out), (200 if out["replaced"] else 201)


@api.operation("/motions/<int:motion_id>/ballots/mine", summary="My vote: whether it is recorded (and the choice "
               "for open ballots)", tag="votes")
def my_ballot(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    db.session.commit()
    return jsonify(services.my_ballot(user, m))


def _result(motion_id: int, fmt: str):
    user = actor()
    m = services.get_motion(user, motion_id)
    db.session.commit()
    if m.status != "closed":
        from app.core.errors import Conflict
        raise Conflict("The result is published when the motion closes.")
    if fmt == "csv":
        return Response(results_csv(m), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="motion-{m.id}-result.csv"'})
    return jsonify({"motion_id": m.id, "question": m.question, "closed_at": serialize(m)["closed_at"],
                    "result": m.result})


@api.operation("/motions/<int:motion_id>/results", summary="The frozen result (?format=json|csv)", query=RESULT_QUERY,
               tag="votes")
def results(motion_id: int):
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Invalid("format must be json or csv.", {"format": "not an allowed value"})
    return _result(motion_id, fmt)


@api.operation("/motions/<int:motion_id>/results.json", summary="The frozen result as JSON", tag="votes")
def results_json(motion_id: int):
    return _result(motion_id, "json")


@api.operation("/motions/<int:motion_id>/results.csv", summary="The frozen result as CSV", tag="votes")
def results_csv_file(motion_id: int):
    return _result(motion_id, "csv")


@api.operation("/motions/<int:motion_id>/audit", summary="Audit trail of a motion (secretariat)", tag="votes")
def audit_trail(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    items = services.audit_trail(user, m)
    db.session.commit()
    return jsonify({"items": items, "next": None})


@api.operation("/consultations/<int:consultation_id>/substitutes", ("POST",),
               summary="Name an adviser of my organisation as my deputy (delegates)", body=SUBSTITUTE_BODY,
               status=201, tag="votes")
def name_substitute(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    data = parse(json_body(), SUBSTITUTE_BODY)
    deputy = eligibility.name_deputy(user, c, data["user_id"])
    db.session.commit()
    return jsonify(deputy.to_dict()), 201


@api.operation("/consultations/<int:consultation_id>/substitutes", ("DELETE",),
               summary="Withdraw my deputy (delegates)", tag="votes")
def remove_substitute(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    eligibility.remove_deputy(user, c)
    db.session.commit()
    return jsonify({"ok": True})
