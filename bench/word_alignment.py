"""Word alignment and paragraph matching on repetitive text (every paragraph cycling through the
same ten words, as legal text nearly does): the case that made difflib quadratic per block.

Per size, the median of --runs timings of app.documents.diff.word_diff (rapidfuzz) and, for
reference, difflib's SequenceMatcher on the same tokens (only up to --difflib-max words: 3,000
took 155 s once); and of app.documents.anchoring.similar_pairs for N paragraphs of M words
lightly edited (what publishing such a version computes, in a worker); and of a document page's
amendments diffed together (`word_diffs`): at the page's inline bound (INLINE_DIFF_CHARS, both
sides of all its amendments, diffed in the request) and a hundred 1,000-word ones (above it: in
a worker).

    .venv/bin/python bench/word_alignment.py --runs 5 --json bench/results/word_alignment.json
"""
import argparse
import json
import statistics
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.documents.anchoring import normalise, similar_pairs  # noqa: E402
from app.documents.diff import _TOKEN, word_diff, word_diffs  # noqa: E402
from app.documents.reading import INLINE_DIFF_CHARS  # noqa: E402

WORDS = "recruitment fees social security portability bilateral labour agreement migrant workers".split()


def text(words: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + k) % len(WORDS)] for k in range(words))


def _difflib_opcodes(a: list[str], b: list[str]) -> list:
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def median_of(runs: int, fn, *args) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times) * 1000, 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--difflib-max", type=int, default=1000)
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    for n in (1000, 3000, 20000):
        old = text(n)
        new = old.replace("fees", "charges")
        row = {"words": n, "word_diff_ms": median_of(args.runs, word_diff, old, new)}
        if n <= args.difflib_max:
            a, b = _TOKEN.findall(old), _TOKEN.findall(new)
            row["difflib_ms"] = median_of(args.runs, _difflib_opcodes, a, b)
        rows.append(row)
        print(json.dumps(row), flush=True)
    for count, each in ((300, 60), (60, 2000)):
        old = [(f"p{i}", normalise(text(each, i))) for i in range(count)]
        new = [(i, normalise(text(each, i).replace("fees", "charges").replace("workers", "employees")))
               for i in range(count)]
        kept = sum(a == f"p{i}" for i, a in similar_pairs(old, new))
        row = {"paragraphs": count, "words_each": each, "anchors_kept": kept,
               "similar_pairs_ms": median_of(args.runs, similar_pairs, old, new)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    one = text(150)  # 150 words, about 1,000 characters a side
    for label, pairs in (("at the inline bound", [(one, one.replace("fees", "charges"))]
                          * (INLINE_DIFF_CHARS // (2 * len(one)))),
                         ("100 amendments of 1,000 words", [(text(1000), text(1000).replace("fees", "charges"))] * 100)):
        row = {"page": label, "amendments": len(pairs), "characters": sum(len(a) + len(b) for a, b in pairs),
               "word_diffs_ms": median_of(args.runs, word_diffs, pairs)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "a") as fh:
            fh.write(json.dumps({"runs": args.runs, "rows": rows}) + "\n")


if __name__ == "__main__":
    main()
