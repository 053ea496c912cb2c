"""Websocket compression for the messages worth compressing, each compressed once per process.

Browsers offer permessage-deflate on every websocket and the websocket server (simple-websocket,
through wsproto) accepts it. wsproto then compresses every message it sends, each socket with its
own compressor kept for the life of the connection (RFC 7692's "context takeover"):

- a room event reaching 1,000 browsers is compressed 1,000 times: for a chat event (about 500
  bytes) 12 µs more per delivery (2 → 14 µs), a quarter of a core at 1,000 browsers and 20
  messages a second, for a few hundred bytes saved;
- each socket keeps a zlib compressor of about 256 KB once it has sent one compressed message:
  a hall of 1,000 browsers rejoining held 485-517 MiB in the one process instead of 229-234
  without compression, and the storm took twice the CPU per join (bench/join_storm.py
  `--client browser`).

Yet compression is worth having for the large messages: a join answer listing 1,000 people goes
from 145 KB to 10 KB, which a delegate on a slow connection feels (bench/deflate_frames.py).

So (RFC 7692):
- messages under THRESHOLD bytes go as they are (a sender may leave any message uncompressed; a
  message's first frame says which, in its RSV1 bit), as engine.io (the Node server) does with its
  own threshold of 1 KB;
- the server answers every offer with `server_no_context_takeover` (section 7.1.1.1: a server may
  do so even when the client did not ask), so each message it compresses stands alone. A message
  is then the same bytes on every socket that gets it: a broadcast is compressed once and its
  frame payload reused (compressed()), and no socket keeps a compressor. LEVEL 3 instead of
  zlib's default 6: for a 145 KB answer 0.2 ms instead of 0.7 ms, 9.7 KB instead of 10.5 KB.
  The uWebSockets server's shared compressor works the same way;
- a part that several different messages hold (the presence list and replay of a batch of join
  answers, announced with share()) is compressed once: each message is compressed as segments
  that refer only to themselves, which one after the other are one valid deflate stream.

What a client sends is inflated by a decompressor of its socket, which wsproto keeps as long as
the client keeps its context (each about 40 KB with the default 32 KB window). Browsers, the
official socket.io client and aiohttp offer `client_max_window_bits` (they can compress with a
smaller window); the answer then asks for CLIENT_WINDOW_BITS (512 bytes): what they send is small
(events of a few hundred bytes) and gains nothing from a larger window. A client that does not
offer it keeps its 32 KB window. install() makes simple-websocket accept the extension with this
class instead of wsproto's.
"""
import zlib

from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import Opcode, RsvBits

THRESHOLD = 1024  # bytes of a whole message's payload
LEVEL = 3
CLIENT_WINDOW_BITS = 9
_KEPT, _KEPT_MAX_BYTES = 32, 64 * 1024  # the last messages compressed, up to this size each
_kept: dict[tuple[int, bytes], bytes] = {}
_SHARED = 8
_shared: dict[bytes, None] = {}  # parts of several messages (share()), newest last
_shared_done: dict[tuple[int, bytes], bytes] = {}  # (window bits, one of them) -> its segment
_MARK = 64  # bytes: a shared part is looked for by its first bytes


def share(*texts: str) -> None:
    """`texts` are about to be part of several different messages: each answer of a batch of
    joiners holds the same presence list and replay, after its own acknowledgement id and before
    its own state. Their compression then compresses these parts once (the last _SHARED parts
    are remembered: a storm's batches follow each other faster than their answers are sent)."""
    for blob in (t.encode() for t in texts):
        if len(blob) < THRESHOLD or blob in _shared:
            continue
        _shared[blob] = None
        for old in tuple(_shared)[:-_SHARED]:  # (tuples: a threaded server may share at once)
            _shared.pop(old, None)
            for key in [k for k in tuple(_shared_done) if k[1] is old]:
                _shared_done.pop(key, None)


def _segment(data: bytes, window_bits: int) -> bytes:
    """`data` compressed on its own, ending on a byte boundary (an empty stored block, 00 00 ff
    ff): such segments put one after the other are one valid deflate stream whose parts refer
    only to themselves."""
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, -window_bits)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


def _segments(data: bytes, window_bits: int) -> bytes:
    """_segment(data), except that the shared parts found in it are compressed once for all.

    The parts of successive batches begin alike (every presence list with the same first
    people, every replay with the same first events), so they are looked for by their first
    bytes: each such beginning once, from where the part found before ended (then before it),
    and where it is found, the newest part that is there whole. The search reads about the
    message once, however many parts are remembered."""
    by_mark: dict[bytes, list[bytes]] = {}
    for blob in reversed(tuple(_shared)):
        by_mark.setdefault(blob[:_MARK], []).append(blob)
    found, start = [], 0
    for mark, blobs in by_mark.items():
        at, blob = _find(data, mark, blobs, start, len(data))
        if blob is None and start:
            at, blob = _find(data, mark, blobs, 0, start)
        if blob is not None:
            found.append((at, blob))
            start = at + len(blob)
    if not found:
        return _segment(data, window_bits)
    out, pos = [], 0
    for at, blob in sorted(found):
        if at < pos:  # overlapping another part: compressed with what is around it
            continue
        if at > pos:
            out.append(_segment(data[pos:at], window_bits))
        key = (window_bits, blob)
        done = _shared_done.get(key)
        if done is None:
            done = _shared_done[key] = _segment(blob, window_bits)
        out.append(done)
        pos = at + len(blob)
    if pos < len(data):
        out.append(_segment(data[pos:], window_bits))
    return b"".join(out)


def _find(data: bytes, mark: bytes, blobs: list[bytes], start: int, end: int) -> tuple[int, bytes | None]:
    """Where in data[start:end] one of `blobs` (all beginning with `mark`, newest first) is
    whole, and which: the mark by bytes.find, then a comparison (bytes.find would prepare the
    whole of a long needle on every call: 50 µs for a 70 KB presence list)."""
    at = start - 1
    while (at := data.find(mark, at + 1, end)) >= 0:
        for blob in blobs:
            if at + len(blob) <= end and data.startswith(blob, at):
                return at, blob
    return -1, None


def compressed(data: bytes, window_bits: int = 15) -> bytes:
    """`data` as one permessage-deflate message payload with no context (fresh compressors,
    flushed, without the 4 bytes 00 00 ff ff that end the flush). The last few are kept: the
    same event sent to everyone in a room is compressed once; a part share() announced is
    compressed once for all the messages that hold it."""
    small = len(data) <= _KEPT_MAX_BYTES
    key = (window_bits, data)
    hit = _kept.get(key) if small else None
    if hit is None:
        hit = _segments(data, window_bits)[:-4]
        if small:
            for old in tuple(_kept)[:-_KEPT + 1]:
                _kept.pop(old, None)
            _kept[key] = hit
    return hit


class ThresholdDeflate(PerMessageDeflate):
    """wsproto's permessage-deflate, except that the server keeps no context between messages: a
    message sent whole in one frame is sent as it is under THRESHOLD, compressed by compressed()
    otherwise. (A message in several frames, which simple-websocket does not send, goes through
    wsproto's compressor, reset after each message.)"""

    _plain = False  # whether the message being sent goes uncompressed (set by its first frame)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("server_no_context_takeover", True)
        super().__init__(*args, **kwargs)

    def accept(self, offer: str):
        """wsproto's answer, asking for CLIENT_WINDOW_BITS where the client offered to use a
        smaller window (its value, if it named a smaller one); otherwise its window stays
        wsproto's 15 bits, which the decompressor then uses."""
        offered = [p.strip() for p in offer.split(";")[1:]]
        self.client_max_window_bits = CLIENT_WINDOW_BITS if "client_max_window_bits" in offered else 15
        return super().accept(offer)

    def frame_outbound(self, proto, opcode, rsv, data, fin):
        if opcode in (Opcode.TEXT, Opcode.BINARY):  # a message's first frame decides for all of it
            self._plain = fin and len(data) < THRESHOLD
            if fin and not self._plain and not proto.client and self.server_no_context_takeover:
                return RsvBits(True, rsv[1], rsv[2]), compressed(bytes(data), self.server_max_window_bits)
        if self._plain and opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONTINUATION):
            return rsv, data
        return super().frame_outbound(proto, opcode, rsv, data, fin)


def install() -> None:
    """simple-websocket's server (threads and gevent) negotiates ThresholdDeflate."""
    from simple_websocket import ws
    ws.PerMessageDeflate = ThresholdDeflate
