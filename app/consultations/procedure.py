"""Rules of procedure as data: the rule object, its named presets, and its validation.

A rule is a plain dict (contract section 5): `unit` (who holds one vote), `threshold` (what yes
must reach), `base` (the 100 % the threshold is taken of), `quorum` (when the vote is void),
`groups` (each voting constituency on its own, or weighted group shares) and `consensus_first`.
`expand_rule(value)` turns a preset name or an object into the full object, or raises Invalid
naming the field (`rule.base`, `rule.quorum.fraction`, ...). This module imports no feature and
reads no database, so consultations, votes and standing bodies all validate rules through it.

Vocabulary (ILO Constitution art. 17): only yes and no are *votes cast*; an abstention (and any
other option) is recorded and may be counted in `cast_with_abstentions`, never as a vote cast.
"""
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid

UNITS = ("delegate", "organisation", "member_state")
THRESHOLDS = ("simple", "absolute", "two_thirds", "three_quarters", "unanimity")
BASES = ("cast", "cast_with_abstentions", "present", "entitled")
QUORUM_OF = ("entitled", "present")
QUORUM_COUNTED = ("cast", "cast_with_abstentions", "present")
DEFAULT_WEIGHTS = {"government": 2, "employers": 1, "workers": 1, "stakeholder": 1}
# the share of the base yes must reach (simple and absolute are "more than", see decision)
THRESHOLD_FRACTION = {"simple": None, "absolute": Fraction(1, 2), "two_thirds": Fraction(2, 3),
                      "three_quarters": Fraction(3, 4), "unanimity": Fraction(1)}
KEYS = ("unit", "threshold", "base", "quorum", "groups", "consensus_first")

_PLAIN = {"unit": "delegate", "threshold": "simple", "base": "cast", "quorum": None, "groups": None,
          "consensus_first": False}
_ILO_QUORUM = {"of": "present", "fraction": "1/2", "counted": "cast"}
PRESETS: dict[str, dict] = {
    "simple": dict(_PLAIN),
    "two_thirds": {**_PLAIN, "threshold": "two_thirds"},
    "constituency_majority": {**_PLAIN, "groups": "each"},
    "weighted": {**_PLAIN, "groups": {"weights": dict(DEFAULT_WEIGHTS)}},
    "consensus": {**_PLAIN, "threshold": "unanimity"},
    "absolute_majority": {**_PLAIN, "threshold": "absolute", "base": "entitled"},
    "ilo_majority": {**_PLAIN, "quorum": dict(_ILO_QUORUM)},
    "ilo_two_thirds": {**_PLAIN, "threshold": "two_thirds", "quorum": dict(_ILO_QUORUM)},
    "au_consensus_two_thirds": {"unit": "member_state", "threshold": "two_thirds", "base": "entitled",
                                "quorum": {"of": "entitled", "fraction": "2/3", "counted": "present"},
                                "groups": None, "consensus_first": True},
    "rec_consensus": {**_PLAIN, "unit": "member_state", "threshold": "unanimity"},
}
# the presets a person chooses among, with a one-line name (the full statement is in words.py)
PRESET_NAMES = {
    "simple": _l("Simple majority of votes cast"),
    "two_thirds": _l("Two-thirds of votes cast"),
    "constituency_majority": _l("Majority in each constituency"),
    "weighted": _l("Weighted by constituency"),
    "consensus": _l("Consensus (no votes against)"),
    "absolute_majority": _l("Absolute majority of those entitled to vote"),
    "ilo_majority": _l("ILO Constitution art. 17: majority, quorum half of those attending"),
    "ilo_two_thirds": _l("ILO Constitution art. 19(2): two-thirds, quorum half of those attending"),
    "au_consensus_two_thirds": _l("AU: consensus, failing which two-thirds of the member states"),
    "rec_consensus": _l("REC council: consensus of the member states"),
}
LEGACY_QUORUM = {"half_of_eligible": {"of": "entitled", "fraction": "1/2", "counted": "cast"}}
MAX_QUORUM = 100000


def _bad(field: str, message, what: str = "not an allowed value"):
    return Invalid(message, {field: what})


def parse_fraction(value, field: str) -> Fraction:
    """"1/2", "2/3", "0.5" or a number, strictly above 0 and at most 1."""
    try:
        f = Fraction(str(value).strip()) if not isinstance(value, bool) else None
    except (ValueError, ZeroDivisionError):
        f = None
    if f is None or not (0 < f <= 1):
        raise _bad(field, _l("A fraction must be above 0 and at most 1, such as 1/2 or 2/3."), "fraction outside 0-1")
    return f


def _choice(data: dict, key: str, allowed: tuple):
    value = data[key]
    if value not in allowed:
        raise _bad(f"rule.{key}", _l("%(field)s must be one of: %(allowed)s.", field=key, allowed=", ".join(allowed)))
    return value


def _quorum(value):
    if value is None:
        return None
    if isinstance(value, str) and value in LEGACY_QUORUM:
        value = dict(LEGACY_QUORUM[value])
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1 <= value <= MAX_QUORUM:
            raise _bad("rule.quorum", _l("A quorum given as a number must be a positive integer."), "invalid")
        return value
    if not isinstance(value, dict) or set(value) - {"of", "fraction", "counted"}:
        raise _bad("rule.quorum", _l('quorum must be null, a positive integer or {of, fraction, counted}.'), "invalid")
    of, counted = value.get("of", "entitled"), value.get("counted", "cast")
    if of not in QUORUM_OF:
        raise _bad("rule.quorum.of", _l("quorum.of must be entitled or present."))
    if counted not in QUORUM_COUNTED:
        raise _bad("rule.quorum.counted", _l("quorum.counted must be cast, cast_with_abstentions or present."))
    f = parse_fraction(value.get("fraction", "1/2"), "rule.quorum.fraction")
    return {"of": of, "fraction": f"{f.numerator}/{f.denominator}", "counted": counted}


def _groups(value, unit: str, voting: list[str] | None):
    if value is None:
        return None
    if unit == "member_state":
        raise _bad("rule.groups", _l("A member state's vote belongs to no constituency: groups need another unit."),
                   "not with member_state")
    if value == "each":
        return "each"
    weights = value.get("weights") if isinstance(value, dict) and set(value) == {"weights"} else None
    if not isinstance(weights, dict) or not weights:
        raise _bad("rule.groups", _l('groups must be null, "each" or {weights: {constituency: number}}.'), "invalid")
    out = {}
    for group, w in weights.items():
        if voting is not None and group not in voting:
            raise _bad("rule.groups.weights", _l("weights may only name voting constituencies (%(groups)s).",
                                                 groups=", ".join(voting)), group)
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not 0 < w <= 100:
            raise _bad("rule.groups.weights", _l("Each weight must be a number above 0 and at most 100."), group)
        out[group] = w
    if voting is not None:
        out = {g: out.get(g, DEFAULT_WEIGHTS.get(g, 1)) for g in voting}
    return {"weights": out}


def expand_rule(value, voting: list[str] | None = None) -> dict:
    """The full rule object from a preset name or a (possibly partial) object; missing fields
    take the plain defaults. `voting`, when given, is the list of voting constituencies: weights
    must name only those, and every voting group gets a weight. Raises Invalid naming the field."""
    if isinstance(value, str):
        if value not in PRESETS:
            raise _bad("rule", _l("Unknown rule: give a preset name or a rule object."))
        data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in PRESETS[value].items()}
        if isinstance(data["groups"], dict) and voting is not None:  # the preset weighs the groups that vote
            data["groups"] = {"weights": {g: w for g, w in data["groups"]["weights"].items() if g in voting}}
    elif isinstance(value, dict):
        unknown = sorted(set(value) - set(KEYS) - {"preset"})
        if unknown:
            raise _bad(f"rule.{unknown[0]}", _l("Unknown field in the rule."), "unknown field")
        data = {**_PLAIN, **{k: v for k, v in value.items() if k != "preset"}}
    else:
        raise _bad("rule", _l("Unknown rule: give a preset name or a rule object."))
    out = {"unit": _choice(data, "unit", UNITS), "threshold": _choice(data, "threshold", THRESHOLDS),
           "base": _choice(data, "base", BASES)}
    out["quorum"] = _quorum(data["quorum"])
    out["groups"] = _groups(data["groups"], out["unit"], voting)
    if not isinstance(data["consensus_first"], bool):
        raise _bad("rule.consensus_first", _l("consensus_first must be true or false."), "not a boolean")
    out["consensus_first"] = data["consensus_first"]
    return out


def stored_rule(value, voting: list[str] | None = None):
    """A default rule as a consultation or a standing body keeps it: a preset name as given, or
    the expanded object. Raises Invalid naming the field."""
    rule = expand_rule(value, voting)
    return value if isinstance(value, str) else rule


def needs_register(rule: dict) -> bool:
    """Whether the rule reads the attendance register (a `present` base or quorum)."""
    q = rule.get("quorum")
    return rule["base"] == "present" or (isinstance(q, dict) and "present" in (q["of"], q["counted"]))


def preset_of(rule: dict) -> str | None:
    """The preset name this object equals, if any (the weighted preset whatever its weights)."""
    for name, preset in PRESETS.items():
        if all(rule.get(k) == preset[k] for k in KEYS if k != "groups") and (
                rule.get("groups") == preset["groups"] or
                (isinstance(preset["groups"], dict) and isinstance(rule.get("groups"), dict))):
            return name
    return None


def follow_on(rule: dict) -> dict:
    """The rule of the vote that follows a failed consensus: the same object without it."""
    return {**rule, "consensus_first": False}


def presets() -> list[dict]:
    """Every preset with its object (GET /rules)."""
    return [{"name": name, "label": str(PRESET_NAMES[name]), "rule": expand_rule(name)} for name in PRESETS]
