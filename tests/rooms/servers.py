"""Start and stop real Baraza server processes (gunicorn, gevent worker) for live tests."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `make serve`-like process: gunicorn --worker-class gevent --workers 1."""

    def __init__(self, db_url: str, secret: str, instance: Path, module: str = "tests.rooms.live_app:app",
                 port: int | None = None, **env):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, BARAZA_DATABASE_URL=db_url, BARAZA_SECRET_KEY=secret,
                        BARAZA_INSTANCE_PATH=str(instance), PYTHONPATH=str(ROOT), ROOMS_HEARTBEAT="0",
                        **{k: str(v) for k, v in env.items()})
        self.module = module
        self.proc = None
        self.log = instance / f"server-{self.port}.log"

    def start(self, timeout: float = 20) -> "Server":
        cmd = [GUNICORN, "--worker-class", "gevent", "--workers", "1", "--worker-connections", "4000",
               "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", self.module]
        self._fh = open(self.log, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self._fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/api/v1/openapi.json", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """Stop at once, without a graceful shutdown (a crash)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_fh", None):
            self._fh.close()

    def token(self, email: str, password: str = "correct-horse-battery") -> str:
        r = requests.post(self.url + "/api/v1/auth/token", json={"email": email, "password": password}, timeout=10)
        r.raise_for_status()
        return r.json()["token"]
