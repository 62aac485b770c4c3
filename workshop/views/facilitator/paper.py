"""Paper parity: numbered ballots to print, proxy entry counted exactly like phones, and
paper answers in consent rounds."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from workshop.model import Answer, Invalid, Sphere, Vote, parse_consent, parse_sheet
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
    """Enter a paper ballot: one row per question, the four answers as keyboard radios."""
    workshop = workshop_or_404(code, speak_its_language=False)
    entered = store().paper_sheets(workshop.id)
    sheet = request.args.get("sheet") or str(max(entered or [0]) + 1)
    try:
        number = parse_sheet(sheet)
    except Invalid as error:
        return back(workshop, error, anchor="paper")
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
        sheet = parse_sheet(request.form.get("sheet"))
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
        return back(workshop, error, anchor="paper")
    participant = store().paper_participant(workshop.id, sheet)
    store().save_votes(participant, votes)
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
