"""Loaded only by bench/memory_at_load.py's servers (PYTHONPATH=bench/memhook): in each forked
worker a thread waits for a request file `go<n>.<pid>` in $MEMHOOK_DIR and answers in
`snap<n>.<pid>` with the worker's RSS as it is, what glibc's malloc and Python's small-object
allocator hold (in use and free), its RSS after gc.collect() and, when the request file says
"trim", after malloc_trim(0) (and how long the trim took), and the number of live objects and
greenlets. Set MEMHOOK_MALLOC_INFO for the free chunks by size, MEMHOOK_TYPES for the object
types holding the most, MEMHOOK_STACKS for the greenlets' stacks."""
import os
import threading
import time

_DIR = os.environ.get("MEMHOOK_DIR")


def _rss() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _allocators() -> dict:
    """What the C allocator (glibc's mallinfo2: in use and free in its heaps, and mmapped) and
    Python's small-object allocator (sys._debugmallocstats: arenas, blocks in use, free) hold."""
    import ctypes
    import re
    import sys
    import tempfile

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                   "fsmblks", "uordblks", "fordblks", "keepcost")]
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    mi = libc.mallinfo2()
    mib = 1024 * 1024
    out = {"malloc_heap_mib": round(mi.arena / mib, 1), "malloc_in_use_mib": round(mi.uordblks / mib, 1),
           "malloc_free_mib": round(mi.fordblks / mib, 1), "malloc_mmapped_mib": round(mi.hblkhd / mib, 1)}
    with tempfile.TemporaryFile(mode="w+") as tmp:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(tmp.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read()

    def field(label):
        m = re.search(re.escape(label) + r"\s*=\s*([\d,]+)", text)
        return int(m.group(1).replace(",", "")) / mib if m else None
    for key, label in (("pymalloc_in_use_mib", "# bytes in allocated blocks"),
                       ("pymalloc_free_blocks_mib", "# bytes in available blocks"),
                       ("pymalloc_unused_pools_mib", "bytes in unused pools"),
                       ("pymalloc_total_mib", "Total")):
        v = field(label)
        out[key] = None if v is None else round(v, 1)
    return out


def _free_chunks() -> dict:
    """glibc's free chunks (all heaps) by size class, from malloc_info(): {"<from>-<to>": [count,
    MiB]}, the largest classes by total: the size of the holes that keep the heap from shrinking."""
    import collections
    import ctypes
    import re
    import tempfile
    libc = ctypes.CDLL("libc.so.6")
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    with tempfile.NamedTemporaryFile(suffix=".xml") as tmp:
        fp = libc.fopen(tmp.name.encode(), b"w")
        libc.malloc_info(0, fp)
        libc.fclose(fp)
        text = open(tmp.name).read()
    by = collections.Counter()
    count = collections.Counter()
    for _lo, hi, total, n in re.findall(r'<size from="(\d+)" to="(\d+)" total="(\d+)" count="(\d+)"/>', text):
        key = int(hi).bit_length()  # power-of-two classes
        by[key] += int(total)
        count[key] += int(n)
    return {f"{1 << (k - 1)}-{(1 << k) - 1}": [count[k], round(v / 1024 / 1024, 2)] for k, v in by.most_common(8)}


def _types() -> list:
    """The 25 object types holding the most memory (sys.getsizeof of each object the collector
    tracks, plus the str and bytes they refer to directly): [type, count, MiB]."""
    import collections
    import gc
    import sys
    size = collections.Counter()
    count = collections.Counter()
    seen = set()
    for o in gc.get_objects():
        t = type(o).__qualname__
        try:
            size[t] += sys.getsizeof(o)
            count[t] += 1
            if type(o) in (dict, list, tuple):
                for x in (o.values() if type(o) is dict else o):
                    if type(x) in (str, bytes) and id(x) not in seen:
                        seen.add(id(x))
                        k = "str" if type(x) is str else "bytes"
                        size[k] += sys.getsizeof(x)
                        count[k] += 1
        except Exception:  # an object whose size or items cannot be read (a proxy, a dying weakref)
            continue
    return [[t, count[t], round(v / 1024 / 1024, 2)] for t, v in size.most_common(25)]


def _stacks(greenlets) -> list:
    """The suspended greenlets grouped by their Python stack (outermost first): how deep each
    kind of greenlet waits, which is what its saved C stack costs on the heap."""
    import collections
    shapes = collections.Counter()
    for g in greenlets:
        frames, f = [], g.gr_frame
        while f is not None:
            frames.append(f"{os.path.basename(f.f_code.co_filename)}:{f.f_code.co_name}")
            f = f.f_back
        shapes[" > ".join(reversed(frames))] += 1
    return [{"count": n, "depth": shape.count(" > ") + 1, "stack": shape} for shape, n in shapes.most_common(8)]


def _watch() -> None:
    import ctypes
    import gc
    import json
    n = 0
    while True:
        time.sleep(0.3)
        ask = os.path.join(_DIR, f"go{n}.{os.getpid()}")
        if not os.path.exists(ask):
            continue
        with open(ask) as fh:
            trim = fh.read().strip() == "trim"
        as_is = _rss()
        allocators = _allocators()
        gc.collect()
        collected = _rss()
        trimmed = trim_ms = None
        if trim:  # only when asked (the last snapshot): a trim would lower every later reading
            started = time.perf_counter()
            ctypes.CDLL("libc.so.6").malloc_trim(0)
            trim_ms = round((time.perf_counter() - started) * 1000, 2)
            trimmed = round(_rss(), 1)
        import greenlet
        objects = gc.get_objects()
        answer = {"pid": os.getpid(), "rss_mib": round(as_is, 1), "after_gc_mib": round(collected, 1),
                  "after_trim_mib": trimmed, "trim_ms": trim_ms, "objects": len(objects), "frozen": gc.get_freeze_count(),
                  "greenlets": sum(1 for o in objects if isinstance(o, greenlet.greenlet))}
        answer.update(allocators)
        if os.environ.get("MEMHOOK_MALLOC_INFO"):
            answer["free_chunks"] = _free_chunks()
        if os.environ.get("MEMHOOK_TYPES"):
            answer["types"] = _types()
        if os.environ.get("MEMHOOK_STACKS"):
            answer["stacks"] = _stacks([o for o in objects if isinstance(o, greenlet.greenlet)])
        del objects
        with open(os.path.join(_DIR, f"snap{n}.{os.getpid()}"), "w") as fh:
            json.dump(answer, fh)
        os.rename(ask, ask + ".done")
        n += 1


if _DIR:
    os.register_at_fork(after_in_child=lambda: threading.Thread(target=_watch, daemon=True).start())
