#!/usr/bin/env python3
"""A hostile room on loopback: malformed input, and what the server's memory and log do.

    python bench/hostile.py                 # 10 rounds of every payload
    python bench/hostile.py --rounds 50 --json

Starts `workshop serve --host 127.0.0.1 --port 0` on a temporary data folder, creates a
workshop and a participant, records the server's resident memory (RSS), then sends, for
each round: malformed JSON join bodies (not objects, nested 50,000 deep, lone surrogates),
oversized and foreign `Host` headers, and WebSocket connections that each send one bad
Socket.IO frame (a binary ACK `46`, an unhashable event name, wrong types, `connect` as
an event, bytes). It then records RSS again and counts, in the server's output, the HTTP
500s, the lines with "Traceback" and the lines the rate limit kept. Everything stays on
127.0.0.1 and is bounded by --rounds (at most 2,000).

Needs the bench extra (`pip install -e ".[bench]"`: psutil) and websocket-client (a
dependency of python-socketio's client, in the test extra).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

import psutil
import websocket

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serverproc import Server  # noqa: E402

BAD_BODIES = [
    b"true",
    b"1",
    b'"x"',
    b"[[[[]]]]",
    b"[" * 50_000 + b"]" * 50_000,
    b'{"pseudonym": "\\ud800"}',
    b'{"pseudonym": ["a"]}',
    b"{",
]
BAD_FRAMES = [
    "46",
    '42[["answer"]]',
    '42["consent",{"round":74,"value":-1}]',
    '42["answer","x"]',
    '42["connect",{"code":"X","role":"screen"}]',
    "42" + "[" * 5_000,
    "4",
    "9",
]


def rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


def post(port: int, path: str, body: bytes, host: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json", "Host": host or f"127.0.0.1:{port}"}
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def get(port: int, path: str, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def bad_frame(port: int, code: str, token: str, frame: str | bytes) -> None:
    """A participant's WebSocket that sends one bad frame, then a good event, then closes."""
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
        origin=f"http://127.0.0.1:{port}",
        timeout=5,
    )
    try:
        ws.recv()  # the Engine.IO open packet
        ws.send("40" + json.dumps({"code": code, "role": "participant", "token": token}))
        ws.recv()
        if isinstance(frame, bytes):
            ws.send_binary(frame)
        else:
            ws.send(frame)
        try:
            ws.send('421["answer",{}]')
            ws.recv()
        except (websocket.WebSocketException, OSError):
            pass  # closed by the server: what a garbage frame earns
    finally:
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rounds = max(1, min(args.rounds, 2_000))
    with tempfile.TemporaryDirectory() as data:
        server = Server(Path(data), 0).start()
        try:
            facilitator = server.facilitator()
            code = server.create_workshop(facilitator, ["whatsapp-users"], title="Bench")
            server.set_phase(facilitator, code, "screening")
            joined = facilitator.post(f"{server.base}/j/{code}/join", json={}, timeout=10).json()
            pid = server.proc.pid
            time.sleep(0.5)
            before = rss(pid)
            statuses: dict[int, int] = {}
            start = time.perf_counter()
            for _ in range(rounds):
                for body in BAD_BODIES:
                    status = post(server.port, f"/j/{code}/join", body)
                    statuses[status] = statuses.get(status, 0) + 1
                for host in ("a" * 100, "evil.example", "x" * 5_000):
                    status = get(server.port, f"/s/{code}", host)
                    statuses[status] = statuses.get(status, 0) + 1
                for frame in [*BAD_FRAMES, b"\x00\xff\xfe"]:
                    bad_frame(server.port, code, joined["token"], frame)
            elapsed = time.perf_counter() - start
            time.sleep(1)
            after = rss(pid)
            log = server.log()
        finally:
            server.stop()
    result = {
        "rounds": rounds,
        "payloads": rounds * (len(BAD_BODIES) + 3 + len(BAD_FRAMES) + 1),
        "seconds": round(elapsed, 1),
        "http_statuses": statuses,
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "tracebacks_in_log": log.count("Traceback"),
        "log_lines": len(log.splitlines()),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
