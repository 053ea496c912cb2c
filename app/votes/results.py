"""Tallies, turnout and the published result of a motion, computed from the stored ballots.

What is published depends on the ballot: roll_call publishes who voted what; show_of_hands the
counts per constituency, no names; secret only the totals per option, and the counts per
constituency only when every voting group has at least MIN_SECRET_GROUP voters (otherwise the
reason of a group rule is worded without group detail too). The frozen result of a closed
motion is exactly what compute_result() returns, so it can be recomputed and compared.
"""
import csv
import io

from sqlalchemy import func, select

from app.accounts.models import User
from app.consultations.models import Participant
from app.core.db import isoformat
from app.core.office import safe_cell as _cell
from app.extensions import db
from app.votes import rules
from app.votes.eligibility import eligible_by_group, voting_groups
from app.votes.models import Ballot, Motion, SecretChoice, SecretTally, VoterRecord

MIN_SECRET_GROUP = 3


def _group_tally(groups: list[str], options: list[str], rows) -> dict[str, dict[str, int]]:
    out = {g: {o: 0 for o in options} for g in groups}
    for constituency, choice, n in rows:
        out.setdefault(constituency, {o: 0 for o in options})
        out[constituency][choice] = out[constituency].get(choice, 0) + n
    return out


def tallies_by_group(m: Motion) -> dict[str, dict[str, int]]:
    """{constituency: {option: count}} for every voting group, from the stored ballots. A sealed
    secret motion (closed) has counts per group only where the result published them; otherwise
    its totals come under the group "" (see models)."""
    if m.ballot != "secret":
        rows = db.session.execute(select(Ballot.constituency, Ballot.choice, func.count())
                                  .where(Ballot.motion_id == m.id).group_by(Ballot.constituency, Ballot.choice))
    elif m.status == "closed":
        rows = db.session.execute(select(SecretTally.constituency, SecretTally.choice, SecretTally.votes)
                                  .where(SecretTally.motion_id == m.id))
    else:
        rows = db.session.execute(select(SecretChoice.constituency, SecretChoice.choice, func.count())
                                  .where(SecretChoice.motion_id == m.id)
                                  .group_by(SecretChoice.constituency, SecretChoice.choice))
    return _group_tally(voting_groups(m.consultation), list(m.options), rows)


def turnout(m: Motion) -> dict:
    """Voters so far per constituency (never what they chose), and the eligible numbers."""
    table = VoterRecord if m.ballot == "secret" else Ballot
    rows = dict(db.session.execute(select(table.constituency, func.count())
                                   .where(table.motion_id == m.id).group_by(table.constituency)).all())
    eligible = eligible_by_group(m.consultation)
    by_group = {g: int(rows.get(g, 0)) for g in eligible}
    return {"turnout": by_group, "voted": sum(rows.values()), "eligible": sum(eligible.values()),
            "eligible_by_constituency": eligible}


def _roll_call(m: Motion) -> list[dict]:
    rows = db.session.execute(
        select(Ballot, Participant, User).join(Participant, Participant.id == Ballot.slot_id)
        .join(User, User.id == Participant.user_id).where(Ballot.motion_id == m.id))
    votes = []
    for ballot, slot, user in rows:
        entry = {"user_id": user.id, "name": user.name, "organisation": slot.organisation.name,
                 "constituency": ballot.constituency, "choice": ballot.choice}
        if ballot.cast_by_id is not None and ballot.cast_by_id != user.id:
            deputy = db.session.get(User, ballot.cast_by_id)
            entry["cast_by"] = {"user_id": ballot.cast_by_id, "name": deputy.name if deputy else None}
        votes.append(entry)
    return sorted(votes, key=lambda v: (v["constituency"], v["name"], v["user_id"]))


def compute_result(m: Motion, eligible: int | None = None) -> dict:
    """The result as published, from the stored ballots; eligible defaults to the current count
    (a closed motion is recomputed with the count frozen at close)."""
    groups = voting_groups(m.consultation)
    by_group = tallies_by_group(m)
    seen = turnout(m)
    if eligible is None:
        eligible = seen["eligible"]
    disclose = m.ballot != "secret" or all(seen["turnout"].get(g, 0) >= MIN_SECRET_GROUP for g in groups)
    weights = dict(m.weights or {}) if m.rule == "weighted" else None
    sealed_totals = by_group.pop("", None)
    if sealed_totals is not None and m.rule in rules.GROUP_RULES and m.result:
        # a sealed secret motion without its groups: the group rule's frozen decision stands
        frozen = m.result
        decision = rules.Decision(frozen["outcome"], frozen["reason"], frozen["votes_cast"],
                                  frozen["quorum_required"], frozen["quorum_met"], frozen["details"])
    else:
        counted = by_group if sealed_totals is None else {**by_group, "": sealed_totals}
        decision = rules.decide(m.rule, counted, options=list(m.options), groups=groups, weights=weights,
                                quorum=m.quorum, eligible=eligible, disclose_groups=disclose)
    if sealed_totals is not None:
        by_group = {"": sealed_totals}
    result = {
        "outcome": decision.outcome, "reason": decision.reason, "rule": m.rule, "ballot": m.ballot,
        "options": list(m.options), "tallies": rules.total_tallies(by_group, list(m.options)),
        "by_constituency": by_group if disclose else None,
        "turnout": seen["turnout"], "voted": seen["voted"], "eligible": eligible,
        "votes_cast": decision.votes_cast, "quorum": m.quorum, "quorum_required": decision.quorum_required,
        "quorum_met": decision.quorum_met, "details": decision.details,
    }
    if weights is not None:
        result["weights"] = weights
    if m.ballot == "roll_call":
        result["votes"] = _roll_call(m)
    return result


def recompute(m: Motion) -> dict:
    """A closed motion's result recomputed from its ballots (equals the frozen one)."""
    return compute_result(m, eligible=(m.result or {}).get("eligible"))


def serialize(m: Motion, *, now=None, extra: dict | None = None) -> dict:
    status = m.effective_status(now)
    data = {
        "id": m.id, "consultation_id": m.consultation_id, "question": m.question,
        "options": list(m.options), "ballot": m.ballot, "rule": m.rule, "weights": m.weights,
        "quorum": m.quorum, "status": status, "agenda_item_id": m.agenda_item_id,
        "document_version_id": m.document_version_id, "opened_at": isoformat(m.opened_at),
        "closes_at": isoformat(m.closes_at), "closed_at": isoformat(m.closed_at),
        "created_at": isoformat(m.created_at),
    }
    if status != "draft":
        data.update(turnout(m))
    data["result"] = m.result if m.status == "closed" else None
    if extra:
        data.update(extra)
    return data


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
    for key in ("ballot", "rule", "outcome", "reason", "voted", "eligible", "votes_cast", "quorum_required",
                "quorum_met"):
        w([key, r.get(key)])
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
