"""Giving the event loop back between the pieces of long background work.

Under gevent, `sleep(0)` is a weak yield: the hub runs callbacks, including ones queued while it
runs them, for up to 50 at a time before it looks at the clock, so a loop of 2 ms pieces each
ending in `sleep(0)` kept the rooms waiting 260 ms at a time (bench/heavy_mix.py, mails sent
one after another). A real timer, however short, puts the next piece behind the sockets and
timers that are ready. Outside gevent (the CLI worker, threads) it is a plain short sleep."""
import time

PAUSE = 0.001  # seconds


def pause() -> None:
    """Let every other ready greenlet (chat, joins, timers) run before going on."""
    time.sleep(PAUSE)
