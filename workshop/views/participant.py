"""The participant's pages: join, wait, answer card by card, see the map.

Everything works as plain HTML forms; participant.js only saves as you go and follows
phase changes live. A participant is a random token in an HttpOnly cookie scoped to the
workshop, and nothing else: no name is needed, a pseudonym is optional.
"""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, g, jsonify, redirect, render_template, request, url_for

from workshop import i18n, security
from workshop.model import (
    LANGUAGES,
    MAX_COMMENT,
    Answer,
    Consent,
    Invalid,
    Phase,
    Sphere,
    check_answering,
    normalise_code,
    parse_card,
    parse_clause,
    parse_consent,
    parse_pseudonym,
)
from workshop.store import Participant, Workshop
from workshop.views import (
    broadcaster,
    json_object,
    live,
    message,
    revisit,
    save_card_answers,
    store,
    typed_card,
    workshop_or_404,
)

bp = Blueprint("participant", __name__)

COOKIE_DAYS = 30


def _workshop(code: str) -> Workshop:
    """The workshop, its pages in the participant's own language (their choice, kept)."""
    workshop = workshop_or_404(code)
    chosen = request.cookies.get(f"spheres_plang_{workshop.code}")
    if chosen in LANGUAGES:
        g.lang = chosen
    return workshop


@bp.get("/j/<code>/lang/<lang>")
def choose_language(code, lang):
    """Read this workshop in another language, whatever the facilitator's."""
    workshop = _workshop(code)
    if lang not in LANGUAGES:
        abort(404)
    response = redirect(url_for(".home", code=workshop.code))
    response.set_cookie(
        f"spheres_plang_{workshop.code}",
        lang,
        max_age=COOKIE_DAYS * 24 * 3600,
        path=f"/j/{workshop.code}",
        samesite="Lax",
    )
    return response


def _cookie(workshop: Workshop) -> str:
    return f"spheres_p_{workshop.code}"


def _me(workshop: Workshop) -> tuple[Participant | None, str | None]:
    token = request.cookies.get(_cookie(workshop))
    if not token:
        return None, None
    return store().participant(workshop.id, security.token_hash(token)), token


def _require_me(workshop: Workshop) -> tuple[Participant, str]:
    participant, token = _me(workshop)
    if participant is None or token is None:
        abort(redirect(url_for(".home", code=workshop.code)))
    return participant, token


@bp.get("/")
def enter():
    """The door for people who type the code instead of scanning the QR code."""
    code = normalise_code(request.args.get("code", ""))
    if code:
        if store().workshop(code) is None:
            return render_template(
                "participant/enter.html", code=code, error="error.unknown_workshop"
            ), 404
        return redirect(url_for(".home", code=code))
    return render_template("participant/enter.html", code="", error=None)


@bp.get("/j/<code>")
def home(code):
    """Where the QR code leads: join, then whatever the current phase asks."""
    workshop = _workshop(code)
    if code != workshop.code:
        return redirect(url_for(".home", code=workshop.code))
    participant, token = _me(workshop)
    if participant is None:
        return render_template("participant/join.html", workshop=workshop, pseudonym="", error=None)
    context = _context(workshop, participant, token)
    if workshop.phase == Phase.SCREENING:
        return _overview(workshop, context)
    if workshop.phase in (Phase.NEGOTIATION, Phase.CHARTER):
        return _negotiation(workshop, participant, context)
    if workshop.phase == Phase.MAP:
        return render_template(
            "participant/map.html", map_html=live().map_html(workshop, g.lang), **context
        )
    return render_template("participant/wait.html", **context)


@bp.post("/j/<code>/join")
def join(code):
    """Create an anonymous participant (JSON clients get their token back)."""
    workshop = _workshop(code)
    participant, token = _me(workshop)
    if participant is None:
        try:
            data = json_object() if request.is_json else request.form
            pseudonym = parse_pseudonym(data.get("pseudonym"))
        except Invalid as error:
            if request.is_json:
                return jsonify(ok=False, error=message(error)), 400
            return render_template(
                "participant/join.html",
                workshop=workshop,
                pseudonym=request.form.get("pseudonym", ""),
                error=error,
            ), 400
        token = security.new_token()
        store().add_participant(workshop.id, security.token_hash(token), pseudonym)
        broadcaster().mark(workshop.id)
    if request.is_json:
        response = jsonify(ok=True, token=token, code=workshop.code)
    else:
        response = redirect(url_for(".home", code=workshop.code), 303)
    response.set_cookie(
        _cookie(workshop),
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path=f"/j/{workshop.code}",
        httponly=True,
        samesite="Lax",
    )
    return response


def _overview(workshop, context, proposal=None, error=None, status=200):
    by_practice = Counter(practice_id for practice_id, _sphere in context["answers"])
    return render_template(
        "participant/overview.html",
        answered_by_practice=by_practice,
        proposal=proposal or {},
        proposal_error=error,
        proposed=request.args.get("proposed") == "1",
        **context,
    ), status


@bp.post("/j/<code>/propose")
def propose(code):
    """Propose a practice "of ours" that the deck lacks; the facilitator decides."""
    workshop = _workshop(code)
    participant, token = _require_me(workshop)
    if workshop.phase != Phase.SCREENING or not workshop.allow_proposals:
        abort(409, description="error.proposals_closed")
    typed = {
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
    }
    try:
        title, description = parse_card(typed, missing="error.proposal_title_missing")
    except Invalid as error:
        context = _context(workshop, participant, token)
        return _overview(workshop, context, typed, error, 400)
    store().add_proposal(workshop.id, participant.id, title, description)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".home", code=workshop.code, proposed=1, _anchor="propose"), 303)


def _context(workshop: Workshop, participant: Participant, token: str) -> dict:
    """What every participant page shows: the workshop, me, my answers, the script's data."""
    return dict(
        workshop=workshop,
        participant=participant,
        answers=store().answers_of(participant.id),
        page_data=_page_data(workshop, token),
    )


def _page_data(workshop: Workshop, token: str) -> dict:
    """What participant.js needs: my own token, where home is, and the words it shows."""
    words = (
        "speak.no_voice",
        "save.saving",
        "save.saved",
        "save.offline",
        "save.failed",
        "comment.too_long",
        "nego.moved_on",
    )
    return {
        "code": workshop.code,
        "token": token,
        "phase": workshop.phase.value,
        "home": url_for(".home", code=workshop.code),
        "limit": MAX_COMMENT,
        "text": {key: i18n.translate(g.lang, key) for key in words},
        "lang": g.lang,
    }


def _card_context(workshop, participant, token, number, answers, errors=None, typed=None):
    practice = workshop.practices[number - 1]
    mine = {s.value: answers.get((practice["id"], s.value), {}) for s in Sphere}
    if typed:
        mine.update(typed)
    return dict(
        workshop=workshop,
        participant=participant,
        number=number,
        page_data=_page_data(workshop, token),
        practice=practice,
        mine=mine,
        errors=errors or {},
        answers=answers,
        spheres=list(Sphere),
        scale=list(Answer),
    )


@bp.get("/j/<code>/card/<int:number>")
def card(code, number):
    """One practice and its three sphere questions, prefilled with my answers; during
    the negotiation, the practice of the open revisit asked again (views/revisit.py)."""
    workshop = _workshop(code)
    participant, token = _require_me(workshop)
    if workshop.phase != Phase.SCREENING:
        open_ = 1 <= number <= len(workshop.practices) and revisit.is_open_for(workshop, number)
        if open_:
            page_data = _page_data(workshop, token)
            return revisit.card(workshop, participant, number, open_["pass"], page_data)
        return redirect(url_for(".home", code=workshop.code))
    if not 1 <= number <= len(workshop.practices):
        abort(404, description="error.unknown_practice")
    answers = store().answers_of(participant.id)
    context = _card_context(workshop, participant, token, number, answers)
    return render_template(_card_template(workshop, context), **context)


def _card_template(workshop: Workshop, context: dict) -> str:
    """Easy-read workshops ask one question per screen (`?q=1..3`), in simple words."""
    if not workshop.easy_read:
        return "participant/card.html"
    step = request.values.get("q", type=int) or 1
    context["step"] = min(max(step, 1), len(Sphere))
    context["sphere"] = list(Sphere)[context["step"] - 1]
    return "participant/card_easy.html"


@bp.post("/j/<code>/card/<int:number>")
def save_card(code, number):
    """Save the card's answers; anything refused comes back with its text and a reason."""
    workshop = _workshop(code)
    participant, token = _require_me(workshop)
    if not 1 <= number <= len(workshop.practices):
        abort(404, description="error.unknown_practice")
    if request.form.get("pass", "1") not in ("", "1"):  # a revisit's card (its pass)
        return revisit.save(workshop, participant, number, _page_data(workshop, token))
    practice = workshop.practices[number - 1]
    try:
        check_answering(workshop.phase)
    except Invalid as error:
        abort(409, description=error.key)
    typed = typed_card(request.form)
    errors = save_card_answers(workshop, participant, practice["id"], typed)
    typed = {sphere: typed[sphere] for sphere in errors}  # what comes back as typed
    broadcaster().mark(workshop.id)  # whatever was saved shows, even beside a refusal
    if errors:
        answers = store().answers_of(participant.id)
        context = _card_context(workshop, participant, token, number, answers, errors, typed)
        return render_template(_card_template(workshop, context), **context), 400
    step = -1 if request.form.get("go") == "previous" else 1
    if workshop.easy_read and request.form.get("go") != "overview":
        question = (request.form.get("q", type=int) or 1) + step
        if 1 <= question <= len(Sphere):
            return redirect(url_for(".card", code=workshop.code, number=number, q=question), 303)
        if step < 0 and number > 1:
            return redirect(
                url_for(".card", code=workshop.code, number=number - 1, q=len(Sphere)), 303
            )
    target = number + step
    if request.form.get("go") == "overview" or not 1 <= target <= len(workshop.practices):
        return redirect(url_for(".home", code=workshop.code), 303)
    return redirect(url_for(".card", code=workshop.code, number=target), 303)


# -- negotiation: the practice under discussion, consent rounds, suggestions -------------


def _negotiation(workshop, participant, context, typed=None, error=None, status=200):
    snapshot = live().snapshot(workshop)
    open_round = snapshot.open_round
    mine = store().my_consent(open_round["id"], participant.id) if open_round else None
    template = "charter" if workshop.phase == Phase.CHARTER else "negotiation"
    template = f"participant/{template}{'_easy' if workshop.easy_read else ''}.html"
    return render_template(
        template,
        revisit=revisit.invitation(workshop, participant),
        focus=snapshot.focus,
        focus_row=snapshot.focus_row,
        open_round=open_round,
        mine=typed or mine or {},
        error=error,
        adopted=snapshot.adopted,
        consents=list(Consent),
        **context,
    ), status


@bp.post("/j/<code>/consent")
def consent(code):
    """Answer the open round: consent, reservation, or objection (with its reason)."""
    workshop = _workshop(code)
    participant, token = _require_me(workshop)
    open_round = store().open_round_of(workshop.id)
    typed = {"value": request.form.get("value", ""), "reason": request.form.get("reason", "")}
    try:
        if open_round is None or request.form.get("round") != str(open_round["id"]):
            raise Invalid("error.round_closed")
        value, reason = parse_consent(typed)
        store().save_consent(open_round["id"], participant.id, value, reason)
    except Invalid as error:
        context = _context(workshop, participant, token)
        return _negotiation(workshop, participant, context, typed, error, 400)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".home", code=workshop.code, _anchor="round"), 303)


@bp.post("/j/<code>/suggest")
def suggest(code):
    """Suggest wording for a clause on the practice under discussion."""
    workshop = _workshop(code)
    participant, token = _require_me(workshop)
    if workshop.phase != Phase.NEGOTIATION:
        abort(409, description="error.not_negotiating")
    try:
        text = parse_clause(request.form.get("text"))
    except Invalid as error:
        context = _context(workshop, participant, token)
        return _negotiation(workshop, participant, context, None, error, 400)
    store().add_suggestion(workshop.id, workshop.focus, participant.id, text)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".home", code=workshop.code, suggested=1, _anchor="suggest"), 303)
