"""Run `workshop serve` as a real process on loopback, for the server and browser tiers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests


class Server:
    """A `workshop serve` subprocess on 127.0.0.1; its output is kept for failure reports."""

    def __init__(
        self,
        data: Path,
        port: int = 0,
        *args: str,
        python: str = sys.executable,
        cwd: Path | None = None,
    ) -> None:
        self.data, self.port_arg, self.args = data, port, args
        self.python, self.cwd = python, cwd
        self.output: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.facilitator_url = self.base = ""
        self.sessions: list[requests.Session] = []

    def start(self, timeout: float = 20) -> Server:
        command = [
            self.python,
            "-m",
            "workshop",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port_arg),
            "--data",
            str(self.data),
            *self.args,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=self.cwd,
        )
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.output.append(line.rstrip("\n"))
                if line.startswith("Facilitator: "):
                    self.facilitator_url = line.split(" ", 1)[1].strip()
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("server did not start:\n" + self.log())
        self.base = re.match(r"(http://[^/]+)", self.facilitator_url).group(1)
        self.port = int(self.base.rsplit(":", 1)[1])
        return self

    def log(self) -> str:
        return "\n".join(self.output)

    def lines(self, prefix: str) -> list[str]:
        return [line.split(" ", 1)[1] for line in self.output if line.startswith(prefix)]

    def kill(self) -> None:
        """`kill -9`: no chance to flush or close anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.proc.stdout.close()
        for session in self.sessions:
            session.close()

    def stop(self) -> None:
        for session in self.sessions:
            session.close()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc and not self.proc.stdout.closed:
            self.proc.stdout.close()

    def facilitator(self) -> requests.Session:
        """An HTTP session logged in as the facilitator."""
        session = requests.Session()
        self.sessions.append(session)  # closed by stop(): no socket left to the GC
        session.get(self.facilitator_url, timeout=10).raise_for_status()
        return session

    def create_workshop(
        self,
        session: requests.Session,
        practices: list[str],
        lang="fr",
        hidden=True,
        title="Atelier test",
    ) -> str:
        session.get(f"{self.base}/f/new?wlang={lang}", timeout=10).raise_for_status()
        data = {
            "csrf": session.cookies["spheres_csrf"],
            "wlang": lang,
            "deck": f"social-work.{lang}",
            "title": title,
            "practices": practices,
        }
        if hidden:
            data["results_hidden"] = "on"
        response = session.post(f"{self.base}/f/new", data=data, timeout=10)
        response.raise_for_status()
        return response.url.rsplit("/", 1)[1]

    def set_phase(self, session: requests.Session, code: str, phase: str) -> None:
        response = session.post(
            f"{self.base}/f/w/{code}/phase",
            timeout=10,
            data={"csrf": session.cookies["spheres_csrf"], "phase": phase},
        )
        response.raise_for_status()


def wait_for(predicate, timeout: float = 10, interval: float = 0.05):
    """Poll until `predicate()` is truthy; return its value or raise after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError("condition not met in time")


def disconnect_all(clients) -> None:
    """Close Socket.IO clients in parallel (each close waits up to 3 s for the handshake)."""
    threads = [threading.Thread(target=c.disconnect) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
