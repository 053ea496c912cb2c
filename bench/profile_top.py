"""The top entries of py-spy raw profiles (collapsed stacks, `py-spy record -f raw`), as the
join storm writes them with --profile: the functions where the samples were (self) and the
functions the samples were under (inclusive, each counted once per stack), in % of all samples.

    .venv/bin/python bench/profile_top.py PREFIX-*.txt [--top 25] [--under room_join]
"""
import argparse
import re
from collections import Counter

IDLE = ("wait (gevent", "switch (gevent", "run (gevent/hub", "select (selectors")


def frames(stack: str) -> list[str]:
    # "handler (app/core/sockets.py:178)" -> "handler (app/core/sockets.py)": one entry per function
    return [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--under", help="only the samples with a frame containing this text")
    args = ap.parse_args()
    own, incl, total, idle = Counter(), Counter(), 0, 0
    for path in args.files:
        for line in open(path):
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(n)
            fs = frames(stack)
            if any(fs[-1].startswith(x) for x in IDLE):
                idle += n
                continue
            if args.under and not any(args.under in f for f in fs):
                continue
            total += n
            own[fs[-1]] += n
            for f in set(fs):
                incl[f] += n
    print(f"{total} busy samples ({idle} idle left out)")
    for title, counter in (("self", own), ("inclusive", incl)):
        print(f"\n-- {title} --")
        for f, n in counter.most_common(args.top):
            print(f"{100 * n / max(total, 1):5.1f} %  {f}")


if __name__ == "__main__":
    main()
