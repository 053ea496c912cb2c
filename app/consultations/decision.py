"""The decision of a vote: one pure function of (rule, ballots, register), no database, no clock.

ballots: dicts {voter, group, country, organisation, choice, at}. `voter` is the voting slot
(participant id) or None for a secret ballot, whose choice is linked to nobody; `at` orders the
ballots of one unit: under `unit: organisation` or `member_state` the latest ballot of the unit
(ties: the higher voter id) is its one vote, so the order of the list never matters.
register: {groups: [voting constituencies], entitled: [{id, group, country, organisation}],
present: [participant ids] | None, voted: [participant ids]} (or {entitled_count} alone, for
results frozen before registers were kept) - `present` is the attendance
register at the close (None: no register kept), `voted` the slots known to have voted (secret
ballots). A unit that voted is present: voting is taking part, wherever the voter sits.

The result: outcome (carried | not_carried | void_no_quorum | no_consensus), reason_code with
reason_params (words are chosen when shown, app.consultations.words), and the arithmetic:
base and its count, yes / no / abstain, what was required, the quorum required and counted, per
group where groups apply. A secret ballot with a small group (disclose_groups=False) states no
group's numbers.
"""
import math
from fractions import Fraction

from app.consultations.procedure import THRESHOLD_FRACTION

ROUND = 4


def _key(unit: str, b: dict):
    if unit == "organisation":
        return b.get("organisation")
    if unit == "member_state":
        return b.get("country")
    return b.get("voter")


def counted_ballots(rule: dict, ballots) -> list[tuple]:
    """(unit key, group, choice) for each unit's one vote; anonymous delegate ballots each count."""
    unit, latest, anonymous = rule["unit"], {}, []
    for b in ballots:
        key = _key(unit, b)
        if key is None:
            if unit == "delegate":
                anonymous.append((None, b.get("group") or "", b["choice"]))
            continue
        order = (b.get("at") or 0, b.get("voter") or 0)
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, b)
    group = (lambda b: "") if unit == "member_state" else (lambda b: b.get("group") or "")
    return [(k, group(b), b["choice"]) for k, (_o, b) in latest.items()] + anonymous


def _units(rule: dict, register: dict, voted_keys: set) -> tuple[dict, dict]:
    """{unit key: group} of the entitled units, and of those present."""
    unit, entitled, present = rule["unit"], {}, {}
    if "entitled" not in register:  # a result frozen before registers were kept: its count only
        return {("n", i): "" for i in range(register.get("entitled_count") or 0)}, {k: "" for k in voted_keys}
    present_ids = set(register.get("present") or ()) | set(register.get("voted") or ())
    for e in register.get("entitled") or ():
        key = _key(unit, {"voter": e.get("id"), **e})
        if key is None:
            continue
        g = "" if unit == "member_state" else (e.get("group") or "")
        entitled.setdefault(key, g)
        if e.get("id") in present_ids or key in voted_keys:
            present[key] = g
    return entitled, present


def _count(choices) -> dict:
    yes = sum(1 for c in choices if c == "yes")
    no = sum(1 for c in choices if c == "no")
    return {"yes": yes, "no": no, "abstain": len(choices) - yes - no}


def _base(base: str, t: dict, n_present: int, n_entitled: int) -> int:
    return {"cast": t["yes"] + t["no"], "cast_with_abstentions": t["yes"] + t["no"] + t["abstain"],
            "present": n_present, "entitled": n_entitled}[base]


def required_yes(threshold: str, base_count: int, no: int) -> int:
    """The fewest yes that pass: simple = more yes than no; absolute = more than half the base;
    the fractions = at least that share of the base; never fewer than one."""
    if threshold == "simple":
        return no + 1
    if threshold == "absolute":
        return base_count // 2 + 1
    return max(1, math.ceil(THRESHOLD_FRACTION[threshold] * base_count))


def _quorum(rule: dict, t: dict, n_present: int, n_entitled: int) -> tuple[int | None, int | None]:
    q = rule.get("quorum")
    if q is None:
        return None, None
    if isinstance(q, int):
        return q, t["yes"] + t["no"]
    of = n_present if q["of"] == "present" else n_entitled
    return math.ceil(Fraction(q["fraction"]) * of), _base(q["counted"], t, n_present, n_entitled)


def _per_group(rule, groups, by_group, entitled, present) -> dict:
    out = {}
    for g in groups:
        t = _count(by_group.get(g, []))
        n_e = sum(1 for v in entitled.values() if v == g)
        n_p = sum(1 for v in present.values() if v == g)
        base_count = _base(rule["base"], t, n_p, n_e)
        required = required_yes(rule["threshold"], base_count, t["no"])
        out[g] = {**t, "base_count": base_count, "required": required, "passed": t["yes"] >= required}
    return out


def _weighted(rule, per_group, weights) -> tuple[bool, dict]:
    """Each group's yes and no as shares of its own base, times its weight; a group whose base
    is zero weighs nothing. simple: weighted yes > weighted no; otherwise weighted yes must reach
    the threshold's share of the weights in play (absolute: more than half)."""
    w_yes = w_no = w_total = 0.0
    for g, a in per_group.items():
        if a["base_count"] == 0:
            continue
        w = float(weights.get(g, 1))
        w_total += w
        w_yes += w * a["yes"] / a["base_count"]
        w_no += w * a["no"] / a["base_count"]
    w_yes, w_no, w_total = round(w_yes, ROUND), round(w_no, ROUND), round(w_total, ROUND)
    threshold = rule["threshold"]
    if threshold == "simple":
        ok, need = w_yes > w_no, None
    else:
        need = round(float(THRESHOLD_FRACTION[threshold]) * w_total, ROUND)
        ok = w_yes > need if threshold == "absolute" else (w_total > 0 and w_yes >= need)
    return ok, {"weighted_yes": w_yes, "weighted_no": w_no, "weighted_required": need, "weights": dict(weights)}


def decide(rule: dict, ballots, register: dict, *, disclose_groups: bool = True) -> dict:
    """The outcome, reason and arithmetic of a vote under an expanded rule (see the module).
    A ballot of a unit the register does not entitle (a stakeholder of an advisory committee, a
    delegate of no member state) is not counted."""
    counted = counted_ballots(rule, ballots)
    entitled, present = _units(rule, register, {k for k, _g, _c in counted if k is not None})
    if "entitled" in register:
        counted = [b for b in counted if b[0] is None or b[0] in entitled]
    t = _count([c for _k, _g, c in counted])
    by_group: dict[str, list] = {}
    for _k, g, c in counted:
        by_group.setdefault(g, []).append(c)
    base_count = _base(rule["base"], t, len(present), len(entitled))
    q_required, q_counted = _quorum(rule, t, len(present), len(entitled))
    arithmetic = {"unit": rule["unit"], "base": rule["base"], "base_count": base_count, **t,
                  "required": required_yes(rule["threshold"], base_count, t["no"]),
                  "quorum_required": q_required, "quorum_counted": q_counted,
                  "quorum_met": q_required is None or q_counted >= q_required,
                  "entitled_count": len(entitled), "present_count": len(present)}
    groups = rule.get("groups")
    if groups is not None:
        arithmetic["required"] = None
        per_group = _per_group(rule, list(register.get("groups") or sorted(by_group)), by_group, entitled, present)
        arithmetic["groups"] = per_group if disclose_groups else None

    def done(outcome: str, code: str, **params) -> dict:
        return {"outcome": outcome, "reason_code": code, "reason_params": params, "arithmetic": arithmetic,
                "by_group": {g: _count(cs) for g, cs in by_group.items()}}

    if not arithmetic["quorum_met"]:
        counted_as = "cast" if isinstance(rule["quorum"], int) else rule["quorum"]["counted"]
        return done("void_no_quorum", "no_quorum", counted=q_counted, required=q_required, counted_as=counted_as)
    if rule.get("consensus_first"):
        if t["no"] == 0 and t["yes"] > 0:
            return done("carried", "consensus", yes=t["yes"])
        return done("no_consensus", "no_consensus", no=t["no"])
    if groups == "each":
        blocking = [g for g, a in per_group.items() if not a["passed"]]
        outcome = "not_carried" if blocking else "carried"
        if not disclose_groups:
            return done(outcome, "groups_each_hidden")
        return done(outcome, "groups_each", blocking=blocking, groups=list(per_group))
    if groups is not None:
        ok, weighted = _weighted(rule, per_group, groups["weights"])
        outcome = "carried" if ok else "not_carried"
        if not disclose_groups:
            return done(outcome, "weighted_hidden", threshold=rule["threshold"])
        arithmetic["weighted"] = weighted
        return done(outcome, "weighted", threshold=rule["threshold"], **weighted)
    ok = t["yes"] >= arithmetic["required"]
    return done("carried" if ok else "not_carried", "threshold", threshold=rule["threshold"], base=rule["base"],
                unit=rule["unit"], yes=t["yes"], base_count=base_count, required=arithmetic["required"])
