"""A WSGI module for live-server tests and the benchmark: the real app, configured from the
environment like wsgi.py, plus BARAZA_SOCKETIO_CHANNEL (a private Socket.IO channel on the
shared Redis) and ROOMS_HEARTBEAT (seconds; 0 turns the dead-process sweep off)."""
import os

from app import create_app
from app.core import gc_tuning
from config import Config

cfg = Config.load()
cfg.SOCKETIO_CHANNEL = os.environ.get("BARAZA_SOCKETIO_CHANNEL", "baraza-socketio")
cfg.SOCKETIO_HEARTBEAT = float(os.environ.get("ROOMS_HEARTBEAT", "15"))
app = create_app(cfg)
gc_tuning.tune()

