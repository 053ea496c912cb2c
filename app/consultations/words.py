"""A rule and a decision in words, in the reader's language, chosen when shown: stored results
keep reason_code and reason_params (app.consultations.decision), never a sentence."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.core.labels import CONSTITUENCY_GROUP, label

THRESHOLD = {"simple": _l("simple majority"), "absolute": _l("absolute majority"), "two_thirds": _l("two-thirds"),
             "three_quarters": _l("three-quarters"), "unanimity": _l("unanimity")}
FRACTION = {"1/2": _l("half"), "2/3": _l("two-thirds"), "3/4": _l("three-quarters"), "1/1": _l("all")}
UNITS = {"delegate": _l("delegates"), "organisation": _l("organisations"), "member_state": _l("member states")}
BASE = {"cast": _l("the votes cast"), "cast_with_abstentions": _l("the votes cast and abstentions"),
        "present": _l("the %(units)s present"), "entitled": _l("the %(units)s entitled to vote")}
COUNTED = {"cast": _l("the votes cast"), "cast_with_abstentions": _l("those taking part"),
           "present": _l("those present")}
QUORUM_OF = {"entitled": _l("the %(units)s entitled to vote"), "present": _l("the %(units)s attending")}
PREFIX = {"carried": _l("carried"), "not_carried": _l("not carried")}


def _fraction(f: str) -> str:
    return str(FRACTION[f]) if f in FRACTION else f


def _groups(codes) -> str:
    return ", ".join(label(CONSTITUENCY_GROUP, g) for g in codes)


def _ratio(weights: dict) -> str:
    return " : ".join(f"{label(CONSTITUENCY_GROUP, g)} {w:g}" for g, w in weights.items())


def describe(rule: dict) -> str:
    """The rule as a secretariat reads it before opening a vote."""
    units = str(UNITS[rule["unit"]])
    base = str(BASE[rule["base"]]) % {"units": units}
    if rule["threshold"] == "simple":
        parts = [_("Adopted if yes outnumbers no.")]
    elif rule["threshold"] == "unanimity":
        parts = [_("Adopted only if all of %(base)s are yes.", base=base)]
    elif rule["threshold"] == "absolute":
        parts = [_("Adopted if yes is more than half of %(base)s.", base=base)]
    else:
        parts = [_("Adopted if yes reaches %(threshold)s of %(base)s.", threshold=THRESHOLD[rule["threshold"]],
                   base=base)]
    if rule["consensus_first"]:
        parts.insert(0, _("Adopted by consensus when no one votes against; otherwise the vote follows at once:"))
    if rule["unit"] == "member_state":
        parts.append(_("One vote per member state, cast by any eligible delegate of it."))
    elif rule["unit"] == "organisation":
        parts.append(_("One vote per organisation, cast by any eligible delegate of it."))
    groups = rule.get("groups")
    if groups == "each":
        parts.append(_("Each voting constituency must pass on its own."))
    elif groups:
        parts.append(_("Each constituency's share is weighted (%(ratio)s).", ratio=_ratio(groups["weights"])))
    if rule.get("quorum"):
        parts.append(quorum_words(rule["quorum"], rule["unit"]))
    return " ".join(parts)


def quorum_words(q, unit: str = "delegate") -> str:
    """A quorum as a sentence ("Void unless ... ")."""
    if isinstance(q, int):
        return ngettext("Void unless at least %(num)d vote is cast.", "Void unless at least %(num)d votes are cast.", q)
    return _("Void unless %(counted)s reach %(fraction)s of %(of)s.", counted=COUNTED[q["counted"]],
             fraction=_fraction(q["fraction"]), of=str(QUORUM_OF[q["of"]]) % {"units": str(UNITS[unit])})


def _count_words(base: str, yes: int, n: int) -> str:
    if base == "cast":
        return ngettext("%(yes)d of %(num)d vote cast in favour", "%(yes)d of %(num)d votes cast in favour", n, yes=yes)
    if base == "cast_with_abstentions":
        return ngettext("%(yes)d in favour of %(num)d taking part", "%(yes)d in favour of %(num)d taking part", n, yes=yes)
    if base == "present":
        return ngettext("%(yes)d in favour of %(num)d present", "%(yes)d in favour of %(num)d present", n, yes=yes)
    return ngettext("%(yes)d in favour of %(num)d entitled to vote", "%(yes)d in favour of %(num)d entitled to vote",
                    n, yes=yes)


def _threshold(outcome: str, p: dict) -> str:
    if p["threshold"] == "unanimity" and p["base"] == "cast":  # the consensus preset
        if outcome == "carried":
            return ngettext("carried by consensus: no votes against (%(num)d in favour)",
                            "carried by consensus: no votes against (%(num)d in favour)", p["yes"])
        no = p["base_count"] - p["yes"]
        if no:
            return ngettext("failed consensus: %(num)d vote against", "failed consensus: %(num)d votes against", no)
        return _("failed consensus: no votes in favour")
    return _("%(prefix)s: %(count)s, %(threshold)s required", prefix=PREFIX[outcome],
             count=_count_words(p["base"], p["yes"], p["base_count"]), threshold=THRESHOLD[p["threshold"]])


def _quorum(p: dict) -> str:
    n, required = p["counted"], p["required"]
    if p.get("counted_as") == "present":
        return ngettext("void: no quorum (%(num)d present, %(required)d required)",
                        "void: no quorum (%(num)d present, %(required)d required)", n, required=required)
    if p.get("counted_as") == "cast_with_abstentions":
        return ngettext("void: no quorum (%(num)d taking part, %(required)d required)",
                        "void: no quorum (%(num)d taking part, %(required)d required)", n, required=required)
    return ngettext("void: no quorum (%(num)d vote cast, %(required)d required)",
                    "void: no quorum (%(num)d votes cast, %(required)d required)", n, required=required)


def _groups_each(outcome: str, p: dict) -> str:
    if outcome == "carried":
        return _("carried: a majority in favour in each group (%(groups)s)", groups=_groups(p["groups"]))
    return _("not carried: no majority in favour among %(groups)s; a majority in each group required",
             groups=_groups(p["blocking"]))


def reason(outcome: str, code: str | None, params: dict | None) -> str:
    """The reason of a decision in the reader's language (an unknown code reads as itself)."""
    p = params or {}
    if code == "threshold":
        return _threshold(outcome, p)
    if code == "no_quorum":
        return _quorum(p)
    if code == "consensus":
        return ngettext("adopted by consensus: no objection (%(num)d in favour)",
                        "adopted by consensus: no objection (%(num)d in favour)", p["yes"])
    if code == "no_consensus":
        return ngettext("no consensus: %(num)d vote against; the vote follows",
                        "no consensus: %(num)d votes against; the vote follows", p["no"])
    if code == "groups_each":
        return _groups_each(outcome, p)
    if code == "groups_each_hidden":
        return (_("carried: a majority in each group required") if outcome == "carried"
                else _("not carried: a majority in each group required, not reached"))
    if code == "weighted":
        return _("%(prefix)s: weighted %(yes)s in favour, %(no)s against (%(ratio)s)", prefix=PREFIX[outcome],
                 yes=f"{p['weighted_yes']:g}", no=f"{p['weighted_no']:g}", ratio=_ratio(p["weights"]))
    if code == "weighted_hidden":
        return (_("carried: weighted majority required") if outcome == "carried"
                else _("not carried: weighted majority required, not reached"))
    return code or ""


def arithmetic(a: dict | None) -> list[str]:
    """The arithmetic of a result as short lines of words and numbers (page, minutes, PDF)."""
    if not a:
        return []
    units = str(UNITS.get(a.get("unit", "delegate"), UNITS["delegate"]))
    lines = [_("Yes %(yes)d, no %(no)d, abstentions %(abstain)d.", yes=a["yes"], no=a["no"], abstain=a["abstain"])]
    if a.get("base") in BASE:
        lines.append(_("Base: %(base)s, %(num)d.", base=str(BASE[a["base"]]) % {"units": units}, num=a["base_count"]))
    if a.get("required") is not None:
        lines.append(_("Yes required: %(num)d.", num=a["required"]))
    if a.get("quorum_required") is not None:
        lines.append(_("Quorum: %(required)d required, %(counted)d counted.", required=a["quorum_required"],
                       counted=a["quorum_counted"]))
    if a.get("present_count") is not None and a.get("entitled_count") is not None:
        lines.append(_("Present: %(present)d of %(entitled)d entitled.", present=a["present_count"],
                       entitled=a["entitled_count"]))
    for g, ga in (a.get("groups") or {}).items():
        lines.append(_("%(group)s: yes %(yes)d, no %(no)d, abstentions %(abstain)d; base %(base)d, yes required "
                       "%(required)d.", group=label(CONSTITUENCY_GROUP, g), yes=ga["yes"], no=ga["no"],
                       abstain=ga["abstain"], base=ga["base_count"], required=ga["required"]))
    w = a.get("weighted")
    if w:
        lines.append(_("Weighted: %(yes)s in favour, %(no)s against.", yes=f"{w['weighted_yes']:g}",
                       no=f"{w['weighted_no']:g}"))
    return lines
