"""Origins and hosts: only the server's own names reach it (DNS rebinding is refused).

Every address here is loopback or a documentation address (RFC 5737, RFC 2606): the
LAN address is a fake put in the config, as `workshop serve` would; nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import json

import pytest
import requests
import socketio as socketio_client
import websocket
from conftest import text
from serverproc import Server

from workshop import netinfo, security
from workshop.realtime import socketio

LAN = "192.0.2.10"
FOREIGN_ORIGINS = [
    "http://evil.example",
    "http://evil.example:8000",
    "https://localhost.evil.example",
    f"http://{LAN}.evil.example:8000",
    "null",
    "file://",
]
FOREIGN_HOSTS = ["evil.example", "evil.example:8000", f"{LAN}.nip.example:8000", "localhost."]
BAD_HOSTS = [
    "a" * 100,
    "a" * 63 + "." + "b" * 100 + ".example",
    "x" * 300,
    "exa mple",
    "[::1",
    "[zz::1]:8000",
    "localhost:99999",
    "localhost:0",
    "localhost:abc",
    "localhost:8000:8000",
    "é.example",
    "localhost/evil",
    "user@localhost",
]


@pytest.fixture
def served(app):
    """The app as `workshop serve --port 8000` on a LAN would configure it."""
    app.config.update(
        PORT=8000,
        BASE_URL=f"http://{LAN}:8000",
        ALLOWED_HOSTS=netinfo.own_hosts("0.0.0.0", lan=lambda: LAN),  # noqa: S104
    )
    return app


def roles(app, make_workshop, join):
    """(auth, headers) for each role: participant, projector, facilitator (its cookie is
    sent as a header: the test client's jar would keep it for `localhost` only)."""
    workshop = make_workshop(phase="screening")
    _, token = join(workshop)
    cookie = f"{security.FACILITATOR_COOKIE}={app.config['FACILITATOR_SECRET']}"
    return [
        ({"role": "participant", "code": workshop.code, "token": token}, {}),
        ({"role": "screen", "code": workshop.code}, {}),
        ({"role": "facilitator", "code": workshop.code}, {"Cookie": cookie}),
    ]


def connects(app, auth, cookie, **headers) -> bool:
    sio = socketio.test_client(app, auth=auth, headers={**cookie, **headers})
    connected = sio.is_connected()
    if connected:
        sio.disconnect()
    return connected


# --- Socket.IO ---------------------------------------------------------------------------


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
def test_socketio_refuses_a_foreign_origin_for_every_role(app, make_workshop, join, origin):
    for auth, client in roles(app, make_workshop, join):
        assert not connects(app, auth, client, Origin=origin), (auth["role"], origin)


def test_socketio_refuses_a_rebinding_page_for_every_role(app, make_workshop, join):
    """After rebinding, the page's Origin and the request's Host are the same foreign name:
    the old rule (Origin equals Host) let it in."""
    for auth, client in roles(app, make_workshop, join):
        rebinding = {"Origin": "http://evil.example:8000", "Host": "evil.example:8000"}
        assert not connects(app, auth, client, **rebinding), auth["role"]
        # Same-origin polling may come without an Origin: the Host alone refuses it.
        assert not connects(app, auth, client, Host="evil.example:8000"), auth["role"]


def test_socketio_admits_loopback_origins_on_any_port_when_none_is_known(app, make_workshop, join):
    origins = ["http://localhost", "http://127.0.0.1:8000", "http://[::1]:5000"]
    for auth, client in roles(app, make_workshop, join):
        assert connects(app, auth, client), auth["role"]  # no Origin: not a browser
        for origin in origins:
            assert connects(app, auth, client, Origin=origin), (auth["role"], origin)


def test_socketio_admits_the_announced_origins_only(served, make_workshop, join):
    own = [
        f"http://{LAN}:8000",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "http://[::1]:8000",
    ]
    other_ports = [f"http://{LAN}:8001", "http://localhost:8001", f"https://{LAN}:8000"]
    for auth, client in roles(served, make_workshop, join):
        for origin in own:
            assert connects(served, auth, client, Origin=origin), (auth["role"], origin)
        lan_page = {"Origin": f"http://{LAN}:8000", "Host": f"{LAN}:8000"}
        assert connects(served, auth, client, **lan_page), auth["role"]
        for origin in other_ports + FOREIGN_ORIGINS:
            assert not connects(served, auth, client, Origin=origin), (auth["role"], origin)


def test_socketio_admits_the_public_url_origin(app, make_workshop, join):
    app.config.update(PORT=8000, PUBLIC_URL="https://atelier.example/", ALLOWED_HOSTS=[])
    app.config["BASE_URL"] = netinfo.base_url("0.0.0.0", 8000, app.config["PUBLIC_URL"])  # noqa: S104
    for auth, client in roles(app, make_workshop, join):
        proxied = {"Origin": "https://atelier.example", "Host": "atelier.example"}
        assert connects(app, auth, client, **proxied), auth["role"]
        rewritten = {"Origin": "https://atelier.example", "Host": "127.0.0.1:8000"}
        assert connects(app, auth, client, **rewritten), auth["role"]
        assert not connects(app, auth, client, Origin="http://atelier.example"), auth["role"]
        assert not connects(app, auth, client, Origin="https://atelier.example:8443")


def test_engineio_handshake_refuses_foreign_origins_and_hosts(client):
    url = "/socket.io/?EIO=4&transport=polling"
    assert client.get(url, headers={"Origin": "http://evil.example"}).status_code == 400
    rebinding = {"Origin": "http://evil.example", "Host": "evil.example"}
    assert client.get(url, headers=rebinding).status_code == 400
    response = client.get(url, headers={"Host": "evil.example"})  # polling, no Origin
    assert response.status_code == 400 and b"host" in response.data
    assert client.get(url, headers={"Origin": "http://localhost"}).status_code == 200
    assert client.get(url).status_code == 200


# --- HTTP ---------------------------------------------------------------------------------


def paths(make_workshop) -> list[str]:
    workshop = make_workshop()
    return [
        "/",
        f"/j/{workshop.code}",
        f"/s/{workshop.code}",
        "/f/",
        f"/f/w/{workshop.code}",
        "/decks/",
        "/static/css/spheres.css",
    ]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_a_foreign_host_gets_a_400_page_on_every_route(facilitator, make_workshop, host):
    for path in paths(make_workshop):
        response = facilitator.get(path, headers={"Host": host})
        assert response.status_code == 400, (path, host)
        assert "Cette adresse ne mène pas à Sphères" in text(response), path


def test_the_foreign_host_page_speaks_the_users_language(client):
    response = client.get("/", headers={"Host": "evil.example", "Accept-Language": "en"})
    assert response.status_code == 400
    assert "This address does not lead to Sphères: open the link the facilitator" in text(response)
    assert "evil.example" not in text(response)  # nothing of the foreign name comes back


def test_a_foreign_host_cannot_post(facilitator, make_workshop):
    workshop = make_workshop()
    response = facilitator.post(
        f"/f/w/{workshop.code}/delete", data={"confirm": workshop.code}, headers={"Host": "evil"}
    )
    assert response.status_code == 400 and "ne mène pas" in text(response)
    assert facilitator.get(f"/f/w/{workshop.code}").status_code == 200


def test_own_hosts_are_served(served, make_workshop):
    cookie = f"{security.FACILITATOR_COOKIE}={served.config['FACILITATOR_SECRET']}"
    plain = served.test_client(use_cookies=False)  # the Cookie header goes as given
    own = ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", f"{LAN}:8000"]
    for path in paths(make_workshop):
        for host in own:
            response = plain.get(path, headers={"Host": host, "Cookie": cookie})
            response.close()  # a static file is streamed
            assert response.status_code == 200, (path, host)
        for host in [f"{LAN}:8001", "localhost:8001", "evil.example:8000"]:
            response = plain.get(path, headers={"Host": host, "Cookie": cookie})
            assert response.status_code == 400, (path, host)


def test_without_a_known_port_loopback_names_answer_on_any_port(client):
    for host in ["localhost", "localhost:5000", "127.0.0.1:80", "[::1]:1", "LOCALHOST:5000"]:
        assert client.get("/", headers={"Host": host}).status_code == 200, host


def test_the_join_link_keeps_the_announced_address(served, make_workshop):
    workshop = make_workshop()
    response = served.test_client().get(f"/s/{workshop.code}", headers={"Host": "127.0.0.1"})
    assert f"http://{LAN}:8000/j/{workshop.code}" in text(response)


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_a_long_or_malformed_host_gets_400_not_500(facilitator, make_workshop, host):
    for path in paths(make_workshop):
        response = facilitator.get(path, headers={"Host": host})
        assert response.status_code == 400, (path, host)
        assert "ne mène pas à Sphères" in text(response), (path, host)


# --- the rule itself ----------------------------------------------------------------------


def test_addresses_from_the_config():
    own = security.addresses(
        {"ALLOWED_HOSTS": ["LOCALHOST", LAN, "::1"], "PORT": 8000, "BASE_URL": None}
    )
    assert own.names == {"localhost", "127.0.0.1", "::1", LAN}
    assert own.host_allowed(f"{LAN}:8000") and own.host_allowed(LAN)
    assert not own.host_allowed(f"{LAN}:8001")
    assert own.origin_allowed(f"http://{LAN}:8000")
    assert not own.origin_allowed(f"http://{LAN}")  # port 80
    assert not own.origin_allowed(None) and not own.origin_allowed("")


def test_origins_are_parsed_strictly():
    assert security.split_origin("http://localhost") == ("http", "localhost", 80)
    assert security.split_origin("HTTPS://[::1]") == ("https", "::1", 443)
    for origin in ["null", "http://", "ftp://localhost", "http://a@localhost", "http://[::1"]:
        assert security.split_origin(origin) is None, origin
    assert security.split_origin("http://localhost/path") is None


def test_own_hosts_follow_how_the_server_listens():
    assert netinfo.own_hosts("0.0.0.0", lan=lambda: LAN) == [  # noqa: S104
        "localhost",
        "127.0.0.1",
        "::1",
        LAN,
    ]
    assert netinfo.own_hosts("0.0.0.0", lan=lambda: None) == ["localhost", "127.0.0.1", "::1"]  # noqa: S104
    assert netinfo.own_hosts("127.0.0.1") == ["localhost", "127.0.0.1", "::1"]
    assert netinfo.own_hosts("192.0.2.20", "https://Atelier.example:8443/x")[-2:] == [
        "192.0.2.20",
        "atelier.example",
    ]
    assert netinfo.own_hosts("127.0.0.1", "http://[bad") == ["localhost", "127.0.0.1", "::1"]


# --- a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("origin") / "data").start()
    yield server
    server.stop()


def handshake(real, origin: str | None = None, host: str | None = None):
    """A raw WebSocket to Engine.IO (websocket-client sends the Origin and Host given)."""
    url = f"ws://127.0.0.1:{real.port}/socket.io/?EIO=4&transport=websocket"
    return websocket.create_connection(url, origin=origin, host=host, timeout=5)


@pytest.mark.server
def test_real_server_websocket_refuses_foreign_origins_and_hosts(real):
    code = real.create_workshop(real.facilitator(), ["whatsapp-users"])
    port = real.port
    for origin, host in [
        ("http://evil.example", None),
        (f"http://evil.example:{port}", f"evil.example:{port}"),  # rebinding
        (f"http://localhost:{port + 1}", None),
        (None, f"evil.example:{port}"),
    ]:
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            handshake(real, origin, host)
        assert refused.value.status_code == 400, (origin, host)
    for origin in (real.base, f"http://localhost:{port}", f"http://[::1]:{port}"):
        ws = handshake(real, origin)
        try:
            assert ws.recv().startswith("0")  # Engine.IO open
            ws.send("40" + json.dumps({"role": "screen", "code": code}))
            replies = [ws.recv() for _ in range(2)]  # `phase` may come before the ack
            assert any(r.startswith("40{") for r in replies), (origin, replies)
        finally:
            ws.close()


@pytest.mark.server
def test_real_server_polling_and_pages_refuse_foreign_hosts(real):
    code = real.create_workshop(real.facilitator(), ["whatsapp-users"])
    auth = {"role": "screen", "code": code}
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": f"http://evil.example:{real.port}", "Host": f"evil.example:{real.port}"},
        {"Host": f"evil.example:{real.port}"},  # same-origin polling sends no Origin
    ):
        client = socketio_client.Client(reconnection=False)
        with pytest.raises(socketio_client.exceptions.ConnectionError):
            client.connect(
                real.base, auth=auth, headers=headers, transports=["polling"], wait_timeout=5
            )
        client.disconnect()
    for headers in ({"Origin": real.base}, {}):
        client = socketio_client.Client(reconnection=False)
        client.connect(
            real.base, auth=auth, headers=headers, transports=["polling"], wait_timeout=5
        )
        assert client.connected, headers
        client.disconnect()
    for host in ("evil.example", f"evil.example:{real.port}", "a" * 100):
        response = requests.get(
            f"{real.base}/s/{code}", headers={"Host": host, "Accept-Language": "en"}, timeout=10
        )
        assert response.status_code == 400, host
        assert "This address does not lead to Sphères" in response.text
    assert requests.get(f"{real.base}/s/{code}", timeout=10).status_code == 200
