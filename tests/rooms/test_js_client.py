"""The official socket.io JavaScript client against a real server, over websocket and polling."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.rooms.test_live import server_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "js" / "contract_client.js"


@pytest.fixture(scope="module")
def node():
    exe = shutil.which("node")
    if exe is None or not (ROOT / "node_modules" / "socket.io-client").exists():
        pytest.skip("node and node_modules/socket.io-client are needed (make vendor installs the client)")
    return exe


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_contract_through_the_official_js_client(node, server_factory, live, transport):  # noqa: F811
    c, p = live
    srv = server_factory()
    token = srv.token(p["government"].email)
    run = subprocess.run([node, str(SCRIPT), srv.url, token, str(c.id), transport], cwd=ROOT,
                         capture_output=True, text=True, timeout=40)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in out and "connect_error" not in out, out
    assert out["transport"] == transport
    join = out["join"]
    assert join["ok"] is True and isinstance(join["seq"], int) and isinstance(join["events"], list)
    assert any(m["user_id"] == p["government"].id for m in join["presence"])
    assert [e["seq"] for e in join["events"]] == sorted(e["seq"] for e in join["events"])
    assert out["chat"]["ok"] is True and out["chat_again"]["seq"] == out["chat"]["seq"]
    assert out["hand"]["ok"] is True
    assert out["bad"]["ok"] is False and set(out["bad"]["error"]) >= {"code", "message"}
    assert out["unknown_room"] == {"ok": False, "error": {"code": "not_found", "message": "No such consultation."}}
    chats = [e for e in out["events"] if e["type"] == "chat.message"]
    assert len(chats) == 1 and chats[0]["data"]["text"] == "from the JS client"
    assert set(chats[0]) >= {"consultation_id", "seq", "type", "at", "actor", "data"}
    assert chats[0]["actor"]["id"] == p["government"].id


def test_refused_without_a_valid_token(node, server_factory, live):  # noqa: F811
    c, p = live
    srv = server_factory()
    run = subprocess.run([node, str(SCRIPT), srv.url, "not-a-token", str(c.id), "websocket"], cwd=ROOT,
                         capture_output=True, text=True, timeout=40)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "connect_error" in out
