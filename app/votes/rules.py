"""Decision rules for motions: pure functions from tallies to an outcome with a one-line reason.

Vocabulary (ILO Constitution art. 17, Standing Orders of the ILC): only "yes" and "no" are
*votes cast*; "abstain" and any other option are recorded and counted in the tallies and the
turnout, but are not votes cast. A quorum, when set, compares the votes cast with the number
required ("half_of_eligible" = half the delegates entitled to vote, rounded up); below it the
vote is void. Every function here takes plain data and returns plain data, so the frozen result
of a closed motion can be recomputed from its stored ballots at any time.
"""
import math
from dataclasses import asdict, dataclass, field

RULES = ("simple", "two_thirds", "constituency_majority", "weighted", "consensus")
GROUPS = ("government", "employers", "workers")
# rules that count per voting group (the others only need the totals)
GROUP_RULES = ("constituency_majority", "weighted")
DEFAULT_WEIGHTS = {"government": 2, "employers": 1, "workers": 1, "stakeholder": 1}
RULE_LABELS = {
    "simple": "simple majority required",
    "two_thirds": "two-thirds required",
    "constituency_majority": "a majority in each group required",
    "weighted": "weighted majority required",
    "consensus": "consensus required",
}


@dataclass
class Decision:
    outcome: str  # carried | not_carried | void_no_quorum
    reason: str
    votes_cast: int
    quorum_required: int | None
    quorum_met: bool
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def total_tallies(by_group: dict[str, dict[str, int]], options: list[str]) -> dict[str, int]:
    """Sum the per-group tallies into one tally per option (every option present, zeros kept)."""
    out = {o: 0 for o in options}
    for tally in by_group.values():
        for option, n in tally.items():
            out[option] = out.get(option, 0) + n
    return out


def votes_cast(tally: dict[str, int]) -> int:
    return tally.get("yes", 0) + tally.get("no", 0)


def quorum_required(quorum, eligible: int) -> int | None:
    """None (no quorum), an integer, or "half_of_eligible" = ceil(eligible / 2)."""
    if quorum is None:
        return None
    if quorum == "half_of_eligible":
        return math.ceil(eligible / 2)
    return int(quorum)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _simple(yes: int, no: int) -> tuple[bool, str]:
    cast = yes + no
    ok = yes > no
    return ok, f"{yes} of {_plural(cast, 'vote')} cast in favour, {RULE_LABELS['simple']}"


def _two_thirds(yes: int, no: int) -> tuple[bool, str]:
    cast = yes + no
    ok = cast > 0 and 3 * yes >= 2 * cast
    return ok, f"{yes} of {_plural(cast, 'vote')} cast in favour, {RULE_LABELS['two_thirds']}"


def _constituency_majority(by_group: dict, groups: list[str]) -> tuple[bool, str, dict]:
    blocking = []
    for g in groups:
        t = by_group.get(g, {})
        if not (t.get("yes", 0) > t.get("no", 0)):
            blocking.append(g)
    if not blocking:
        return True, f"a majority in favour in each group ({', '.join(groups)})", {}
    return False, f"no majority in favour among {', '.join(blocking)}; {RULE_LABELS['constituency_majority']}", \
        {"blocking_groups": blocking}


def _weighted(by_group: dict, groups: list[str], weights: dict) -> tuple[bool, str, dict]:
    """Each group's yes and no become shares of its own votes cast, times its weight: a group
    weighs its weight whatever its size and turnout; a group with no votes cast weighs nothing."""
    w_yes = w_no = 0.0
    for g in groups:
        t = by_group.get(g, {})
        cast = votes_cast(t)
        if cast == 0:
            continue
        w = float(weights.get(g, DEFAULT_WEIGHTS.get(g, 1)))
        w_yes += w * t.get("yes", 0) / cast
        w_no += w * t.get("no", 0) / cast
    w_yes, w_no = round(w_yes, 4), round(w_no, 4)
    ratio = " : ".join(f"{g} {_num(weights.get(g, DEFAULT_WEIGHTS.get(g, 1)))}" for g in groups)
    return w_yes > w_no, f"weighted {w_yes:g} in favour, {w_no:g} against ({ratio})", \
        {"weighted_yes": w_yes, "weighted_no": w_no}


def _num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def decide(rule: str, by_group: dict[str, dict[str, int]], *, options: list[str],
           groups: list[str] | None = None, weights: dict | None = None, quorum=None,
           eligible: int = 0, disclose_groups: bool = True) -> Decision:
    """The outcome of a motion from its tallies per voting group.

    by_group maps each voting constituency to {option: count}; groups are the voting
    constituencies (default government, employers, workers); weights apply to "weighted".
    disclose_groups=False (a secret ballot with a small group) words the reason of the group
    rules without naming groups or weighted sums, so no group's vote can be read from it.
    Raises ValueError for an unknown rule."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule}")
    groups = list(groups or GROUPS)
    totals = total_tallies(by_group, options)
    yes, no = totals.get("yes", 0), totals.get("no", 0)
    cast = yes + no
    required = quorum_required(quorum, eligible)
    quorum_met = required is None or cast >= required
    if not quorum_met:
        return Decision("void_no_quorum",
                        f"void: no quorum ({_plural(cast, 'vote')} cast, {required} required)",
                        cast, required, False)
    details: dict = {}
    if rule == "simple":
        ok, why = _simple(yes, no)
    elif rule == "two_thirds":
        ok, why = _two_thirds(yes, no)
    elif rule == "constituency_majority":
        ok, why, details = _constituency_majority(by_group, groups)
    elif rule == "weighted":
        ok, why, details = _weighted(by_group, groups, {**DEFAULT_WEIGHTS, **(weights or {})})
    else:
        ok = no == 0 and yes > 0
        if ok:
            why = f"carried by consensus: no votes against ({yes} in favour)"
            return Decision("carried", why, cast, required, True, details)
        why = (f"failed consensus: {_plural(no, 'vote')} against" if no
               else "failed consensus: no votes in favour")
        return Decision("not_carried", why + "; a two-thirds motion may follow", cast, required, True, details)
    if not disclose_groups and rule in ("constituency_majority", "weighted"):
        why = RULE_LABELS[rule] if ok else f"{RULE_LABELS[rule]}, not reached"
        details = {}
    outcome = "carried" if ok else "not_carried"
    prefix = "carried" if ok else "not carried"
    return Decision(outcome, f"{prefix}: {why}", cast, required, True, details)
