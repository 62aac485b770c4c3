"""The negotiation from the facilitator's side: decisions, clauses and their consent
rounds, revisits (a practice asked again after discussion), and what the charter says
about itself (putting a practice on the projector is in room.py)."""

from __future__ import annotations

from flask import request

from workshop.model import (
    CLAUSE_DECISIONS,
    Invalid,
    parse_charter_details,
    parse_clause,
    parse_commitment,
    parse_decision,
    parse_practice,
)
from workshop.views import broadcaster, store, workshop_or_404
from workshop.views.facilitator.common import back, bp, facilitator_only


@bp.post("/w/<code>/revisit")
@facilitator_only
def revisit(code):
    """Ask a practice's three questions again after discussion (`action=open`, for
    `practice` or else the one under discussion), or close the open revisit
    (`action=close`). Phones and the paper entry screen follow."""
    workshop = workshop_or_404(code, speak_its_language=False)
    action = request.form.get("action")
    try:
        if action == "open":
            chosen = parse_practice(workshop.practice_ids, request.form.get("practice"), True)
            store().open_revisit(workshop.id, workshop.phase, chosen or workshop.focus)
        elif action == "close":
            store().close_revisit(workshop.id)
        else:
            raise Invalid("error.bad_request")
    except Invalid as error:
        return back(workshop, error)
    broadcaster().revisit_changed(workshop)
    return back(workshop)


@bp.post("/w/<code>/decision")
@facilitator_only
def decision(code):
    """Record the group's decision for a practice (keep, keep with conditions, replace…)."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        practice, kind, detail = parse_decision(workshop.practice_ids, request.form)
    except Invalid as error:
        return back(workshop, error)
    store().set_decision(workshop.id, practice, kind, detail)
    broadcaster().mark(workshop.id)
    return back(workshop)


@bp.post("/w/<code>/clauses")
@facilitator_only
def add_clause(code):
    """Draft a clause, for a practice or for the whole charter."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        practice = parse_practice(workshop.practice_ids, request.form.get("practice"), True)
        text = parse_clause(request.form.get("text"))
    except Invalid as error:
        return back(workshop, error)
    store().add_clause(workshop.id, practice, text)
    broadcaster().mark(workshop.id)
    return back(workshop)


@bp.post("/w/<code>/clauses/<int:clause_id>")
@facilitator_only
def clause_action(code, clause_id):
    """Amend, open or close a round, adopt (with or without dissent), withdraw, commit."""
    workshop = workshop_or_404(code, speak_its_language=False)
    action = request.form.get("action")
    try:
        if action == "edit":
            store().edit_clause(workshop.id, clause_id, parse_clause(request.form.get("text")))
        elif action == "open":
            store().open_round(workshop.id, clause_id)
        elif action == "close":
            store().close_round(workshop.id, clause_id)
        elif action in CLAUSE_DECISIONS:
            store().decide_clause(workshop.id, clause_id, CLAUSE_DECISIONS[action])
        elif action == "commitment":
            store().set_commitment(workshop.id, clause_id, *parse_commitment(request.form))
        else:
            raise Invalid("error.bad_request")
    except Invalid as error:
        return back(workshop, error)
    if action in ("open", "close", *CLAUSE_DECISIONS):
        broadcaster().negotiation_changed(workshop)
    broadcaster().mark(workshop.id)
    return back(workshop)


@bp.post("/w/<code>/charter")
@facilitator_only
def charter_details(code):
    """Team, place, date and review date: what the charter says about itself."""
    workshop = workshop_or_404(code, speak_its_language=False)
    try:
        details = parse_charter_details(request.form)
    except Invalid as error:
        return back(workshop, error)
    store().set_charter_details(workshop.id, details)
    return back(workshop)
