"""For tests that prove work leaves the event loop free: how many times another greenlet (a
stand-in for a live room) ran while fn() was computed. Zero means fn held the loop throughout."""
import gevent


def ticks_during(fn):
    """(fn's result, the ticks of a greenlet that yields after each tick, counted while fn ran)."""
    ticks = []

    def room():
        while True:
            ticks.append(1)
            gevent.sleep(0)
    g = gevent.spawn(room)
    gevent.sleep(0)
    try:
        before = len(ticks)
        result = fn()
        return result, len(ticks) - before
    finally:
        g.kill()
