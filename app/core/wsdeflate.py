"""Websocket compression for the messages worth compressing only.

Browsers offer permessage-deflate on every websocket and the websocket server (simple-websocket,
through wsproto) accepts it, then compresses every message it sends, each socket with its own
compressor: a room event reaching 1,000 browsers is compressed 1,000 times. For a chat event
(about 500 bytes) that is 12 µs more per delivery (2 → 14 µs), a quarter of a core at 1,000
browsers and 20 messages a second, for a few hundred bytes saved; for a join answer listing
1,000 people it turns 145 KB into 10 KB, which a delegate on a slow connection does feel
(bench/deflate_frames.py).

RFC 7692 lets a sender leave any message uncompressed (a message's first frame says which, in
its RSV1 bit), so messages under THRESHOLD bytes go as they are and larger ones are compressed,
as engine.io (the Node server) does with its own threshold of 1 KB. install() makes
simple-websocket accept the extension with this class instead of wsproto's.
"""
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import Opcode

THRESHOLD = 1024  # bytes of a whole message's payload


class ThresholdDeflate(PerMessageDeflate):
    """wsproto's permessage-deflate, except that a message sent whole in one frame and shorter
    than THRESHOLD is sent uncompressed. The compressor never sees it, so the context the
    compressed messages share stays the one the client's decompressor has."""

    _plain = False  # whether the message being sent goes uncompressed (set by its first frame)

    def frame_outbound(self, proto, opcode, rsv, data, fin):
        if opcode in (Opcode.TEXT, Opcode.BINARY):  # a message's first frame decides for all of it
            self._plain = fin and len(data) < THRESHOLD
        if self._plain and opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONTINUATION):
            return rsv, data
        return super().frame_outbound(proto, opcode, rsv, data, fin)


def install() -> None:
    """simple-websocket's server (threads and gevent) negotiates ThresholdDeflate."""
    from simple_websocket import ws
    ws.PerMessageDeflate = ThresholdDeflate
