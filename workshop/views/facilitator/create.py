"""Creating a workshop: language, deck, the practices chosen and their order.

The form reloads itself to filter the deck (by register, by words) so it works without
JavaScript; the chosen cards are copied into the workshop with the deck's other
languages, so each participant reads them in their own."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from workshop.model import LANGUAGES, REGISTERS, Invalid, parse_title
from workshop.views import message, store
from workshop.views.facilitator.common import bp, decks, facilitator_only, other_languages

DEFAULT_DECK = "social-work"


def _deck_choices(lang: str) -> list:
    return sorted((d for d in decks().values() if d.lang == lang), key=lambda d: d.title)


def _filtered(deck, query: str, register: str) -> list[dict]:
    """The deck's practices matching a register and every word of a search (any case)."""
    words = query.lower().split()
    shown = []
    for practice in deck.practices:
        if register and practice["register"] != register:
            continue
        haystack = " ".join(
            [practice["title"], practice["description"], practice.get("easy_read", "")]
        ).lower()
        if all(word in haystack for word in words):
            shown.append(practice)
    return shown


def _creation_form(lang, deck, form, errors, status=200, ticked=None):
    """The form; `ticked` are the practices checked (none at first: the facilitator
    chooses, the guide recommends 10 to 15), else those the refused form sent."""
    query = (form.get("q") or "").strip()
    register = form.get("register") if form.get("register") in REGISTERS else ""
    shown = _filtered(deck, query, register) if deck else []
    return render_template(
        "facilitator/new.html",
        wlang=lang,
        decks=_deck_choices(lang),
        deck=deck,
        shown=shown,
        query=query,
        register=register,
        registers=REGISTERS,
        form=form,
        errors=errors,
        earlier=store().workshops(),
        ticked=set(form.getlist("practices")) if ticked is None else ticked,
    ), status


@bp.get("/new")
@facilitator_only
def new():
    """The creation form; choosing a language, deck, register or words reloads it (no JS).
    `?previous=<code>` prepares the review of an earlier workshop: its language, its deck
    and its practices ticked."""
    args = request.args
    previous = store().workshop(args.get("previous", "")) if args.get("previous") else None
    lang = args.get("wlang") or (previous.lang if previous else g.lang)
    lang = lang if lang in LANGUAGES else "fr"
    choices = _deck_choices(lang)
    default = decks().get(f"{DEFAULT_DECK}.{lang}") or (choices[0] if choices else None)
    deck = decks().get(args.get("deck") or (previous.deck if previous else "")) or default
    if deck is not None and deck.lang != lang:
        deck = next((d for d in choices if d.id == deck.id), choices[0] if choices else None)
    ticked = previous.practice_ids if previous else set()
    return _creation_form(lang, deck, args, {}, ticked=ticked)


def _chosen_in_order(deck, form) -> list[dict]:
    """The ticked practices, ordered by the numbers typed beside them (then deck order)."""
    chosen = set(form.getlist("practices"))

    def rank(item):
        position, practice = item
        try:
            return (float(form.get(f"order-{practice['id']}", "")), position)
        except ValueError:
            return (float(position + 1), position)

    ordered = sorted(enumerate(deck.practices), key=rank)
    return [
        {
            **p,
            "register_label": deck.register_label(p["register"]),
            "register_help": deck.registers.get(p["register"], {}).get("help", ""),
        }
        for _i, p in ordered
        if p["id"] in chosen
    ]


def _with_translations(deck, practices: list[dict]) -> tuple[list[dict], dict]:
    """Copy the same deck's other languages into the workshop, so that each participant
    can read the cards in their own language whatever the workshop's language."""
    others = other_languages(deck)
    spheres = {**deck.spheres, "i18n": {d.lang: d.spheres for d in others}}
    cards = []
    for practice in practices:
        translations = {}
        for other in others:
            twin = other.practice(practice["id"])
            if twin is not None:
                translations[other.lang] = {
                    key: twin[key]
                    for key in ("title", "short", "description", "easy_read")
                    if key in twin
                }
                translations[other.lang]["register_label"] = other.register_label(twin["register"])
        cards.append({**practice, "i18n": translations})
    return cards, spheres


@bp.post("/new")
@facilitator_only
def create():
    """Create a workshop from the form, or show the form again with what is wrong."""
    form = request.form
    errors: dict[str, str] = {}
    lang = form.get("wlang") if form.get("wlang") in LANGUAGES else "fr"
    deck = decks().get(form.get("deck", ""))
    try:
        title = parse_title(form.get("title"))
    except Invalid as error:
        errors["title"] = message(error)
    if deck is None or deck.lang != lang:
        errors["deck"] = message(Invalid("error.unknown_deck"))
        practices = []
    else:
        practices = _chosen_in_order(deck, form)
        if not practices:
            errors["practices"] = message(Invalid("error.no_practice"))
    if errors:
        return _creation_form(lang, deck, form, errors, 400)
    code = store().free_code()
    previous = store().workshop(form.get("previous", "")) if form.get("previous") else None
    practices, spheres = _with_translations(deck, practices)
    store().create_workshop(
        code,
        title,
        lang,
        deck.key,
        spheres,
        practices,
        results_hidden=form.get("results_hidden") == "on",
        allow_proposals=form.get("allow_proposals") == "on",
        previous_id=previous.id if previous else None,
        easy_read=form.get("easy_read") == "on",
    )
    return redirect(url_for(".workshop", code=code), 303)
