"""Tokens, the facilitator's secret, CSRF, security headers and the Socket.IO origin rule.

Participants are known only by a random token kept on their phone; the database keeps
its SHA-256, so a copied database file does not let anyone act as a participant.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, g, request

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
    return bool(token) and hmac.compare_digest(token.encode(), secret.encode())


def facilitator_cookie() -> str | None:
    return request.cookies.get(FACILITATOR_COOKIE)


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


def origin_checker(public_url: str | None):
    """Socket.IO origin rule: the page's own address, or the public URL; never any site."""
    public = _origin(public_url) if public_url else None

    def allowed(origin: str | None, environ: dict) -> bool:
        if not origin:
            return False
        own = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        return origin == own or origin == public

    return allowed


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def install(app: Flask) -> None:
    """Add CSRF checks, security headers and the CSRF cookie to every response."""
    app.before_request(check_csrf)

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.cookies.get(CSRF_COOKIE) is None or "csrf" in g:
            token = csrf_token()
            if request.cookies.get(CSRF_COOKIE) != token:
                response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict")
        return response
