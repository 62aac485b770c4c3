"""The facilitator's pages (/f/): create workshops, move phases, watch the map, erase.

Every route here needs the facilitator secret, printed in the terminal at start and then
kept in an HttpOnly cookie. Participants and strangers get 403, whatever they send.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from workshop import security
from workshop.decks import REGISTERS
from workshop.model import (
    LANGUAGES,
    MAX_DESCRIPTION,
    MAX_TITLE,
    TRANSITIONS,
    Invalid,
    Phase,
    clean_text,
    new_join_code,
    transition,
)
from workshop.netinfo import qr_svg
from workshop.views import broadcaster, join_url, message, store, workshop_or_404

bp = Blueprint("facilitator", __name__, url_prefix="/f")


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


@bp.get("/")
def index():
    """The workshops on this machine, and the way to create one."""
    token = request.args.get("token")
    if token is not None:
        if not security.is_facilitator(current_app, token):
            abort(403, description="error.facilitator_only")
        response = redirect(url_for(".index"))
        response.set_cookie(
            security.FACILITATOR_COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            max_age=30 * 24 * 3600,
        )
        return response
    if not security.is_facilitator(current_app, security.facilitator_cookie()):
        abort(403, description="error.facilitator_only")
    workshops = store().workshops()
    progress = {w.id: store().progress(w.id) for w in workshops}
    return render_template(
        "facilitator/index.html",
        workshops=workshops,
        progress=progress,
        problems=current_app.config["DECK_PROBLEMS"],
    )


DEFAULT_DECK = "social-work"


def _decks():
    return current_app.extensions["workshop.decks"]


def _deck_choices(lang: str) -> list:
    return sorted((d for d in _decks().values() if d.lang == lang), key=lambda d: d.title)


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


def _creation_form(lang, deck, form, errors, status=200):
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
    ), status


@bp.get("/new")
@facilitator_only
def new():
    """The creation form; choosing a language, deck, register or words reloads it (no JS)."""
    lang = request.args.get("wlang") if request.args.get("wlang") in LANGUAGES else g.lang
    decks = _deck_choices(lang)
    default = _decks().get(f"{DEFAULT_DECK}.{lang}") or (decks[0] if decks else None)
    deck = _decks().get(request.args.get("deck", "")) or default
    if deck is not None and deck.lang != lang:
        deck = next((d for d in decks if d.id == deck.id), decks[0] if decks else None)
    return _creation_form(lang, deck, request.args, {})


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


@bp.post("/new")
@facilitator_only
def create():
    """Create a workshop from the form, or show the form again with what is wrong."""
    form = request.form
    errors: dict[str, str] = {}
    lang = form.get("wlang") if form.get("wlang") in LANGUAGES else "fr"
    deck = _decks().get(form.get("deck", ""))
    try:
        title = clean_text(form.get("title"), MAX_TITLE, "error.title_too_long")
        if not title:
            raise Invalid("error.title_missing")
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
    code = new_join_code()
    while store().code_taken(code):
        code = new_join_code()
    store().create_workshop(
        code,
        title,
        lang,
        deck.key,
        deck.spheres,
        practices,
        results_hidden=form.get("results_hidden") == "on",
        allow_proposals=form.get("allow_proposals") == "on",
    )
    return redirect(url_for(".workshop", code=code), 303)


@bp.get("/w/<code>")
@facilitator_only
def workshop(code):
    """The control page: phases, the join code and QR, progress and the live map."""
    workshop = workshop_or_404(code, speak_its_language=False)
    url = join_url(workshop.code)
    state = broadcaster().state(workshop)
    return render_template(
        "facilitator/workshop.html",
        workshop=workshop,
        join_url=url,
        qr=qr_svg(url, url),
        state=state,
        phases=list(Phase),
        allowed=TRANSITIONS[workshop.phase],
        error=_known_error(request.args.get("error")),
        proposals=store().proposals(workshop.id, "pending"),
        deck=_decks().get(workshop.deck),
        registers=REGISTERS,
    )


def _known_error(key: str | None) -> str | None:
    """Only our own messages come back through the URL after a refused action."""
    known = {
        "error.phase_transition",
        "error.confirm_code",
        "error.title_missing",
        "error.title_too_long",
        "error.description_too_long",
        "error.unknown_proposal",
        "error.proposal_decided",
    }
    return key if key in known else None


@bp.post("/w/<code>/phase")
@facilitator_only
def phase(code):
    """Move the workshop to another phase; every phone follows."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        target = transition(workshop.phase, Phase(request.form.get("phase", "")))
    except ValueError:
        return redirect(
            url_for(".workshop", code=workshop.code, error="error.phase_transition"), 303
        )
    store().set_phase(workshop.id, target)
    broadcaster().phase_changed(store().workshop_by_id(workshop.id))
    return redirect(url_for(".workshop", code=workshop.code), 303)


@bp.post("/w/<code>/delete")
@facilitator_only
def delete(code):
    """Erase a workshop and every answer in it, once the facilitator typed its code."""
    workshop = workshop_or_404(code, speak_its_language=False)
    if request.form.get("confirm", "").strip().upper() != workshop.code:
        return redirect(url_for(".workshop", code=workshop.code, error="error.confirm_code"), 303)
    broadcaster().closed(workshop)
    store().delete_workshop(workshop.id)
    return redirect(url_for(".index"), 303)


@bp.post("/w/<code>/proposals/<int:proposal_id>")
@facilitator_only
def decide_proposal(code, proposal_id):
    """Accept a practice proposed by the room (as edited here), or decline it."""
    workshop = workshop_or_404(code, speak_its_language=False)
    form = request.form
    practice = None
    if form.get("decision") == "accept":
        try:
            title = clean_text(form.get("title"), MAX_TITLE, "error.title_too_long")
            description = clean_text(
                form.get("description"), MAX_DESCRIPTION, "error.description_too_long"
            )
            if not title:
                raise Invalid("error.title_missing")
        except Invalid as error:
            return redirect(
                url_for(".workshop", code=workshop.code, error=error.key, _anchor="proposals"), 303
            )
        register = form.get("register") if form.get("register") in REGISTERS else ""
        deck = _decks().get(workshop.deck)
        label = deck.register_label(register) if deck and register else ""
        practice = {
            "title": title,
            "description": description,
            "register": register,
            "register_label": label,
        }
    try:
        store().decide_proposal(workshop.id, proposal_id, practice)
    except Invalid as error:
        return redirect(
            url_for(".workshop", code=workshop.code, error=error.key, _anchor="proposals"), 303
        )
    if practice is not None:
        broadcaster().practices_changed(workshop)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".workshop", code=workshop.code, _anchor="proposals"), 303)
