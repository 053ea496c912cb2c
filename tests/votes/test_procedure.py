"""Rules of procedure against the texts' own worked cases, the rule object's validation, and the
properties every rule must keep (Hypothesis). Pure: no database."""
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.consultations.decision import decide
from app.consultations.procedure import BASES, PRESETS, THRESHOLDS, UNITS, expand_rule, follow_on, preset_of
from app.consultations.words import describe, reason
from app.core.errors import Invalid

TRI = ["government", "employers", "workers"]


@pytest.fixture(autouse=True)
def _english(app):
    with app.test_request_context():
        yield


def voter(n, choice, group="government", country=None, org=None, at=None):
    return {"voter": n, "group": group, "choice": choice, "country": country, "organisation": org or n, "at": at or n}


def entitled(n, group="government", country=None, org=None):
    return {"id": n, "group": group, "country": country, "organisation": org or n}


def plain(choices, attending, groups=TRI):
    """Delegates 1..attending present, the first len(choices) voting in order."""
    ballots = [voter(i, c) for i, c in enumerate(choices, start=1)]
    return ballots, {"groups": groups, "entitled": [entitled(i) for i in range(1, attending + 1)],
                     "present": list(range(1, attending + 1))}


def words_of(d):
    return reason(d["outcome"], d["reason_code"], d["reason_params"])


# --- ILO Constitution art. 17(2), 17(3), 19(2) ------------------------------------------------

@pytest.mark.parametrize("yes,no,abstain,attending,outcome", [
    (9, 0, 11, 20, "void_no_quorum"),   # 17(3): 9 votes cast < half of the 20 attending
    (10, 0, 10, 20, "carried"),         # exactly half: valid; 17(2) simple majority of votes cast
    (5, 5, 10, 20, "not_carried"),      # a tie is not a majority
    (6, 5, 9, 20, "carried"),
    (6, 4, 0, 30, "void_no_quorum"),    # 10 cast < 15: the absent do not help, the attending count
])
def test_ilo_article_17(yes, no, abstain, attending, outcome):
    ballots, register = plain(["yes"] * yes + ["no"] * no + ["abstain"] * abstain, attending)
    d = decide(expand_rule("ilo_majority"), ballots, register)
    assert d["outcome"] == outcome
    assert d["arithmetic"]["quorum_required"] == -(-attending // 2)
    assert d["arithmetic"]["quorum_counted"] == yes + no


def test_ilo_quorum_counts_those_attending_not_those_accredited():
    """Baraza's old half_of_eligible counted everyone accredited: 40 accredited, 20 attending,
    10 votes cast is valid under art. 17(3) and void under the old reading."""
    ballots, register = plain(["yes"] * 8 + ["no"] * 2 + ["abstain"] * 10, 20)
    register["entitled"] += [entitled(i) for i in range(21, 41)]
    assert decide(expand_rule("ilo_majority"), ballots, register)["outcome"] == "carried"
    old = expand_rule("simple") | {"quorum": expand_rule({"quorum": "half_of_eligible"})["quorum"]}
    assert decide(old, ballots, register)["outcome"] == "void_no_quorum"


@pytest.mark.parametrize("yes,no,abstain,outcome", [
    (30, 15, 5, "carried"),      # 19(2): exactly two-thirds of the votes cast
    (29, 15, 6, "not_carried"),
    (40, 0, 10, "carried"),
])
def test_ilo_article_19_2(yes, no, abstain, outcome):
    ballots, register = plain(["yes"] * yes + ["no"] * no + ["abstain"] * abstain, 50)
    d = decide(expand_rule("ilo_two_thirds"), ballots, register)
    assert d["outcome"] == outcome and d["arithmetic"]["required"] == -(-2 * (yes + no) // 3)
    assert words_of(d).endswith("two-thirds required")


# --- African Union: consensus, failing which two-thirds of the member states eligible ---------

STATES = ["KE", "GH", "SN", "NG", "ZA", "EG", "ET", "MA", "TZ"]


def au(choices, present=None):
    ballots = [voter(i, c, country=STATES[i - 1]) for i, c in enumerate(choices, start=1) if c]
    register = {"groups": TRI, "entitled": [entitled(i, country=s) for i, s in enumerate(STATES, start=1)],
                "present": list(range(1, 10)) if present is None else present}
    return ballots, register


def test_au_rule_the_issue_case():
    """5 yes, 1 no, 3 abstentions among 9 member states: no consensus; the follow-on vote needs
    6 (two-thirds of the 9 eligible), so it is not carried (the old two_thirds said carried)."""
    rule = expand_rule("au_consensus_two_thirds")
    ballots, register = au(["yes"] * 5 + ["no"] + ["abstain"] * 3)
    first = decide(rule, ballots, register)
    assert first["outcome"] == "no_consensus" and words_of(first).startswith("no consensus: 1 vote against")
    second = decide(follow_on(rule), ballots, register)
    assert second["outcome"] == "not_carried" and second["arithmetic"]["required"] == 6
    assert second["arithmetic"]["base_count"] == 9 and second["arithmetic"]["base"] == "entitled"
    assert decide(expand_rule("two_thirds"), ballots, register)["outcome"] == "carried"


def test_au_rule_consensus_and_quorum():
    rule = expand_rule("au_consensus_two_thirds")
    ballots, register = au(["yes"] * 4 + ["abstain"] * 2)
    d = decide(rule, ballots, register)
    assert d["outcome"] == "carried" and d["reason_code"] == "consensus"
    # quorum: two-thirds of the 9 eligible member states present; 5 present and 5 voting is void
    ballots, register = au(["yes"] * 5, present=[1, 2, 3])
    d = decide(rule, ballots, register)
    assert d["outcome"] == "void_no_quorum" and d["arithmetic"]["quorum_required"] == 6
    assert d["arithmetic"]["quorum_counted"] == 5 and words_of(d) == "void: no quorum (5 present, 6 required)"


def test_member_state_one_vote_the_latest_ballot_counts():
    rule = expand_rule("au_consensus_two_thirds") | {"consensus_first": False}
    ballots, register = au(["yes"] * 6)
    # Kenya's employers' delegate votes later and says no: Kenya's one vote is no
    ballots.append(voter(20, "no", group="employers", country="KE", at=100))
    register["entitled"].append(entitled(20, group="employers", country="KE"))
    d = decide(rule, ballots, register)
    assert (d["arithmetic"]["yes"], d["arithmetic"]["no"], d["arithmetic"]["entitled_count"]) == (5, 1, 9)
    assert d["outcome"] == "not_carried"
    ballots[-1]["at"] = 0  # had it come first, Kenya's government delegate's later yes would count
    assert decide(rule, ballots, register)["outcome"] == "carried"


def test_organisation_unit_one_vote_per_organisation():
    rule = expand_rule({"unit": "organisation"})
    ballots = [voter(1, "yes", org=7, at=1), voter(2, "no", org=7, at=2), voter(3, "yes", org=8)]
    register = {"groups": TRI, "entitled": [entitled(1, org=7), entitled(2, org=7), entitled(3, org=8)], "present": None}
    d = decide(rule, ballots, register)
    assert (d["arithmetic"]["yes"], d["arithmetic"]["no"], d["arithmetic"]["entitled_count"]) == (1, 1, 2)


# --- a REC council by consensus; a national council by double majority; an advisory committee --

def test_rec_council_by_consensus_of_member_states():
    rule = expand_rule("rec_consensus")
    ballots, register = au(["yes", "yes", "abstain"])
    assert decide(rule, ballots, register)["outcome"] == "carried"
    ballots, register = au(["yes", "yes", "no"])
    d = decide(rule, ballots, register)
    assert d["outcome"] == "not_carried" and words_of(d) == "failed consensus: 1 vote against"


@pytest.mark.parametrize("emp,wrk,outcome,blocking", [
    (("yes", "yes", "no"), ("yes", "yes", "abstain"), "carried", []),
    (("yes", "yes", "no"), ("yes", "no", "abstain"), "not_carried", ["workers"]),  # a tie among workers
    (("no", "no", "yes"), ("yes", "yes", "yes"), "not_carried", ["employers"]),
])
def test_national_tripartite_council_double_majority_of_the_social_partners(emp, wrk, outcome, blocking):
    """The social partners vote, each by its own majority; the government chairs and does not vote."""
    groups = ["employers", "workers"]
    ballots = [voter(i, c, "employers") for i, c in enumerate(emp, start=1)]
    ballots += [voter(10 + i, c, "workers") for i, c in enumerate(wrk, start=1)]
    ballots.append(voter(99, "no", "government"))  # not entitled here: not counted
    register = {"groups": groups, "entitled": [entitled(b["voter"], b["group"]) for b in ballots[:-1]], "present": None}
    d = decide(expand_rule("constituency_majority", groups), ballots, register)
    assert d["outcome"] == outcome and d["reason_params"]["blocking"] == blocking
    assert set(d["arithmetic"]["groups"]) == {"employers", "workers"}


def test_advisory_committee_stakeholders_advise_but_do_not_vote():
    ballots = [voter(1, "yes", "government"), voter(2, "yes", "employers"), voter(3, "no", "workers")]
    ballots += [voter(10 + i, "no", "stakeholder") for i in range(5)]
    register = {"groups": TRI, "entitled": [entitled(i, g) for i, g in enumerate(TRI, start=1)],
                "present": [1, 2, 3, 10, 11, 12]}
    rule = expand_rule({"threshold": "absolute", "base": "present"}, TRI)
    d = decide(rule, ballots, register)
    assert d["outcome"] == "carried" and d["arithmetic"]["base_count"] == 3 and d["arithmetic"]["no"] == 1


# --- the rule object ---------------------------------------------------------------------------

@pytest.mark.parametrize("value,field", [
    ("plurality", "rule"),
    ({"threshold": "most"}, "rule.threshold"),
    ({"base": "everyone"}, "rule.base"),
    ({"unit": "person"}, "rule.unit"),
    ({"quorum": {"of": "present", "fraction": "3/2"}}, "rule.quorum.fraction"),
    ({"quorum": {"of": "present", "fraction": "0"}}, "rule.quorum.fraction"),
    ({"quorum": {"of": "all"}}, "rule.quorum.of"),
    ({"quorum": 0}, "rule.quorum"),
    ({"groups": {"weights": {"observer": 2}}}, "rule.groups.weights"),
    ({"groups": {"weights": {"stakeholder": 1}}}, "rule.groups.weights"),  # a group that does not vote
    ({"groups": "each", "unit": "member_state"}, "rule.groups"),
    ({"consensus_first": "yes"}, "rule.consensus_first"),
    ({"colour": "red"}, "rule.colour"),
])
def test_impossible_rules_are_refused_naming_the_field(value, field):
    with pytest.raises(Invalid) as err:
        expand_rule(value, TRI)
    assert field in err.value.details["fields"]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_expands_reads_in_words_and_is_recognised(name):
    rule = expand_rule(name, TRI)
    assert set(rule) == {"unit", "threshold", "base", "quorum", "groups", "consensus_first"}
    assert preset_of(rule) == name and describe(rule).startswith("Adopted")


def test_the_au_rule_in_words():
    assert describe(expand_rule("au_consensus_two_thirds")) == (
        "Adopted by consensus when no one votes against; otherwise the vote follows at once: Adopted if yes reaches "
        "two-thirds of the member states entitled to vote. One vote per member state, cast by any eligible delegate "
        "of it. Void unless those present reach two-thirds of the member states entitled to vote.")


# --- properties ---------------------------------------------------------------------------------

quorums = st.one_of(st.none(), st.integers(1, 6), st.builds(
    lambda of, f, counted: {"of": of, "fraction": f, "counted": counted},
    st.sampled_from(["entitled", "present"]), st.sampled_from(["1/3", "1/2", "2/3", "3/4", "1/1"]),
    st.sampled_from(["cast", "cast_with_abstentions", "present"])))


@st.composite
def rules(draw):
    unit = draw(st.sampled_from(UNITS))
    groups = None if unit == "member_state" else draw(st.sampled_from([None, "each", {"weights": {"government": 2}}]))
    return expand_rule({"unit": unit, "threshold": draw(st.sampled_from(THRESHOLDS)), "base": draw(st.sampled_from(BASES)),
                        "quorum": draw(quorums), "groups": groups, "consensus_first": draw(st.booleans())}, TRI)


@st.composite
def votes(draw):
    n = draw(st.integers(1, 14))
    people = [entitled(i, draw(st.sampled_from(TRI)), draw(st.sampled_from(["KE", "GH", "SN"])),
                       draw(st.integers(1, 4))) for i in range(1, n + 1)]
    voting = draw(st.lists(st.sampled_from(range(1, n + 1)), unique=True))
    ballots = [voter(i, draw(st.sampled_from(["yes", "no", "abstain"])), people[i - 1]["group"],
                     people[i - 1]["country"], people[i - 1]["organisation"], at=draw(st.integers(0, 5)))
               for i in voting]
    present = draw(st.lists(st.sampled_from(range(1, n + 1)), unique=True))
    return ballots, {"groups": TRI, "entitled": people, "present": present}


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(rules(), votes(), st.data())
def test_an_abstention_turned_yes_never_undoes_a_carried_vote(rule, case, data):
    ballots, register = case
    if decide(rule, ballots, register)["outcome"] != "carried":
        return
    abstaining = [i for i, b in enumerate(ballots) if b["choice"] == "abstain"]
    if not abstaining:
        return
    i = data.draw(st.sampled_from(abstaining))
    changed = [dict(b, choice="yes") if j == i else b for j, b in enumerate(ballots)]
    assert decide(rule, changed, register)["outcome"] == "carried"


@FAST
@given(rules(), votes())
def test_an_absent_voter_never_makes_a_void_vote_valid_under_a_present_quorum(rule, case):
    ballots, register = case
    rule = rule | {"quorum": {"of": "present", "fraction": "1/2", "counted": "cast"}}
    if decide(rule, ballots, register)["outcome"] != "void_no_quorum":
        return
    more = dict(register, entitled=[*register["entitled"], entitled(999, "workers", "TZ", 99)])
    assert decide(rule, ballots, more)["outcome"] == "void_no_quorum"


@FAST
@given(rules(), votes(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_never_matters(rule, case, rnd: random.Random):
    ballots, register = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert decide(rule, shuffled, register) == decide(rule, ballots, register)


# --- every field value, on one small sitting ----------------------------------------------------
# 10 delegates entitled, 8 present; 5 yes, 2 no, 1 abstention (all of them present).

@pytest.mark.parametrize("fields,outcome,base_count,required", [
    ({"threshold": "simple"}, "carried", 7, 3),
    ({"threshold": "absolute", "base": "cast"}, "carried", 7, 4),
    ({"threshold": "absolute", "base": "entitled"}, "not_carried", 10, 6),    # absolute_majority
    ({"threshold": "two_thirds", "base": "cast"}, "carried", 7, 5),
    ({"threshold": "two_thirds", "base": "cast_with_abstentions"}, "not_carried", 8, 6),
    ({"threshold": "two_thirds", "base": "present"}, "not_carried", 8, 6),
    ({"threshold": "three_quarters", "base": "cast"}, "not_carried", 7, 6),
    ({"threshold": "unanimity", "base": "cast"}, "not_carried", 7, 7),
])
def test_thresholds_and_bases(fields, outcome, base_count, required):
    ballots, register = plain(["yes"] * 5 + ["no"] * 2 + ["abstain"], 8)
    register["entitled"] += [entitled(9), entitled(10)]
    d = decide(expand_rule(fields), ballots, register)
    assert (d["outcome"], d["arithmetic"]["base_count"], d["arithmetic"]["required"]) == (outcome, base_count, required)


@pytest.mark.parametrize("quorum,required,counted,outcome", [
    (8, 8, 7, "void_no_quorum"),                                                  # an integer: votes cast
    ({"of": "entitled", "fraction": "3/4", "counted": "cast"}, 8, 7, "void_no_quorum"),
    ({"of": "entitled", "fraction": "3/4", "counted": "cast_with_abstentions"}, 8, 8, "carried"),
    ({"of": "entitled", "fraction": "3/4", "counted": "present"}, 8, 8, "carried"),
    ({"of": "present", "fraction": "1/1", "counted": "cast"}, 8, 7, "void_no_quorum"),
])
def test_quorum_fields(quorum, required, counted, outcome):
    ballots, register = plain(["yes"] * 5 + ["no"] * 2 + ["abstain"], 8)
    register["entitled"] += [entitled(9), entitled(10)]
    d = decide(expand_rule({"quorum": quorum}), ballots, register)
    assert (d["arithmetic"]["quorum_required"], d["arithmetic"]["quorum_counted"], d["outcome"]) == \
        (required, counted, outcome)


def test_weighted_with_a_threshold_and_its_words():
    ballots = [voter(1, "yes", "government"), voter(2, "yes", "employers"), voter(3, "no", "workers")]
    register = {"groups": TRI, "entitled": [entitled(i, g) for i, g in enumerate(TRI, start=1)], "present": None}
    rule = expand_rule({"threshold": "two_thirds", "groups": {"weights": {"government": 2}}}, TRI)
    d = decide(rule, ballots, register)
    # weighted yes 3 of 4 in play >= two-thirds of 4 (2.6667)
    assert d["outcome"] == "carried" and d["arithmetic"]["weighted"]["weighted_required"] == 2.6667
    assert "Government 2 : Employers 1 : Workers 1" in words_of(d)
