"""Blueprints, one per audience: facilitator (/f/), participant (/, /j/), screen (/s/)."""

from __future__ import annotations

from flask import abort, current_app, g, request

from workshop import i18n
from workshop.model import Invalid, normalise_code
from workshop.realtime import Broadcaster
from workshop.store import Store, Workshop


def store() -> Store:
    return current_app.extensions["workshop.store"]


def broadcaster() -> Broadcaster:
    return current_app.extensions["workshop.realtime"]


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
