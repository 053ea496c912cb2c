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


def wait_until_up(url: str, what: str, log, timeout: float = 30.0) -> None:
    """Poll a server's OpenAPI document until it answers; RuntimeError naming its log otherwise."""
    import requests
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/openapi.json", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start; see {log}")


def compare(result: dict, num: str, den: str, key: str, ratio_key: str, per_run_key: str | None = None) -> None:
    """result[ratio_key] = median num / median den of `key`; per_run_key: the same run by run."""
    result[ratio_key] = round(result[num][key] / result[den][key], 2)
    if per_run_key:
        result[per_run_key] = [round(x[key] / y[key], 2)
                               for x, y in zip(result["runs"][num], result["runs"][den], strict=True)]


def report(result: dict, json_path: str | None) -> None:
    """Print a bench's summary (without its raw runs) and append the whole result to json_path."""
    import json
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))
    if json_path:
        with open(json_path, "a") as fh:
            fh.write(json.dumps(result) + "\n")
