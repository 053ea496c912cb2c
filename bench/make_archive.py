"""Generate a large archive for the search benchmark: 5,000 consultations and 50,000 searchable
records (documents, positions, decisions, minutes), with organisations, delegates and
participants, in the database named by --url (default: a fresh SQLite file).

    .venv/bin/python bench/make_archive.py --url sqlite:////tmp/bench.db
    .venv/bin/python bench/make_archive.py --url postgresql+psycopg://127.0.0.1:5432/test --schema bench
"""
import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ("migration labour worker workers employer employers government pension pensions portability social "
         "security benefit benefits recruitment fees fair agreement bilateral regional framework skills "
         "qualifications recognition remittances data statistics mobility corridor protection rights health "
         "insurance contribution contributions totalisation periods domestic seasonal agriculture construction "
         "visa permit border circulation protocol ratification convention standard dialogue tripartite "
         "employment agency inspection wage wages contract contracts diaspora return reintegration training "
         "apprenticeship youth women informal economy platform digital enforcement complaint grievance").split()
FR = ("travailleurs migrants droits pension protection sociale mobilité accord régional recrutement "
      "équitable compétences qualifications reconnaissance").split()
PT = "trabalhadores migrantes direitos pensão proteção social mobilidade acordo regional".split()
RECS = ("AMU", "CEN-SAD", "COMESA", "EAC", "ECCAS", "ECOWAS", "IGAD", "SADC")
COUNTRIES = ("KE", "GH", "SN", "NG", "ZA", "ET", "MA", "EG", "TZ", "UG", "CI", "CM")
KINDS = ("document", "document", "document", "document", "position", "position", "position", "decision",
         "decision", "minutes")


def make_app(url: str):
    from app import create_app
    from config import Config
    cfg = Config()
    cfg.SECRET_KEY = "bench-" + uuid.uuid4().hex
    cfg.SQLALCHEMY_DATABASE_URI = url
    cfg.INSTANCE_DIR = Path(tempfile.mkdtemp(prefix="baraza-bench-"))
    cfg.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    cfg.RATELIMIT_ENABLED = False
    cfg.WTF_CSRF_ENABLED = False
    return create_app(cfg)


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """A Zipf-distributed vocabulary: 3,000 filler words, with the subject words spread over the
    ranks (a few common, most rare), as in real minutes and documents."""
    syll = ["ka", "ro", "mi", "te", "lu", "sa", "no", "vi", "de", "po", "ra", "zu", "fe", "ga", "hi", "jo"]
    filler = list(dict.fromkeys("".join(rng.choice(syll) for _ in range(rng.randrange(2, 5))) for _ in range(4000)))
    words = filler[:3000]
    for w in WORDS + FR + PT:
        words.insert(rng.randrange(10, 2500), w)
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum.append(total)
    return words, cum


def text_of(rng: random.Random, n: int, lang: str, vocab=None) -> str:
    if vocab is None:
        return " ".join(rng.choice(FR if lang == "fr" else PT if lang == "pt" else WORDS) for _ in range(n))
    words, cum = vocab
    return " ".join(rng.choices(words, cum_weights=cum, k=n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="sqlite:////tmp/baraza-bench.db")
    ap.add_argument("--schema", default=None, help="PostgreSQL schema to (re)create and use")
    ap.add_argument("--consultations", type=int, default=5000)
    ap.add_argument("--records", type=int, default=50000)
    args = ap.parse_args()
    url = prepare(args.url, args.schema)
    from sqlalchemy import insert

    from app.accounts.models import Organisation, User
    from app.consultations.models import Consultation, Participant, Theme, consultation_theme
    from app.extensions import db
    from app.minutes.models import Publication
    from app.search.models import SearchEntry

    app = make_app(url)
    rng = random.Random(7)
    t0 = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        conn = db.session.connection()
        conn.execute(insert(Theme), [{"id": i + 1, "slug": s, "name": s.replace("-", " "), "description": ""}
                                     for i, s in enumerate(["social-security-portability", "free-circulation",
                                                            "skills-recognition", "decent-work-migrants"])])
        orgs = [{"id": 1, "name": "Secretariat", "constituency": "secretariat", "country": None, "rec": None,
                 "created_at": datetime.now(UTC)}]
        for i, cty in enumerate(COUNTRIES * 3):
            orgs.append({"id": i + 2, "name": f"Org {i} {cty}", "constituency": ("government", "employers", "workers")[i % 3],
                         "country": cty, "rec": RECS[i % len(RECS)], "created_at": datetime.now(UTC)})
        conn.execute(insert(Organisation), orgs)
        users = [{"id": 1, "email": "sec@bench.example", "name": "Secretariat", "role": "secretariat",
                  "organisation_id": 1, "password_hash": None, "is_active": True, "language": "en",
                  "timezone": "UTC", "created_at": datetime.now(UTC)}]
        for i in range(2, 302):
            users.append({"id": i, "email": f"d{i}@bench.example", "name": f"Delegate {i}", "role": "delegate",
                          "organisation_id": rng.randrange(2, len(orgs) + 1), "password_hash": None,
                          "is_active": True, "language": "en", "timezone": "UTC", "created_at": datetime.now(UTC)})
        conn.execute(insert(User), users)
        cons, themes, parts, pubs = [], [], [], []
        statuses = ["closed"] * 6 + ["archived"] * 3 + ["live", "scheduled", "draft"]
        for cid in range(1, args.consultations + 1):
            level = rng.choice(("national", "rec", "rec", "continental"))
            year = rng.randrange(2015, 2027)
            status = rng.choice(statuses)
            cons.append({"id": cid, "title": f"Consultation {cid}: " + text_of(rng, 5, "en"),
                         "description": text_of(rng, 30, "en"), "level": level,
                         "country": rng.choice(COUNTRIES) if level == "national" else None,
                         "rec": rng.choice(RECS) if level == "rec" else None, "status": status,
                         "starts_at": datetime(year, rng.randrange(1, 13), 10, tzinfo=UTC), "ends_at": None,
                         "is_public": rng.random() < 0.05, "voting_constituencies": ["government", "employers", "workers"],
                         "created_by_id": 1, "created_at": datetime.now(UTC),
                         "updated_at": datetime.now(UTC)})
            themes.append({"consultation_id": cid, "theme_id": rng.randrange(1, 5)})
            for uid in rng.sample(range(2, 302), 10):
                parts.append({"consultation_id": cid, "user_id": uid, "organisation_id": users[uid - 1]["organisation_id"],
                              "role": "delegate", "credentials": "accepted", "invited_at": datetime.now(UTC)})
            if status in ("closed", "archived") and rng.random() < 0.2:
                pubs.append({"consultation_id": cid, "published_at": datetime.now(UTC), "published_by_id": 1,
                             "include_minutes": True, "include_documents": True, "include_positions": True,
                             "include_results": True, "note": ""})
        for chunk in range(0, len(cons), 1000):
            conn.execute(insert(Consultation), cons[chunk:chunk + 1000])
        conn.execute(insert(consultation_theme), themes)
        for chunk in range(0, len(parts), 5000):
            conn.execute(insert(Participant), parts[chunk:chunk + 5000])
        conn.execute(insert(Publication), pubs)
        published = {p["consultation_id"] for p in pubs}
        vocab = vocabulary(rng)
        entries = []
        for n in range(args.records):
            cid = n % args.consultations + 1
            lang = rng.choices(("en", "fr", "pt", "ar"), (0.7, 0.15, 0.1, 0.05))[0]
            kind = KINDS[(n // args.consultations) % len(KINDS)]
            entries.append({"kind": kind, "ref_id": n + 1, "consultation_id": cid,
                            "title": f"{kind.title()} {n + 1}: " + text_of(rng, 6, lang),
                            "body": text_of(rng, rng.randrange(80, 400), lang, vocab), "language": lang,
                            "is_publishable": True, "is_published": cid in published,
                            "updated_at": datetime.now(UTC)})
        for chunk in range(0, len(entries), 2000):
            conn.execute(insert(SearchEntry), entries[chunk:chunk + 2000])
        db.session.commit()
        if url.startswith("postgresql"):
            conn = db.session.connection()
            conn.exec_driver_sql("ANALYZE")
            db.session.commit()
    print(f"made {args.consultations} consultations, {args.records} search entries, {len(parts)} participants "
          f"in {time.perf_counter() - t0:.1f} s at {url}")


def prepare(url: str, schema: str | None) -> str:
    if not schema or not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return with_schema(url, schema)


def with_schema(url: str, schema: str | None) -> str:
    if not schema or not url.startswith("postgresql"):
        return url
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


if __name__ == "__main__":
    main()
