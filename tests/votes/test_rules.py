"""The presets of the older rule names, table by table, through the one decision function and
the words of its reason (no database)."""
import pytest

from app.consultations.decision import decide
from app.consultations.procedure import expand_rule
from app.consultations.words import reason
from tests.votes.rulekit import ballots_of, register_of

GROUPS3 = ["government", "employers", "workers"]


@pytest.fixture(autouse=True)
def _english(app):
    with app.test_request_context():
        yield


def groups(gov=(0, 0, 0), emp=(0, 0, 0), wrk=(0, 0, 0), **more):
    out = {"government": gov, "employers": emp, "workers": wrk}
    out.update(more)
    return out


def run(rule, by_group, *, voting=None, quorum=None, eligible=None, weights=None, disclose=True):
    obj = expand_rule(rule, voting or GROUPS3)
    if quorum is not None:
        obj["quorum"] = expand_rule({"quorum": quorum})["quorum"]
    if weights is not None:
        obj["groups"] = expand_rule({"groups": {"weights": weights}}, voting or GROUPS3)["groups"]
    ballots = ballots_of(by_group)
    register = register_of(voting or GROUPS3, len(ballots) if eligible is None else eligible, ballots)
    d = decide(obj, ballots, register, disclose_groups=disclose)
    return d, reason(d["outcome"], d["reason_code"], d["reason_params"])


@pytest.mark.parametrize("by_group,outcome,why", [
    (groups(gov=(3, 1, 5)), "carried", "carried: 3 of 4 votes cast in favour, simple majority required"),
    (groups(gov=(2, 2, 0)), "not_carried", "not carried: 2 of 4 votes cast in favour, simple majority required"),
    (groups(gov=(1, 0, 9)), "carried", "carried: 1 of 1 vote cast in favour, simple majority required"),
    (groups(gov=(0, 0, 4)), "not_carried", "not carried: 0 of 0 votes cast in favour, simple majority required"),
    (groups(gov=(1, 2, 0), emp=(2, 0, 0)), "carried", "carried: 3 of 5 votes cast in favour, simple majority required"),
])
def test_simple_majority_of_votes_cast_abstentions_not_cast(by_group, outcome, why):
    d, text = run("simple", by_group)
    assert (d["outcome"], text) == (outcome, why)


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
    d, text = run("two_thirds", groups(gov=(yes, no, abstain)))
    assert d["outcome"] == outcome and text.endswith("two-thirds required")
    assert d["arithmetic"]["required"] == max(1, -(-2 * (yes + no) // 3))


def test_two_thirds_reason_reads_like_the_record():
    _d, text = run("two_thirds", groups(gov=(20, 5, 0), emp=(6, 4, 1), wrk=(5, 4, 2)))
    assert text == "carried: 31 of 44 votes cast in favour, two-thirds required"


@pytest.mark.parametrize("by_group,outcome,blocking", [
    (groups(gov=(2, 1, 0), emp=(1, 0, 0), wrk=(3, 2, 0)), "carried", None),
    (groups(gov=(9, 0, 0), emp=(1, 1, 0), wrk=(3, 0, 0)), "not_carried", ["employers"]),
    (groups(gov=(9, 0, 0), emp=(5, 0, 0), wrk=(0, 0, 2)), "not_carried", ["workers"]),  # no votes cast blocks
    (groups(gov=(0, 1, 0), emp=(0, 0, 0), wrk=(1, 0, 0)), "not_carried", ["government", "employers"]),
])
def test_constituency_majority(by_group, outcome, blocking):
    d, text = run("constituency_majority", by_group)
    assert d["outcome"] == outcome and d["reason_code"] == "groups_each"
    assert (d["reason_params"]["blocking"] or None) == blocking
    if blocking:
        assert all(g.capitalize() in text for g in blocking)


def test_constituency_majority_counts_stakeholders_when_they_vote():
    by_group = groups(gov=(1, 0, 0), emp=(1, 0, 0), wrk=(1, 0, 0), stakeholder=(0, 1, 0))
    assert run("constituency_majority", by_group)[0]["outcome"] == "carried"
    d, text = run("constituency_majority", by_group, voting=[*GROUPS3, "stakeholder"])
    assert d["outcome"] == "not_carried" and "Stakeholders" in text


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
    d, _text = run("weighted", by_group, weights=weights)
    assert d["outcome"] == outcome
    assert (d["reason_params"]["weighted_yes"], d["reason_params"]["weighted_no"]) == (w_yes, w_no)


def test_weighted_reason_names_the_ratio_and_hides_it_when_groups_are_not_disclosed():
    by_group = groups(gov=(1, 0, 0), emp=(0, 1, 0), wrk=(1, 0, 0))
    _d, text = run("weighted", by_group)
    assert text == "carried: weighted 3 in favour, 1 against (Government 2 : Employers 1 : Workers 1)"
    hidden, text = run("weighted", by_group, disclose=False)
    assert hidden["outcome"] == "carried" and hidden["reason_params"] == {"threshold": "simple"}
    assert hidden["arithmetic"]["groups"] is None and "weighted" not in hidden["arithmetic"]
    assert "Government" not in text and "3" not in text


@pytest.mark.parametrize("by_group,outcome,reason_start", [
    (groups(gov=(5, 0, 2), emp=(1, 0, 0)), "carried", "carried by consensus: no votes against"),
    (groups(gov=(5, 1, 0)), "not_carried", "failed consensus: 1 vote against"),
    (groups(gov=(5, 2, 0)), "not_carried", "failed consensus: 2 votes against"),
    (groups(gov=(0, 0, 3)), "not_carried", "failed consensus: no votes in favour"),
])
def test_consensus(by_group, outcome, reason_start):
    d, text = run("consensus", by_group)
    assert d["outcome"] == outcome and text.startswith(reason_start)


@pytest.mark.parametrize("rule", ["simple", "two_thirds", "constituency_majority", "weighted", "consensus"])
def test_below_quorum_is_void_whatever_the_rule(rule):
    by_group = groups(gov=(2, 0, 5), emp=(1, 0, 0), wrk=(1, 0, 0))  # 4 votes cast, 5 abstentions
    d, text = run(rule, by_group, quorum="half_of_eligible", eligible=10)
    assert d["outcome"] == "void_no_quorum" and not d["arithmetic"]["quorum_met"]
    assert text == "void: no quorum (4 votes cast, 5 required)"
    ok, _text = run(rule, by_group, quorum=4, eligible=10)
    assert ok["arithmetic"]["quorum_met"] and ok["outcome"] == "carried"


@pytest.mark.parametrize("quorum,eligible,required", [
    (5, 10, 5), ("half_of_eligible", 10, 5), ("half_of_eligible", 9, 5), ("half_of_eligible", 0, 0),
])
def test_quorum_required(quorum, eligible, required):
    d, _text = run("simple", groups(), quorum=quorum, eligible=eligible)
    assert d["arithmetic"]["quorum_required"] == required
