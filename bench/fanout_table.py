"""Print the Markdown results table of bench/fanout.py JSON files (medians of their runs).

    .venv/bin/python bench/fanout_table.py bench/results/*.json
"""
import json
import sys
from pathlib import Path


def label(args: dict) -> str:
    db = "SQLite" if args["db"] == "sqlite" else "PostgreSQL"
    procs = f", {args['procs']} processes + Redis" if args.get("procs", 1) > 1 else ""
    mode = "burst" if args.get("burst") else f"{args['rate']:g} msg/s"
    return f"{db}{procs}", f"{args['clients']:,}", mode


def main(paths: list[str]) -> None:
    print("| db | clients | load | server | runs | connect wall | p50 | p95 | p99 | max | deliveries/s | lost | CPU | RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        for line in Path(path).read_text().splitlines():
            r = json.loads(line)
            db, clients, mode = label(r["args"])
            for kind in ("baraza", "bare"):
                if kind not in r:
                    continue
                m = r[kind]
                n = len(r.get("runs", {}).get(kind, [])) or r["args"]["runs"]
                print(f"| {db} | {clients} | {mode} | {kind} | {n} | {m['connect_wall_s']:.1f} s | "
                      f"{m['p50_ms']:.1f} ms | {m['p95_ms']:.1f} ms | {m['p99_ms']:.1f} ms | {m['max_ms']:.1f} ms | "
                      f"{m['deliveries_per_s']:,.0f} | {m['lost']:.0f} | {m['server_cpu_pct']:.0f} % | "
                      f"{m['server_rss_mib']:.0f} MiB |")
            if "ratio_p99" in r:
                print(f"| | | | **baraza / bare** | | | | | **{r['ratio_p99']}** | | **{r['ratio_deliveries']}** | | | |")


if __name__ == "__main__":
    main(sys.argv[1:])
