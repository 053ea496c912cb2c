"""Class 9: after a secret ballot closes, no table links a voter to a choice.

Every table of the database is read (all rows, all columns, JSON flattened) after the close,
for every rule and for an employers' group of 1, 2, the secrecy minimum and above, and the
test looks for any row that could pair a voter with what they chose."""
import datetime
import json

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from app.extensions import db
from app.consultations.decision import decide
from app.consultations.procedure import expand_rule
from app.consultations.words import reason
from tests.votes.rulekit import ballots_of, register_of
from tests.conftest import upgrade_with_old_rows
from app.votes.results import MIN_SECRET_GROUP
from tests.votes.conftest import api, motion, vote, voting  # noqa: F401  (fixtures)

OPTIONS = ("yes", "no", "abstain")
# Everyone in a group votes alike except the workers, so a per-ballot store would repeat rows.
PLAN = {"government": ["yes", "yes", "yes"], "workers": ["yes", "yes", "abstain"]}
VOTER_KEYS = ("user_id", "slot_id", "participant_id", "organisation_id", "cast_by_id", "actor_id", "author_id")


def _scalars(value, key=None):
    """(key, value) pairs of a cell: JSON objects are opened; list items are not values of a
    row (an options list names every choice and says nothing about anyone's)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            pass
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _scalars(v, k)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, dict):
                yield from _scalars(v, key)
    else:
        yield key, value


def _every_row():
    """{table: [(columns, row)]} for every table in the database, read with plain SELECTs."""
    insp = sa_inspect(db.session.connection())
    out = {}
    for table in insp.get_table_names():
        fks = {fk["constrained_columns"][0]: fk["referred_table"] for fk in insp.get_foreign_keys(table)
               if len(fk["constrained_columns"]) == 1}
        result = db.session.execute(text(f'SELECT * FROM "{table}"'))
        cols = list(result.keys())
        out[table] = (cols, fks, [tuple(r) for r in result])
    db.session.rollback()  # SQLite: end the read so the next request may write
    return out


def _links(tables, voters, small_groups):
    """Every row that pairs a voter (their user, participant or organisation id) or a group
    below the secrecy minimum with a choice, and every choice row that repeats or carries a time."""
    user_ids = {u.id for users in voters.values() for u in users}
    org_ids = {u.organisation_id for users in voters.values() for u in users}
    from app.consultations.models import Participant
    slot_ids = {p.id for p in db.session.query(Participant).filter(Participant.user_id.in_(user_ids))}
    ids_of = {"user": user_ids, "participant": slot_ids, "organisation": org_ids}
    found, seen_choice_rows = [], {}
    for table, (cols, fks, rows) in tables.items():
        for row in rows:
            pairs = []
            for col, cell in zip(cols, row, strict=True):
                pairs += [(k or col, v) for k, v in _scalars(cell, col)]
            choices = {v for _, v in pairs if isinstance(v, str) and v in OPTIONS}
            if not choices:
                continue
            voter = [col for col, cell in zip(cols, row, strict=True) if fks.get(col) in ids_of and cell in ids_of[fks[col]]]
            voter += [k for k, v in pairs if k in VOTER_KEYS and v in user_ids | slot_ids | org_ids]
            if voter:
                found.append((table, "voter and choice", row))
            if {v for _, v in pairs if isinstance(v, str)} & small_groups:
                found.append((table, "small group and choice", row))
            if any(isinstance(v, (datetime.datetime, datetime.date)) for _, v in pairs):
                found.append((table, "choice with a time", row))
            # a surrogate key (serial or random) says nothing by itself; two rows alike but for it
            # are one row per ballot
            key = (table, tuple(sorted(f"{k}={v}" for k, v in pairs if k != "id")))
            seen_choice_rows[key] = seen_choice_rows.get(key, 0) + 1
    found += [(t, "repeated choice row (one per ballot)", k) for (t, k), n in seen_choice_rows.items() if n > 1]
    return found


@pytest.mark.parametrize("size", [1, 2, MIN_SECRET_GROUP, MIN_SECRET_GROUP + 1])
@pytest.mark.parametrize("rule", ["simple", "two_thirds", "constituency_majority", "weighted", "consensus"])
def test_no_table_links_a_voter_to_a_choice_after_close(factory, voting, api, motion, rule, size):  # noqa: F811
    c, voters = voting(per_group=3, groups=("government", "workers"))
    voters["employers"] = [factory.participant(c, constituency="employers").user for _ in range(size)]
    plan = dict(PLAN, employers=["no"] * size)
    m = motion(c, ballot="secret", rule=rule)
    for group, users in voters.items():
        for u, choice in zip(users, plan[group], strict=True):
            assert vote(api, u, m["id"], choice).status_code == 201
    closed = api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    assert closed.status_code == 200, closed.json
    db.session.expire_all()

    small = {g for g, users in voters.items() if len(users) < MIN_SECRET_GROUP}
    assert _links(_every_row(), voters, small) == []

    # ... and the result is still right
    by_group = {g: {o: plan[g].count(o) for o in OPTIONS} for g in plan}
    groups = ["government", "employers", "workers"]
    ballots = ballots_of({g: tuple(plan[g].count(o) for o in OPTIONS) for g in plan})
    expected = decide(expand_rule(rule, groups), ballots, register_of(groups, 6 + size, ballots),
                      disclose_groups=not small)
    r = closed.json["result"]
    assert r["tallies"] == {o: sum(t[o] for t in by_group.values()) for o in OPTIONS}
    assert r["outcome"] == expected["outcome"]
    assert r["reason"] == reason(expected["outcome"], expected["reason_code"], expected["reason_params"])
    assert r["by_constituency"] == (None if small else by_group)
    assert r["turnout"] == {g: len(v) for g, v in plan.items()}
    again = api("GET", f"/motions/{m['id']}/results.json", voters["government"][0]).json["result"]
    assert again["outcome"] == r["outcome"] and again["tallies"] == r["tallies"]
    from app.votes.models import Motion
    from app.votes.results import recompute
    stored = db.session.get(Motion, m["id"])
    assert recompute(stored) == stored.result


def test_the_check_finds_a_per_ballot_store(factory, voting, api, motion):  # noqa: F811
    """The detector is not blind: the rows an unsealed secret motion keeps (one per ballot,
    with the group) are reported while it is open."""
    c, voters = voting(per_group=1)
    m = motion(c, ballot="secret", rule="simple")
    for users in voters.values():
        vote(api, users[0], m["id"], "yes")
    found = _links(_every_row(), voters, {"employers", "government", "workers"})
    assert any(kind == "small group and choice" and table == "secret_choice" for table, kind, _ in found)


def test_the_migration_seals_closed_secret_motions(tmp_path):
    """Rows written before the change: a closed secret motion is sealed (per group only where its
    frozen result published groups), an open one keeps its rows until it closes."""
    def write_old(conn):
        conn.execute("INSERT INTO consultation (id, title, description, level, status, created_at, updated_at, "
                     "last_seq, voting_constituencies, is_public) VALUES (1, 't', '', 'continental', 'live', "
                     "'2026-01-01', '2026-01-01', 0, '[]', 0)")
        for mid, status, result in ((1, "closed", {"by_constituency": None}),
                                    (2, "closed", {"by_constituency": {"government": {"yes": 2}}}),
                                    (3, "open", None)):
            conn.execute("INSERT INTO motion (id, consultation_id, question, options, ballot, rule, status, result, "
                         "created_at) VALUES (?, 1, 'q', '[\"yes\", \"no\"]', 'secret', 'simple', ?, ?, '2026-01-01')",
                         (mid, status, json.dumps(result) if result else None))
        for n, (mid, group, choice) in enumerate([(1, "employers", "no"), (1, "government", "yes"),
                                                  (1, "government", "yes"), (2, "government", "yes"),
                                                  (2, "government", "yes"), (3, "workers", "no")]):
            conn.execute("INSERT INTO secret_choice (id, motion_id, constituency, choice) VALUES (?, ?, ?, ?)",
                         (f"{n:032x}", mid, group, choice))

    def read_new(conn):
        return (conn.execute(text("SELECT motion_id, constituency, choice, votes FROM secret_tally "
                                  "ORDER BY motion_id, constituency, choice")).all(),
                conn.execute(text("SELECT motion_id, constituency, choice FROM secret_choice")).all())

    _app, (tally, left) = upgrade_with_old_rows(tmp_path, "92b806f53415", write_old, read_new)
    assert [tuple(r) for r in tally] == [(1, "", "no", 1), (1, "", "yes", 2), (2, "government", "yes", 2)]
    assert [tuple(r) for r in left] == [(3, "workers", "no")]
