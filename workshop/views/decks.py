"""The decks as print-ready pages (A4): for paper use and for preparing on paper.

Decks are public material (no participant data), so these pages need no secret.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template

from workshop.model import REGISTERS, Answer, Sphere

bp = Blueprint("decks", __name__, url_prefix="/decks")


def _decks():
    return current_app.extensions["workshop.decks"]


@bp.get("/")
def index():
    """Every deck this server knows, with a link to print it."""
    decks = sorted(_decks().values(), key=lambda d: (d.lang != g.lang, d.lang, d.title))
    return render_template("decks/index.html", decks=decks)


@bp.get("/<key>/print")
def print_deck(key):
    """One card per practice, with the three sphere questions and the four answers."""
    deck = _decks().get(key) or abort(404, description="error.unknown_deck")
    g.lang = deck.lang
    return render_template(
        "decks/print.html", deck=deck, spheres=list(Sphere), scale=list(Answer), registers=REGISTERS
    )
