"""A real `workshop serve` process: the answers of a revisit survive a `kill -9`."""

from __future__ import annotations

import hashlib
import sqlite3
import threading

import pytest
import socketio
from serverproc import Server, disconnect_all, wait_for
from test_server import SPHERES, VALUES, join, phone, projector

pytestmark = pytest.mark.server

PRACTICES = ["whatsapp-users", "cloud-case-files", "ai-reports"]
PHONES = 10


def test_kill_9_mid_revisit_loses_no_acknowledged_answer(tmp_path):
    server = Server(tmp_path / "data").start()
    try:
        facilitator = server.facilitator()
        code = server.create_workshop(facilitator, PRACTICES)
        server.set_phase(facilitator, code, "screening")
        tokens = [join(server, code) for _ in range(PHONES // 2)]
        for phase in ("map", "negotiation"):
            server.set_phase(facilitator, code, phase)
        tokens += [join(server, code) for _ in range(PHONES // 2)]  # joined after screening
        opened = facilitator.post(
            f"{server.base}/f/w/{code}/revisit",
            data={
                "csrf": facilitator.cookies["spheres_csrf"],
                "action": "open",
                "practice": "whatsapp-users",
            },
            timeout=10,
        )
        opened.raise_for_status()
        phones = [phone(server, code, token) for token in tokens]
        acked: list[tuple[str, str, str]] = []
        killed = threading.Event()

        def vote(token, client):
            for sphere in SPHERES:
                value = VALUES[(len(sphere) + len(token)) % 4]
                answer = {"practice": "whatsapp-users", "sphere": sphere, "value": value}
                while True:  # as participant.js does: again until acknowledged
                    try:
                        reply = client.call("answer", {**answer, "pass": 2}, timeout=3)
                    except (
                        socketio.exceptions.TimeoutError,
                        socketio.exceptions.BadNamespaceError,
                        socketio.exceptions.DisconnectedError,
                    ):
                        killed.wait(0.2)
                        continue
                    assert reply == {"ok": True}
                    acked.append((token, sphere, value))
                    break
                if not killed.is_set():
                    killed.wait(0.1)  # a human pace before the crash

        threads = [
            threading.Thread(target=vote, args=(t, c)) for t, c in zip(tokens, phones, strict=True)
        ]
        for t in threads:
            t.start()
        wait_for(lambda: len(acked) >= 8, timeout=20)
        server.kill()
        killed.set()
        at_kill = list(acked)

        # What the phones were told is on disk, in the revisit's pass, before a restart.
        db = sqlite3.connect(tmp_path / "data" / "workshop.sqlite3")
        rows = db.execute(
            "SELECT p.token_hash, a.sphere, a.value FROM answer a"
            " JOIN participant p ON p.id = a.participant_id"
            " WHERE a.practice_id='whatsapp-users' AND a.pass=2"
        ).fetchall()
        first_pass = db.execute("SELECT COUNT(*) FROM answer WHERE pass=1").fetchone()[0]
        revisit = db.execute("SELECT pass, closed_at FROM revisit").fetchall()
        db.close()
        for token, sphere, value in at_kill:
            digest = hashlib.sha256(token.encode()).hexdigest()
            assert (digest, sphere, value) in set(rows)
        assert first_pass == 0  # nothing leaked into the screening's pass
        assert revisit == [(2, None)]  # still open: the room goes on after the restart

        server = Server(tmp_path / "data", server.port).start()
        for t in threads:
            t.join(60)
        assert len(acked) == PHONES * 3  # the phones reconnected and finished
        screen, states = projector(server, code)
        wait_for(
            lambda: states and (states[-1].get("revisit") or {}).get("answered") == PHONES,
            timeout=10,
        )
        assert states[-1]["revisit"] == {
            "practice": "whatsapp-users",
            "pass": 2,
            "answered": PHONES,
        }
        assert states[-1]["progress"]["answers"] == 0  # the first pass is untouched
        disconnect_all([*phones, screen])
    finally:
        server.stop()
