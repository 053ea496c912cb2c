"""app.core.frames: a broadcast's websocket frame is made once and is byte for byte the frame
wsproto makes for each socket; a connection that negotiated compression, or is not open, keeps
the library's own path."""
import pytest
from simple_websocket.errors import ConnectionClosed
from simple_websocket.ws import Base
from wsproto import ConnectionType, WSConnection
from wsproto.connection import Connection, ConnectionState
from wsproto.events import BytesMessage, TextMessage
from wsproto.extensions import PerMessageDeflate
from wsproto.utilities import LocalProtocolError

from app.core import frames


class Sock:
    def __init__(self):
        self.sent = []

    def send(self, data):
        self.sent.append(bytes(data))
        return len(data)


def _socket(extensions=()):
    ws = Base.__new__(Base)
    ws.connected, ws.sock, ws.close_reason, ws.close_message = True, Sock(), 1000, None
    ws.ws = WSConnection(ConnectionType.SERVER)
    ws.ws.connection = Connection(ConnectionType.SERVER, extensions=list(extensions))
    return ws


def _wsproto_frame(text, extensions=()):
    return bytes(Connection(ConnectionType.SERVER, extensions=list(extensions)).send(TextMessage(data=text)))


@pytest.fixture(autouse=True)
def installed():
    frames.install()


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_a_cached_frame_is_wsproto_s_frame_for_every_length_class(size):
    text = "42" + "é" * (size // 2) + "x" * (size - size // 2)  # UTF-8 longer than the text
    a, b = _socket(), _socket()
    a.send(text)
    b.send(text)
    assert a.sock.sent == b.sock.sent == [_wsproto_frame(text)]


def test_one_broadcast_text_is_framed_once_for_all_its_sockets(monkeypatch):
    made = []
    real = frames.FrameProtocol

    class Counting(real):
        def send_data(self, *a, **kw):
            made.append(1)
            return super().send_data(*a, **kw)

    monkeypatch.setattr(frames, "FrameProtocol", Counting)
    text = "42" + '["room:event",{"seq":7}]' + "!"  # a new string object: not cached yet
    sockets = [_socket() for _ in range(50)]
    for ws in sockets:
        ws.send(text)
    assert len(made) == 1
    assert {ws.sock.sent[0] for ws in sockets} == {_wsproto_frame(text)}


def test_a_compressed_connection_frames_its_own_text():
    deflate = PerMessageDeflate()
    deflate._enabled = True
    ws = _socket([deflate])
    text = "42" + "chat " * 200
    ws.send(text)
    assert ws.sock.sent[0] != _wsproto_frame(text)
    assert ws.sock.sent[0][0] & 0x40  # RSV1: the compressed message of its own connection


def test_a_closed_socket_is_refused_as_the_library_refuses_it():
    ws = _socket()
    ws.connected = False
    with pytest.raises(ConnectionClosed):
        ws.send("42[]")
    assert ws.sock.sent == []


def test_bytes_and_a_closing_connection_take_the_library_path():
    ws = _socket()
    ws.send(b"\x00\x01")
    assert ws.sock.sent == [bytes(Connection(ConnectionType.SERVER).send(BytesMessage(data=b"\x00\x01")))]
    ws.ws.connection._state = ConnectionState.LOCAL_CLOSING
    with pytest.raises(LocalProtocolError):  # as the library refuses it
        ws.send("42[]")
    assert len(ws.sock.sent) == 1
