"""What permessage-deflate costs the server per websocket frame, and what it saves on the wire.

Browsers offer permessage-deflate on every websocket, and simple-websocket (the server side of
both Baraza and bench/bare_server.py) accepts it, so in a hall of browsers each delivery of a
room event is compressed once per socket (the compressor keeps its context per connection, so
one compressed frame cannot be shared). The benchmarks' client (python-socketio's AsyncClient on
aiohttp) does not offer it, so bench/fanout.py, node_compare.py and join_storm.py do not pay it.
This measures wsproto's frame building, as simple-websocket calls it, without the extension
(plain), with wsproto's (deflate: every message compressed) and with Baraza's
(`app/core/wsdeflate.py`, threshold: messages under 1 KB sent as they are), for a stream of
distinct chat events (different ids, times, authors and texts, in the shape of `room:event`)
and for a join answer listing 1,000 people. Medians of `--runs`.

    .venv/bin/python bench/deflate_frames.py --runs 5
"""
import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import FrameProtocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.core.wsdeflate import ThresholdDeflate  # noqa: E402 - what Baraza negotiates now

WORDS = ("the draft on portability of social security benefits for migrant workers is now open for "
         "comment please read paragraph four before the sitting resumes at two recruitment fees "
         "shall never be charged to workers skills recognition free movement protocol").split()


def chat_events(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 30)))
        uid = rnd.randint(1, 1000)
        ev = {"consultation_id": 3, "seq": 1000 + k, "type": "chat.message",
              "at": f"2026-11-30T20:{k // 60 % 60:02d}:{k % 60:02d}.{rnd.randint(0, 999999):06d}+00:00",
              "actor": {"id": uid, "name": f"Delegate {uid}", "constituency": rnd.choice(
                  ("government", "employers", "workers"))},
              "data": {"message_id": 5000 + k, "text": text, "html": f"<p>{text}</p>", "client_id": None}}
        out.append("42" + json.dumps(["room:event", ev]))
    return out


def join_answer(people: int) -> str:
    presence = [{"user_id": i, "name": f"Delegate {i}", "constituency": ("government", "employers", "workers")[i % 3],
                 "organisation": {"id": i % 97, "name": f"Organisation {i % 97}"}, "role": "delegate"}
                for i in range(people)]
    return "430" + json.dumps([{"ok": True, "seq": 4321, "presence": presence, "events": []}])


def frames(payloads: list[str], mode: str) -> tuple[float, float]:
    """(microseconds per frame, bytes on the wire per frame) for one connection sending these."""
    ext = []
    if mode != "plain":
        ext = [PerMessageDeflate() if mode == "deflate" else ThresholdDeflate()]
        ext[0].accept("permessage-deflate; client_max_window_bits")  # what a browser offers
    proto = FrameProtocol(client=False, extensions=ext)
    t0 = time.perf_counter()
    wire = sum(len(proto.send_data(p, True)) for p in payloads)
    return (time.perf_counter() - t0) * 1e6 / len(payloads), wire / len(payloads)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", type=int, default=5000)
    args = ap.parse_args()
    cases = {"chat event": chat_events(args.events), "join answer, 1,000 present": [join_answer(1000)] * 20}
    result = {}
    for name, payloads in cases.items():
        row = {"payload_bytes": round(statistics.mean(len(p) for p in payloads))}
        for mode in ("plain", "deflate", "threshold"):
            runs = [frames(payloads, mode) for _ in range(args.runs)]
            row[f"{mode}_us"] = round(statistics.median(r[0] for r in runs), 1)
            row[f"{mode}_wire_bytes"] = round(statistics.median(r[1] for r in runs))
        row["deflate_extra_us"] = round(row["deflate_us"] - row["plain_us"], 1)
        row["threshold_extra_us"] = round(row["threshold_us"] - row["plain_us"], 1)
        result[name] = row
        print(name, json.dumps(row), flush=True)
    print(json.dumps({"runs": args.runs, "results": result}))


if __name__ == "__main__":
    main()
