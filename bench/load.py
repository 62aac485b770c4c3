#!/usr/bin/env python3
"""Load test: N Socket.IO phones answer a workshop while a projector watches the map.

    python bench/load.py --spawn --clients 1000                 # start a server, burst
    python bench/load.py --spawn --clients 1000 --pace 1        # one answer per second each
    python bench/load.py --facilitator-url 'http://127.0.0.1:8000/f/?token=...' --clients 100

Steps: create a workshop as the facilitator (cookie + CSRF form), move it to screening,
connect a projector (role=screen), join N participants over HTTP, connect them over
WebSocket only, then every participant answers its questions. `--pace 0` sends each
client's next answer as soon as the previous one is acknowledged (one in flight per
client); `--pace S` schedules a client's answers S seconds apart (random start offset).
Only 127.0.0.1 / localhost is accepted as a target. Every phase is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import psutil
import socketio

SPHERES = ("means", "values", "prescriptions")
VALUES = ("fine", "discuss", "problem", "unsure")
now = time.monotonic


def pct(values, q):
    """Nearest-rank percentile, in milliseconds; None for no data."""
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))], 1)


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def check_local(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"refusing {url}: this bench only talks to 127.0.0.1 / localhost")
    return f"{parts.scheme}://{parts.netloc}"


def spawn_server(mode: str, deadline: float):
    """Start `workshop serve` on a free port in a temporary data folder; wait for its URL."""
    tmp = Path(tempfile.mkdtemp(prefix="spheres-bench-"))
    log = open(tmp / "server.log", "w+")  # noqa: SIM115 - closed by stop_server
    cmd = [sys.executable, "-m", "workshop", "serve", "--host", "127.0.0.1", "--port", "0",
           "--data", str(tmp / "data"), "--async-mode", mode]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    end = min(deadline, now() + 30)
    while now() < end:
        match = re.search(r"Facilitator: (\S+)", (tmp / "server.log").read_text())
        if match:
            return proc, match.group(1), tmp, log
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(proc, tmp, log)
    sys.exit("the server did not print its facilitator URL")


def stop_server(proc, tmp: Path, log) -> list[str]:
    """Terminate (then kill) the spawned server; return the notable lines of its log."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    log.close()
    lines = (tmp / "server.log").read_text(errors="replace").splitlines()
    shutil.rmtree(tmp, ignore_errors=True)
    return [ln for ln in lines if re.search(r"Error|Traceback|Exception|exceeded", ln)]


def server_pid_on(port: int) -> int | None:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            return conn.pid
    return None


async def create_workshop(http, base: str, facilitator_url: str, results_hidden: bool):
    """Log in as facilitator, create a workshop with every practice, open screening."""
    async with http.get(facilitator_url) as r:
        r.raise_for_status()
    async with http.get(f"{base}/f/new?wlang=fr") as r:
        page = await r.text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    practices = re.findall(r'name="practices" value="([^"]+)"', page)
    form = [("csrf", csrf), ("wlang", "fr"), ("deck", "social-work.fr"), ("title", "bench")]
    form += [("practices", p) for p in practices] + ([("results_hidden", "on")] * results_hidden)
    async with http.post(f"{base}/f/new", data=form, allow_redirects=False) as r:
        assert r.status == 303, f"create workshop: HTTP {r.status}"
        code = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    data = {"csrf": csrf, "phase": "screening"}
    async with http.post(f"{base}/f/w/{code}/phase", data=data, allow_redirects=False) as r:
        assert r.status == 303, f"phase: HTTP {r.status}"
    return code, practices


class Projector:
    """The room's screen: records when each `state` arrives and how many answers it counts."""

    def __init__(self, expected: int) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.times: list[float] = []
        self.counts: list[int] = []  # running max of progress.answers
        self.expected, self.complete = expected, asyncio.Event()
        self.sio.on("state", self.on_state)

    async def on_state(self, state):
        answers = state["progress"]["answers"]
        self.times.append(now())
        self.counts.append(max(answers, self.counts[-1] if self.counts else 0))
        if answers >= self.expected:
            self.complete.set()

    def first_at_least(self, n: int, after: float) -> float | None:
        i = bisect.bisect_left(self.counts, n)
        while i < len(self.times) and self.times[i] < after:
            i += 1
        return self.times[i] if i < len(self.times) else None


async def run(args) -> dict:
    deadline = now() + args.timeout
    left = lambda: max(0.1, deadline - now())  # noqa: E731
    result, spawned = {"clients": args.clients, "pace": args.pace}, None
    if args.spawn:
        spawned = spawn_server(args.async_mode, deadline)
        args.facilitator_url = spawned[1]
        result["async_mode"] = args.async_mode
    if not args.facilitator_url:
        sys.exit("give --facilitator-url (the line the server printed) or --spawn")
    base = check_local(args.url or args.facilitator_url)
    check_local(args.facilitator_url)
    pid = args.server_pid or (spawned[0].pid if spawned else server_pid_on(urlsplit(base).port))
    server = psutil.Process(pid) if pid else None
    rss_peak = [0]

    async def sample_rss():
        while server is not None:
            rss_peak[0] = max(rss_peak[0], server.memory_info().rss)
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_rss())
    me = psutil.Process()
    clients: list[socketio.AsyncClient] = []
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    shared = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as fac:
            code, practices = await asyncio.wait_for(
                create_workshop(fac, base, args.facilitator_url, args.results_hidden), left())
        per_client = min(args.answers_per_client or 3 * len(practices), 3 * len(practices))
        questions = [(p, s) for p in practices for s in SPHERES]
        expected = per_client * args.clients
        result.update(code=code, answers_per_client=per_client, expected=expected)
        headers = {"Origin": base}
        projector = Projector(expected)
        await projector.sio.connect(base, auth={"role": "screen", "code": code},
                                    headers=headers, transports=["websocket"], wait_timeout=10)

        gate, errors, tokens = asyncio.Semaphore(args.connect_concurrency), Counter(), []

        async def join():
            async with gate, shared.post(f"{base}/j/{code}/join", json={"pseudonym": ""}) as r:
                tokens.append((await r.json())["token"])

        t0 = now()
        await asyncio.wait_for(asyncio.gather(*(join() for _ in range(args.clients))), left())
        result["join_s"] = round(now() - t0, 2)
        disconnects = Counter()

        async def connect(token):
            sio = socketio.AsyncClient(reconnection=False, http_session=shared)
            sio.on("disconnect", lambda *reason: disconnects.update([str(reason)]))
            async with gate:
                try:
                    await sio.connect(base, auth={"role": "participant", "code": code,
                                                  "token": token}, headers=dict(headers),
                                      transports=["websocket"], wait_timeout=30)
                    clients.append(sio)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors[f"connect {type(e).__name__}: {e}"] += 1

        t0 = now()
        await asyncio.wait_for(asyncio.gather(*(connect(t) for t in tokens)), left())
        result.update(connect_s=round(now() - t0, 2), connected=len(clients))
        acks: list[tuple[float, float]] = []  # (emit, ack) of acknowledged answers
        start = now()
        rng = random.Random(1)

        async def answer(sio, mine):
            offset = rng.uniform(0, args.pace)
            for i, (practice, sphere) in enumerate(mine):
                if args.pace:
                    await asyncio.sleep(max(0.0, start + offset + i * args.pace - now()))
                data = {"practice": practice, "sphere": sphere,
                        "value": rng.choice(VALUES), "comment": ""}
                emitted = now()
                try:
                    reply = await sio.call("answer", data, timeout=args.ack_timeout)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors[f"answer {type(e).__name__}"] += 1
                    continue
                if reply and reply.get("ok"):
                    acks.append((emitted, now()))
                else:
                    errors[f"refused {reply}"] += 1

        cpu0, me0 = (sum(server.cpu_times()[:2]) if server else 0), sum(me.cpu_times()[:2])
        tasks = [asyncio.create_task(answer(sio, rng.sample(questions, per_client)))
                 for sio in clients]
        _, pending = await asyncio.wait(tasks, timeout=max(0.1, left() - 15))
        for task in pending:
            task.cancel()
        end = now()
        result["unfinished_clients"] = len(pending)
        if server:
            result["server_cpu_pct"] = round(100 * (sum(server.cpu_times()[:2]) - cpu0)
                                             / (end - start))
        result["bench_cpu_pct"] = round(100 * (sum(me.cpu_times()[:2]) - me0) / (end - start))
        last_ack = max((a for _, a in acks), default=start)
        try:  # let the map catch up: at most 10 s after the last acknowledgement
            await asyncio.wait_for(projector.complete.wait(), min(10, left()))
        except asyncio.TimeoutError:
            pass
        seen = projector.counts[-1] if projector.counts else 0
        result.update(
            acked=len(acks),
            acked_per_s=round(len(acks) / max(1e-9, last_ack - start)),
            answer_phase_s=round(last_ack - start, 2),
            ack_p50_ms=pct([a - e for e, a in acks], 0.50),
            ack_p95_ms=pct([a - e for e, a in acks], 0.95),
            ack_max_ms=pct([a - e for e, a in acks], 1.0),
            projector_answers=seen,
            lost=expected - seen,
            state_events=len(projector.times),
        )
        done = projector.first_at_least(expected, start)
        result["last_ack_to_map_ms"] = round(1000 * (done - last_ack), 1) if done else None
        # Rank-matched: the k-th acknowledged answer is on the map in the first state that
        # counts k answers, received after it was emitted (exact for the last one).
        shown = []
        for k, (emitted, _ack) in enumerate(sorted(acks, key=lambda x: x[1]), start=1):
            t = projector.first_at_least(k, emitted)
            if t is not None:
                shown.append(t - emitted)
        result.update(map_p50_ms=pct(shown, 0.50), map_p95_ms=pct(shown, 0.95))
        result["disconnects"] = sum(disconnects.values())
        result["errors"] = dict(errors)
        if server:
            rss_peak[0] = max(rss_peak[0], server.memory_info().rss)
            result.update(rss_mb=round(server.memory_info().rss / 2**20),
                          rss_peak_mb=round(rss_peak[0] / 2**20))
        await projector.sio.disconnect()
    finally:
        sampler.cancel()
        await asyncio.wait([asyncio.create_task(c.disconnect()) for c in clients] or
                           [asyncio.create_task(asyncio.sleep(0))], timeout=20)
        await shared.close()
        if spawned:
            result["server_log_problems"] = stop_server(spawned[0], *spawned[2:])[:10]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="server base URL (default: from --facilitator-url)")
    parser.add_argument("--facilitator-url", help="the 'Facilitator:' URL the server printed")
    parser.add_argument("--server-pid", type=int, help="server PID for RSS (default: by port)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--answers-per-client", type=int, default=0,
                        help="default: every question of the workshop (practices x 3)")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="seconds between a client's answers; 0 = next one on ack")
    parser.add_argument("--spawn", action="store_true", help="start (and stop) a server")
    parser.add_argument("--async-mode", choices=("gevent", "threading"), default="gevent")
    parser.add_argument("--results-hidden", action="store_true",
                        help="hide the map from the projector (it still gets progress)")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--ack-timeout", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=300.0, help="overall bound, seconds")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    fds = raise_fd_limit()
    if fds < args.clients + 100:
        sys.exit(f"file-descriptor limit {fds} is too low for {args.clients} clients")
    result = asyncio.run(asyncio.wait_for(run(args), args.timeout + 60))
    if args.json:
        print(json.dumps(result))
        return
    print(f"clients {result['clients']} x {result['answers_per_client']} answers, "
          f"pace {args.pace}s, joined in {result['join_s']}s, connected "
          f"{result['connected']} in {result['connect_s']}s")
    print(f"acknowledged answers/s  {result['acked_per_s']}  ({result['acked']} acked in "
          f"{result['answer_phase_s']}s)")
    print(f"ack latency  p50 {result['ack_p50_ms']} ms  p95 {result['ack_p95_ms']} ms  "
          f"max {result['ack_max_ms']} ms")
    print(f"answer->map  last ack to full map {result['last_ack_to_map_ms']} ms; "
          f"per answer p50 {result['map_p50_ms']} ms  p95 {result['map_p95_ms']} ms")
    print(f"server RSS {result.get('rss_mb')} MB (peak {result.get('rss_peak_mb')} MB), "
          f"CPU {result.get('server_cpu_pct')}% of a core; bench CPU "
          f"{result['bench_cpu_pct']}%")
    print(f"lost answers {result['lost']} (expected {result['expected']}, projector saw "
          f"{result['projector_answers']}); errors {result['errors'] or 0}; "
          f"disconnects {result['disconnects']}")
    for line in result.get("server_log_problems", []):
        print("server log:", line)


if __name__ == "__main__":
    main()
