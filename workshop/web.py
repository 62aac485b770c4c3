"""HTTP on the wire: gzip, caching and versioned static URLs; gevent's server without Nagle.

- **Versioned static URLs.** Every `url_for('static', filename=...)` gets `?v=` and the
  first 12 hex digits of the file's SHA-256 (computed once per file, again only when its
  size or modification time changes): templates do not change. A static response whose
  `v` is the file's current version is cached a year, immutable; without it (or with an
  old one) it is revalidated (`no-cache`, with its ETag).
- **Pages are never stored** (`Cache-Control: no-store`): they carry a participant's
  token and the CSRF token, and a page brought back by the back button must show the
  workshop as it is now, not as it was.
- **gzip** for HTML, CSS, JavaScript, SVG and JSON when the browser accepts it. A static
  file is compressed once (level 9) and kept in memory with its version; a page is
  compressed as it leaves (level 6). Streams, partial (Range) responses, what is already
  encoded and what is already compressed (ODT/ODS are zips, images) are sent as they are.
  Engine.IO's polling never reaches Flask: python-engineio compresses it itself.

See docs/performance.md for the measurements and why no library does this.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import signal
import socket
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.security import safe_join

#: What is worth compressing (text); everything else is sent as it is.
GZIP_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
        "application/json",
    }
)
#: Below this a gzip header and trailer (18 bytes) and a packet gain nothing.
MIN_SIZE = 512
PAGE_LEVEL = 6
STATIC_LEVEL = 9
YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"


def file_version(path: str | os.PathLike) -> str:
    """A file's version: the first 12 hex digits of the SHA-256 of its bytes."""
    with open(path, "rb") as file:
        return version_of(file.read())


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


@dataclass
class _Entry:
    stamp: tuple[int, int]  # (st_mtime_ns, st_size) when it was read
    version: str
    gzipped: bytes | None = None


class StaticFiles:
    """The versions (and gzipped bytes) of one static folder's files, read once each."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = str(folder)
        self._entries: dict[str, _Entry] = {}

    def _entry(self, filename: str) -> tuple[str, _Entry] | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        entry = self._entries.get(filename)
        if entry is None or entry.stamp != stamp:
            try:
                entry = _Entry(stamp, file_version(path))
            except OSError:  # a folder, or unreadable
                return None
            self._entries[filename] = entry
        return path, entry

    def version(self, filename: str) -> str | None:
        """The file's version, None for a file that is not there."""
        found = self._entry(filename)
        return found[1].version if found else None

    def gzipped(self, filename: str) -> tuple[str, bytes] | None:
        """(version, the file's bytes gzip-compressed), compressed on first use only."""
        found = self._entry(filename)
        if found is None:
            return None
        path, entry = found
        if entry.gzipped is None:
            with open(path, "rb") as file:
                data = file.read()
            if version_of(data) != entry.version:
                return None  # changed while being read: send it as it is this time
            entry.gzipped = gzip.compress(data, STATIC_LEVEL, mtime=0)
        return entry.version, entry.gzipped


def install(app: Flask) -> StaticFiles:
    """Versioned static URLs, cache headers and gzip for `app`. Call it before any other
    `after_request` is registered: Flask runs them last-registered first, so this one
    sees the response once every other hook has had its say."""
    assert app.static_folder is not None  # create_app always names it
    files = StaticFiles(app.static_folder)
    app.extensions["workshop.static"] = files

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = files.version(values["filename"])
            if version is not None:
                values["v"] = version

    @app.after_request
    def on_the_wire(response: Response) -> Response:
        if request.endpoint == "static":
            _static_cache(files, response)
        else:
            response.headers.setdefault("Cache-Control", "no-store")
        _gzip(files, response)
        return response

    return files


def _static_cache(files: StaticFiles, response: Response) -> None:
    filename = (request.view_args or {}).get("filename", "")
    if response.status_code not in (200, 304):
        response.headers["Cache-Control"] = "no-store"
    elif request.args.get("v") and request.args["v"] == files.version(filename):
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers.pop("Expires", None)
        # A response any cache may keep and hand to others carries no cookie (the CSRF
        # cookie is set by the pages, which are never stored).
        response.headers.pop("Set-Cookie", None)


def accepts_gzip() -> bool:
    """The request accepts gzip (`gzip`, or `*`, with a quality above 0)."""
    return request.accept_encodings["gzip"] > 0


def _gzip(files: StaticFiles, response: Response) -> None:
    if response.mimetype not in GZIP_TYPES:
        return
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or "Range" in request.headers
        or not accepts_gzip()
    ):
        return
    if request.endpoint == "static" and response.direct_passthrough:
        found = files.gzipped((request.view_args or {}).get("filename", ""))
        if found is None:
            return
        body = found[1]
        etag, weak = response.get_etag()
        response.close()  # the file send_file opened
        response.direct_passthrough = False
        response.set_data(body)
        if etag:
            response.set_etag(f"{etag}-gzip", bool(weak))
    elif response.is_streamed:
        return  # sent as it is produced: never held back to be compressed
    else:
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return
        response.set_data(gzip.compress(data, PAGE_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    if request.endpoint == "static":
        # The gzipped file has its own ETag: answer a revalidation of it with a 304.
        response.make_conditional(request)


def set_nodelay(sock) -> None:
    """Send each write at once (no Nagle): headers and body are two writes in gevent's
    server, and the second would wait for the client's delayed ACK (~40 ms)."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):  # not TCP (a Unix socket), or already closed
        pass


def gevent_server(listener, application, **kwargs):
    """gevent's WSGI server, with TCP_NODELAY on every connection it accepts."""
    from gevent.pywsgi import WSGIServer

    class NoDelayWSGIServer(WSGIServer):
        def handle(self, sock, address):
            set_nodelay(sock)
            super().handle(sock, address)

    return NoDelayWSGIServer(listener, application, **kwargs)


def bind(app, host: str, port: int, async_mode: str):
    """Listen now (so `--port 0` is known before printing); return the server and port."""
    if async_mode == "gevent":
        import gevent

        # TCP_NODELAY on each connection: a kept-alive request is then as fast as a fresh one.
        server = gevent_server((host, port), app, log=None)
        server.init_socket()
        gevent.signal_handler(signal.SIGTERM, server.stop)
        return server, server.server_port
    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    signal.signal(signal.SIGTERM, _interrupt)
    return server, server.server_port


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def stop_on_interrupt(server, async_mode: str) -> None:
    """Ctrl-C stops the server like SIGTERM does: serve_forever returns, nothing is printed.

    Under gevent the default handler would raise KeyboardInterrupt in the hub, which
    prints it before the main greenlet sees it; under threading that KeyboardInterrupt
    reaches serve_forever's caller quietly. A SIGINT ignored from the start (a job started
    with `&` by a script) stays ignored.
    """
    if async_mode == "gevent" and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        import gevent

        gevent.signal_handler(signal.SIGINT, server.stop)
