"""JSON resources: motions, ballots, results (JSON and CSV), the audit trail, substitutes."""
from datetime import datetime

from flask import Response, jsonify, request

from app.api import ApiBlueprint, actor, json_body
from app.consultations import procedure, words
from app.consultations.models import PARTICIPANT
from app.consultations.services import get_visible
from app.core.errors import Invalid
from app.core.shapes import DATETIME, INT, OK, STR, Media, Shape, nullable, page_of
from app.core.validation import Field, parse
from app.extensions import db
from app.votes import eligibility, services
from app.votes.models import BALLOTS
from app.votes.results import AUDIT_ENTRY, BALLOT_RECEIPT, MOTION, MY_BALLOT, RESULT, RULE, results_csv, serialize, shown_result

api = ApiBlueprint("votes", __name__)

MOTION_BODY = {
    "question": Field(str, required=True, max_len=2000),
    "options": Field("str_list", nullable=True, item_max=10),
    "ballot": Field(str, required=True, choices=BALLOTS),
    # a preset name (GET /rules) or a rule object; absent: the consultation's default rule
    "rule": Field(dict, nullable=True),
    "weights": Field(dict, nullable=True),
    "quorum": Field(dict, nullable=True),
    "closes_at": Field(datetime, nullable=True),
    "agenda_item_id": Field(int, nullable=True),
    "document_version_id": Field(int, nullable=True),
}
RAW = ("rule", "quorum")  # a string or an object (or an integer): read as given, checked by the service
MOTION_PATCH = {"question": Field(str, max_len=2000), "rule": MOTION_BODY["rule"], "weights": MOTION_BODY["weights"],
                "quorum": MOTION_BODY["quorum"]}
OPEN_BODY = {"closes_at": Field(datetime, nullable=True)}
BALLOT_BODY = {"choice": Field(str, required=True, max_len=100)}
SUBSTITUTE_BODY = {"user_id": Field(int, required=True)}
RESULT_QUERY = {"format": Field(str, choices=("json", "csv"))}
RULE_PRESETS = page_of(Shape("RulePreset", {"name": STR, "label": STR, "rule": RULE, "words": STR}))
FROZEN_RESULT = Shape("FrozenResult", {"motion_id": INT, "question": STR, "closed_at": nullable(DATETIME),
                                       "result": RESULT})


def _motion_json(m, user) -> dict:
    return serialize(m, extra={"my_ballot": services.my_ballot(user, m)})


@api.operation("/consultations/<int:consultation_id>/motions", ("POST",), returns=MOTION, summary="Draft a motion (secretariat): "
               "rule is a preset name or a rule object; quorum an integer, \"half_of_eligible\" or a quorum object",
               body=MOTION_BODY, status=201, tag="votes")
def create_motion(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    raw = json_body()
    data = parse(raw, {k: v for k, v in MOTION_BODY.items() if k not in RAW})
    data.update({k: raw.get(k) for k in RAW})
    m = services.create_motion(user, c, data)
    db.session.commit()
    return jsonify(_motion_json(m, user)), 201


@api.operation("/amendments/<int:amendment_id>/motion", ("POST",), returns=MOTION, status=201, tag="votes",
               summary="Put an amendment to the vote (secretariat): a draft motion under the consultation's rule "
                       "(or its body's); carried, the amendment is accepted into a new version crediting its "
                       "proposer; otherwise it is rejected with the result as the reason")
def amendment_motion(amendment_id: int):
    user = actor()
    m = services.put_to_vote(user, "amendment", amendment_id)
    db.session.commit()
    return jsonify(_motion_json(m, user)), 201


@api.operation("/consultations/<int:consultation_id>/motions", returns=page_of(MOTION), summary="Motions of a consultation (drafts: secretariat)",
               tag="votes")
def list_motions(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    items = services.list_motions(user, c)
    db.session.commit()
    return jsonify({"items": [serialize(m) for m in items], "next": None})


@api.operation("/motions/<int:motion_id>", returns=MOTION, summary="A motion: status, turnout by constituency, result once closed",
               tag="votes")
def get_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>", ("PATCH",), returns=MOTION, summary="Change a draft motion's question or rule "
               "(secretariat); 409 once it is open", body=MOTION_PATCH, tag="votes")
def update_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    raw = json_body()
    data = parse(raw, {k: v for k, v in MOTION_PATCH.items() if k not in RAW}, partial=True)
    data.update({k: raw.get(k) for k in RAW})
    m = services.update_motion(user, m, data)
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/rules", summary="The named rules of procedure (presets) with their objects and their words",
               returns=RULE_PRESETS, tag="votes")
def list_rules():
    actor()
    return jsonify(RULE_PRESETS.dump({"items": [{**p, "words": words.describe(p["rule"])} for p in procedure.presets()],
                                      "next": None}))


@api.operation("/motions/<int:motion_id>/open", ("POST",), returns=MOTION, summary="Open a draft motion (secretariat)", body=OPEN_BODY,
               tag="votes")
def open_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    data = parse(json_body(optional=True), OPEN_BODY)
    m = services.open_motion(user, m, data.get("closes_at"))
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>/close", ("POST",), returns=MOTION, summary="Close an open motion and freeze its result (secretariat)",
               tag="votes")
def close_motion(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    m = services.close_motion(user, m)
    db.session.commit()
    return jsonify(_motion_json(m, user))


@api.operation("/motions/<int:motion_id>/ballots", ("POST",), returns={201: BALLOT_RECEIPT, 200: BALLOT_RECEIPT}, summary="Vote (eligible delegates or their deputy)",
               body=BALLOT_BODY, status=201, tag="votes")
def cast_ballot(motion_id: int):
    user = actor()
    data = parse(json_body(), BALLOT_BODY)
    out = services.cast_ballot(user, motion_id, data["choice"])
    db.session.commit()
    return jsonify(out), (200 if out["replaced"] else 201)


@api.operation("/motions/<int:motion_id>/ballots/mine", returns=MY_BALLOT, summary="My vote: whether it is recorded (and the choice "
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
    return jsonify(FROZEN_RESULT.dump({"motion_id": m.id, "question": m.question,
                                       "closed_at": serialize(m)["closed_at"], "result": shown_result(m.result)}))


@api.operation("/motions/<int:motion_id>/results", returns=Media({"application/json": FROZEN_RESULT, "text/csv": STR}), summary="The frozen result (?format=json|csv)", query=RESULT_QUERY,
               tag="votes")
def results(motion_id: int):
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise Invalid("format must be json or csv.", {"format": "not an allowed value"})
    return _result(motion_id, fmt)


@api.operation("/motions/<int:motion_id>/results.json", returns=FROZEN_RESULT, summary="The frozen result as JSON", tag="votes")
def results_json(motion_id: int):
    return _result(motion_id, "json")


@api.operation("/motions/<int:motion_id>/results.csv", returns=Media({"text/csv": STR}), summary="The frozen result as CSV", tag="votes")
def results_csv_file(motion_id: int):
    return _result(motion_id, "csv")


@api.operation("/motions/<int:motion_id>/audit", returns=page_of(AUDIT_ENTRY), summary="Audit trail of a motion (secretariat)", tag="votes")
def audit_trail(motion_id: int):
    user = actor()
    m = services.get_motion(user, motion_id)
    items = services.audit_trail(user, m)
    db.session.commit()
    return jsonify({"items": items, "next": None})


@api.operation("/consultations/<int:consultation_id>/substitutes", ("POST",),
               returns=PARTICIPANT, summary="Name an adviser of my organisation as my deputy (delegates)", body=SUBSTITUTE_BODY,
               status=201, tag="votes")
def name_substitute(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    data = parse(json_body(), SUBSTITUTE_BODY)
    deputy = eligibility.name_deputy(user, c, data["user_id"])
    db.session.commit()
    return jsonify(deputy.to_dict()), 201


@api.operation("/consultations/<int:consultation_id>/substitutes", ("DELETE",),
               returns=OK, summary="Withdraw my deputy (delegates)", tag="votes")
def remove_substitute(consultation_id: int):
    user = actor()
    c = get_visible(user, consultation_id)
    eligibility.remove_deputy(user, c)
    db.session.commit()
    return jsonify({"ok": True})
