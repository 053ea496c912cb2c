"""Websocket compression: messages under 1 KB go uncompressed, larger ones compressed, on one
permessage-deflate connection, and a client that negotiated the extension (as every browser
does) reads both; the server Baraza runs negotiates it with this rule."""
import json

import simple_websocket.ws
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from app.core import wsdeflate

RSV1 = 0x40  # the first header byte's bit saying "this message is compressed"


def _connected():
    """A server using ThresholdDeflate and a client using wsproto's own permessage-deflate,
    past the opening handshake."""
    server, client = WSConnection(ConnectionType.SERVER), WSConnection(ConnectionType.CLIENT)
    server.receive_data(client.send(Request(host="localhost", target="/socket.io/",
                                            extensions=[PerMessageDeflate()])))
    request = next(server.events())
    assert isinstance(request, Request) and "permessage-deflate" in "".join(request.extensions)
    client.receive_data(server.send(AcceptConnection(extensions=[wsdeflate.ThresholdDeflate()])))
    accepted = next(client.events())
    assert isinstance(accepted, AcceptConnection) and accepted.extensions
    return server, client


def _received(client, frame: bytes) -> str:
    client.receive_data(frame)
    texts = [e.data for e in client.events() if isinstance(e, TextMessage)]
    assert len(texts) == 1
    return texts[0]


def test_small_messages_go_plain_large_ones_compressed_and_the_client_reads_all():
    server, client = _connected()
    chat = '42["room:event",' + json.dumps({"type": "chat.message", "data": {"text": "Paragraph 4, please."}}) + "]"
    answer = '430[' + json.dumps({"ok": True, "presence": [
        {"user_id": i, "name": f"Delegate {i}", "role": "delegate"} for i in range(300)]}) + "]"
    assert len(chat) < wsdeflate.THRESHOLD < len(answer)
    for text in (chat, answer, chat, answer, chat):  # the compressed ones share one context
        frame = server.send(TextMessage(data=text))
        compressed = bool(frame[0] & RSV1)
        assert compressed == (len(text) >= wsdeflate.THRESHOLD)
        if compressed:
            assert len(frame) < len(text) / 4
        else:
            assert text.encode() in frame
        assert _received(client, frame) == text


def test_wsprotos_own_extension_would_compress_the_small_ones_too():
    """The behaviour the threshold changes (so the test above can fail)."""
    server, client = WSConnection(ConnectionType.SERVER), WSConnection(ConnectionType.CLIENT)
    server.receive_data(client.send(Request(host="localhost", target="/", extensions=[PerMessageDeflate()])))
    next(server.events())
    client.receive_data(server.send(AcceptConnection(extensions=[PerMessageDeflate()])))
    next(client.events())
    frame = server.send(TextMessage(data='42["room:event",{}]'))
    assert frame[0] & RSV1


def test_the_websocket_server_negotiates_the_threshold(app):
    assert simple_websocket.ws.PerMessageDeflate is wsdeflate.ThresholdDeflate
