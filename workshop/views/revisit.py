"""The method's loop on a participant's phone: the card of the open revisit.

During the negotiation the facilitator may ask one practice's three questions again
(model: `check_pass`). The phone's negotiation page then invites the person to answer
(`invitation`), and the practice's card (`/j/<code>/card/<n>`) shows its three questions
again, empty, with a line saying it is a new look after the discussion (`card`); its
form posts the pass with the answers (`save`). A refusal (the revisit closed meanwhile)
comes back with everything as typed. Works without JavaScript; participant.js saves as
you go, with the pass, as on any card.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from workshop.model import Answer, Invalid, Sphere, check_pass, parse_pass
from workshop.store import Participant, Workshop
from workshop.views import broadcaster, live, save_card_answers, store, typed_card


def invitation(workshop: Workshop, participant: Participant) -> dict | None:
    """What the negotiation page says of the open revisit: its practice, the card's
    number, the pass, and whether this person answered it yet; None when none is open."""
    snapshot = live().snapshot(workshop)
    revisit, practice = snapshot.open_revisit, snapshot.revisit_practice
    if revisit is None or practice is None:
        return None
    mine = store().answers_of(participant.id, revisit["pass"])
    return {
        "practice": practice,
        "number": workshop.practices.index(practice) + 1,
        "pass": revisit["pass"],
        "answered": any(key[0] == practice["id"] for key in mine),
    }


def is_open_for(workshop: Workshop, number: int) -> dict | None:
    """The open revisit, if it is card `number`'s practice."""
    revisit = store().open_revisit_of(workshop.id)
    if revisit and revisit["practice"] == workshop.practices[number - 1]["id"]:
        return revisit
    return None


def card(workshop, participant, number, pass_, page_data, typed=None, errors=None, status=200):
    """The card of a revisit: the practice's three questions again, with this person's
    answers of that pass (none at first), or what they typed when it was refused. In an
    easy-read workshop, one question per screen: `?q=1..3`, as on the screening's card."""
    practice = workshop.practices[number - 1]
    step = min(max(request.values.get("q", type=int) or 1, 1), len(Sphere))
    saved = store().answers_of(participant.id, pass_)
    mine = {s.value: saved.get((practice["id"], s.value), {}) for s in Sphere}
    mine.update(typed or {})
    return render_template(
        "participant/revisit.html",
        workshop=workshop,
        participant=participant,
        number=number,
        practice=practice,
        pass_=pass_,
        step=step,
        mine=mine,
        errors=errors or {},
        page_data=page_data,
        spheres=list(Sphere),
        scale=list(Answer),
    ), status


def save(workshop, participant, number, page_data):
    """Save the answers of a revisit's card, if that revisit is still the open one.

    A refused pass (closed meanwhile, or not this practice's) brings the card back with
    the reason and everything as typed, nothing saved (409); a refused question, with
    its reason beside it (400), the others saved."""
    practice = workshop.practices[number - 1]
    typed = typed_card(request.form)
    try:
        pass_ = parse_pass(request.form.get("pass"))
        check_pass(workshop.phase, practice["id"], pass_, store().open_revisit_of(workshop.id))
    except Invalid as error:
        shown = request.form.get("pass", "")
        pass_ = int(shown) if shown.isdigit() and len(shown) < 4 else 2
        return card(workshop, participant, number, pass_, page_data, typed, {"": error}, 409)
    errors = save_card_answers(workshop, participant, practice["id"], typed, pass_)
    broadcaster().mark(workshop.id)
    if errors:
        kept = {s: typed[s] for s in errors}
        return card(workshop, participant, number, pass_, page_data, kept, errors, 400)
    go = request.form.get("go")
    if workshop.easy_read and go in ("next", "previous"):  # one question per screen
        step = (request.form.get("q", type=int) or 1) + (1 if go == "next" else -1)
        if 1 <= step <= len(Sphere):
            where = url_for("participant.card", code=workshop.code, number=number, q=step)
            return redirect(where, 303)
    return redirect(url_for("participant.home", code=workshop.code, _anchor="revisit"), 303)
