"""Results frozen before rules became objects keep their meaning through the migration: the
reason, now a code, reads as the stored English sentence did; the rule and the arithmetic follow."""
import json

from sqlalchemy import text

from app.consultations.words import reason
from tests.conftest import upgrade_with_old_rows

OLD = [  # (rule, weights, quorum, frozen result as the old code stored it)
    ("two_thirds", None, "half_of_eligible",
     {"outcome": "carried", "reason": "carried: 2 of 3 votes cast in favour, two-thirds required", "rule": "two_thirds",
      "tallies": {"yes": 2, "no": 1, "abstain": 1}, "votes_cast": 3, "eligible": 6, "quorum_required": 3,
      "quorum_met": True, "details": {}}),
    ("simple", None, 3,
     {"outcome": "void_no_quorum", "reason": "void: no quorum (2 votes cast, 3 required)", "rule": "simple",
      "tallies": {"yes": 2, "no": 0, "abstain": 1}, "votes_cast": 2, "eligible": 6, "quorum_required": 3,
      "quorum_met": False, "details": {}}),
    ("constituency_majority", None, None,
     {"outcome": "not_carried", "rule": "constituency_majority",
      "reason": "not carried: no majority in favour among employers; a majority in each group required",
      "tallies": {"yes": 2, "no": 1, "abstain": 0}, "votes_cast": 3, "eligible": 3, "quorum_required": None,
      "quorum_met": True, "details": {"blocking_groups": ["employers"]},
      "by_constituency": {"government": {"yes": 1}, "employers": {"no": 1}, "workers": {"yes": 1}}}),
    ("weighted", {"government": 2, "employers": 1, "workers": 1}, None,
     {"outcome": "carried", "rule": "weighted",
      "reason": "carried: weighted 3 in favour, 1 against (government 2 : employers 1 : workers 1)",
      "tallies": {"yes": 2, "no": 1, "abstain": 0}, "votes_cast": 3, "eligible": 3, "quorum_required": None,
      "quorum_met": True, "details": {"weighted_yes": 3, "weighted_no": 1},
      "weights": {"government": 2, "employers": 1, "workers": 1}, "by_constituency": {"government": {"yes": 1}}}),
    ("consensus", None, None,
     {"outcome": "not_carried", "rule": "consensus",
      "reason": "failed consensus: 1 vote against; a two-thirds motion may follow",
      "tallies": {"yes": 5, "no": 1, "abstain": 0}, "votes_cast": 6, "eligible": 6, "quorum_required": None,
      "quorum_met": True, "details": {}}),
]
# the words now (group names as labels, the old consensus postscript gone)
READS = [
    "carried: 2 of 3 votes cast in favour, two-thirds required",
    "void: no quorum (2 votes cast, 3 required)",
    "not carried: no majority in favour among Employers; a majority in each group required",
    "carried: weighted 3 in favour, 1 against (Government 2 : Employers 1 : Workers 1)",
    "failed consensus: 1 vote against",
]


def test_old_results_keep_their_meaning(tmp_path):
    def write_old(conn):
        conn.execute("INSERT INTO consultation (id, title, description, level, status, created_at, updated_at, "
                     "voting_constituencies, is_public) VALUES (1, 't', '', 'continental', 'live', "
                     "'2026-01-01', '2026-01-01', '[]', 0)")
        for mid, (rule, weights, quorum, result) in enumerate(OLD, start=1):
            conn.execute("INSERT INTO motion (id, consultation_id, question, options, ballot, rule, weights, quorum, "
                         "status, result, created_at) VALUES (?, 1, 'q', '[\"yes\", \"no\", \"abstain\"]', "
                         "'show_of_hands', ?, ?, ?, 'closed', ?, '2026-01-01')",
                         (mid, rule, json.dumps(weights), json.dumps(quorum), json.dumps(result)))

    app, rows = upgrade_with_old_rows(
        tmp_path, "63ef862a781d", write_old,
        lambda conn: conn.execute(text("SELECT procedure, result, register FROM motion ORDER BY id")).all())
    with app.test_request_context():
        for (procedure, result, register), words, (_r, _w, _q, old) in zip(rows, READS, OLD, strict=True):
            procedure, result, register = json.loads(procedure), json.loads(result), json.loads(register)
            assert "reason" not in result and result["outcome"] == old["outcome"]
            assert reason(result["outcome"], result["reason_code"], result["reason_params"]) == words
            assert result["rule"] == procedure and register == {"entitled_count": old["eligible"]}
            assert result["arithmetic"]["quorum_required"] == old["quorum_required"]
    assert json.loads(rows[0][0])["quorum"] == {"of": "entitled", "fraction": "1/2", "counted": "cast"}
    assert json.loads(rows[4][0])["threshold"] == "unanimity"
