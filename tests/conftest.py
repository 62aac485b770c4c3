"""Fixtures: an app on a temporary data folder, test clients for each kind of user."""

from __future__ import annotations

import html

import pytest

from workshop.app import create_app
from workshop.realtime import socketio

PRACTICES = ["whatsapp-users", "team-group-chat", "cloud-case-files"]


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": tmp_path, "TESTING": True, "BROADCAST_INTERVAL": None})
    yield app
    app.extensions["workshop.store"].close()


@pytest.fixture
def store(app):
    return app.extensions["workshop.store"]


@pytest.fixture
def client(app):
    """A stranger: no facilitator secret, not a participant."""
    return app.test_client()


def text(response) -> str:
    """A page's text as a reader sees it (entities such as &#39; decoded, a no-break
    space read as a space)."""
    return html.unescape(response.get_data(as_text=True)).replace("\u00a0", " ")


def csrf(client) -> str:
    """The CSRF token a form page set in this client's cookies (fetch one if needed)."""
    cookie = client.get_cookie("spheres_csrf")
    if cookie is None:
        client.get("/")
        cookie = client.get_cookie("spheres_csrf")
    return cookie.value


@pytest.fixture
def facilitator(app):
    client = app.test_client()
    response = client.get(f"/f/?token={app.config['FACILITATOR_SECRET']}")
    assert response.status_code == 302
    return client


@pytest.fixture
def make_workshop(store, app):
    """Create a workshop directly in the store: `make_workshop(phase=..., hidden=...)`."""

    def make(
        phase="joining", hidden=True, lang="fr", practices=PRACTICES, title="Atelier", easy=False
    ):
        from workshop.model import Phase

        deck = app.extensions["workshop.decks"][f"social-work.{lang}"]
        chosen = [deck.practice(pid) for pid in practices]
        code = f"T{len(store.workshops()) + 2}ABC"
        wid = store.create_workshop(
            code, title, lang, deck.key, deck.spheres, chosen, results_hidden=hidden, easy_read=easy
        )
        store.set_phase(wid, Phase(phase))
        return store.workshop_by_id(wid)

    return make


@pytest.fixture
def join(app):
    """`join(workshop)` → (test client holding the participant cookie, token)."""

    def join_(workshop, pseudonym=""):
        client = app.test_client()
        response = client.post(f"/j/{workshop.code}/join", json={"pseudonym": pseudonym})
        assert response.status_code == 200, response.data
        return client, response.get_json()["token"]

    return join_


@pytest.fixture
def sio(app):
    """`sio(auth, client=None)` → a connected Socket.IO test client."""
    clients = []

    def connect(auth, client=None):
        c = socketio.test_client(app, flask_test_client=client, auth=auth)
        clients.append(c)
        return c

    yield connect
    for c in clients:
        if c.is_connected():
            c.disconnect()
