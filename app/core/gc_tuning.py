"""Garbage-collector settings for a long-running server process.

A live room keeps every delegate's socket, queue and session objects alive, and Flask, SQLAlchemy
and the translations leave some 200,000 objects behind at start-up. CPython's full (generation 2)
collection walks all of them: measured on the fan-out benchmark (500 clients, PostgreSQL) it
stopped the whole gevent process for 90-120 ms every 8-9 seconds, in the middle of a broadcast,
and that pause alone set the 99th-percentile delivery latency (bench/README.md).

tune() is called once the app is built: it freezes what start-up left (never collected, never
walked again) and makes young collections rarer, so short-lived objects die by reference counting
before they are promoted. Cyclic garbage is still collected.
"""
import gc

# (generation 0 allocations, gen-0 runs per gen-1 run, gen-1 runs per full run)
THRESHOLDS = (50_000, 20, 100)


def tune(thresholds: tuple[int, int, int] = THRESHOLDS) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
