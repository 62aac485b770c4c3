#!/usr/bin/env python3
"""Load test: N Socket.IO phones answer a workshop while a projector watches the map.

    python bench/load.py --spawn --clients 1000                 # start a server, burst
    python bench/load.py --spawn --clients 1000 --pace 1        # one answer per second each
    python bench/load.py --facilitator-url 'http://127.0.0.1:8000/f/?token=...' --clients 100

Steps: as the facilitator (cookie + CSRF form) create a workshop with every practice of
the deck and open screening; connect a projector (role=screen); join N participants over
HTTP; connect them over WebSocket only; then every participant answers its questions.
`--pace 0` sends a client's next answer as soon as the previous one is acknowledged (one
in flight per client); `--pace S` schedules a client's answers S seconds apart, after a
random start offset in [0, S). Only 127.0.0.1 / localhost is accepted as a target, and
every phase is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import logging
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

REPORT = """\
{clients} clients x {answers_per_client} answers, pace {pace} s: joined in {join_s} s, \
{connected} connected in {connect_s} s
acknowledged answers/s  {acked_per_s}  ({acked} acked in {answer_phase_s} s)
ack latency   p50 {ack_p50_ms} ms  p95 {ack_p95_ms} ms  max {ack_max_ms} ms; \
{acks_over_8s} over 8 s
answer->map   last ack to full map {last_ack_to_map_ms} ms; \
per answer p50 {map_p50_ms} ms  p95 {map_p95_ms} ms ({state_events} states)
server        RSS {rss_mb} MB (peak {rss_peak_mb} MB), CPU {server_cpu_pct}% of a core; \
bench CPU {bench_cpu_pct}%, \
other processes {other_cpu_pct}%
lost answers  {lost} (expected {expected}, projector saw {projector_answers}; \
not acked {not_acked}, acked but not shown {acked_not_shown})
errors {errors}; disconnects {disconnects}, projector {projector_drops}"""


def pct(values, q):
    """Nearest-rank percentile of seconds, in milliseconds; None without data."""
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))], 1)


def raise_fd_limit() -> int:
    """One socket per client: lift the soft limit on open files to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (every core), to spot other load."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0)


def local_base(url: str) -> str:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        sys.exit(f"refusing {url}: this bench only talks to 127.0.0.1 / localhost")
    return f"{parts.scheme}://{parts.netloc}"


def spawn_server(mode: str):
    """Start `workshop serve` on a free port in a temporary data folder; wait for its URL."""
    tmp = Path(tempfile.mkdtemp(prefix="spheres-bench-"))
    log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed by stop_server
    script = Path(sys.executable).with_name("workshop")  # the venv's `workshop` command
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "workshop"]
    cmd += ["serve", "--host", "127.0.0.1", "--port", "0"]
    cmd += ["--data", str(tmp / "data"), "--async-mode", mode]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    end = now() + 30
    while now() < end and proc.poll() is None:
        match = re.search(r"Facilitator: (\S+)", (tmp / "server.log").read_text())
        if match:
            return proc, match.group(1), tmp, log
        time.sleep(0.1)
    stop_server(proc, tmp, log)
    sys.exit("the server did not print its facilitator URL")


def stop_server(proc, tmp: Path, log) -> list[str]:
    """Terminate (then kill) the spawned server; return the worrying lines of its log."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
    log.close()
    lines = (tmp / "server.log").read_text(errors="replace").splitlines()
    shutil.rmtree(tmp, ignore_errors=True)
    return [line for line in lines if re.search(r"Error|Traceback|Exception", line)][:10]


def server_pid_on(port: int) -> int | None:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            return conn.pid
    return None


async def create_workshop(http, base: str, facilitator_url: str, results_hidden: bool, count: int):
    """Log in as facilitator, create a workshop with the deck's first `count` practices
    (8 by default, as in docs/performance.md), open screening."""
    async with http.get(facilitator_url) as r:
        r.raise_for_status()
    async with http.get(f"{base}/f/new?wlang=fr") as r:
        page = await r.text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError(f"GET /f/new (HTTP {r.status}): no csrf field in the form")
    csrf = found.group(1)
    practices = re.findall(r'name="practices" value="([^"]+)"', page)[:count]
    form = [("csrf", csrf), ("wlang", "fr"), ("deck", "social-work.fr"), ("title", "bench")]
    form += [("practices", p) for p in practices] + [("results_hidden", "on")] * results_hidden
    async with http.post(f"{base}/f/new", data=form, allow_redirects=False) as r:
        assert r.status == 303, f"create workshop: HTTP {r.status}"
        code = r.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    phase = {"csrf": csrf, "phase": "screening"}
    async with http.post(f"{base}/f/w/{code}/phase", data=phase, allow_redirects=False) as r:
        assert r.status == 303, f"open screening: HTTP {r.status}"
    return code, practices


class Projector:
    """The room's screen: when each `state` arrived and how many answers it counted."""

    def __init__(self, expected: int) -> None:
        self.sio = socketio.AsyncClient(reconnection_delay=0.5)  # reconnects like a browser
        self.times: list[float] = []
        self.counts: list[int] = []  # running maximum of progress.answers, so sorted
        self.expected, self.complete, self.drops = expected, asyncio.Event(), 0
        self.sio.on("state", self.on_state)
        self.sio.on("disconnect", self.on_disconnect)

    async def on_state(self, state):
        answers = state["progress"]["answers"]
        self.times.append(now())
        self.counts.append(max(answers, self.counts[-1] if self.counts else 0))
        if answers >= self.expected:
            self.complete.set()

    async def on_disconnect(self, *_reason):
        self.drops += 1

    def first_state(self, count: int, after: float) -> float | None:
        """When the first state counting at least `count` answers arrived after `after`."""
        i = bisect.bisect_left(self.counts, count)
        while i < len(self.times) and self.times[i] < after:
            i += 1
        return self.times[i] if i < len(self.times) else None


async def run(args, base: str, facilitator_url: str, server) -> dict:
    deadline = now() + args.timeout
    left = lambda: max(0.1, deadline - now())  # noqa: E731
    result = {"clients": args.clients, "pace": args.pace, "async_mode": args.async_mode}
    errors, disconnects, clients = Counter(), Counter(), []
    shared = aiohttp.ClientSession(  # no cookie jar: every join is a new phone
        connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar()
    )
    # Like a browser: an Origin header (the server checks it) and socket.io-client's 20 s
    # connection timeout (python-socketio's own default is 1 s).
    options = {"headers": {"Origin": base}, "transports": ["websocket"], "wait_timeout": 20}
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as fac:
            setup = create_workshop(fac, base, facilitator_url, args.results_hidden, args.practices)
            code, practices = await asyncio.wait_for(setup, left())
        questions = [(p, s) for p in practices for s in SPHERES]
        per_client = min(args.answers_per_client or len(questions), len(questions))
        expected = per_client * args.clients
        result.update(code=code, answers_per_client=per_client, expected=expected)
        projector = Projector(expected)
        auth = {"role": "screen", "code": code}
        await projector.sio.connect(base, auth=auth, **options)

        gate, tokens = asyncio.Semaphore(args.connect_concurrency), []

        async def join():
            async with gate, shared.post(f"{base}/j/{code}/join", json={"pseudonym": ""}) as r:
                tokens.append((await r.json())["token"])

        async def connect(token):
            sio = socketio.AsyncClient(reconnection=False, http_session=shared)
            sio.on("disconnect", lambda *reason: disconnects.update([str(reason)]))
            auth = {"role": "participant", "code": code, "token": token}
            async with gate:
                try:
                    await sio.connect(base, auth=auth, **options)
                    clients.append(sio)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors[f"connect {type(e).__name__}: {e}"] += 1

        t0 = now()
        await asyncio.wait_for(asyncio.gather(*(join() for _ in range(args.clients))), left())
        t1 = now()
        await asyncio.wait_for(asyncio.gather(*(connect(t) for t in tokens)), left())
        result.update(join_s=round(t1 - t0, 2), connect_s=round(now() - t1, 2))
        result["connected"] = len(clients)

        acks: list[tuple[float, float]] = []  # (emitted, acknowledged) per answer
        rng, start = random.Random(1), now()

        async def answer(sio, mine):
            offset = rng.uniform(0, args.pace)
            for i, (practice, sphere) in enumerate(mine):
                if args.pace:
                    await asyncio.sleep(max(0.0, start + offset + i * args.pace - now()))
                data = {"practice": practice, "sphere": sphere, "value": rng.choice(VALUES)}
                emitted = now()
                try:
                    reply = await sio.call(
                        "answer", {**data, "comment": ""}, timeout=args.ack_timeout
                    )
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors[f"answer {type(e).__name__}"] += 1
                    continue
                if isinstance(reply, dict) and reply.get("ok"):
                    acks.append((emitted, now()))
                else:
                    errors[f"refused {reply}"] += 1

        procs = {"server_cpu_pct": server, "bench_cpu_pct": psutil.Process()}
        cpu = {key: sum(p.cpu_times()[:2]) for key, p in procs.items() if p}
        machine = busy_seconds()
        work = [asyncio.create_task(answer(c, rng.sample(questions, per_client))) for c in clients]
        _, pending = await asyncio.wait(work, timeout=max(0.1, left() - 15))
        for task in pending:
            task.cancel()
        spent = now() - start
        for key, before in cpu.items():  # percent of one core during the answering phase
            result[key] = round(100 * (sum(procs[key].cpu_times()[:2]) - before) / spent)
        machine = round(100 * (busy_seconds() - machine) / spent)  # other load spoils a run
        result["other_cpu_pct"] = machine - sum(result.get(key, 0) for key in cpu)
        result["unfinished_clients"] = len(pending)

        last_ack = max((a for _, a in acks), default=start)
        try:  # let the map catch up: at most 10 s after the last acknowledgement
            await asyncio.wait_for(projector.complete.wait(), min(10, left()))
        except asyncio.TimeoutError:
            pass
        seen = projector.counts[-1] if projector.counts else 0
        latencies = [a - e for e, a in acks]
        result.update(
            acked=len(acks),
            acked_per_s=round(len(acks) / max(1e-9, last_ack - start)),
            answer_phase_s=round(last_ack - start, 2),
            ack_p50_ms=pct(latencies, 0.50),
            ack_p95_ms=pct(latencies, 0.95),
            ack_max_ms=pct(latencies, 1.0),
            acks_over_8s=sum(t > 8 for t in latencies),  # a phone gives up and resends
            projector_answers=seen,
            lost=expected - seen,
            not_acked=expected - len(acks),
            acked_not_shown=len(acks) - seen,
            state_events=len(projector.times),
        )
        full = projector.first_state(expected, start)
        result["last_ack_to_map_ms"] = round(1000 * (full - last_ack), 1) if full else None
        # Rank-matched: the k-th acknowledged answer is taken to be on the map in the first
        # state that counts k answers and arrived after it was emitted.
        shown = []
        for k, (emitted, _) in enumerate(sorted(acks, key=lambda pair: pair[1]), start=1):
            seen_at = projector.first_state(k, emitted)
            if seen_at is not None:
                shown.append(seen_at - emitted)
        result.update(map_p50_ms=pct(shown, 0.50), map_p95_ms=pct(shown, 0.95))
        result.update(disconnects=sum(disconnects.values()), projector_drops=projector.drops)
        await projector.sio.disconnect()
    finally:
        result["errors"] = dict(errors) or 0
        closing = [asyncio.create_task(c.disconnect()) for c in clients]
        if closing:
            await asyncio.wait(closing, timeout=20)
        await shared.close()
    return result


async def main_async(args) -> dict:
    spawned = spawn_server(args.async_mode) if args.spawn else None
    facilitator_url = spawned[1] if spawned else args.facilitator_url
    if not facilitator_url:
        sys.exit("give --facilitator-url (the line the server printed) or --spawn")
    base = local_base(args.url or facilitator_url)
    local_base(facilitator_url)
    pid = args.server_pid or (spawned[0].pid if spawned else server_pid_on(urlsplit(base).port))
    server = psutil.Process(pid) if pid else None
    peak = [0]

    async def sample_rss():  # the server's resident memory, every half second
        while True:
            peak[0] = max(peak[0], server.memory_info().rss)
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample_rss()) if server else None
    try:
        result = await asyncio.wait_for(run(args, base, facilitator_url, server), args.timeout + 30)
        if server:
            rss = server.memory_info().rss
            result.update(rss_mb=round(rss / 2**20), rss_peak_mb=round(max(rss, *peak) / 2**20))
        return result
    finally:
        if sampler:
            sampler.cancel()
        if spawned:
            for line in stop_server(spawned[0], *spawned[2:]):
                print("server log:", line, file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--url", help="server base URL (default: taken from --facilitator-url)")
    add("--facilitator-url", help="the 'Facilitator:' URL the server printed")
    add("--server-pid", type=int, help="server PID for RSS/CPU (default: found by port)")
    add("--clients", type=int, default=100)
    add("--practices", type=int, default=8, help="practices in the workshop (default 8)")
    add("--answers-per-client", type=int, help="default: every question (practices x 3)")
    add("--pace", type=float, default=0.0, help="s between a client's answers; 0 = on ack")
    add("--spawn", action="store_true", help="start a server for the run, stop it after")
    add("--async-mode", choices=("gevent", "threading"), default="gevent", help="with --spawn")
    add("--results-hidden", action="store_true", help="create the workshop with the map hidden")
    add("--connect-concurrency", type=int, default=100, help="joins/connects at once")
    add("--ack-timeout", type=float, default=60.0, help="s to wait for one answer's ack")
    add("--timeout", type=float, default=300.0, help="overall bound in seconds")
    add("--json", action="store_true", help="print one JSON line of results")
    args = parser.parse_args()
    if not args.spawn:
        args.async_mode = None
    logging.getLogger("engineio.client").disabled = True  # drops are counted instead
    fds = raise_fd_limit()
    if fds < args.clients + 100:
        sys.exit(f"open-file limit {fds} is too low for {args.clients} clients")
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result))
    else:
        print(REPORT.format_map({k: result.get(k) for k in REPORT_KEYS} | result))


REPORT_KEYS = re.findall(r"{(\w+)}", REPORT)

if __name__ == "__main__":
    main()
