"""The facilitator's blueprint (/f/) and what its pages share.

Every route of the facilitator needs the facilitator secret, printed in the terminal at
start and then kept in an HttpOnly cookie. Participants and strangers get 403, whatever
they send.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for

from workshop import security
from workshop.model import LANGUAGES, Invalid
from workshop.views import refused

bp = Blueprint("facilitator", __name__, url_prefix="/f")


def signed_in(response):
    """`response`, setting the facilitator cookie (the secret, HttpOnly, kept a month)."""
    response.set_cookie(
        security.FACILITATOR_COOKIE,
        current_app.config["FACILITATOR_SECRET"],
        httponly=True,
        samesite="Strict",
        max_age=30 * 24 * 3600,
    )
    return response


def facilitator_only(view):
    """Refuse anyone without the facilitator secret (cookie, or `?token=` once)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not security.is_facilitator(current_app, security.facilitator_cookie()):
            abort(403, description="error.facilitator_only")
        return view(*args, **kwargs)

    return wrapper


@bp.before_request
def facilitator_language():
    """The facilitator's own language choice, kept in a cookie (?lang=en switches)."""
    g.lang = request.args.get("lang") or request.cookies.get("spheres_lang") or g.lang
    if g.lang not in LANGUAGES:
        g.lang = "fr"


@bp.after_request
def remember_language(response):
    if request.args.get("lang") in LANGUAGES:
        response.set_cookie(
            "spheres_lang", request.args["lang"], samesite="Lax", max_age=365 * 24 * 3600
        )
    return response


def back(workshop, error: Invalid | None = None, anchor: str | None = "negotiation"):
    """Back to the control page (post/redirect/get), saying why if something was refused."""
    args: dict[str, Any] = refused(error) if error is not None else {}
    return redirect(url_for(".workshop", code=workshop.code, _anchor=anchor, **args), 303)


def decks() -> dict:
    """The decks this server loaded (shipped ones and --decks folders)."""
    return current_app.extensions["workshop.decks"]


def other_languages(deck) -> list:
    """The same deck in the other languages this server has (their cards share ids)."""
    return [d for d in decks().values() if d.id == deck.id and d.lang != deck.lang]
