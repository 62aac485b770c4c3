"""Blueprints, one per audience: facilitator (/f/), participant (/, /j/), screen (/s/)."""

from __future__ import annotations

from flask import abort, current_app, g, request

from workshop import i18n
from workshop.live import Views
from workshop.model import Invalid, normalise_code
from workshop.realtime import Broadcaster
from workshop.store import Store, Workshop


def store() -> Store:
    return current_app.extensions["workshop.store"]


def broadcaster() -> Broadcaster:
    return current_app.extensions["workshop.realtime"]


def live() -> Views:
    """What the screens show, computed once per change: pages read the same snapshot."""
    return broadcaster().views


def workshop_or_404(code: str, speak_its_language: bool = True) -> Workshop:
    """The workshop with this join code (404 otherwise); its pages speak its language."""
    workshop = store().workshop(normalise_code(code))
    if workshop is None:
        abort(404, description="error.unknown_workshop")
    if speak_its_language:
        g.lang = workshop.lang
    return workshop


def join_url(code: str) -> str:
    """The address phones open: the printed/public base URL, never the facilitator's."""
    base = current_app.config.get("BASE_URL") or request.host_url.rstrip("/")
    return f"{base}/j/{code}"


def message(error: Invalid) -> str:
    """The refused rule, in the language of the page being answered."""
    return i18n.translate(g.get("lang", i18n.DEFAULT), error.key, **error.params)


def refused(error: Invalid) -> dict[str, str]:
    """URL arguments carrying a refused rule to the page shown next (post/redirect/get)."""
    return {"error": error.key, **{f"error_{k}": str(v) for k, v in error.params.items()}}


def refusal() -> str | None:
    """The message `refused` carried, in the page's language. Only an error of the
    catalogue is shown, so a link cannot put words of its own on the page."""
    key = request.args.get("error", "")
    if not key.startswith("error.") or not i18n.knows(key):
        return None
    params = {k[len("error_") :]: v for k, v in request.args.items() if k.startswith("error_")}
    lang = g.get("lang", i18n.DEFAULT)
    try:
        return i18n.translate(lang, key, **params)
    except (KeyError, IndexError, ValueError):  # a parameter missing from a hand-made link
        return i18n.translate(lang, key)
