"""Theme page latency: one theme over 5,000 consultations and 50,000 records (documents,
decisions, positions, minutes in the read model), target under 150 ms server time.

Builds its own data (bulk inserts, fixed seed), then takes medians over repeated calls of the
service (theme_overview) and of the whole HTML page (test client, chart included) for the
secretariat, a delegate taking part in 10 % of the consultations, and the public page.

    .venv/bin/python bench/themes_bench.py --url sqlite:////tmp/baraza-themes.db
    .venv/bin/python bench/themes_bench.py --url postgresql+psycopg://127.0.0.1:5432/test --schema bench_themes
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(__file__))
from timing import timed  # noqa: E402
from make_archive import make_app, prepare  # noqa: E402

RECS = ("AMU", "CEN-SAD", "COMESA", "EAC", "ECCAS", "ECOWAS", "IGAD", "SADC")
COUNTRIES = ("KE", "GH", "SN", "NG", "ZA", "ET", "MA", "TZ", "UG", "CI")
CONSTITUENCIES = ("government", "employers", "workers", "stakeholder")
STANCES = ("support", "support_with_amendments", "oppose", "abstain")
SLUG = "free-circulation"


def build(app, consultations: int, records: int, seed: int = 7) -> None:
    from sqlalchemy import insert

    from app.accounts.models import Organisation, User
    from app.bodies.models import ThemeRecord
    from app.consultations.models import Consultation, Participant, Theme, consultation_theme
    from app.extensions import db
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with app.app_context():
        db.drop_all()
        db.create_all()
        conn = db.session.connection()
        conn.execute(insert(Organisation), [
            {"id": 1, "name": "Secretariat", "constituency": "secretariat", "created_at": now},
            {"id": 2, "name": "Ministry", "constituency": "government", "country": "KE", "created_at": now}])
        conn.execute(insert(User), [
            {"id": uid, "email": f"u{uid}@bench.example", "name": f"User {uid}", "role": role, "organisation_id": uid,
             "is_active": True, "language": "en", "timezone": "UTC", "created_at": now}
            for uid, role in ((1, "secretariat"), (2, "delegate"))])
        conn.execute(insert(Theme), [{"id": 1, "slug": SLUG, "name": "Free circulation", "description": ""}])
        cons, parts, rows = [], [], []
        for cid in range(1, consultations + 1):
            level = rng.choice(("national", "rec", "rec", "continental"))
            cons.append({"id": cid, "title": f"Consultation {cid}", "description": "", "level": level,
                         "country": rng.choice(COUNTRIES) if level == "national" else None,
                         "rec": rng.choice(RECS) if level == "rec" else None,
                         "status": rng.choice(("closed", "closed", "archived", "scheduled")),
                         "starts_at": datetime(rng.randrange(2015, 2027), rng.randrange(1, 13), 10, tzinfo=UTC),
                         "is_public": rng.random() < 0.05, "voting_constituencies": list(CONSTITUENCIES[:3]),
                         "created_by_id": 1, "created_at": now, "updated_at": now})
            if rng.random() < 0.1:
                parts.append({"consultation_id": cid, "user_id": 2, "organisation_id": 2, "role": "delegate",
                              "credentials": "accepted", "invited_at": now})
        published = {c["id"] for c in cons if rng.random() < 0.2}

        def scope(cid: int) -> dict:  # the read model's copy of the consultation's scope
            c = cons[cid - 1]
            return {"year": c["starts_at"].year, "level": c["level"], "rec": c["rec"], "country": c["country"]}
        for n in range(records):
            cid = rng.randrange(1, consultations + 1)
            kind = rng.choices(("position", "document", "decision", "minutes"), (0.6, 0.2, 0.14, 0.06))[0]
            row = {"kind": kind, "ref_id": n + 1, "consultation_id": cid, "title": f"{kind} {n + 1}", **scope(cid),
                   "organisation": "", "is_publishable": True, "is_published": cid in published,
                   "at": datetime(2015 + n % 12, 1 + n % 12, 1, tzinfo=UTC), "document_id": None,
                   "constituency": None, "stance": None, "outcome": None}
            if kind == "position":
                row.update(constituency=rng.choice(CONSTITUENCIES), stance=rng.choice(STANCES),
                           organisation=f"Organisation {n % 300}")
            elif kind == "decision":
                row["outcome"] = rng.choice(("carried", "not_carried", "void_no_quorum"))
            rows.append(row)
        rows += [{"kind": "consultation", "ref_id": cid, "consultation_id": cid, "title": "", "organisation": "", **scope(cid),
                  "is_publishable": True, "is_published": True, "at": now, "document_id": None,
                  "constituency": None, "stance": None, "outcome": None} for cid in sorted(published)]
        for chunk in range(0, len(cons), 1000):
            conn.execute(insert(Consultation), cons[chunk:chunk + 1000])
        conn.execute(insert(consultation_theme), [{"consultation_id": c["id"], "theme_id": 1} for c in cons])
        conn.execute(insert(Participant), parts)
        for chunk in range(0, len(rows), 5000):
            conn.execute(insert(ThemeRecord), rows[chunk:chunk + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.connection().exec_driver_sql("ANALYZE")
            db.session.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/baraza-themes.db")
    ap.add_argument("--schema", default=None)
    ap.add_argument("--consultations", type=int, default=5000)
    ap.add_argument("--records", type=int, default=50000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    if args.url.startswith("sqlite:///"):
        path = args.url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
    url = prepare(args.url, args.schema)
    app = make_app(url)
    t0 = time.perf_counter()
    build(app, args.consultations, args.records)
    print(f"built {args.consultations} consultations, {args.records} records in {time.perf_counter() - t0:.1f} s")
    from app.accounts.models import User
    from app.accounts.services import hash_password
    from app.bodies.themes import theme_overview
    from app.extensions import db
    results, sizes = {}, {}
    with app.app_context():
        for name, uid in (("secretariat", 1), ("delegate", 2), ("public", None)):
            reader = db.session.get(User, uid) if uid else None
            theme_overview(reader, SLUG)
            results[f"service, {name}"] = timed(lambda r=reader: theme_overview(r, SLUG), args.repeat)
            db.session.rollback()
        for uid in (1, 2):
            db.session.get(User, uid).password_hash = hash_password("bench-password-123")
        db.session.commit()
    for name, uid in (("secretariat", 1), ("delegate", 2)):
        client = app.test_client()
        resp = client.post("/login", data={"email": f"u{uid}@bench.example", "password": "bench-password-123"})
        assert resp.status_code == 302, resp.status_code
        sizes[name] = len(client.get(f"/themes/{SLUG}").data)
        results[f"HTML page, {name}"] = timed(lambda c=client: c.get(f"/themes/{SLUG}"), args.repeat)
    public = app.test_client()
    sizes["public"] = len(public.get(f"/public/themes/{SLUG}").data)
    results["HTML page, public"] = timed(lambda: public.get(f"/public/themes/{SLUG}"), args.repeat)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(f"{dialect}: median / p90 in ms (target: page under 150 ms)")
    for name, samples in results.items():
        samples = sorted(samples)
        p90 = samples[max(0, int(len(samples) * 0.9) - 1)]
        print(f"  {name:30s} {statistics.median(samples):7.1f} {p90:7.1f}")
    print("  page sizes (bytes): " + ", ".join(f"{k} {v}" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
