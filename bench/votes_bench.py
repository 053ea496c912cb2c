"""The result of a motion with 2,000 voters: time to decide it (the pure function) and to compute
the published result from the database (ballots, register, tallies), median of a few runs.

    .venv/bin/python bench/votes_bench.py [--voters 2000] [--runs 7] [--db URL]

The bar (issue 15): under 50 ms. Uses a fresh SQLite file unless --db is given (a PostgreSQL
URL to a throwaway database: its tables are created and dropped)."""
import argparse
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timing import timed  # noqa: E402


def pure(voters: int, runs: int) -> dict:
    from app.consultations.decision import decide
    from app.consultations.procedure import expand_rule
    rnd = random.Random(1)
    groups = ["government", "employers", "workers"]
    states = [f"S{i}" for i in range(55)]
    people = [{"id": i, "group": groups[i % 3], "country": states[i % 55], "organisation": i // 4}
              for i in range(1, voters + 1)]
    ballots = [{"voter": p["id"], "group": p["group"], "country": p["country"], "organisation": p["organisation"],
                "choice": rnd.choice(["yes", "yes", "no", "abstain"]), "at": rnd.randint(0, 10_000)} for p in people]
    register = {"groups": groups, "entitled": people, "present": [p["id"] for p in people if p["id"] % 7]}
    out = {}
    for name in ("ilo_two_thirds", "constituency_majority", "weighted", "au_consensus_two_thirds"):
        rule = expand_rule(name, groups)
        out[name] = statistics.median(timed(lambda rule=rule: decide(rule, ballots, register), runs))
    return out


def with_database(voters: int, runs: int, url: str | None) -> float:
    from app import create_app
    from app.extensions import db
    from app.votes import services
    from app.votes.results import compute_result
    from tests.conftest import Factory, _config
    tmp = tempfile.mkdtemp()
    app = create_app(_config(url or f"sqlite:///{tmp}/bench.db", Path(tmp)))
    with app.app_context():
        db.create_all()
        f = Factory(app)
        c = f.consultation(status="live")
        users = f.bulk_delegates(c, voters, password_hash=f.secretariat.password_hash)
        m = services.create_motion(f.secretariat, c, {"question": "Adopt?", "ballot": "roll_call",
                                                      "rule": "ilo_two_thirds"})
        services.open_motion(f.secretariat, m)
        db.session.commit()
        rnd = random.Random(2)
        for u in users:
            services.cast_ballot(u, m.id, rnd.choice(["yes", "yes", "no", "abstain"]))
        db.session.commit()
        times = timed(lambda: compute_result(m), runs)
        db.session.remove()
        if url:
            db.drop_all()
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--voters", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", default=None)
    ap.add_argument("--pure-only", action="store_true")
    args = ap.parse_args()
    for name, ms in pure(args.voters, args.runs).items():
        print(f"decide {name:26s} {args.voters} voters: median {ms:6.2f} ms")
    if not args.pure_only:
        ms = with_database(args.voters, args.runs, args.db)
        print(f"compute_result (database, roll call) {args.voters} voters: median {ms:6.2f} ms")


if __name__ == "__main__":
    main()
