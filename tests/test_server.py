"""A real `workshop serve` process: 30 phones over WebSocket, then a `kill -9` mid-vote."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading

import pytest
import requests
import socketio
from serverproc import Server, disconnect_all, wait_for

pytestmark = pytest.mark.server

PRACTICES = ["whatsapp-users", "cloud-case-files", "ai-reports"]
SPHERES = ["means", "values", "prescriptions"]
VALUES = ["fine", "discuss", "problem", "unsure"]


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path / "data").start()
    yield server
    server.stop()


def join(server, code) -> str:
    response = requests.post(f"{server.base}/j/{code}/join", json={"pseudonym": ""}, timeout=10)
    response.raise_for_status()
    return response.json()["token"]


def phone(server, code, token) -> socketio.Client:
    client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=1)
    client.connect(
        server.base,
        auth={"role": "participant", "code": code, "token": token},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client


def projector(server, code) -> tuple[socketio.Client, list]:
    states: list = []
    client = socketio.Client()
    client.on("state", states.append)
    client.connect(
        server.base,
        auth={"role": "screen", "code": code},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client, states


ANSWER_WORDS = {"Ça va": "fine", "À discuter": "discuss", "Problème": "problem"}
ANSWER_WORDS["Je ne sais pas"] = "unsure"


def cell_counts(html: str) -> list[dict[str, int]]:
    """Every cell's counts on the projector's overview, as its screen-reader text says them
    ("Moyens : Ça va 8, À discuter 8, Problème 7, Je ne sais pas 7")."""
    words = "|".join(ANSWER_WORDS)
    return [
        {ANSWER_WORDS[w]: int(n) for w, n in re.findall(rf"({words}) (\d+)", said)}
        for said in re.findall(
            r'<span class="cellbar[^"]*"><span class="visually-hidden">(.*?)</span>', html
        )
    ]


def test_thirty_phones_answer_and_the_projector_shows_exact_counts(server):
    facilitator = server.facilitator()
    code = server.create_workshop(facilitator, PRACTICES, hidden=False)
    assert f"Join: {server.base}/j/{code}" not in server.log()  # created after start
    screen, states = projector(server, code)
    server.set_phase(facilitator, code, "screening")
    tokens = [join(server, code) for _ in range(30)]
    phones = [phone(server, code, token) for token in tokens]
    replies: list = []

    def answer_all(i, client):
        for practice in PRACTICES:
            for sphere in SPHERES:
                replies.append(
                    client.call(
                        "answer",
                        {
                            "practice": practice,
                            "sphere": sphere,
                            "value": VALUES[i % 4],
                            "comment": "",
                        },
                        timeout=20,
                    )
                )

    threads = [threading.Thread(target=answer_all, args=(i, c)) for i, c in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert replies == [{"ok": True}] * 270
    final = wait_for(
        lambda: next(
            (s for s in reversed(states) if s["progress"]["answers"] == 270 and s["stage"]), None
        )
    )
    assert final["progress"] == {
        "participants": 30,
        "started": 30,
        "finished": 30,
        "answers": 270,
        "questions": 9,
    }
    assert final["view"] == "overview"
    cells = cell_counts(final["stage"])
    assert len(cells) == 9
    assert all(c == {"fine": 8, "discuss": 8, "problem": 7, "unsure": 7} for c in cells)
    assert len(states) < 270 / 2  # pushes are coalesced, not one per answer
    disconnect_all([*phones, screen])


def test_kill_9_mid_vote_loses_no_acknowledged_answer(tmp_path):
    server = Server(tmp_path / "data").start()
    try:
        facilitator = server.facilitator()
        code = server.create_workshop(facilitator, PRACTICES)
        server.set_phase(facilitator, code, "screening")
        tokens = [join(server, code) for _ in range(12)]
        phones = [phone(server, code, token) for token in tokens]
        acked: list[tuple[str, str, str, str]] = []
        killed = threading.Event()

        def vote(token, client):
            for practice in PRACTICES:
                for sphere in SPHERES:
                    value = VALUES[(len(practice) + len(sphere) + len(token)) % 4]
                    while True:  # as participant.js does: try again until acknowledged
                        try:
                            reply = client.call(
                                "answer",
                                {
                                    "practice": practice,
                                    "sphere": sphere,
                                    "value": value,
                                    "comment": "",
                                },
                                timeout=3,
                            )
                        except (
                            socketio.exceptions.TimeoutError,
                            socketio.exceptions.BadNamespaceError,
                            socketio.exceptions.DisconnectedError,
                        ):
                            killed.wait(0.2)
                            continue
                        assert reply == {"ok": True}
                        acked.append((token, practice, sphere, value))
                        break
                    if not killed.is_set():
                        killed.wait(0.05)  # a human pace before the crash

        threads = [
            threading.Thread(target=vote, args=(t, c)) for t, c in zip(tokens, phones, strict=True)
        ]
        for t in threads:
            t.start()
        wait_for(lambda: len(acked) >= 30, timeout=20)
        server.kill()
        killed.set()
        at_kill = list(acked)

        # What the phones were told is on disk, before any restart touches the file.
        db = sqlite3.connect(tmp_path / "data" / "workshop.sqlite3")
        rows = db.execute(
            "SELECT p.token_hash, a.practice_id, a.sphere, a.value FROM answer a "
            "JOIN participant p ON p.id = a.participant_id"
        ).fetchall()
        phase = db.execute("SELECT phase FROM workshop WHERE code=?", (code,)).fetchone()[0]
        db.close()
        on_disk = set(rows)
        for token, practice, sphere, value in at_kill:
            digest = hashlib.sha256(token.encode()).hexdigest()
            assert (digest, practice, sphere, value) in on_disk
        assert phase == "screening"

        server = Server(tmp_path / "data", server.port).start()
        for t in threads:
            t.join(60)
        assert len(acked) == 12 * 9  # the phones reconnected by themselves and finished
        screen, states = projector(server, code)
        wait_for(lambda: states and states[-1]["progress"]["answers"] == 108, timeout=10)
        assert states[-1]["phase"] == "screening"
        assert f"Join: {server.base}/j/{code}" in server.log()
        disconnect_all([*phones, screen])
    finally:
        server.stop()


def test_an_oversized_message_is_dropped_and_the_server_goes_on(server):
    facilitator = server.facilitator()
    code = server.create_workshop(facilitator, PRACTICES)
    server.set_phase(facilitator, code, "screening")
    greedy = phone(server, code, join(server, code))
    greedy.reconnection = False
    with pytest.raises(socketio.exceptions.SocketIOError):
        greedy.call(
            "answer",
            {
                "practice": PRACTICES[0],
                "sphere": "means",
                "value": "fine",
                "comment": "x" * 100_000,
            },
            timeout=5,
        )
    wait_for(lambda: not greedy.connected, timeout=10)
    greedy.eio.ws.shutdown()  # the client library leaves its half-closed socket open
    polite = phone(server, code, join(server, code))
    assert polite.call(
        "answer", {"practice": PRACTICES[0], "sphere": "means", "value": "fine"}, timeout=10
    ) == {"ok": True}
    disconnect_all([polite])
