"""Paper parity: numbered ballots to print, proxy entry counted exactly like phones, and
paper answers in consent rounds."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from workshop.model import (
    Answer,
    Invalid,
    Sphere,
    Vote,
    check_answering,
    parse_consent,
    parse_sheet,
)
from workshop.views import broadcaster, store, workshop_or_404
from workshop.views.facilitator.common import back, bp, facilitator_only


@bp.get("/w/<code>/ballots")
@facilitator_only
def ballots(code):
    """Numbered paper ballots to print: every card, every sphere, the four answers."""
    workshop = workshop_or_404(code)
    try:
        count = parse_sheet(request.args.get("count", "10"))
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
    """Enter a paper ballot: per question the four answers as keyboard radios, a comment."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        number = parse_sheet(request.args.get("sheet") or _next_sheet(workshop))
    except Invalid as error:
        return back(workshop, error, anchor="paper")
    answers = {}
    if number in store().paper_sheets(workshop.id):
        answers = store().answers_of(store().paper_participant(workshop.id, number).id)
    return _entry(workshop, number, answers, saved=request.args.get("saved"))


def _next_sheet(workshop) -> int:
    return max(store().paper_sheets(workshop.id) or [0]) + 1


def _entry(workshop, sheet: int, answers: dict, errors=None, saved=None, status=200):
    return render_template(
        "facilitator/paper.html",
        workshop=workshop,
        sheet=sheet,
        entered=store().paper_sheets(workshop.id),
        answers=answers,
        errors=errors or {},
        spheres=list(Sphere),
        scale=list(Answer),
        saved=saved,
    ), status


@bp.post("/w/<code>/paper")
@facilitator_only
def save_paper(code):
    """Count a paper ballot exactly like a phone's answers (the data says it was paper):
    the same rules, the same phase; a refused question comes back with what was typed,
    and then nothing of the ballot is saved (it is saved whole, in one transaction)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        check_answering(workshop.phase)
        sheet = parse_sheet(request.form.get("sheet"))
    except Invalid as error:
        return back(workshop, error, anchor="paper")
    votes, typed, errors = [], {}, {}
    for practice in workshop.practices:
        for sphere in Sphere:
            name = f"{practice['id']}:{sphere.value}"
            value = request.form.get(name, "")
            comment = request.form.get(f"{name}:comment", "")
            if not value and not comment.strip():
                continue
            typed[(practice["id"], sphere.value)] = {"value": value, "comment": comment}
            data = {"practice": practice["id"], "sphere": sphere.value}
            try:
                votes.append(
                    Vote.parse(
                        workshop.practice_ids, {**data, **typed[data["practice"], sphere.value]}
                    )
                )
            except Invalid as error:
                errors[(practice["id"], sphere.value)] = error
    if errors:
        return _entry(workshop, sheet, typed, errors, status=400)
    store().save_votes(store().paper_participant(workshop.id, sheet), votes)
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
        sheet = parse_sheet(request.form.get("sheet"))
        value, reason = parse_consent(request.form)
        participant = store().paper_participant(workshop.id, sheet)
        store().save_consent(open_round["id"], participant.id, value, reason)
    except Invalid as error:
        return back(workshop, error)
    broadcaster().mark(workshop.id)
    return back(workshop)
