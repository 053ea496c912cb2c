"""Whether a body's default rule of procedure can be applied: a preset name or a rule object.

The votes feature owns rules of procedure; this feature may not import it (features are
independent). When votes registers its expander on the app
(`app.extensions["baraza.rule_expander"]`: fn(rule) -> rule object, raising Invalid), that is
the one check used. Until then the minimal check below stands in for it: the preset names of the
contract (section 5) and the shape of a rule object. TO BE REPLACED by votes' `expand_rule` once
the rules engine lands; nothing else here reads a rule.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid

PRESETS = ("simple", "two_thirds", "constituency_majority", "weighted", "consensus",
           "ilo_majority", "ilo_two_thirds", "au_consensus_two_thirds")
# The fields of a rule object and their allowed values (contract section 5, "Rules of procedure").
_CHOICES = {
    "unit": ("delegate", "organisation", "member_state"),
    "threshold": ("simple", "absolute", "two_thirds", "three_quarters", "unanimity"),
    "base": ("cast", "cast_with_abstentions", "present", "entitled"),
}
_QUORUM_KEYS = {"of": ("entitled", "present"), "counted": ("cast", "cast_with_abstentions", "present")}


def _refuse(detail: str) -> Invalid:
    return Invalid(_l("The rule of procedure cannot be applied: %(detail)s.", detail=detail),
                   {"rule": "cannot be applied"})


def _check_quorum(q) -> None:
    if q is None or (isinstance(q, int) and not isinstance(q, bool) and q >= 0):
        return
    if not isinstance(q, dict) or set(q) - {"of", "fraction", "counted"}:
        raise _refuse("quorum")
    for key, allowed in _QUORUM_KEYS.items():
        if key in q and q[key] not in allowed:
            raise _refuse(f"quorum.{key}")
    num, _, den = str(q.get("fraction", "")).partition("/")
    if not (num.isdigit() and den.isdigit() and 0 < int(num) <= int(den)):
        raise _refuse("quorum.fraction")


def _check_groups(g) -> None:
    if g is None or g == "each":
        return
    weights = g.get("weights") if isinstance(g, dict) else None
    if not isinstance(weights, dict) or not weights or any(
            isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights.values()):
        raise _refuse("groups")


def _fallback(rule):
    if isinstance(rule, str):
        if rule not in PRESETS:
            raise _refuse(rule[:40])
        return rule
    if not isinstance(rule, dict):
        raise _refuse("not a preset name or an object")
    unknown = set(rule) - set(_CHOICES) - {"quorum", "groups", "consensus_first"}
    if unknown:
        raise _refuse(", ".join(sorted(unknown))[:80])
    for key, allowed in _CHOICES.items():
        if key in rule and rule[key] not in allowed:
            raise _refuse(key)
    if not isinstance(rule.get("consensus_first", False), bool):
        raise _refuse("consensus_first")
    _check_quorum(rule.get("quorum"))
    _check_groups(rule.get("groups"))
    return rule


def check_rule(rule):
    """The rule as stored (None: the body has no default). Invalid (422, field `rule`) when it
    cannot be applied."""
    if rule is None:
        return None
    expander = current_app.extensions.get("baraza.rule_expander")
    if expander is not None:
        expander(rule)
        return rule
    return _fallback(rule)
