"""The decision rules, table by table (pure functions, no database)."""
import pytest

from app.votes.rules import decide, quorum_required

OPTS = ["yes", "no", "abstain"]


def t(yes=0, no=0, abstain=0):
    return {"yes": yes, "no": no, "abstain": abstain}


def groups(gov=(0, 0, 0), emp=(0, 0, 0), wrk=(0, 0, 0), **more):
    out = {"government": t(*gov), "employers": t(*emp), "workers": t(*wrk)}
    out.update({k: t(*v) for k, v in more.items()})
    return out


@pytest.mark.parametrize("by_group,outcome,reason", [
    (groups(gov=(3, 1, 5)), "carried", "carried: 3 of 4 votes cast in favour, simple majority required"),
    (groups(gov=(2, 2, 0)), "not_carried", "not carried: 2 of 4 votes cast in favour, simple majority required"),
    (groups(gov=(1, 0, 9)), "carried", "carried: 1 of 1 vote cast in favour, simple majority required"),
    (groups(gov=(0, 0, 4)), "not_carried", "not carried: 0 of 0 votes cast in favour, simple majority required"),
    (groups(gov=(1, 2, 0), emp=(2, 0, 0)), "carried", "carried: 3 of 5 votes cast in favour, simple majority required"),
])
def test_simple_majority_of_votes_cast_abstentions_not_cast(by_group, outcome, reason):
    d = decide("simple", by_group, options=OPTS)
    assert (d.outcome, d.reason) == (outcome, reason)


@pytest.mark.parametrize("yes,no,abstain,outcome", [
    (2, 1, 0, "carried"),       # exactly two-thirds
    (31, 13, 7, "carried"),
    (29, 15, 0, "not_carried"),  # 29/44 < 2/3
    (1, 1, 0, "not_carried"),
    (0, 0, 3, "not_carried"),
    (200, 100, 50, "carried"),
    (199, 100, 0, "not_carried"),
])
def test_two_thirds(yes, no, abstain, outcome):
    d = decide("two_thirds", groups(gov=(yes, no, abstain)), options=OPTS)
    assert d.outcome == outcome
    assert d.reason.endswith("two-thirds required")


def test_two_thirds_reason_reads_like_the_record():
    d = decide("two_thirds", groups(gov=(20, 5, 0), emp=(6, 4, 1), wrk=(5, 4, 2)), options=OPTS)
    assert d.reason == "carried: 31 of 44 votes cast in favour, two-thirds required"


@pytest.mark.parametrize("by_group,outcome,blocking", [
    (groups(gov=(2, 1, 0), emp=(1, 0, 0), wrk=(3, 2, 0)), "carried", None),
    (groups(gov=(9, 0, 0), emp=(1, 1, 0), wrk=(3, 0, 0)), "not_carried", ["employers"]),
    (groups(gov=(9, 0, 0), emp=(5, 0, 0), wrk=(0, 0, 2)), "not_carried", ["workers"]),  # no votes cast blocks
    (groups(gov=(0, 1, 0), emp=(0, 0, 0), wrk=(1, 0, 0)), "not_carried", ["government", "employers"]),
])
def test_constituency_majority(by_group, outcome, blocking):
    d = decide("constituency_majority", by_group, options=OPTS)
    assert d.outcome == outcome
    assert d.details.get("blocking_groups") == blocking
    if blocking:
        assert all(g in d.reason for g in blocking)


def test_constituency_majority_counts_stakeholders_when_they_vote():
    by_group = groups(gov=(1, 0, 0), emp=(1, 0, 0), wrk=(1, 0, 0), stakeholder=(0, 1, 0))
    assert decide("constituency_majority", by_group, options=OPTS).outcome == "carried"
    d = decide("constituency_majority", by_group, options=OPTS,
               groups=["government", "employers", "workers", "stakeholder"])
    assert d.outcome == "not_carried" and "stakeholder" in d.reason


@pytest.mark.parametrize("by_group,weights,outcome,w_yes,w_no", [
    # 10 government yes vs 1 employer no and 1 worker no: groups weigh 2:1:1 whatever their size
    (groups(gov=(10, 0, 0), emp=(0, 1, 0), wrk=(0, 1, 0)), None, "not_carried", 2, 2),
    (groups(gov=(1, 0, 0), emp=(0, 30, 0), wrk=(1, 1, 0)), None, "carried", 2.5, 1.5),
    (groups(gov=(1, 1, 0), emp=(0, 1, 0), wrk=(1, 0, 0)), None, "not_carried", 2, 2),
    # equal weights: a plain majority of groups' shares
    (groups(gov=(10, 0, 0), emp=(0, 1, 0), wrk=(0, 1, 0)), {"government": 1, "employers": 1, "workers": 1},
     "not_carried", 1, 2),
    # a group with no votes cast weighs nothing
    (groups(gov=(0, 0, 3), emp=(0, 1, 0), wrk=(2, 0, 0)), None, "not_carried", 1, 1),
    (groups(gov=(3, 1, 0), emp=(0, 0, 0), wrk=(2, 0, 0)), None, "carried", 2.5, 0.5),
])
def test_weighted(by_group, weights, outcome, w_yes, w_no):
    d = decide("weighted", by_group, options=OPTS, weights=weights)
    assert d.outcome == outcome
    assert d.details == {"weighted_yes": w_yes, "weighted_no": w_no}


def test_weighted_reason_names_the_ratio_and_hides_it_when_groups_are_not_disclosed():
    by_group = groups(gov=(1, 0, 0), emp=(0, 1, 0), wrk=(1, 0, 0))
    d = decide("weighted", by_group, options=OPTS)
    assert d.reason == "carried: weighted 3 in favour, 1 against (government 2 : employers 1 : workers 1)"
    hidden = decide("weighted", by_group, options=OPTS, disclose_groups=False)
    assert hidden.outcome == "carried" and hidden.details == {}
    assert "government" not in hidden.reason and "3" not in hidden.reason


@pytest.mark.parametrize("by_group,outcome,reason_start", [
    (groups(gov=(5, 0, 2), emp=(1, 0, 0)), "carried", "carried by consensus: no votes against"),
    (groups(gov=(5, 1, 0)), "not_carried", "failed consensus: 1 vote against"),
    (groups(gov=(5, 2, 0)), "not_carried", "failed consensus: 2 votes against"),
    (groups(gov=(0, 0, 3)), "not_carried", "failed consensus: no votes in favour"),
])
def test_consensus(by_group, outcome, reason_start):
    d = decide("consensus", by_group, options=OPTS)
    assert d.outcome == outcome
    assert d.reason.startswith(reason_start)


@pytest.mark.parametrize("quorum,eligible,required", [
    (None, 10, None), (5, 10, 5), ("half_of_eligible", 10, 5), ("half_of_eligible", 9, 5),
    ("half_of_eligible", 0, 0),
])
def test_quorum_required(quorum, eligible, required):
    assert quorum_required(quorum, eligible) == required


@pytest.mark.parametrize("rule", ["simple", "two_thirds", "constituency_majority", "weighted", "consensus"])
def test_below_quorum_is_void_whatever_the_rule(rule):
    by_group = groups(gov=(2, 0, 5), emp=(1, 0, 0), wrk=(1, 0, 0))  # 4 votes cast, 5 abstentions
    d = decide(rule, by_group, options=OPTS, quorum="half_of_eligible", eligible=10)
    assert d.outcome == "void_no_quorum" and not d.quorum_met
    assert d.reason == "void: no quorum (4 votes cast, 5 required)"
    ok = decide(rule, by_group, options=OPTS, quorum=4, eligible=10)
    assert ok.quorum_met and ok.outcome == "carried"


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        decide("plurality", groups(), options=OPTS)
