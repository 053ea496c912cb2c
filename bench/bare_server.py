"""Bare reference server for bench/fanout.py: Flask-SocketIO, the same worker model as Baraza
(gunicorn --worker-class gevent, simple-websocket), no authentication, no storage; it only
joins clients to one room and echoes each chat to it. Its websockets compress as Baraza's do
(messages under 1 KB sent as they are: app/core/wsdeflate.py, loaded from its file so that none
of Baraza is imported), so a client offering permessage-deflate meets the same transport on both.

    gunicorn --worker-class gevent --workers 1 --worker-connections 4000 bench.bare_server:app
"""
import importlib.util
import os
from pathlib import Path

from flask import Flask
from flask_socketio import SocketIO, join_room

_spec = importlib.util.spec_from_file_location(
    "bare_wsdeflate", Path(__file__).resolve().parents[1] / "app" / "core" / "wsdeflate.py")
_wsdeflate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_wsdeflate)
_wsdeflate.install()

app = Flask(__name__)
socketio = SocketIO(app, async_mode=os.environ.get("BARE_ASYNC_MODE", "gevent"),
                    message_queue=os.environ.get("BARAZA_REDIS_URL") or None,
                    channel=os.environ.get("BARAZA_SOCKETIO_CHANNEL", "bare-bench"),
                    max_http_buffer_size=64 * 1024, logger=False, engineio_logger=False)


@app.get("/api/v1/openapi.json")
def ready():
    return {"ok": True}


@socketio.on("join")
def on_join(payload=None):
    join_room("room")
    return {"ok": True}


@socketio.on("chat")
def on_chat(payload):
    socketio.emit("msg", {"text": payload.get("text")}, to="room")
    return {"ok": True}
