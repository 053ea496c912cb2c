"""Benchmark: a 300-paragraph draft with 2,000 comments; server time of the document page and of
the diff between two such versions (median of several runs), on SQLite and PostgreSQL.

    .venv/bin/python bench/documents_bench.py                       # SQLite (temporary file)
    BARAZA_DATABASE_URL=postgresql+psycopg://127.0.0.1:5432/test .venv/bin/python bench/documents_bench.py

Targets (issue 4): page < 150 ms, diff < 300 ms. Times are measured around the Flask test
client's request (routing, sign-in check, queries, template), so they are server time without
the network. On PostgreSQL a throw-away schema is created and dropped.
"""
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

PARAGRAPHS, COMMENTS, RUNS = 300, 2000, 15
WORDS = ("migrant workers recruitment agencies social security portability bilateral agreement employers "
         "government unions skills recognition qualification framework statistics labour market protection "
         "fees contract wages inspection dialogue tripartite committee report member states").split()


def _config(url: str, instance: Path):
    from config import TestConfig
    cfg = TestConfig()
    cfg.SECRET_KEY = uuid.uuid4().hex
    cfg.SQLALCHEMY_DATABASE_URI = url
    cfg.INSTANCE_DIR = instance
    cfg.RATELIMIT_ENABLED = False
    cfg.SQLALCHEMY_ENGINE_OPTIONS = {} if url.startswith("sqlite") else {"pool_size": 5}
    return cfg


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def make_body(rng: random.Random) -> str:
    blocks = []
    for i in range(PARAGRAPHS):
        if i % 25 == 0:
            blocks.append(f"## Section {i // 25 + 1}: {sentence(rng, 4)[:-1]}")
        elif i % 25 in (10, 11, 12):
            blocks.append(f"{i % 25 - 9}. {sentence(rng, 18)}")
        elif i % 25 == 20:
            blocks.append("| Item | Measure | Year |\n|---|---|---|\n" +
                          "\n".join(f"| {k} | {sentence(rng, 5)} | 202{k} |" for k in range(4)))
        else:
            blocks.append(" ".join(sentence(rng, rng.randint(12, 30)) for _ in range(3)) +
                          (f" See note.[^n{i}]" if i % 50 == 7 else ""))
    blocks += [f"[^n{i}]: {sentence(rng, 10)}" for i in range(PARAGRAPHS) if i % 50 == 7]
    return "\n\n".join(blocks) + "\n"


def edit_body(rng: random.Random, body: str) -> str:
    from app.documents.anchoring import join_blocks, split_blocks
    blocks = split_blocks(body)
    for i in rng.sample(range(len(blocks)), 30):          # light edits
        blocks[i] = blocks[i].replace(" the ", " every ", 1) + " Amended wording added here."
    for i in rng.sample(range(len(blocks)), 10):          # rewrites
        blocks[i] = " ".join(sentence(rng, 20) for _ in range(2))
    for _ in range(5):                                    # moves
        b = blocks.pop(rng.randrange(len(blocks)))
        blocks.insert(rng.randrange(len(blocks)), b)
    for _ in range(5):                                    # deletions and insertions
        del blocks[rng.randrange(len(blocks))]
        blocks.insert(rng.randrange(len(blocks)), sentence(rng, 25))
    return join_blocks(blocks)


def timed(fn, runs=RUNS) -> tuple[float, float]:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)


def seed(app):
    """A secretariat officer, a scheduled consultation and twelve accepted tripartite delegates."""
    from app.accounts.models import Organisation, User
    from app.accounts.services import create_organisation, create_user, hash_password
    from app.consultations import services as consultations
    from app.consultations import participants as consultation_participants
    from app.extensions import db
    db.create_all()
    sec_org = Organisation(name="Secretariat (bench)", constituency="secretariat")
    db.session.add(sec_org)
    db.session.flush()
    sec = User(email="sec@bench.example", name="Secretariat officer", role="secretariat",
               organisation_id=sec_org.id, password_hash=hash_password("quiet-harbour-lantern-7319"))
    db.session.add(sec)
    db.session.commit()
    c = consultations.create_consultation(sec, {"title": "Bench", "level": "continental"})
    consultations.change_status(sec, c, "scheduled")
    people = []
    for k, constituency in enumerate(("government", "employers", "workers") * 4):
        org = create_organisation(sec, f"{constituency} org {k}", constituency, "KE")
        u = create_user(sec, f"d{k}@bench.example", f"Delegate {k}", "delegate", org.id, "quiet-harbour-lantern-7319")
        (p,) = consultation_participants.invite(sec, c, user_id=u.id)
        consultation_participants.update_participant(sec, c, p.id, credentials="accepted")
        people.append(u)
    db.session.commit()
    return sec, c, people


def add_comments(doc, people, rng, n: int = COMMENTS) -> None:
    """n comments on random paragraphs of the current version, a third of them replies."""
    from app.core.db import utcnow
    from app.documents import services
    from app.documents.models import Comment
    from app.extensions import db
    anchors = [p["anchor"] for p in services.current_version(doc).paragraphs]
    roots = []
    for i in range(n):
        u = people[i % len(people)]
        parent = rng.choice(roots) if roots and i % 3 == 0 else None
        cm = Comment(document_id=doc.id, version_number=1, anchor=parent.anchor if parent else rng.choice(anchors),
                     parent_id=parent.id if parent else None, thread_id=parent.id if parent else None,
                     body=f"Comment {i}: {sentence(rng, 25)}", html=f"<p>Comment {i}: {sentence(rng, 25)}</p>",
                     author_id=u.id, organisation_id=u.organisation_id, constituency=u.organisation.constituency,
                     created_at=utcnow())
        db.session.add(cm)
        if parent is None:
            db.session.flush()
            roots.append(cm)
    db.session.commit()


def run(url: str, label: str) -> dict:
    from app import create_app
    from app.documents import reading, services
    from app.extensions import db

    app = create_app(_config(url, Path(tempfile.mkdtemp())))
    rng = random.Random(4)
    out = {}
    with app.app_context():
        sec, c, people = seed(app)
        body = make_body(rng)
        t0 = time.perf_counter()
        doc = services.create_document(sec, c.id, {"title": "Long draft", "body": body, "status": "open"})
        db.session.commit()
        out["publish v1 (render + anchor), ms"] = (time.perf_counter() - t0) * 1000
        add_comments(doc, people, rng)
        db.session.commit()
        t0 = time.perf_counter()
        services.publish_version(sec, doc.id, edit_body(rng, body), "Second draft")
        db.session.commit()
        out["publish v2 (render + re-anchor), ms"] = (time.perf_counter() - t0) * 1000
        doc_id, delegate_email = doc.id, people[0].email
        db.session.remove()

    client = app.test_client()
    assert client.post("/login", data={"email": delegate_email, "password": "quiet-harbour-lantern-7319"}).status_code == 302

    def get(path):
        def go():
            resp = client.get(path)
            assert resp.status_code == 200, resp.status_code
        return go
    out["document page, median ms"], out["document page, max ms"] = timed(get(f"/documents/{doc_id}"))
    out["document page v1 (old version), median ms"], _ = timed(get(f"/documents/{doc_id}?version=1"))
    out["diff JSON API v1->v2, median ms"], out["diff JSON API, max ms"] = timed(
        get(f"/api/v1/documents/{doc_id}/diff?from=1&to=2"))
    out["diff page side-by-side, median ms"], _ = timed(get(f"/documents/{doc_id}/diff?from=1&to=2"))
    out["diff page inline, median ms"], _ = timed(get(f"/documents/{doc_id}/diff?from=1&to=2&mode=inline"))
    with app.app_context():
        from sqlalchemy import select

        from app.accounts.models import User
        user = db.session.scalar(select(User).where(User.email == delegate_email))
        out["diff service only, median ms"], _ = timed(lambda: reading.diff(user, doc_id, 1, 2))
        db.session.remove()
        db.engine.dispose()
    print(f"\n{label}: {PARAGRAPHS} paragraphs, {COMMENTS} comments, median of {RUNS} runs")
    for k, v in out.items():
        print(f"  {k:45s} {v:8.1f}")
    return out


def main() -> None:
    pg = os.environ.get("BARAZA_DATABASE_URL", "")
    if pg.startswith("postgres"):
        url = pg.replace("postgresql://", "postgresql+psycopg://", 1) if pg.startswith("postgresql://") else pg
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        try:
            run(f"{url}{sep}options=-csearch_path%3D{schema}", "PostgreSQL")
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        run(f"sqlite:///{path}", "SQLite")


if __name__ == "__main__":
    main()
