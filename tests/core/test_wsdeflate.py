"""Websocket compression: messages under 1 KB go uncompressed, larger ones compressed, on one
permessage-deflate connection, and a client that negotiated the extension (as every browser
does) reads both; each compressed message stands alone (no context kept between messages), so a
broadcast is compressed once for every socket and no socket keeps a compressor; a client offering
a smaller window is asked for 512 bytes, one that does not keep its own. The server Baraza runs
negotiates it with these rules."""
import json
import zlib

import simple_websocket.ws
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from app.core import wsdeflate

RSV1 = 0x40  # the first header byte's bit saying "this message is compressed"


class BrowserDeflate(PerMessageDeflate):
    """A client's permessage-deflate offering what browsers, the official socket.io client and
    aiohttp offer: `client_max_window_bits` without a value (it may be told a smaller window)."""

    def offer(self):
        return "client_max_window_bits"


def _connected(client_ext=None):
    """A server using ThresholdDeflate (its extension as `server.ext`) and a client using
    wsproto's own permessage-deflate (or `client_ext`), past the opening handshake; also the
    server's answer to the offer."""
    server, client = WSConnection(ConnectionType.SERVER), WSConnection(ConnectionType.CLIENT)
    server.receive_data(client.send(Request(host="localhost", target="/socket.io/",
                                            extensions=[client_ext or PerMessageDeflate()])))
    request = next(server.events())
    assert isinstance(request, Request) and "permessage-deflate" in "".join(request.extensions)
    server.ext = wsdeflate.ThresholdDeflate()
    handshake = server.send(AcceptConnection(extensions=[server.ext]))
    client.receive_data(handshake)
    accepted = next(client.events())
    assert isinstance(accepted, AcceptConnection) and accepted.extensions
    answer = next(line for line in handshake.decode().split("\r\n")
                  if line.lower().startswith("sec-websocket-extensions"))
    return server, client, answer


def _answer(n: int) -> str:
    return '430[' + json.dumps({"ok": True, "presence": [
        {"user_id": i, "name": f"Delegate {i}", "role": "delegate"} for i in range(n)]}) + "]"


def _received(client, frame: bytes) -> str:
    client.receive_data(frame)
    texts = [e.data for e in client.events() if isinstance(e, TextMessage)]
    assert len(texts) == 1
    return texts[0]


def test_small_messages_go_plain_large_ones_compressed_and_the_client_reads_all():
    server, client, _answer_line = _connected()
    chat = '42["room:event",' + json.dumps({"type": "chat.message", "data": {"text": "Paragraph 4, please."}}) + "]"
    answer = _answer(300)
    assert len(chat) < wsdeflate.THRESHOLD < len(answer)
    for text in (chat, answer, chat, answer, chat):  # the client keeps its context, the server none
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


def test_the_answer_keeps_no_server_context_and_a_broadcast_is_compressed_once(monkeypatch):
    made = []
    real = zlib.compressobj
    monkeypatch.setattr(wsdeflate.zlib, "compressobj", lambda *a: made.append(a) or real(*a))
    wsdeflate._kept.clear()
    pairs = [_connected() for _ in range(3)]
    for _server, _client, answer in pairs:
        assert "server_no_context_takeover" in answer
    event = '42["room:event",' + json.dumps({"type": "presence.changed", "data": {"joined": [
        {"user_id": i, "name": f"Delegate {i}"} for i in range(60)]}}) + "]"
    frames = [server.send(TextMessage(data=event)) for server, _client, _a in pairs]
    assert frames[0][0] & RSV1 and len(set(frames)) == 1      # the same bytes on every socket
    assert len(made) == 1                                      # compressed once
    for (_server, client, _a), frame in zip(pairs, frames, strict=True):
        assert _received(client, frame) == event
    # nothing is kept per socket: no compressor after sending
    server = pairs[0][0]
    assert server.ext._compressor is None
    # a later, different message is compressed on its own and still read by the same clients
    other = _answer(200)
    for server, client, _a in pairs:
        assert _received(client, server.send(TextMessage(data=other))) == other
    assert len(made) == 2


def test_a_client_offering_a_smaller_window_is_asked_for_512_bytes_and_read():
    offered = BrowserDeflate()
    server, client, answer = _connected(offered)
    assert f"client_max_window_bits={wsdeflate.CLIENT_WINDOW_BITS}" in answer
    assert offered.client_max_window_bits == wsdeflate.CLIENT_WINDOW_BITS  # the client agreed
    # what the client sends, compressed with its 512-byte window, the server inflates
    sent = '42["chat:send",' + json.dumps({"consultation_id": 3, "text": "Article 4 " * 300}) + "]"
    server.receive_data(client.send(TextMessage(data=sent)))
    assert [e.data for e in server.events() if isinstance(e, TextMessage)] == [sent]


def test_a_client_that_offers_no_smaller_window_keeps_its_own():
    """The refusal: asking a client that did not offer it for a smaller window would be a
    protocol error, and inflating its 32 KB-window messages with 512 bytes would fail."""
    class NoWindowOffer(PerMessageDeflate):
        def offer(self):
            return True  # "permessage-deflate" and nothing else

    server, client, answer = _connected(NoWindowOffer())
    assert "client_max_window_bits" not in answer
    far = "".join(f"<p>paragraph {i} of the draft protocol</p>" for i in range(400))
    sent = '42["chat:send",' + json.dumps({"consultation_id": 3, "text": far + far}) + "]"  # repeats 16 KB back
    server.receive_data(client.send(TextMessage(data=sent)))
    assert [e.data for e in server.events() if isinstance(e, TextMessage)] == [sent]


def test_answers_sharing_a_part_compress_it_once_and_each_reads_whole(monkeypatch):
    """A batch of joiners' answers: each its own ack id and state around the same presence list
    and replay. Announced with share(), the shared parts are compressed once; every client,
    whose decompressor keeps the context of all it read before, reads each answer whole."""
    wsdeflate._kept.clear()
    presence = json.dumps([{"user_id": i, "name": f"Delegate {i}", "role": "delegate"} for i in range(300)])
    replay = json.dumps([{"seq": 40 + k, "type": "presence.changed", "data": {"joined": list(range(k * 30, k * 30 + 30))}}
                         for k in range(10)])
    wsdeflate.share(presence, replay)
    made = []
    real = zlib.compressobj
    monkeypatch.setattr(wsdeflate.zlib, "compressobj", lambda *a: made.append(a) or real(*a))
    answers = [f'43{n}[{{"ok":true,"seq":70,"presence":{presence},"events":{replay},"state":{{"floor":{n}}}}}]'
               for n in range(1, 6)]
    pairs = [_connected() for _ in answers]
    for (server, client, _a), text in zip(pairs, answers, strict=True):
        frame = server.send(TextMessage(data=text))
        assert frame[0] & RSV1 and len(frame) < len(text) / 4
        assert _received(client, frame) == text
    # the two shared parts once; then each answer's three own pieces (head, between, tail)
    assert len(made) == 2 + 3 * len(answers)
    one_client = pairs[0][1]
    for text in answers[1:]:  # one client reading them all in a row (its context carried over)
        assert _received(one_client, pairs[0][0].send(TextMessage(data=text))) == text


def test_answers_of_successive_batches_each_share_their_own_list(monkeypatch):
    """A storm's batches follow each other faster than their answers are sent, each with its
    own presence list, all beginning with the same people: an answer of an earlier batch, sent
    after later batches announced theirs, still finds its own list (not a longer one with the
    same beginning) and is read whole; so are the latest batch's."""
    wsdeflate._kept.clear()
    lists = [json.dumps([{"user_id": i, "name": f"Delegate {i}"} for i in range(200 + 20 * k)]) for k in range(5)]
    for text in lists:
        wsdeflate.share(text)
    made = []
    real = zlib.compressobj
    monkeypatch.setattr(wsdeflate.zlib, "compressobj", lambda *a: made.append(a) or real(*a))
    server, client, _a = _connected()
    for n, k in enumerate((1, 4, 1, 4)):
        text = f'43{n}[{{"ok":true,"presence":{lists[k]},"state":{{"n":{k}}}}}]'
        frame = server.send(TextMessage(data=text))
        assert len(frame) < len(text) / 4
        assert _received(client, frame) == text
    # each list once, then each answer's head and tail
    assert len(made) == 2 + 2 * 4


def test_a_shared_part_absent_from_a_message_changes_nothing():
    wsdeflate.share(json.dumps([{"user_id": i, "name": f"Delegate {i}"} for i in range(200)]))
    server, client, _a = _connected()
    other = _answer(150)
    assert _received(client, server.send(TextMessage(data=other))) == other
