"""Turnout and the published result of a motion: the stored ballots and the register handed to
the one decision function (app.consultations.decision), and the result as published.

What is published depends on the ballot: roll_call publishes who voted what; show_of_hands the
counts per constituency, no names; secret only the totals per option, and the counts per
constituency only when every voting group has at least MIN_SECRET_GROUP voters (otherwise the
reason of a group rule is worded without group detail too). The frozen result of a closed
motion is exactly what compute_result() returns, so it can be recomputed and compared.
"""
import csv
import io

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.accounts.models import Organisation, User
from app.consultations import attendance, decision, procedure, words
from app.consultations.models import Participant
from app.core import labels
from app.core.db import isoformat
from app.core.office import safe_cell as _cell
from app.core.shapes import ANY, BOOL, DATETIME, INT, NUMBER, STR, Shape, any_of, const, enum, list_of, map_of, nullable
from app.extensions import db
from app.votes.eligibility import eligible_by_group, entitled_rows, voting_groups
from app.votes.models import BALLOTS, MOTION_STATUSES, Ballot, Motion, SecretChoice, SecretTally, VoterRecord

MIN_SECRET_GROUP = 3


def ballots(m: Motion) -> list[dict]:
    """The motion's ballots as the decision reads them (app.consultations.decision): open
    ballots with their slot, organisation, country and time; secret ones anonymous, from the
    choices while open and from the sealed counts once closed."""
    if m.ballot != "secret":
        rows = db.session.execute(
            select(Ballot.slot_id, Ballot.constituency, Ballot.choice, Ballot.cast_at, Participant.organisation_id,
                   Organisation.country)
            .join(Participant, Participant.id == Ballot.slot_id)
            .join(Organisation, Organisation.id == Participant.organisation_id).where(Ballot.motion_id == m.id))
        return [{"voter": slot, "group": g, "choice": ch, "at": at, "organisation": org, "country": cc}
                for slot, g, ch, at, org, cc in rows]
    if m.status == "closed":
        rows = db.session.execute(select(SecretTally.constituency, SecretTally.choice, SecretTally.votes)
                                  .where(SecretTally.motion_id == m.id))
    else:
        rows = db.session.execute(select(SecretChoice.constituency, SecretChoice.choice, func.count())
                                  .where(SecretChoice.motion_id == m.id)
                                  .group_by(SecretChoice.constituency, SecretChoice.choice))
    return [{"voter": None, "group": g, "choice": ch} for g, ch, n in rows for _ in range(n)]


def live_register(m: Motion) -> dict:
    """The register a vote closing now is decided on: the entitled slots, those present in the
    current (or last) sitting, and for a secret ballot the slots that voted."""
    c = m.consultation
    entitled = entitled_rows(c)
    reg = {"groups": voting_groups(c), "entitled": entitled, "sitting": attendance.sitting_of(c),
           "present": attendance.present_slots(c, entitled)}
    if m.ballot == "secret":
        reg["voted"] = sorted(db.session.scalars(select(VoterRecord.slot_id).where(VoterRecord.motion_id == m.id)))
    return reg


def turnout(m: Motion, entitled: list[dict] | None = None) -> dict:
    """Voters so far per constituency (never what they chose), and the eligible numbers
    (`entitled`: the voting slots' rows, when already read)."""
    table = VoterRecord if m.ballot == "secret" else Ballot
    rows = dict(db.session.execute(select(table.constituency, func.count())
                                   .where(table.motion_id == m.id).group_by(table.constituency)).all())
    eligible = eligible_by_group(m.consultation, entitled)
    by_group = {g: int(rows.get(g, 0)) for g in eligible}
    return {"turnout": by_group, "voted": sum(rows.values()), "eligible": sum(eligible.values()),
            "eligible_by_constituency": eligible}


def _roll_call(m: Motion) -> list[dict]:
    """Who voted what, with the deputy who cast a delegate's ballot; plain columns, one query."""
    deputy = aliased(User)
    rows = db.session.execute(
        select(User.id, User.name, Organisation.name, Ballot.constituency, Ballot.choice, Ballot.cast_by_id,
               deputy.name)
        .join(Participant, Participant.id == Ballot.slot_id).join(User, User.id == Participant.user_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .outerjoin(deputy, deputy.id == Ballot.cast_by_id).where(Ballot.motion_id == m.id))
    votes = []
    for uid, name, org, constituency, choice, cast_by, deputy_name in rows:
        entry = {"user_id": uid, "name": name, "organisation": org, "constituency": constituency, "choice": choice}
        if cast_by is not None and cast_by != uid:
            entry["cast_by"] = {"user_id": cast_by, "name": deputy_name}
        votes.append(entry)
    return sorted(votes, key=lambda v: (v["constituency"], v["name"], v["user_id"]))


def _published(m: Motion, rule: dict, items: list[dict], disclose: bool) -> tuple[dict, dict | None]:
    """Tallies per option and per constituency of the counted ballots (one per unit)."""
    options = list(m.options)
    tallies = {o: 0 for o in options}
    by_group = {g: {o: 0 for o in options} for g in voting_groups(m.consultation)}
    for _key, group, choice in decision.counted_ballots(rule, items):
        tallies[choice] = tallies.get(choice, 0) + 1
        by_group.setdefault(group, {o: 0 for o in options})[choice] += 1
    if "" in by_group and any(b["group"] == "" for b in items):  # sealed secret totals
        by_group = {"": tallies}
    elif rule["unit"] == "member_state":
        by_group = None
    return tallies, (by_group if disclose else None)


def compute_result(m: Motion, register: dict | None = None) -> dict:
    """The result as published, from the stored ballots and a register (default: the register
    now; a closed motion is recomputed with the register frozen at close)."""
    rule = m.procedure
    register = live_register(m) if register is None else register
    items = ballots(m)
    seen = turnout(m, register.get("entitled") if m.status != "closed" else None)
    groups = voting_groups(m.consultation)
    disclose = m.ballot != "secret" or all(seen["turnout"].get(g, 0) >= MIN_SECRET_GROUP for g in groups)
    sealed = m.ballot == "secret" and any(b["group"] == "" for b in items)
    if sealed and rule["groups"] is not None and m.result:
        # a sealed secret motion without its groups: the group rule's frozen decision stands
        d = {k: m.result[k] for k in ("outcome", "reason_code", "reason_params", "arithmetic")}
    else:
        d = decision.decide(rule, items, register, disclose_groups=disclose)
    tallies, by_constituency = _published(m, rule, items, disclose)
    a = d["arithmetic"]
    result = {
        "outcome": d["outcome"], "reason_code": d["reason_code"], "reason_params": d["reason_params"],
        "rule": rule, "rule_name": m.rule, "ballot": m.ballot, "options": list(m.options), "tallies": tallies,
        "by_constituency": by_constituency, "turnout": seen["turnout"], "voted": seen["voted"],
        "eligible": a["entitled_count"], "votes_cast": a["yes"] + a["no"], "quorum": m.quorum,
        "quorum_required": a["quorum_required"], "quorum_met": a["quorum_met"], "arithmetic": a,
        "next_motion_id": m.next_motion_id, "previous_motion_id": m.previous_motion_id,
    }
    if isinstance(rule.get("groups"), dict):
        result["weights"] = rule["groups"]["weights"]
    if m.ballot == "roll_call":
        result["votes"] = _roll_call(m)
    return result


def recompute(m: Motion) -> dict:
    """A closed motion's result recomputed from its ballots and frozen register (equals the frozen one)."""
    return compute_result(m, register=m.register or {})


def shown_result(result: dict | None) -> dict | None:
    """A frozen result as a reader gets it: with the reason and the arithmetic in their language."""
    if result is None:
        return None
    return {**result, "reason": words.reason(result["outcome"], result.get("reason_code"), result.get("reason_params")),
            "arithmetic_words": words.arithmetic(result.get("arithmetic"))}


QUORUM = nullable(any_of(INT, const("half_of_eligible"), map_of(ANY)))
RULE = Shape("Rule", {
    "unit": enum(*procedure.UNITS), "threshold": enum(*procedure.THRESHOLDS), "base": enum(*procedure.BASES),
    "quorum": nullable(any_of(INT, Shape("QuorumRule", {"of": enum(*procedure.QUORUM_OF), "fraction": STR,
                                                         "counted": enum(*procedure.QUORUM_COUNTED)}))),
    "groups": nullable(any_of(const("each"), Shape("GroupWeights", {"weights": map_of(NUMBER)}))),
    "consensus_first": BOOL}, description="A rule of procedure (contract section 5); every preset expands to one.")
COUNTS = {"yes": INT, "no": INT, "abstain": INT, "base_count": INT}
ARITHMETIC = Shape("Arithmetic", {
    "unit": enum(*procedure.UNITS), "base": enum(*procedure.BASES), **COUNTS, "required": nullable(INT),
    "quorum_required": nullable(INT), "quorum_counted": nullable(INT), "quorum_met": BOOL,
    "entitled_count": nullable(INT), "present_count": nullable(INT)}, optional={
    "groups": nullable(map_of(Shape("GroupArithmetic", {**COUNTS, "required": INT, "passed": BOOL}))),
    "weighted": map_of(ANY)},
    description="What the decision counted: the base and its count, yes / no / abstain, what was required, "
                "the quorum required and counted, per group where the rule has groups (null when a secret "
                "ballot's groups are too small to show).")
RESULT = Shape("MotionResult", {
    "outcome": enum(*labels.OUTCOME), "reason_code": STR, "reason_params": map_of(ANY), "rule": RULE,
    "rule_name": nullable(STR), "ballot": enum(*BALLOTS), "options": list_of(STR), "tallies": map_of(INT),
    "by_constituency": nullable(map_of(map_of(INT))), "turnout": map_of(INT), "voted": INT, "eligible": nullable(INT),
    "votes_cast": INT, "quorum": QUORUM, "quorum_required": nullable(INT), "quorum_met": BOOL,
    "arithmetic": ARITHMETIC, "next_motion_id": nullable(INT)},
    optional={"previous_motion_id": nullable(INT), "reason": STR, "arithmetic_words": list_of(STR),
              "weights": map_of(NUMBER), "votes": list_of(Shape("RollCallVote", {
                  "user_id": INT, "name": STR, "organisation": STR, "constituency": STR, "choice": STR}, optional={
                  "cast_by": Shape("CastBy", {"user_id": INT, "name": nullable(STR)})}))},
    description="The frozen result: the rule applied, the outcome with its reason as a code and parameters "
                "(`reason` and `arithmetic_words` in the reader's language), the arithmetic; by_constituency is "
                "null when a secret ballot's groups are too small to show; votes (who voted what) for a roll call.")
MY_BALLOT = Shape("MyBallot", {"eligible": BOOL, "voted": BOOL}, optional={
    "slot_id": INT, "can_change": BOOL, "choice": STR, "cast_by_id": nullable(INT), "cast_at": DATETIME,
    "message": STR}, description="Whether the caller may vote and whether their voting slot has voted; the "
                                 "choice only for open ballots (votes.services.my_ballot).")
BALLOT_RECEIPT = Shape("BallotReceipt", {"motion_id": INT, "recorded": const(True), "replaced": BOOL, "message": STR},
                       optional={"choice": STR}, description="votes.services.cast_ballot; no choice for a secret ballot.")
AUDIT_ENTRY = Shape("VoteAuditEntry", {"action": STR, "actor_id": nullable(INT), "slot_id": nullable(INT),
                                       "at": DATETIME, "detail": map_of(ANY)})
MOTION = Shape("Motion", {
    "id": INT, "consultation_id": INT, "question": STR, "options": list_of(STR), "ballot": enum(*BALLOTS),
    "rule": any_of(STR, RULE), "rule_object": RULE, "rule_words": STR, "weights": nullable(map_of(NUMBER)),
    "quorum": QUORUM, "status": enum(*MOTION_STATUSES), "agenda_item_id": nullable(INT),
    "document_version_id": nullable(INT), "opened_at": nullable(DATETIME), "closes_at": nullable(DATETIME),
    "closed_at": nullable(DATETIME), "created_at": DATETIME, "next_motion_id": nullable(INT),
    "previous_motion_id": nullable(INT), "result": nullable(RESULT)}, optional={
    "turnout": map_of(INT), "voted": INT, "eligible": INT, "eligible_by_constituency": map_of(INT),
    "my_ballot": MY_BALLOT}, description="A motion; once opened, its turnout by constituency (never the choices).")


def serialize(m: Motion, *, now=None, extra: dict | None = None) -> dict:
    status = m.effective_status(now)
    data = {
        "id": m.id, "consultation_id": m.consultation_id, "question": m.question,
        "options": list(m.options), "ballot": m.ballot, "rule": m.procedure if m.rule == "custom" else m.rule,
        "rule_object": m.procedure, "rule_words": words.describe(m.procedure), "weights": m.weights,
        "quorum": m.quorum, "status": status, "agenda_item_id": m.agenda_item_id,
        "document_version_id": m.document_version_id, "opened_at": isoformat(m.opened_at),
        "closes_at": isoformat(m.closes_at), "closed_at": isoformat(m.closed_at),
        "created_at": isoformat(m.created_at), "next_motion_id": m.next_motion_id,
        "previous_motion_id": m.previous_motion_id,
    }
    if status != "draft":
        data.update(turnout(m))
    data["result"] = shown_result(m.result) if m.status == "closed" else None
    if extra:
        data.update(extra)
    return MOTION.dump(data)


def results_csv(m: Motion) -> str:
    """The frozen result as CSV: a summary, the tallies per option and constituency (as the
    ballot allows), then for roll_call one line per voter."""
    r = m.result or {}
    out = io.StringIO()
    writer = csv.writer(out)

    def w(row):
        writer.writerow([_cell(v) for v in row])
    w(["motion_id", m.id])
    w(["question", m.question])
    shown = shown_result(r) or {}
    for key in ("ballot", "rule_name", "outcome", "reason_code", "reason", "voted", "eligible", "votes_cast",
                "quorum_required", "quorum_met"):
        w([key, shown.get(key)])
    for line in shown.get("arithmetic_words", []):
        w(["arithmetic", line])
    w(["closed_at", isoformat(m.closed_at)])
    w([])
    groups = list((r.get("by_constituency") or {}).keys())
    w(["option", "total", *groups])
    for option in r.get("options", m.options):
        w([option, r.get("tallies", {}).get(option, 0),
                    *[r["by_constituency"][g].get(option, 0) for g in groups]])
    w(["turnout", r.get("voted"), *[r.get("turnout", {}).get(g, 0) for g in groups]])
    if r.get("votes"):
        w([])
        w(["name", "organisation", "constituency", "choice", "cast_by"])
        for v in r["votes"]:
            w([v["name"], v["organisation"], v["constituency"], v["choice"],
                        (v.get("cast_by") or {}).get("name", "")])
    return out.getvalue()
