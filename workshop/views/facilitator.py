"""The facilitator's pages (/f/): create workshops, move phases, watch the map, erase.

Every route here needs the facilitator secret, printed in the terminal at start and then
kept in an HttpOnly cookie. Participants and strangers get 403, whatever they send.
"""

from __future__ import annotations

from datetime import date
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
from workshop.aggregate import build_map
from workshop.model import (
    LANGUAGES,
    MAX_CLAUSE,
    MAX_DESCRIPTION,
    MAX_DETAIL,
    MAX_TITLE,
    REGISTERS,
    TRANSITIONS,
    Answer,
    ClauseStatus,
    DecisionKind,
    Invalid,
    Phase,
    Sphere,
    Vote,
    clean_text,
    new_join_code,
    parse_consent,
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
        earlier=store().workshops(),
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


def _with_translations(deck, practices: list[dict]) -> tuple[list[dict], dict]:
    """Copy the same deck's other languages into the workshop, so that each participant
    can read the cards in their own language whatever the workshop's language."""
    others = [d for d in _decks().values() if d.id == deck.id and d.lang != deck.lang]
    spheres = {**deck.spheres, "i18n": {d.lang: d.spheres for d in others}}
    cards = []
    for practice in practices:
        translations = {}
        for other in others:
            twin = other.practice(practice["id"])
            if twin is not None:
                translations[other.lang] = {
                    key: twin[key] for key in ("title", "description", "easy_read") if key in twin
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
        negotiation=_negotiation_context(workshop),
        paper_sheets=store().paper_sheets(workshop.id),
        deck=_decks().get(workshop.deck),
        registers=REGISTERS,
    )


def _negotiation_context(workshop) -> dict:
    """What the negotiation panel needs: practices in tension order, decisions, clauses."""
    rows = build_map(workshop.practices, store().answer_counts(workshop.id))
    clauses = store().clauses(workshop.id)
    return {
        "rows": rows,
        "decisions": store().decisions(workshop.id),
        "clauses": clauses,
        "open_round": store().open_round_of(workshop.id),
        "suggestions": store().suggestions(workshop.id),
        "kinds": list(DecisionKind),
        "focus": next((p for p in workshop.practices if p["id"] == workshop.focus), None),
    }


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
        "error.bad_request",
        *NEGOTIATION_ERRORS,
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


# -- negotiation: focus, decisions, clauses and consent rounds, charter details ----------

NEGOTIATION_ERRORS = {
    "error.unknown_clause",
    "error.clause_decided",
    "error.round_open",
    "error.round_already_open",
    "error.no_round_yet",
    "error.objections_remain",
    "error.clause_missing",
    "error.clause_too_long",
    "error.detail_too_long",
    "error.unknown_practice",
    "error.bad_date",
    "error.commitment_too_long",
    "error.bad_sheet",
    "error.round_closed",
    "error.choose_consent",
    "error.objection_needs_reason",
    "error.reason_too_long",
    "error.choose_answer",
}


def _back(workshop, error: Invalid | None = None):
    args = {"error": error.key} if error is not None else {}
    return redirect(url_for(".workshop", code=workshop.code, _anchor="negotiation", **args), 303)


def _practice_arg(workshop, value: str | None, allow_none: bool = False) -> str | None:
    if not value and allow_none:
        return None
    if value not in workshop.practice_ids:
        raise Invalid("error.unknown_practice")
    return value


@bp.post("/w/<code>/focus")
@facilitator_only
def focus(code):
    """Put one practice under discussion: the projector and the phones show it."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        store().set_focus(workshop.id, _practice_arg(workshop, request.form.get("practice")))
    except Invalid as error:
        return _back(workshop, error)
    broadcaster().negotiation_changed(workshop)
    return _back(workshop)


@bp.post("/w/<code>/decision")
@facilitator_only
def decision(code):
    """Record the group's decision for a practice (keep, keep with conditions, replace…)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        practice = _practice_arg(workshop, request.form.get("practice"))
        kind = DecisionKind(request.form.get("kind"))
        detail = clean_text(request.form.get("detail"), MAX_DETAIL, "error.detail_too_long")
    except ValueError as error:
        return _back(
            workshop, error if isinstance(error, Invalid) else Invalid("error.bad_request")
        )
    store().set_decision(workshop.id, practice, kind, detail)
    broadcaster().mark(workshop.id)
    return _back(workshop)


@bp.post("/w/<code>/clauses")
@facilitator_only
def add_clause(code):
    """Draft a clause, for a practice or for the whole charter."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        practice = _practice_arg(workshop, request.form.get("practice"), allow_none=True)
        text = _clause_text(request.form.get("text"))
    except Invalid as error:
        return _back(workshop, error)
    store().add_clause(workshop.id, practice, text)
    broadcaster().mark(workshop.id)
    return _back(workshop)


def _clause_text(value) -> str:
    text = clean_text(value, MAX_CLAUSE, "error.clause_too_long")
    if not text:
        raise Invalid("error.clause_missing")
    return text


def _date(value) -> str:
    """An ISO date (YYYY-MM-DD) or nothing; anything else is refused with a message."""
    value = (value or "").strip()
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise Invalid("error.bad_date") from None
    return value


@bp.post("/w/<code>/clauses/<int:clause_id>")
@facilitator_only
def clause_action(code, clause_id):
    """Amend, open or close a round, adopt (with or without dissent), withdraw, commit."""
    workshop = workshop_or_404(code, speak_its_language=False)
    action = request.form.get("action")
    try:
        if action == "edit":
            store().edit_clause(workshop.id, clause_id, _clause_text(request.form.get("text")))
        elif action == "open":
            store().open_round(workshop.id, clause_id)
        elif action == "close":
            store().close_round(workshop.id, clause_id)
        elif action in ("adopt", "adopt_with_dissent", "withdraw"):
            status = {
                "adopt": ClauseStatus.ADOPTED,
                "withdraw": ClauseStatus.WITHDRAWN,
                "adopt_with_dissent": ClauseStatus.ADOPTED_WITH_DISSENT,
            }[action]
            store().decide_clause(workshop.id, clause_id, status)
        elif action == "commitment":
            who = clean_text(request.form.get("who"), MAX_DETAIL, "error.commitment_too_long")
            store().set_commitment(workshop.id, clause_id, who, _date(request.form.get("by")))
        else:
            raise Invalid("error.bad_request")
    except Invalid as error:
        return _back(workshop, error)
    if action in ("open", "close", "adopt", "adopt_with_dissent", "withdraw"):
        broadcaster().negotiation_changed(workshop)
    broadcaster().mark(workshop.id)
    return _back(workshop)


@bp.post("/w/<code>/charter")
@facilitator_only
def charter_details(code):
    """Team, place, date and review date: what the charter says about itself."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        details = {
            "team": clean_text(request.form.get("team"), MAX_TITLE, "error.title_too_long"),
            "place": clean_text(request.form.get("place"), MAX_TITLE, "error.title_too_long"),
            "date": _date(request.form.get("date")),
            "review_date": _date(request.form.get("review_date")),
        }
    except Invalid as error:
        return _back(workshop, error)
    store().set_charter_details(workshop.id, details)
    return _back(workshop)


@bp.get("/w/<code>/export.<fmt>")
@facilitator_only
def export(code, fmt):
    """Download the charter (html, md, odt) or the whole workshop's archive (json)."""
    from workshop import charter
    from workshop.archive.build import build_archive

    workshop = workshop_or_404(code, speak_its_language=False)
    if fmt not in charter.MEDIA_TYPES:
        abort(404)
    body = charter.render(build_archive(store(), workshop), fmt)
    name = (
        f"charte-{workshop.code}.{fmt}"
        if workshop.lang == "fr"
        else f"charter-{workshop.code}.{fmt}"
    )
    if fmt == "json":
        name = f"workshop-{workshop.code}.json"
    response = current_app.response_class(body, mimetype=charter.MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/import")
@facilitator_only
def import_archive():
    """Bring back a workshop from its JSON archive (uploaded file, up to 8 MiB: app.py)."""
    import json

    from workshop.archive.build import restore_archive

    upload = request.files.get("archive")
    try:
        if upload is None or not upload.filename:
            raise Invalid("error.archive_missing")
        try:
            archive = json.loads(upload.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise Invalid("error.archive_format") from None
        workshop_id = restore_archive(store(), archive)
    except Invalid as error:
        workshops = store().workshops()
        progress = {w.id: store().progress(w.id) for w in workshops}
        return render_template(
            "facilitator/index.html",
            workshops=workshops,
            progress=progress,
            problems=current_app.config["DECK_PROBLEMS"],
            import_error=message(error),
        ), 400
    return redirect(url_for(".workshop", code=store().workshop_by_id(workshop_id).code), 303)


# -- paper parity: numbered ballots, proxy entry, paper consent -----------------------

MAX_SHEETS = 200


def _sheet(value) -> int:
    try:
        sheet = int(value)
    except (TypeError, ValueError):
        raise Invalid("error.bad_sheet") from None
    if not 1 <= sheet <= MAX_SHEETS:
        raise Invalid("error.bad_sheet")
    return sheet


@bp.get("/w/<code>/ballots")
@facilitator_only
def ballots(code):
    """Numbered paper ballots to print: every card, every sphere, the four answers."""
    workshop = workshop_or_404(code)
    try:
        count = _sheet(request.args.get("count", "10"))
    except Invalid:
        count = 10
    first = max(store().paper_sheets(workshop.id) or [0]) + 1
    return render_template(
        "facilitator/ballots.html",
        workshop=workshop,
        sheets=range(first, first + count),
        spheres=list(Sphere),
        scale=list(Answer),
    )


@bp.get("/w/<code>/paper")
@facilitator_only
def paper(code):
    """Enter a paper ballot: one row per question, the four answers as keyboard radios."""
    workshop = workshop_or_404(code, speak_its_language=False)
    entered = store().paper_sheets(workshop.id)
    sheet = request.args.get("sheet") or str(max(entered or [0]) + 1)
    try:
        number = _sheet(sheet)
    except Invalid as error:
        return redirect(
            url_for(".workshop", code=workshop.code, error=error.key, _anchor="paper"), 303
        )
    answers = {}
    if number in entered:
        answers = store().answers_of(store().paper_participant(workshop.id, number).id)
    return render_template(
        "facilitator/paper.html",
        workshop=workshop,
        sheet=number,
        entered=entered,
        answers=answers,
        spheres=list(Sphere),
        scale=list(Answer),
        saved=request.args.get("saved"),
    )


@bp.post("/w/<code>/paper")
@facilitator_only
def save_paper(code):
    """Count a paper ballot exactly like a phone's answers (the data says it was paper)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        sheet = _sheet(request.form.get("sheet"))
        votes = []
        for practice in workshop.practices:
            for sphere in Sphere:
                value = request.form.get(f"{practice['id']}:{sphere.value}")
                if value:
                    votes.append(
                        Vote.parse(
                            workshop.practice_ids,
                            {"practice": practice["id"], "sphere": sphere.value, "value": value},
                        )
                    )
    except Invalid as error:
        return redirect(
            url_for(".workshop", code=workshop.code, error=error.key, _anchor="paper"), 303
        )
    participant = store().paper_participant(workshop.id, sheet)
    for vote in votes:
        store().save_vote(participant, vote)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".paper", code=workshop.code, sheet=sheet + 1, saved=sheet), 303)


@bp.post("/w/<code>/paper-consent")
@facilitator_only
def paper_consent(code):
    """Record a paper participant's answer in the open consent round."""
    workshop = workshop_or_404(code, speak_its_language=False)
    open_round = store().open_round_of(workshop.id)
    try:
        if open_round is None:
            raise Invalid("error.round_closed")
        sheet = _sheet(request.form.get("sheet"))
        value, reason = parse_consent(request.form)
        participant = store().paper_participant(workshop.id, sheet)
        store().save_consent(open_round["id"], participant.id, value, reason)
    except Invalid as error:
        return _back(workshop, error)
    broadcaster().mark(workshop.id)
    return _back(workshop)
