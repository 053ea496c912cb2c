"""JSON resources of moderation: hide and report written content, review the reports."""
from flask import jsonify

from app.api import actor, json_body
from app.consultations import moderation
from app.consultations.api import api
from app.consultations.models import MODERATED_KINDS, REPORT_STATUSES
from app.core.db import isoformat
from app.core.shapes import DATETIME, INT, STR, Shape, enum, nullable, page_of
from app.core.validation import Field, parse
from app.extensions import db

REASON_BODY = {"reason": Field(str, required=True, max_len=moderation.REASON_MAX, multiline=True)}
HIDDEN = Shape("HiddenContent", {"kind": enum(*MODERATED_KINDS), "ref_id": INT, "consultation_id": INT,
                                 "reason": STR, "hidden_by_id": nullable(INT), "hidden_at": DATETIME},
               description="Content the secretariat hid; readers other than its author and the secretariat "
                           "see that it was hidden, not its text.")
REPORT = Shape("ContentReport", {"id": INT, "kind": enum(*MODERATED_KINDS), "ref_id": INT, "consultation_id": INT,
                                 "reporter_id": nullable(INT), "reason": STR, "status": enum(*REPORT_STATUSES),
                                 "created_at": DATETIME, "decided_at": nullable(DATETIME)})
KINDS = "|".join(MODERATED_KINDS)


def hidden_dict(h) -> dict:
    return HIDDEN.dump({"kind": h.kind, "ref_id": h.ref_id, "consultation_id": h.consultation_id, "reason": h.reason,
                        "hidden_by_id": h.hidden_by_id, "hidden_at": isoformat(h.hidden_at)})


def report_dict(r) -> dict:
    return REPORT.dump({"id": r.id, "kind": r.kind, "ref_id": r.ref_id, "consultation_id": r.consultation_id,
                        "reporter_id": r.reporter_id, "reason": r.reason, "status": r.status,
                        "created_at": isoformat(r.created_at), "decided_at": isoformat(r.decided_at)})


@api.operation("/content/<kind>/<int:ref_id>/hide", ("POST",), body=REASON_BODY, status=201, returns=HIDDEN,
               tag="consultations", summary=f"Hide a comment, chat message or amendment with a reason (secretariat); "
                                            f"kind: {KINDS}")
def hide_content(kind: str, ref_id: int):
    return _with_reason(moderation.hide_content, hidden_dict, kind, ref_id)


def _with_reason(act, serialise, kind: str, ref_id: int):
    """A moderation door: the reason read, the service called, commit, the record made (201)."""
    user = actor()
    reason = parse(json_body(), REASON_BODY)["reason"]
    made = act(user, kind, ref_id, reason)
    db.session.commit()
    return jsonify(serialise(made)), 201


@api.operation("/content/<kind>/<int:ref_id>/report", ("POST",), body=REASON_BODY, status=201, returns=REPORT,
               tag="consultations", summary=f"Report a comment, chat message or amendment to the secretariat "
                                            f"(participants); kind: {KINDS}")
def report_content(kind: str, ref_id: int):
    return _with_reason(moderation.report_content, report_dict, kind, ref_id)


@api.operation("/consultations/<int:consultation_id>/reports", returns=page_of(REPORT), tag="consultations",
               summary="Reports of written content to review, open ones first (secretariat)")
def list_reports(consultation_id: int):
    review = moderation.review_list(actor(), consultation_id)
    return jsonify({"items": [report_dict(x["report"]) for x in review["reports"]], "next": None})


@api.operation("/reports/<int:report_id>/dismiss", ("POST",), returns=REPORT, tag="consultations",
               summary="Close a report without hiding anything (secretariat)")
def dismiss_report(report_id: int):
    r = moderation.dismiss_report(actor(), report_id)
    db.session.commit()
    return jsonify(report_dict(r))
