"""The motion form's rule: a preset, the consultation's default, or a rule composed field by
field (unit, threshold, base, quorum, groups, consensus first); each choice worded for people."""
from flask_babel import lazy_gettext as _l

from app.consultations import procedure, words

UNIT_CHOICES = [("delegate", _l("One vote per delegate")), ("organisation", _l("One vote per organisation")),
                ("member_state", _l("One vote per member state"))]
THRESHOLD_CHOICES = [("simple", _l("More yes than no")), ("absolute", _l("More than half of the base")),
                     ("two_thirds", _l("Two-thirds of the base")), ("three_quarters", _l("Three-quarters of the base")),
                     ("unanimity", _l("All of the base"))]
BASE_CHOICES = [("cast", _l("Votes cast (yes and no)")), ("cast_with_abstentions", _l("Votes cast and abstentions")),
                ("present", _l("Voters present (attendance register)")), ("entitled", _l("Everyone entitled to vote"))]
QUORUMS = {"": None, "present-1/2-cast": {"of": "present", "fraction": "1/2", "counted": "cast"},
           "entitled-1/2-cast": {"of": "entitled", "fraction": "1/2", "counted": "cast"},
           "entitled-1/2-present": {"of": "entitled", "fraction": "1/2", "counted": "present"},
           "entitled-2/3-present": {"of": "entitled", "fraction": "2/3", "counted": "present"}}
GROUP_CHOICES = [("", _l("All voters together")), ("each", _l("Each voting constituency must pass on its own")),
                 ("weighted", _l("Constituencies weighted (government 2, others 1)"))]


def compose_fields() -> list[tuple]:
    """(field, label, [(value, text)]) for the form's selects, worded now."""
    quorum = [("", _l("No quorum"))] + [(k, words.quorum_words(q)) for k, q in QUORUMS.items() if q]
    return [("unit", _l("Who holds a vote"), UNIT_CHOICES), ("threshold", _l("What yes must reach"), THRESHOLD_CHOICES),
            ("base", _l("Taken of"), BASE_CHOICES), ("quorum", _l("Quorum"), quorum),
            ("groups", _l("Constituencies"), GROUP_CHOICES)]


def preset_words() -> list[tuple[str, str]]:
    return [(name, words.describe(procedure.expand_rule(name))) for name in procedure.PRESETS]


def default_words(c) -> str | None:
    """The consultation's default rule in words (None: it has none)."""
    if c.default_rule is None:
        return None
    return words.describe(procedure.expand_rule(c.default_rule))


def rule_from_form(form):
    """The `rule` a motion form posts: a preset name, None (the consultation's default), or a
    composed object when "compose" is chosen (the service checks it and names a bad field)."""
    choice = (form.get("rule") or "").strip()
    if choice != "compose":
        return choice or None
    groups = form.get("r_groups") or None
    return {"unit": form.get("r_unit") or "delegate", "threshold": form.get("r_threshold") or "simple",
            "base": form.get("r_base") or "cast", "quorum": QUORUMS.get(form.get("r_quorum") or "", "invalid"),
            "groups": {"weights": {"government": 2}} if groups == "weighted" else groups,
            "consensus_first": form.get("r_consensus_first") == "1"}
