"""`create_app`: the Flask application, its store, Socket.IO and the blueprints."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from workshop import i18n, security, web
from workshop.aggregate import level
from workshop.charter.document import format_date
from workshop.decks import DeckError, available_decks
from workshop.model import MAX_COMMENT, timer_state
from workshop.paths import resource_dir
from workshop.realtime import Broadcaster, socketio
from workshop.store import Store, Workers

#: Limits on what a browser or a socket may send: a form with three comments fits easily.
MAX_REQUEST_BYTES = 64 * 1024
#: A workshop's JSON archive holds every answer and comment.
ARCHIVE_UPLOAD_BYTES = 8 * 1024 * 1024


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` must name DATA_DIR; ASYNC_MODE is 'threading' or 'gevent'."""
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder=str(resource_dir("static")),
    )
    app.config.update(
        ASYNC_MODE="threading",
        PUBLIC_URL=None,
        ALLOWED_HOSTS=[],
        PORT=None,
        DECK_DIRS=[],
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        MAX_FORM_MEMORY_SIZE=MAX_REQUEST_BYTES,
        BROADCAST_INTERVAL=0.25,
    )
    app.config.update(config or {})
    data_dir = Path(app.config["DATA_DIR"])
    workers = Workers.gevent() if app.config["ASYNC_MODE"] == "gevent" else Workers.threads()
    store = Store(data_dir / "workshop.sqlite3", workers)
    app.extensions["workshop.store"] = store
    # No Flask session is used (identity lives in our own cookies), so no secret key: Flask
    # then skips opening a signed session on every request and every Socket.IO event.
    app.config["FACILITATOR_SECRET"] = store.setting("facilitator_secret", security.new_token)
    problems: list[DeckError] = []
    app.config["DECK_PROBLEMS"] = problems
    app.extensions["workshop.decks"] = available_decks(
        [Path(d) for d in app.config["DECK_DIRS"]], problems
    )

    @app.before_request
    def allow_archive_uploads():
        """Archives are larger than any form: let the facilitator (only) upload one."""
        if request.endpoint == "facilitator.import_archive" and security.is_facilitator(
            app, security.facilitator_cookie()
        ):
            request.max_content_length = ARCHIVE_UPLOAD_BYTES

    # First, so that its after_request runs last: gzip, Cache-Control, versioned static URLs.
    web.install(app)
    # The language first: a refusal (foreign Host, expired form) speaks the user's language.
    _install_i18n(app)
    security.install(app)

    from workshop.views import decks, facilitator, participant, screen

    app.register_blueprint(facilitator.bp)
    app.register_blueprint(participant.bp)
    app.register_blueprint(screen.bp)
    app.register_blueprint(decks.bp)

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        cors_allowed_origins=security.origin_checker(app.config),
        max_http_buffer_size=MAX_REQUEST_BYTES,
        ping_interval=20,
        ping_timeout=20,
        manage_session=False,
    )
    # Only this server's own names and origins: `security.Addresses`, read from the config
    # (ALLOWED_HOSTS, PORT, BASE_URL, PUBLIC_URL) at each request, as `serve` sets them.
    security.guard_connect(socketio.server, app.config)
    app.wsgi_app = security.HostGuard(app.wsgi_app, app.config)  # type: ignore[method-assign]
    app.extensions["workshop.realtime"] = Broadcaster(app, socketio)

    @app.errorhandler(HTTPException)
    def error_page(error: HTTPException):
        """Errors speak the user's language and point the way back."""
        key = error.description if str(error.description).startswith("error.") else None
        return render_template("error.html", error=error, key=key), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        """The last resort, which no test payload reaches: one log line, the error page."""
        if isinstance(error, HTTPException):
            return error_page(error)
        app.logger.error(
            "%s %s failed: %s: %s",
            request.method,
            request.path,
            type(error).__name__,
            str(error)[:200].replace("\n", " "),
        )
        return error_page(InternalServerError())

    return app


def _install_i18n(app: Flask) -> None:
    supported = i18n.languages()

    @app.before_request
    def choose_language():
        g.lang = i18n.pick(request.headers.get("Accept-Language"), supported)
        if request.cookies.get("spheres_lang") in supported:
            g.lang = request.cookies["spheres_lang"]

    # The pages' words keep French spacing whole (i18n.unbreakable): no line of a narrow
    # phone starts with a lone "?". The charter's files are written apart (charter/).
    def translate(key: str, **params: object) -> str:
        return i18n.unbreakable(i18n.translate(g.get("lang", i18n.DEFAULT), key, **params))

    app.jinja_env.filters["level"] = level
    app.jinja_env.filters["date"] = lambda value: format_date(g.get("lang", i18n.DEFAULT), value)

    def translate_n(key: str, n: int, **params: object) -> str:
        return i18n.unbreakable(i18n.translate_n(g.get("lang", i18n.DEFAULT), key, n, **params))

    def localized(item: dict, field: str) -> str:
        """A card's text in the reader's language when the workshop carries it."""
        own = (item.get("i18n") or {}).get(g.get("lang")) or {}
        return i18n.unbreakable(own.get(field) or item.get(field, ""))

    def short_label(item: dict) -> str:
        """A card's short label (the projector's overview), else its title."""
        return localized(item, "short") or localized(item, "title")

    def sphere_text(workshop, sphere: str, field: str) -> str:
        """A sphere's label, short question, question, easy-read question or help, in the
        reader's language (a missing short question reads the full one)."""
        return i18n.unbreakable(_sphere_text(workshop, sphere, field))

    def _sphere_text(workshop, sphere: str, field: str) -> str:
        spheres = workshop.spheres
        own = ((spheres.get("i18n") or {}).get(g.get("lang")) or {}).get(sphere) or {}
        base = spheres.get(sphere) or {}
        if field == "short":  # the reader's language first, then the workshop's
            text = own.get("short") or own.get("question") or base.get("short")
            return text or _sphere_text(workshop, sphere, "question")
        text = own.get(field) or base.get(field)
        if text:
            return text
        if field in ("label", "question"):
            suffix = "" if field == "label" else ".question"
            return i18n.translate(g.get("lang", i18n.DEFAULT), f"sphere.{sphere}{suffix}")
        return ""

    app.jinja_env.globals.update(
        _=translate,
        _n=translate_n,
        csrf_token=security.csrf_token,
        languages=supported,
        localized=localized,
        short_label=short_label,
        sphere_text=sphere_text,
        limits={"comment": MAX_COMMENT},
        room_timer=lambda workshop: timer_state(workshop.timer, time.time()),
    )
