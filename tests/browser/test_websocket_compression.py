"""Chromium's own websocket against the real server: it offers permessage-deflate as every browser
does, and the server's answer (app/core/wsdeflate.py) keeps no context of its own and asks for a
512-byte client window. Chromium must accept that answer and read the compressed messages, and
the server must inflate what Chromium compresses: a join answer over 1 KB comes in, a long chat
goes out and comes back to the room as an event."""
import pytest

from tests.browser.fixtures import api_session, sign_in

pytestmark = pytest.mark.browser

ROUND_TRIP = """([cid, text]) => new Promise((resolve) => {
  const ws = new WebSocket(location.origin.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket");
  const out = {answer: null, event: null};
  ws.onmessage = (e) => {
    const d = e.data;
    if (d === "2") { ws.send("3"); return; }
    if (d.startsWith("0{")) { ws.send("40"); return; }            // the session cookie signs in
    if (d.startsWith("40")) { ws.send('421["room:join",' + JSON.stringify({consultation_id: cid, since: 0}) + ']'); return; }
    if (d.startsWith("431")) {
      out.answer_bytes = d.length; out.answer = JSON.parse(d.slice(3))[0];
      ws.send('42["chat:send",' + JSON.stringify({consultation_id: cid, text: text}) + ']');
      return;
    }
    if (d.startsWith('42["room:event"')) {
      const ev = JSON.parse(d.slice(2))[1];
      if (ev.type === "chat.message" && ev.data.text === text) { out.event = ev; out.event_bytes = d.length; done(); }
    }
  };
  const done = () => { out.extensions = ws.extensions; ws.close(); resolve(out); };
  ws.onclose = () => resolve(Object.assign(out, {closed: true, extensions: ws.extensions}));
  setTimeout(() => resolve(Object.assign(out, {timeout: true, extensions: ws.extensions})), 10000);
})"""


def test_chromium_reads_and_sends_compressed_messages(browser, live_server):
    api, _user = api_session(live_server, "gov.gh@baraza.example")
    cid = next(c["id"] for c in api.get(live_server + "/api/v1/consultations", timeout=10).json()["items"]
               if c["status"] in ("open", "live"))
    page = sign_in(browser, live_server, "gov.gh@baraza.example")
    try:
        text = " ".join(f"Article {i}: free movement of workers and portability of benefits." for i in range(20))
        out = page.evaluate(ROUND_TRIP, [cid, text])
    finally:
        page.context.close()
    assert "permessage-deflate" in out["extensions"], out
    assert "server_no_context_takeover" in out["extensions"]
    assert "client_max_window_bits=9" in out["extensions"]
    assert out["answer"] and out["answer"]["ok"] is True and out["answer_bytes"] > 1024, out
    assert out["event"] is not None and out["event_bytes"] > 1024, out  # sent compressed both ways
