"""One websocket frame per broadcast, not one per socket.

A room event goes to everyone in the room: python-socketio encodes its packet once (engine.io
keeps the text: `Packet.encode_cache`), and every socket's writer then hands that same text to
simple-websocket, which framed it anew for each socket through wsproto: the text encoded to
UTF-8, copied into a bytearray, a header built, the two joined. For a message to 1,000 people
that was 1,000 identical frames made one by one, in the one process that serves every room.

`install()` puts a small cache in front of simple-websocket's `send`: the last few texts sent
(by identity: the broadcast's one string object) and their frame. It is used only where the
frame would be byte for byte the same: a text message, a connection that is open and has
negotiated no extension (permessage-deflate compresses per connection, so those connections
frame their own, as before). Anything else goes through the library's own `send`. Only text is
cached: Baraza sends no binary data. The frames of wsproto's server side are never masked, so a
server frame depends on nothing but its text.

The versions are pinned (requirements.txt); tests/core/test_frames.py checks the frames against
wsproto's own for every payload size class, and that compressed connections keep their path."""
import threading

from simple_websocket.ws import Base
from wsproto.connection import ConnectionState
from wsproto.frame_protocol import FrameProtocol

KEEP = 8  # texts: a broadcast's writers run back to back, a few broadcasts may interleave

_frames: dict[int, tuple[str, bytes]] = {}
_lock = threading.Lock()
_installed = False


def frame_of(text: str) -> bytes:
    """The server's websocket frame of a whole text message (unmasked, no extension)."""
    with _lock:
        hit = _frames.get(id(text))
        if hit is not None and hit[0] is text:
            return hit[1]
    frame = bytes(FrameProtocol(client=False, extensions=[]).send_data(text, fin=True))
    with _lock:
        if len(_frames) >= KEEP:
            _frames.pop(next(iter(_frames)))
        _frames[id(text)] = (text, frame)  # the text is held, so its id is not reused meanwhile
    return frame


def _plain(ws) -> bool:
    """An open wsproto connection with no extension negotiated."""
    conn = getattr(ws, "connection", None)
    return conn is not None and conn.state is ConnectionState.OPEN and not conn._proto.extensions


def install() -> None:
    """Route simple-websocket's text sends through frame_of() where the frame is the same."""
    global _installed
    if _installed:
        return
    _installed = True
    original = Base.send

    def send(self, data):
        if type(data) is str and self.connected and _plain(self.ws):
            self.sock.send(frame_of(data))
            return
        original(self, data)

    send.__doc__ = original.__doc__
    Base.send = send
