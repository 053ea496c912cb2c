"""Office storm (issue 18's bar with real room members): while 200 members of the live room chat
(bench/markdown_storm.py's harness: gunicorn gevent server, python-socketio clients, every
delivery timed), the secretariat imports a 100-page .docx written by LibreOffice and downloads
the compilation of a 300-paragraph document with 2,000 comments as .docx, .xlsx and CSV, one after
another, three times. Reported: chat delivery p50/p99/max over the whole storm (bar: p99 under
100 ms) and each request's time (bar: under 5 s).

    .venv/bin/python bench/office_storm.py --runs 1
    .venv/bin/python bench/office_storm.py --runs 1 --db postgresql+psycopg://127.0.0.1:5432/test
"""
import random
import tempfile
import time
from pathlib import Path

import requests
from documents_bench import add_comments, make_body
from markdown_storm import add_document, main
from office_bench import hundred_pages

ROUNDS = 3
_docx: dict[str, bytes] = {}


def commented_document(prepared: dict, workdir: Path) -> dict:
    """The 300-paragraph document, with 2,000 comments by the consultation's delegates."""
    rng = random.Random(7)

    def comments(doc):
        from sqlalchemy import select

        from app.accounts.models import User
        from app.consultations.models import Participant
        from app.extensions import db
        people = list(db.session.scalars(select(User).join(Participant, Participant.user_id == User.id)
                                         .where(Participant.consultation_id == doc.consultation_id).limit(12)))
        add_comments(doc, people, rng)
    if "file" not in _docx:
        with tempfile.TemporaryDirectory(prefix="baraza-docx-") as tmp:
            _docx["file"] = hundred_pages(random.Random(3), Path(tmp))
    return add_document(prepared, workdir, body=make_body(rng), then=comments)


def office_requests(url: str, doc: int, _delegate_token: str, sec_token: str) -> list[dict]:
    auth = {"Authorization": f"Bearer {sec_token}"}
    cid = requests.get(f"{url}/api/v1/documents/{doc}", headers=auth, timeout=60).json()["consultation_id"]
    calls = [("import .docx", lambda: requests.post(
        f"{url}/api/v1/consultations/{cid}/documents", headers=auth, timeout=120,
        data={"title": "Hundred pages"}, files={"file": ("hundred.docx", _docx["file"])}))]
    for fmt in ("docx", "xlsx", "csv"):
        calls.append((f"compilation .{fmt}", lambda fmt=fmt: requests.get(
            f"{url}/api/v1/documents/{doc}/comments/export?format={fmt}", headers=auth, timeout=120)))
    posts = []
    for _ in range(ROUNDS):
        for name, call in calls:
            t, started = time.monotonic(), time.time()
            r = call()
            posts.append({"door": "office", "bomb": name, "size": len(r.content), "status": r.status_code,
                          "code": None, "seconds": round(time.monotonic() - t, 3), "at": started})
    return posts


if __name__ == "__main__":
    main(__doc__, commented_document, office_requests)
