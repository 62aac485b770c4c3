"""HTTP on the wire: gzip when asked, versioned static URLs cached a year, pages never
stored, and TCP_NODELAY on the real server's connections (workshop/web.py)."""

from __future__ import annotations

import ctypes
import gzip
import http.client
import os
import re
import socket
import sys
from pathlib import Path

import pytest

from workshop.web import IMMUTABLE, StaticFiles, file_version

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC = ["css/spheres.css", "js/participant.js", "icons/spheres.svg"]


def static_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_a_page_is_gzipped_when_asked_and_decodes_to_the_same_bytes(client, make_workshop):
    workshop = make_workshop()
    for path in ("/", f"/j/{workshop.code}"):
        plain = client.get(path)
        packed = client.get(path, headers=GZIP)  # same client: the same CSRF token
        assert plain.status_code == packed.status_code == 200
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert "Accept-Encoding" in plain.headers["Vary"]
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
        assert gzip.decompress(packed.data) == plain.data


@pytest.mark.parametrize("filename", STATIC)
def test_a_static_file_is_gzipped_when_asked_and_decodes_to_the_same_bytes(client, filename):
    plain = client.get(f"/static/{filename}", buffered=True)
    packed = client.get(f"/static/{filename}", headers=GZIP, buffered=True)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Content-Type"] == plain.headers["Content-Type"]
    assert gzip.decompress(packed.data) == plain.data
    # Each representation has its own validator, and the gzipped one revalidates to a 304.
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        f"/static/{filename}",
        headers={**GZIP, "If-None-Match": packed.headers["ETag"]},
        buffered=True,
    )
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_nothing_is_gzipped_unless_gzip_is_accepted(client, accept):
    headers = {"Accept-Encoding": accept} if accept else {}
    for path in ("/", "/static/css/spheres.css"):
        response = client.get(path, headers=headers, buffered=True)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, path


def test_a_range_request_gets_the_plain_bytes(client):
    response = client.get(
        "/static/css/spheres.css", headers={**GZIP, "Range": "bytes=0-99"}, buffered=True
    )
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert len(response.data) == 100


def test_what_is_already_compressed_is_sent_as_it_is(facilitator, make_workshop):
    workshop = make_workshop(phase="charter")
    response = facilitator.get(f"/f/w/{workshop.code}/export.odt", headers=GZIP)
    assert response.status_code == 200
    assert response.data[:2] == b"PK"  # a zip: compressing it again gains nothing
    assert "Content-Encoding" not in response.headers
    archive = facilitator.get(f"/f/w/{workshop.code}/export.json", headers=GZIP)
    assert archive.headers["Content-Encoding"] == "gzip"  # JSON is text


def test_socketio_polling_still_answers(client):
    """Engine.IO's polling goes through WSGI too, but never through Flask's hooks."""
    response = client.get("/socket.io/?EIO=4&transport=polling", headers=GZIP)
    assert response.status_code == 200
    assert response.data.startswith(b"0{")  # the open packet, readable as sent
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_static_urls_in_a_page_carry_the_files_version_and_are_cached_immutable(
    app, client, make_workshop
):
    workshop = make_workshop()
    page = client.get(f"/j/{workshop.code}").get_data(as_text=True)
    urls = static_urls(page)
    assert any("spheres.css" in url for url in urls) and any("spheres.svg" in url for url in urls)
    folder = Path(app.static_folder)
    for url in urls:
        path, _, query = url.partition("?")
        assert query == f"v={file_version(folder / path.removeprefix('/static/'))}", url
        response = client.get(url, headers=GZIP, buffered=True)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert "Set-Cookie" not in response.headers  # a public response carries no cookie


def test_a_static_file_without_its_current_version_is_revalidated(client):
    for url in ("/static/css/spheres.css", "/static/css/spheres.css?v=000000000000"):
        response = client.get(url, buffered=True)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert "no-cache" in response.headers["Cache-Control"]
        assert response.headers["ETag"]
    missing = client.get("/static/css/nothing-here.css?v=000000000000", buffered=True)
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"


def test_pages_and_json_are_never_stored(client, make_workshop):
    workshop = make_workshop()
    for path in ("/", f"/j/{workshop.code}", "/decks/"):
        response = client.get(path, headers=GZIP)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    joined = client.post(f"/j/{workshop.code}/join", json={"pseudonym": ""})
    assert joined.status_code == 200 and "token" in joined.get_json()
    assert joined.headers["Cache-Control"] == "no-store"


def test_a_changed_file_gets_a_new_version(tmp_path):
    a, b = tmp_path / "a.css", tmp_path / "b.css"
    a.write_text("body { color: black }")
    b.write_text("body { color: black }")
    assert file_version(a) == file_version(b)
    assert re.fullmatch(r"[0-9a-f]{12}", file_version(a))
    b.write_text("body { color: navy }")
    assert file_version(a) != file_version(b)

    files = StaticFiles(tmp_path)
    before = files.version("a.css")
    assert before == file_version(a)
    assert files.version("a.css") == before  # read once, then kept
    a.write_text("body { color: maroon; background: white }")
    assert files.version("a.css") == file_version(a) != before
    assert files.version("missing.css") is None
    assert files.version("../a.css") is None  # outside the folder


def test_a_version_is_read_once_per_file(tmp_path, monkeypatch):
    (tmp_path / "a.js").write_text("let a = 1;\n" * 100)
    files = StaticFiles(tmp_path)
    reads = []
    real = file_version
    monkeypatch.setattr("workshop.web.file_version", lambda p: reads.append(p) or real(p))
    for _ in range(5):
        files.version("a.js")
    version, body = files.gzipped("a.js")
    assert files.gzipped("a.js")[1] is body
    assert len(reads) == 1 and version == real(tmp_path / "a.js")
    assert gzip.decompress(body) == (tmp_path / "a.js").read_bytes()


def _peer_socket_option(pid: int, peer: tuple[str, int], level: int, option: int) -> int:
    """Read a socket option of the server process's connection to `peer` (Linux: the
    socket is borrowed with pidfd_getfd, allowed for a parent on its own child)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                    continue
            except OSError:
                continue
            borrowed = libc.syscall(438, pidfd, int(fd), 0)  # SYS_pidfd_getfd
            if borrowed < 0:
                error = ctypes.get_errno()
                pytest.skip(f"pidfd_getfd refused: {os.strerror(error)}")
            sock = socket.socket(fileno=borrowed)
            try:
                if sock.type == socket.SOCK_STREAM and sock.getpeername() == peer:
                    return sock.getsockopt(level, option)
            except OSError:
                pass  # the listening socket: no peer
            finally:
                sock.close()  # our duplicate only: the server's connection stays open
    finally:
        os.close(pidfd)
    raise AssertionError(f"no connection to {peer} in the server")


@pytest.mark.server
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and pidfds")
def test_the_real_server_sets_tcp_nodelay_on_accepted_connections(tmp_path):
    from serverproc import Server

    server = Server(tmp_path / "data").start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(2):  # kept alive: the second request goes on the same connection
            connection.request("GET", "/", headers=GZIP)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Content-Encoding") == "gzip"
        peer = connection.sock.getsockname()
        nodelay = _peer_socket_option(server.proc.pid, peer, socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert nodelay != 0
    finally:
        connection.close()
        server.stop()
