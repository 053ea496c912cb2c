"""The psycopg connection class of app.core.pg, in a module of its own: importing psycopg costs
a server process 9 MB, and only one that uses PostgreSQL needs it (app.core.pg imports this
module then)."""
import psycopg
from psycopg import waiting

_c_wait = getattr(waiting, "wait_c", None)


class HoldableConnection(psycopg.Connection):
    """A psycopg connection whose waits block (C) from hold() until the transaction ends."""

    _held = False

    def hold(self, on: bool = True) -> bool:
        self._held = on and _c_wait is not None
        return self._held

    def wait(self, gen, interval=0.1, timeout=None):
        if self._held:
            return _c_wait(gen, self.pgconn.socket, interval, timeout)
        return super().wait(gen, interval=interval, timeout=timeout)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._held = False

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._held = False

    def close(self) -> None:
        self._held = False
        super().close()
