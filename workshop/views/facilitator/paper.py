"""Paper parity: numbered ballots to print, proxy entry counted exactly like phones, and
paper answers in consent rounds and in the open revisit (a practice asked again after
discussion: the entry screen then asks that practice only, for its pass)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from workshop.model import (
    FIRST_PASS,
    Answer,
    Invalid,
    Sphere,
    Vote,
    check_pass,
    parse_consent,
    parse_pass,
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
    revisit = store().open_revisit_of(workshop.id)
    pass_ = revisit["pass"] if revisit else FIRST_PASS
    answers = {}
    if number in store().paper_sheets(workshop.id):
        person = store().paper_participant(workshop.id, number)
        answers = store().answers_of(person.id, pass_)
    practices = _practices(workshop, pass_, revisit)
    return _entry(workshop, number, answers, pass_, practices, saved=request.args.get("saved"))


def _next_sheet(workshop) -> int:
    return max(store().paper_sheets(workshop.id) or [0]) + 1


def _practices(workshop, pass_: int, revisit: dict | None) -> list[dict]:
    """The cards a sheet answers: all of them in the first pass; in a later pass the
    open revisit's, or (when it closed meanwhile) those the form sent answers for."""
    if pass_ == FIRST_PASS:
        return list(workshop.practices)
    if revisit is not None:
        return [p for p in workshop.practices if p["id"] == revisit["practice"]]
    sent = {name.split(":", 1)[0] for name in request.form if ":" in name}
    return [p for p in workshop.practices if p["id"] in sent]


def _entry(workshop, sheet, answers, pass_, practices, errors=None, saved=None, status=200):
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
        pass_=pass_,
        practices=practices,
    ), status


@bp.post("/w/<code>/paper")
@facilitator_only
def save_paper(code):
    """Count a paper ballot exactly like a phone's answers (the data says it was paper):
    the same rules, the same phase, the same pass (`pass`: the first, or the open
    revisit's); a refused question comes back with what was typed, and then nothing of
    the ballot is saved (it is saved whole, in one transaction)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        pass_ = parse_pass(request.form.get("pass"))
        if pass_ == FIRST_PASS:
            check_pass(workshop.phase, "", pass_, None)
        sheet = parse_sheet(request.form.get("sheet"))
    except Invalid as error:
        return back(workshop, error, anchor="paper")
    revisit = store().open_revisit_of(workshop.id) if pass_ != FIRST_PASS else None
    practices = _practices(workshop, pass_, revisit)
    votes, typed, errors = _read_sheet(workshop, practices, pass_)
    try:
        if pass_ != FIRST_PASS:
            check_pass(workshop.phase, revisit["practice"] if revisit else "", pass_, revisit)
        if not errors:
            store().save_votes(store().paper_participant(workshop.id, sheet), votes)
    except Invalid as error:  # the revisit closed: the sheet comes back whole, and why
        return _entry(workshop, sheet, typed, pass_, practices, {"": error}, status=409)
    if errors:
        return _entry(workshop, sheet, typed, pass_, practices, errors, status=400)
    broadcaster().mark(workshop.id)
    return redirect(url_for(".paper", code=workshop.code, sheet=sheet + 1, saved=sheet), 303)


def _read_sheet(workshop, practices: list[dict], pass_: int) -> tuple[list, dict, dict]:
    """The sheet's answers as typed: (votes, what was typed, refusals by question)."""
    votes, typed, errors = [], {}, {}
    for practice in practices:
        for sphere in Sphere:
            name = f"{practice['id']}:{sphere.value}"
            value = request.form.get(name, "")
            comment = request.form.get(f"{name}:comment", "")
            if not value and not comment.strip():
                continue
            key = (practice["id"], sphere.value)
            typed[key] = {"value": value, "comment": comment}
            data = {"practice": practice["id"], "sphere": sphere.value, "pass": pass_}
            try:
                votes.append(Vote.parse(workshop.practice_ids, {**data, **typed[key]}))
            except Invalid as error:
                errors[key] = error
    return votes, typed, errors


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
