"""Benchmark: Word in and out (issue 18). A 100-page .docx written by LibreOffice is uploaded as a
new document (POST multipart, the whole request: checks, mammoth + markdownify in the worker,
render, anchors, writes); the compilation of a 300-paragraph document with 2,000 comments is
exported as .docx, .xlsx and CSV, and the document as PDF and .docx. Each must take < 5 s.

While each request runs, a greenlet ticks every TICK_MS and records how late it wakes: the
event-loop lag a live room's chat would see in this process (the conversion itself runs in a
worker process, app.core.offload; what stays on the loop is the data assembly and the writes).

    .venv/bin/python bench/office_bench.py [--runs 5]          # SQLite (temporary file)
    BARAZA_DATABASE_URL=postgresql+psycopg://127.0.0.1:5432/test .venv/bin/python bench/office_bench.py

A page is 1,800 characters of text (the usual "standard page"); 100 pages stay under the
200 KB a document version may hold (app.documents.services.MAX_DOCUMENT_BYTES).
"""
import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gevent  # noqa: E402
from documents_bench import _config, add_comments, make_body, seed, sentence  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

PAGES, TICK_MS = 100, 5
SOURCE = Path(__file__).resolve().parents[1] / "tests" / "documents" / "office" / "policy.fodt"


def hundred_pages(rng: random.Random, outdir: Path) -> bytes:
    """A 100-page .docx converted by LibreOffice from ODT: per page a heading, three paragraphs
    (one with a footnote), a three-item numbered list, and every fifth page a table."""
    head = SOURCE.read_text(encoding="utf-8").split("<office:text>")[0] + "<office:text>\n"
    parts = []
    for page in range(1, PAGES + 1):
        parts.append(f'<text:h text:style-name="Heading_20_2" text:outline-level="2">{page}. {sentence(rng, 4)[:-1]}</text:h>')
        for k in range(3):
            note = (f'<text:note text:id="n{page}" text:note-class="footnote"><text:note-citation>{page}</text:note-citation>'
                    f'<text:note-body><text:p>{sentence(rng, 10)}</text:p></text:note-body></text:note>') if k == 0 else ""
            parts.append(f"<text:p>{' '.join(sentence(rng, 12) for _ in range(4))}{note}</text:p>")
        parts.append('<text:list text:style-name="LN">' + "".join(
            f"<text:list-item><text:p>{sentence(rng, 8)}</text:p></text:list-item>" for _ in range(3)) + "</text:list>")
        if page % 5 == 0:
            rows = "".join("<table:table-row>" + "".join(
                f'<table:table-cell office:value-type="string"><text:p>{sentence(rng, 2)}</text:p></table:table-cell>'
                for _ in range(3)) + "</table:table-row>" for _ in range(4))
            parts.append(f'<table:table table:name="T{page}"><table:table-column table:number-columns-repeated="3"/>{rows}</table:table>')
    src = outdir / "hundred.fodt"
    src.write_text(head + "\n".join(parts) + "</office:text></office:body></office:document>\n", encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{outdir}/lo", "--headless", "--convert-to", "docx",
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return (outdir / "hundred.docx").read_bytes()


class LoopLag:
    """How late a greenlet that sleeps TICK_MS wakes up, while something else runs."""

    def __init__(self):
        self.samples: list[float] = []
        self.running = True
        self.greenlet = gevent.spawn(self._tick)

    def _tick(self):
        while self.running:
            t0 = time.perf_counter()
            gevent.sleep(TICK_MS / 1000)
            self.samples.append((time.perf_counter() - t0) * 1000 - TICK_MS)

    def stop(self) -> tuple[float, float]:
        self.running = False
        self.greenlet.join()
        s = sorted(self.samples) or [0.0]
        return s[min(len(s) - 1, int(len(s) * 0.99))], s[-1]


def measure(fn, runs: int) -> dict:
    fn()  # warm-up (a worker process starts)
    times, p99s, maxes = [], [], []
    for _ in range(runs):
        lag = LoopLag()
        gevent.sleep(0)
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        p99, worst = lag.stop()
        p99s.append(p99)
        maxes.append(worst)
    return {"median ms": statistics.median(times), "max ms": max(times),
            "loop lag p99 ms (median)": statistics.median(p99s), "loop lag max ms": max(maxes)}


def run(url: str, label: str, runs: int) -> None:
    from app import create_app
    from app.documents import services
    from app.extensions import db

    workdir = Path(tempfile.mkdtemp())
    app = create_app(_config(url, workdir))
    rng = random.Random(18)
    docx = hundred_pages(rng, workdir)
    with app.app_context():
        sec, c, people = seed(app)
        doc = services.create_document(sec, c.id, {"title": "Long draft", "body": make_body(rng), "status": "open"})
        db.session.commit()
        add_comments(doc, people, rng)
        c_id, doc_id, sec_email = c.id, doc.id, sec.email
        paragraphs = len(services.current_version(doc).paragraphs)
        db.session.remove()
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": sec_email, "password": "quiet-harbour-lantern-7319"}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}

    def upload():
        resp = client.post(f"/api/v1/consultations/{c_id}/documents", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(docx), "hundred.docx")}, headers=auth)
        assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
        upload.size = len(resp.json["current_version"]["body"].encode())

    def get(path):
        def go():
            resp = client.get(path, headers=auth)
            assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return go

    results = {f"import 100-page .docx ({len(docx) // 1024} KB)": measure(upload, runs)}
    for fmt in ("docx", "xlsx", "csv"):
        results[f"compilation .{fmt}"] = measure(get(f"/api/v1/documents/{doc_id}/comments/export?format={fmt}"), runs)
    results["positions matrix .xlsx"] = measure(get(f"/api/v1/documents/{doc_id}/positions/export?format=xlsx"), runs)
    for fmt in ("pdf", "docx"):
        results[f"document .{fmt}"] = measure(get(f"/api/v1/documents/{doc_id}/export?format={fmt}"), runs)
    print(f"\n{label}: {paragraphs} paragraphs, 2,000 comments; 100-page import -> {upload.size // 1024} KB "
          f"of Markdown; median of {runs} runs; loop ticks every {TICK_MS} ms")
    print(f"  {'':38s} {'median':>8s} {'max':>8s} {'lag p99':>8s} {'lag max':>8s}")
    for name, r in results.items():
        print(f"  {name:38s} {r['median ms']:8.0f} {r['max ms']:8.0f} {r['loop lag p99 ms (median)']:8.1f} "
              f"{r['loop lag max ms']:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    pg = os.environ.get("BARAZA_DATABASE_URL", "")
    if pg.startswith("postgres"):
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(pg)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            run(f"{pg}{'&' if '?' in pg else '?'}options=-csearch_path%3D{schema}", "PostgreSQL", runs)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        run(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}", "SQLite", runs)


if __name__ == "__main__":
    main()
