"""A background loop of this process that runs a function in the app's context at a steady
interval (the presence tick, the connection-rows tick), started once per process by whoever
needs it first. Not under tests: they call the function themselves."""
import threading

from app.extensions import socketio


class Ticker:
    def __init__(self, fn) -> None:
        self.fn = fn
        self.started = False
        self._lock = threading.Lock()

    def ensure(self, app, interval: float) -> None:
        if self.started or app.testing:
            return
        with self._lock:
            if self.started:
                return
            self.started = True
        socketio.start_background_task(self._loop, app, interval)

    def _loop(self, app, interval: float) -> None:
        while True:
            socketio.sleep(interval)
            with app.app_context():
                self.fn()
