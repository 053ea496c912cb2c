"""What permessage-deflate costs the server per websocket frame, and what it saves on the wire.

Browsers offer permessage-deflate on every websocket, and simple-websocket (the server side of
both Baraza and bench/bare_server.py) accepts it. wsproto's own extension compresses every
message, each connection with its own compressor and context, so in a hall of browsers each
delivery of a room event is compressed once per socket. This measures wsproto's frame building,
as simple-websocket calls it, without the extension (plain), with wsproto's (deflate) and with
Baraza's (`app/core/wsdeflate.py`, threshold: messages under 1 KB sent as they are, larger ones
compressed without context, once per process for all the sockets that get them), for:
- a stream of distinct chat events on one socket (different ids, times, authors and texts, in
  the shape of `room:event`);
- the answers of a batch of 20 joiners, each listing 1,000 people (their own ack ids; with the
  threshold the presence list is announced as shared, as the join batch does);
- the same after seven earlier batches of the storm announced their own presence lists (each
  20 people shorter), as a storm's batches follow each other;
- one presence event (60 people joined, about 7 KB) sent to 500 sockets.
Medians of `--runs`; each run starts with Baraza's process-wide cache empty.
`--client browser` in fanout.py, node_compare.py and join_storm.py has their clients offer it.

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
from app.core import wsdeflate  # noqa: E402 - what Baraza negotiates now
from app.core.wsdeflate import ThresholdDeflate  # noqa: E402

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


def presence_list(people: int) -> str:
    return json.dumps([{"user_id": i, "name": f"Delegate {i}", "constituency": ("government", "employers", "workers")[i % 3],
                        "organisation": {"id": i % 97, "name": f"Organisation {i % 97}"}, "role": "delegate"}
                       for i in range(people)])


def join_answer(people: int, ack: int = 0, presence: str | None = None) -> str:
    presence = presence or presence_list(people)
    return f'43{ack}[{{"ok": true, "seq": 4321, "presence": {presence}, "events": [], "state": {{"me": {ack}}}}}]'


def presence_event() -> str:
    return "42" + json.dumps(["room:event", {"consultation_id": 3, "seq": 4400, "type": "presence.changed",
                                             "data": {"joined": json.loads(presence_list(60)), "left": []}}])


def _connection(mode: str) -> FrameProtocol:
    ext = []
    if mode != "plain":
        ext = [PerMessageDeflate() if mode == "deflate" else ThresholdDeflate()]
        ext[0].accept("permessage-deflate; client_max_window_bits")  # what a browser offers
    return FrameProtocol(client=False, extensions=ext)


def frames(payloads: list[str], mode: str, sockets: int = 1, shared: list[str] = ()) -> tuple[float, float]:
    """(microseconds per frame, bytes on the wire per frame) for `sockets` connections each
    sending these (`shared`: the parts announced to Baraza's compression by the join batches,
    one batch each, the last being these answers' own)."""
    wsdeflate._kept.clear()
    wsdeflate._shared.clear()
    wsdeflate._shared_done.clear()
    conns = [_connection(mode) for _ in range(sockets)]
    t0 = time.perf_counter()
    for part in shared if mode == "threshold" else ():
        wsdeflate.share(part)
    wire = sum(len(proto.send_data(p, True)) for p in payloads for proto in conns)
    return (time.perf_counter() - t0) * 1e6 / (len(payloads) * sockets), wire / (len(payloads) * sockets)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", type=int, default=5000)
    args = ap.parse_args()
    present = presence_list(1000)
    earlier = [presence_list(1000 - 20 * k) for k in range(7, 0, -1)]
    answers = [join_answer(1000, n, present) for n in range(20)]
    cases = {"chat event": (chat_events(args.events), 1, ()),
             "join answers of a batch, 1,000 present": (answers, 1, [present]),
             "the same after 7 earlier batches": (answers, 1, [*earlier, present]),
             "presence event to 500 sockets": ([presence_event()], 500, ())}
    result = {}
    for name, (payloads, sockets, shared) in cases.items():
        row = {"payload_bytes": round(statistics.mean(len(p) for p in payloads)), "sockets": sockets}
        for mode in ("plain", "deflate", "threshold"):
            runs = [frames(payloads, mode, sockets, shared) for _ in range(args.runs)]
            row[f"{mode}_us"] = round(statistics.median(r[0] for r in runs), 1)
            row[f"{mode}_wire_bytes"] = round(statistics.median(r[1] for r in runs))
        row["deflate_extra_us"] = round(row["deflate_us"] - row["plain_us"], 1)
        row["threshold_extra_us"] = round(row["threshold_us"] - row["plain_us"], 1)
        result[name] = row
        print(name, json.dumps(row), flush=True)
    print(json.dumps({"runs": args.runs, "results": result}))


if __name__ == "__main__":
    main()
