"""Search and archive latency on the generated archive (bench/make_archive.py first).

Medians over repeated calls of the one search function (as a delegate, the secretariat and an
anonymous reader) and of the archive's first page (service and full HTML page); targets: under
100 ms each.

    .venv/bin/python bench/search_bench.py --url sqlite:////tmp/baraza-bench.db
    .venv/bin/python bench/search_bench.py --url postgresql+psycopg://127.0.0.1:5432/test --schema bench
"""
import argparse
import statistics

from timing import timed  # noqa: E402
from make_archive import make_app, with_schema

QUERIES = ["pension", "portability of pensions", "recruitment fees", "travailleurs migrants", "pensão",
           "skills recognition", '"social security"', "remittances corridor", "convention ratification",
           "domestic workers protection"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/baraza-bench.db")
    ap.add_argument("--schema", default=None)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    url = with_schema(args.url, args.schema)
    app = make_app(url)
    from app.accounts.models import User
    from app.extensions import db
    from app.minutes.archive import archive
    from app.search.services import search

    results = {}
    with app.app_context():
        delegate = db.session.get(User, 2)
        secretariat = db.session.get(User, 1)
        actors = {"delegate": delegate, "secretariat": secretariat, "anonymous": None}
        for name, actor in actors.items():
            samples, hits = [], 0
            for q in QUERIES:
                search(actor, q)  # warm up
                runs = timed(lambda q=q, actor=actor: search(actor, q), args.repeat)
                samples += runs
                hits += len(search(actor, q)[0])
            results[f"search as {name}"] = samples
            db.session.rollback()
        filtered = timed(lambda: search(delegate, "pension", {"rec": "ECOWAS", "kind": "document"}), args.repeat * 4)
        results["search with filters (delegate)"] = filtered
        results["archive first page (service, delegate)"] = timed(lambda: archive(delegate), args.repeat * 4)
        results["archive first page (service, secretariat)"] = timed(lambda: archive(secretariat), args.repeat * 4)
        results["archive filtered (service, delegate)"] = timed(
            lambda: archive(delegate, {"level": "rec", "rec": "ECOWAS", "year": 2020}), args.repeat * 4)
    client = app.test_client()
    with app.app_context():
        from app.accounts.services import hash_password
        u = db.session.get(User, 2)
        u.password_hash = hash_password("bench-password-123")
        db.session.commit()
        email = u.email
    resp = client.post("/login", data={"email": email, "password": "bench-password-123"})
    assert resp.status_code == 302, resp.status_code
    client.get("/archive")
    results["archive first page (HTML, delegate)"] = timed(lambda: client.get("/archive"), args.repeat * 4)
    results["search page (HTML, delegate)"] = timed(lambda: client.get("/search?q=pension"), args.repeat * 4)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"{dialect}: median / p90 in ms")
    for name, samples in results.items():
        samples = sorted(samples)
        p90 = samples[int(len(samples) * 0.9) - 1]
        print(f"  {name:45s} {statistics.median(samples):7.1f} {p90:7.1f}")


if __name__ == "__main__":
    main()
