#!/usr/bin/env python3
"""Keep-alive latency: N requests on one kept-alive connection against N fresh connections.

    python bench/keepalive.py                     # 200 of each, on / and the stylesheet
    python bench/keepalive.py -n 500 --path /decks/
    python bench/keepalive.py --port 8000          # a server already running on loopback

Browsers keep their connection open and send the next request on it. A server that writes
a response's headers and body in two packets without TCP_NODELAY makes such a request wait
for the client's delayed ACK (about 40 ms on Linux) while a fresh connection does not.

Starts `workshop serve --host 127.0.0.1 --port 0` (gevent, unless --async-mode says
otherwise) on a temporary data folder, or measures the one already on 127.0.0.1:--port;
sends N sequential GETs of each path on one HTTP/1.1 connection, then N GETs each on a new
connection, and prints p50 / p95 / max per path and way. Traffic stays on loopback; the
run is bounded by -n (at most 5,000) and --timeout (per request). `--json` prints one
line of results.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import Server  # noqa: E402

HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "fr", "User-Agent": "spheres-bench"}


def get(connection: http.client.HTTPConnection, path: str) -> float:
    """One GET, read to the end; its time in milliseconds."""
    start = time.perf_counter()
    connection.request("GET", path, headers=HEADERS)
    response = connection.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path}: {response.status}")
    return elapsed


def kept_alive(port: int, path: str, n: int, timeout: float) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        get(connection, path)  # open it; not counted
        return [get(connection, path) for _ in range(n)]
    finally:
        connection.close()


def fresh(port: int, path: str, n: int, timeout: float) -> list[float]:
    times = []
    for _ in range(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            start = time.perf_counter()
            connection.connect()
            get(connection, path)
            times.append((time.perf_counter() - start) * 1000)
        finally:
            connection.close()
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


def static_path(port: int, timeout: float) -> str:
    """The stylesheet's URL as the door page names it (with its version, if any)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/", headers={"User-Agent": "spheres-bench"})
        page = connection.getresponse().read().decode()
    finally:
        connection.close()
    marker = 'href="/static/css/spheres.css'
    start = page.find(marker)
    if start < 0:
        return "/static/css/spheres.css"
    return page[start + len('href="') : page.find('"', start + len('href="'))]


def measure(port: int, paths: list[str] | None, n: int, timeout: float) -> dict:
    results = {}
    for path in paths or ["/", static_path(port, timeout)]:
        results[path] = {
            "kept-alive": summary(kept_alive(port, path, n, timeout)),
            "fresh": summary(fresh(port, path, n, timeout)),
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="requests per path and way (<= 5000)")
    parser.add_argument("--path", action="append", help="path to GET (repeatable)")
    parser.add_argument("--async-mode", choices=("gevent", "threading"), default="gevent")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per request")
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    parser.add_argument("--port", type=int, help="measure a server already on 127.0.0.1:PORT")
    options = parser.parse_args()
    n = max(1, min(options.n, 5000))

    if options.port:
        results = measure(options.port, options.path, n, options.timeout)
        options.async_mode = f"server on port {options.port}"
    else:
        with tempfile.TemporaryDirectory(prefix="spheres-keepalive-") as folder:
            server = Server(Path(folder) / "data", 0, "--async-mode", options.async_mode)
            server.start()
            try:
                results = measure(server.port, options.path, n, options.timeout)
            finally:
                server.stop()

    if options.json:
        print(json.dumps({"async_mode": options.async_mode, "results": results}))
        return 0
    print(f"{options.async_mode}, {n} sequential GETs per path and way, 127.0.0.1")
    print(f"  {'path':<44} {'connection':<11} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for path, ways in results.items():
        for way, row in ways.items():
            name = path if len(path) <= 44 else path[:41] + "..."
            print(
                f"  {name:<44} {way:<11} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
