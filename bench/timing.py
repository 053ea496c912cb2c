"""Shared by the benchmarks: repeat a call and keep each run's milliseconds (medians are taken by the caller)."""
import time


def timed(fn, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls of fn()."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out
