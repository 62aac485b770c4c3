"""Tokens, the facilitator's secret, CSRF, security headers and the Socket.IO origin rule.

Participants are known only by a random token kept on their phone; the database keeps
its SHA-256, so a copied database file does not let anyone act as a participant.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import threading
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, abort, g, request

from workshop.netinfo import LOOPBACK_NAMES
from workshop.tokens import new_token, token_hash

__all__ = ["new_token", "token_hash"]

FACILITATOR_COOKIE = "spheres_facilitator"
CSRF_COOKIE = "spheres_csrf"

#: Everything comes from the server itself: no CDN, no font service, no analytics.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_facilitator(app: Flask, token: str | None) -> bool:
    secret = app.config["FACILITATOR_SECRET"]
    if not token:
        return False
    return hmac.compare_digest(token.encode(), secret.encode())


def facilitator_cookie() -> str | None:
    return request.cookies.get(FACILITATOR_COOKIE)


#: How long a code for the facilitator's phone stays good (`Pairings`).
PAIRING_SECONDS = 120


class Pairings:
    """One-time codes that sign the facilitator's phone in, so the secret itself never
    appears on a page that could end up on the projector.

    A code is asked for by the facilitator (a button on the control page), shown once as
    a QR code, and good for one scan within PAIRING_SECONDS. Only its hash is kept, in
    memory: a restart forgets every code, which is the safe way round.
    """

    def __init__(self) -> None:
        self._codes: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def new(self, workshop_code: str, now: float) -> str:
        """A fresh code that opens `workshop_code`'s control page; older unused ones stay
        good until they expire."""
        token = new_token()
        with self._lock:
            self._codes = {k: v for k, v in self._codes.items() if v[0] > now}
            self._codes[token_hash(token)] = (now + PAIRING_SECONDS, workshop_code)
        return token

    def redeem(self, token: str, now: float) -> str | None:
        """The workshop code a good code was made for (and the code is spent), else None."""
        with self._lock:
            found = self._codes.pop(token_hash(token), None)
        if found is None or found[0] <= now:
            return None
        return found[1]


def csrf_token() -> str:
    """The token forms must send back (double-submit cookie, set on the response)."""
    if "csrf" not in g:
        g.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(16)
    return g.csrf


def check_csrf() -> None:
    """Refuse a form POST whose CSRF field does not match the cookie (400)."""
    if request.method != "POST" or request.is_json:
        # A cross-site page cannot send JSON without a CORS preflight, which we never allow.
        return
    sent = request.form.get("csrf", "")
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(sent.encode(), cookie.encode()):
        abort(400, description="error.csrf")


#: Set by `HostGuard` on a request whose Host is not ours, for `check_host` to refuse.
FOREIGN_HOST = "workshop.foreign_host"
_HOST = re.compile(r"(?:\[([0-9a-f:.]+)\]|([a-z0-9.-]+))(?::([0-9]{1,5}))?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Addresses:
    """This server's own names and origins, from the app's config.

    `names`: loopback names, `ALLOWED_HOSTS` (what `workshop serve` computed: the LAN
    address, the address it listens on) and the hosts of `BASE_URL` and `PUBLIC_URL`.
    `port`: the port it listens on (`PORT`), None when unknown (tests, an embedding).
    `public`: the `--public-url` origin as (scheme, host, port).
    """

    names: frozenset[str]
    port: int | None
    public: tuple[str, str, int] | None

    def host_allowed(self, host: str | None) -> bool:
        """A Host header naming this server: one of its names, on its port (or no port)."""
        if host is None:
            return True  # HTTP/1.0 without Host: not a browser, so not a rebinding page
        parsed = split_host(host)
        if parsed is None or parsed[0] not in self.names:
            return False
        port = parsed[1]
        if port is None or self.port is None or port == self.port:
            return True
        return self.public is not None and (parsed[0], port) == self.public[1:]

    def origin_allowed(self, origin: str | None) -> bool:
        """An Origin this server announces: the `--public-url` one, or http:// one of its
        names on its port (any port when it is unknown)."""
        parsed = split_origin(origin) if origin else None
        if parsed is None:
            return False
        if parsed == self.public:
            return True
        scheme, name, port = parsed
        return scheme == "http" and name in self.names and self.port in (None, port)


def split_host(value: str) -> tuple[str, int | None] | None:
    """`name[:port]` or `[v6]:port` → (lowercased name, port); None when malformed."""
    match = _HOST.fullmatch(value.strip().lower()) if len(value) <= 260 else None
    if match is None:
        return None
    v6, name, port = match.groups()
    if v6 is not None:
        try:
            name = str(ipaddress.IPv6Address(v6))
        except ValueError:
            return None
    if port is not None and not 0 < int(port) < 65536:
        return None
    return name, (int(port) if port is not None else None)


def split_origin(value: str) -> tuple[str, str, int] | None:
    """`scheme://host[:port]` → (scheme, host, port with the scheme's default); None
    for anything else (`null`, a path, credentials, another scheme)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or parts.path not in ("", "/") or parts.query:
        return None
    if parts.username is not None or parts.fragment or not parts.hostname:
        return None
    host = split_host(parts.netloc)
    if host is None:
        return None
    return scheme, host[0], port if port is not None else _DEFAULT_PORTS[scheme]


def _origin(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def addresses(config) -> Addresses:
    """The own names and origins for this config (recomputed when `serve` changes it)."""
    return _addresses(
        tuple(config.get("ALLOWED_HOSTS") or ()),
        config.get("PORT"),
        config.get("PUBLIC_URL"),
        config.get("BASE_URL"),
    )


@lru_cache(maxsize=16)
def _addresses(hosts: tuple, port: int | None, public_url: str | None, base_url: str | None):
    names = set(LOOPBACK_NAMES)
    for host in hosts:
        parsed = split_host(str(host))
        if parsed is not None:
            names.add(parsed[0])
    public = split_origin(_origin(public_url)) if public_url else None
    for url in (public_url, base_url):
        origin = split_origin(_origin(url)) if url else None
        if origin is not None:
            names.add(origin[1])
    return Addresses(frozenset(names), port, public)


def origin_checker(config):
    """Socket.IO's `cors_allowed_origins`: the Origin must be one the server announces,
    and the request's Host one of its names (`Addresses`). Never "whatever Host says":
    after DNS rebinding, a foreign page's Host and Origin both carry the foreign name.

    python-engineio calls this only when the request carries an Origin; `guard_connect`
    checks every Socket.IO connection, with or without one.
    """

    def allowed(origin: str | None, environ: dict) -> bool:
        return connection_allowed(config, origin, environ)

    return allowed


def connection_allowed(config, origin: str | None, environ: dict) -> bool:
    """Who may open a Socket.IO connection, judged on its first HTTP request.

    The Host must be one of ours. An Origin, when sent, must be one we announce. Without
    an Origin the connection is admitted (on its Host alone): browsers send Origin on
    every WebSocket handshake and every cross-origin request, so a page elsewhere cannot
    leave it out; only same-origin GETs (Engine.IO's polling) may omit it, and those come
    from a page whose own address is the Host we check, so a rebinding page is refused
    by its Host. Clients that are not browsers (python-socketio, the test client) send
    none, and cannot be made to act for someone else by a web page.
    """
    own = addresses(config)
    if environ.get(FOREIGN_HOST) is not None or not own.host_allowed(environ.get("HTTP_HOST")):
        return False
    return origin is None or own.origin_allowed(origin)


def guard_connect(server, config) -> None:
    """Put the origin rule before the Socket.IO `connect` handler of `server`, so that it
    also holds where python-engineio does not check (no Origin; the test client)."""
    from socketio.exceptions import ConnectionRefusedError as Refused

    handlers = server.handlers.setdefault("/", {})
    admit = handlers.get("connect")

    def connect(sid, environ, *args):
        if not connection_allowed(config, environ.get("HTTP_ORIGIN"), environ):
            raise Refused("error.foreign_origin")
        return admit(sid, environ, *args) if admit is not None else True

    handlers["connect"] = connect


class HostGuard:
    """WSGI middleware, outermost: a request whose Host is not one of ours is refused.

    Socket.IO requests get a plain 400 at once. Pages get the 400 page in the user's
    language from Flask (`check_host`): the foreign Host is replaced by `localhost` so
    that nothing (URL building, the error page itself) ever parses it, and kept in
    `environ[FOREIGN_HOST]`.
    """

    def __init__(self, wsgi_app, config, socketio_path: str = "/socket.io") -> None:
        self.wsgi_app, self.config, self.socketio_path = wsgi_app, config, socketio_path

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST")
        if not addresses(self.config).host_allowed(host):
            path = environ.get("PATH_INFO", "")
            if path == self.socketio_path or path.startswith(self.socketio_path + "/"):
                body = b"Not an accepted host."
                start_response(
                    "400 BAD REQUEST",
                    [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
                )
                return [body]
            environ = {**environ, FOREIGN_HOST: host, "HTTP_HOST": "localhost"}
        return self.wsgi_app(environ, start_response)


def check_host() -> None:
    """Refuse (400) a request `HostGuard` marked: this address does not lead here."""
    if request.environ.get(FOREIGN_HOST) is not None:
        abort(400, description="error.foreign_host")


def install(app: Flask) -> None:
    """Refuse foreign Hosts, add CSRF checks, security headers and the CSRF cookie."""
    app.before_request(check_host)
    app.before_request(check_csrf)
    app.extensions["workshop.pairings"] = Pairings()

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.cookies.get(CSRF_COOKIE) is None or "csrf" in g:
            token = csrf_token()
            if request.cookies.get(CSRF_COOKIE) != token:
                response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict")
        return response
