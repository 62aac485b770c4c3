"""The facilitator's home and control page: workshops, phases, proposals, erase, export."""

from __future__ import annotations

import json

from flask import abort, current_app, redirect, render_template, request, url_for

from workshop import charter, security
from workshop.archive.build import build_archive, restore_archive
from workshop.decks import short_title
from workshop.model import (
    MAX_TIMER_MINUTES,
    REGISTERS,
    TIMER_PRESETS,
    TRANSITIONS,
    DecisionKind,
    Invalid,
    Phase,
    TimerKind,
    normalise_code,
    parse_card,
    transition,
)
from workshop.netinfo import qr_svg
from workshop.views import broadcaster, join_url, live, message, refusal, store, workshop_or_404
from workshop.views.facilitator.common import (
    back,
    bp,
    decks,
    facilitator_only,
    other_languages,
    signed_in,
)


@bp.get("/")
def index():
    """The workshops on this machine, and the way to create one."""
    token = request.args.get("token")
    if token is not None:
        if not security.is_facilitator(current_app, token):
            abort(403, description="error.facilitator_only")
        chosen = store().workshop(normalise_code(request.args.get("w", "")))
        return signed_in(
            redirect(url_for(".workshop", code=chosen.code) if chosen else url_for(".index"))
        )
    if not security.is_facilitator(current_app, security.facilitator_cookie()):
        abort(403, description="error.facilitator_only")
    return _home()


def _home(import_error: Invalid | None = None):
    workshops = store().workshops()
    return render_template(
        "facilitator/index.html",
        workshops=workshops,
        progress={w.id: store().progress(w.id) for w in workshops},
        problems=current_app.config["DECK_PROBLEMS"],
        import_error=message(import_error) if import_error else None,
    ), (400 if import_error else 200)


@bp.get("/w/<code>")
@facilitator_only
def workshop(code):
    """The control page: phases, the join code and QR, progress and the live map."""
    workshop = workshop_or_404(code, speak_its_language=False)
    url = join_url(workshop.code)
    snapshot = live().snapshot(workshop)
    error = refusal()
    timer_error = error if request.args.get("error", "").startswith("error.timer") else None
    return render_template(
        "facilitator/workshop.html",
        workshop=workshop,
        join_url=url,
        qr=qr_svg(url, url),
        steer_minutes=security.PAIRING_SECONDS // 60,
        state=live().state(workshop),
        phases=list(Phase),
        allowed=TRANSITIONS[workshop.phase],
        error=None if timer_error else error,
        timer=_timer_controls(snapshot, timer_error),
        proposals=snapshot.proposals,
        negotiation=_negotiation_context(snapshot),
        practice_rows=snapshot.rows,
        decisions=snapshot.decisions,
        participants=snapshot.progress["participants"],
        short_title=short_title,
        paper_sheets=store().paper_sheets(workshop.id),
        comments=store().comments_for_moderation(workshop.id),
        deck=decks().get(workshop.deck),
        registers=REGISTERS,
        export_formats=list(charter.RENDERERS),
    )


def _negotiation_context(snapshot) -> dict:
    """What the negotiation panel needs: practices in tension order, decisions, clauses."""
    return {
        "rows": snapshot.rows,
        "decisions": snapshot.decisions,
        "clauses": snapshot.clauses,
        "open_round": snapshot.open_round,
        "suggestions": snapshot.suggestions,
        "kinds": list(DecisionKind),
        "focus": snapshot.focus,
        "open_revisit": snapshot.open_revisit,
        "revisit_practice": snapshot.revisit_practice,
        "loops": snapshot.loops,
        "next": _next_practice(snapshot),
    }


def _next_practice(snapshot) -> dict | None:
    """The practice to discuss after the one in focus: the next one in tension order that
    has no decision yet (from the top again after the last)."""
    rows = [r.practice for r in snapshot.rows]
    ids = [p["id"] for p in rows]
    start = ids.index(snapshot.workshop.focus) + 1 if snapshot.workshop.focus in ids else 0
    for practice in rows[start:] + rows[:start]:
        if practice["id"] != snapshot.workshop.focus and practice["id"] not in snapshot.decisions:
            return practice
    return None


def _timer_controls(snapshot, error: str | None) -> dict:
    """What the timer's controls need: what it would measure now (answering alone, the
    open round, or else a practice's discussion), the presets, a refused length."""
    if snapshot.workshop.phase in (Phase.JOINING, Phase.SCREENING):
        kind = TimerKind.SCREENING
    else:
        kind = TimerKind.ROUND if snapshot.open_round else TimerKind.PRACTICE
    return {
        "kind": kind.value,
        "presets": TIMER_PRESETS,
        "limit": MAX_TIMER_MINUTES,
        "typed": request.args.get("minutes", "")[:20],
        "error": error,
    }


@bp.post("/w/<code>/phase")
@facilitator_only
def phase(code):
    """Move the workshop to another phase; every phone follows."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        target = transition(workshop.phase, request.form.get("phase", ""))
    except Invalid as error:
        return back(workshop, error, anchor=None)
    store().set_phase(workshop.id, target)
    if workshop.timer and target != workshop.phase:
        store().set_timer(workshop.id, None)  # a timer times one moment of the workshop
    broadcaster().phase_changed(store().workshop_by_id(workshop.id))
    return redirect(url_for(".workshop", code=workshop.code), 303)


@bp.post("/w/<code>/delete")
@facilitator_only
def delete(code):
    """Erase a workshop and every answer in it, once the facilitator typed its code."""
    workshop = workshop_or_404(code, speak_its_language=False)
    if request.form.get("confirm", "").strip().upper() != workshop.code:
        return back(workshop, Invalid("error.confirm_code"), anchor=None)
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
            title, description = parse_card(form)
        except Invalid as error:
            return back(workshop, error, anchor="proposals")
        register = form.get("register") if form.get("register") in REGISTERS else ""
        practice = {
            "title": title,
            "description": description,
            "register": register,
            **_register_labels(workshop, register),
        }
    try:
        store().decide_proposal(workshop.id, proposal_id, practice)
    except Invalid as error:
        return back(workshop, error, anchor="proposals")
    if practice is not None:
        broadcaster().practices_changed(workshop)
    broadcaster().mark(workshop.id)
    return back(workshop, anchor="proposals")


@bp.get("/w/<code>/export.<fmt>")
@facilitator_only
def export(code, fmt):
    """Download the charter (html, md, odt…) or the whole workshop's archive (json)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    renderer = charter.RENDERERS.get(fmt)
    if renderer is None:
        abort(404)
    body = renderer.render(build_archive(store(), workshop))
    response = current_app.response_class(body, content_type=renderer.media_type)
    name = export_name(workshop, fmt)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_name(workshop, fmt: str) -> str:
    """charte-K7QPM.html, charter-K7QPM.md…; the archive is workshop-K7QPM.json, the
    spreadsheets reponses-K7QPM.csv, answers-K7QPM.ods."""
    french = workshop.lang == "fr"
    if fmt == "json":
        stem = "workshop"
    elif fmt in charter.SPREADSHEETS:
        stem = "reponses" if french else "answers"
    else:
        stem = "charte" if french else "charter"
    return f"{stem}-{workshop.code}{charter.RENDERERS[fmt].extension}"


@bp.post("/import")
@facilitator_only
def import_archive():
    """Bring back a workshop from its JSON archive (uploaded file, up to 8 MiB: app.py)."""
    upload = request.files.get("archive")
    try:
        if upload is None or not upload.filename:
            raise Invalid("error.archive_missing")
        try:
            archive = json.loads(upload.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # nested past any archive
            raise Invalid("error.archive_format") from None
        workshop_id = restore_archive(store(), archive)
    except Invalid as error:
        return _home(error)
    return redirect(url_for(".workshop", code=store().workshop_by_id(workshop_id).code), 303)


def _register_labels(workshop, register: str) -> dict:
    """A room's card keeps its author's words, but its register reads in each language the
    deck has: `register_label` in the workshop's, the others under `i18n` as for deck cards."""
    deck = decks().get(workshop.deck)
    if deck is None or not register:
        return {"register_label": ""}
    others = other_languages(deck)
    return {
        "register_label": deck.register_label(register),
        "i18n": {d.lang: {"register_label": d.register_label(register)} for d in others},
    }


@bp.post("/w/<code>/comments/<int:answer_id>")
@facilitator_only
def moderate(code, answer_id):
    """Hide a comment from the projector and the phones (or show it again): it stays in
    the archive, marked hidden, and never reaches the charter."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        store().set_comment_hidden(workshop.id, answer_id, request.form.get("hidden") == "1")
    except Invalid as error:
        return back(workshop, error, anchor="comments")
    broadcaster().mark(workshop.id)
    return redirect(url_for(".workshop", code=workshop.code, moderated=1, _anchor="comments"), 303)
