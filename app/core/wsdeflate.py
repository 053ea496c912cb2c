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
  The uWebSockets server's shared compressor works the same way.

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


def compressed(data: bytes, window_bits: int = 15) -> bytes:
    """`data` as one permessage-deflate message payload with no context (a fresh compressor,
    flushed, without the 4 bytes 00 00 ff ff that end the flush). The last few are kept: the
    same event sent to everyone in a room is compressed once."""
    key = (window_bits, data)
    hit = _kept.get(key)
    if hit is None:
        c = zlib.compressobj(LEVEL, zlib.DEFLATED, -window_bits)
        hit = (c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH))[:-4]
        if len(data) <= _KEPT_MAX_BYTES:
            if len(_kept) >= _KEPT:
                del _kept[next(iter(_kept))]
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
