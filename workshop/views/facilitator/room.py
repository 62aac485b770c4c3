"""Steering the room from the control page: what the projector shows (one practice, or the
overview), and the timer that the projector, the phones and the control page count down
together."""

from __future__ import annotations

import time

from flask import redirect, request, url_for

from workshop.model import Invalid, Phase, parse_practice, parse_timer
from workshop.views import broadcaster, refused, store, workshop_or_404
from workshop.views.facilitator.common import back, bp, facilitator_only


@bp.post("/w/<code>/focus")
@facilitator_only
def focus(code):
    """Put one practice on the projector: in the map phase the projector shows it alone,
    in negotiation it is under discussion and the phones follow. An empty `practice`
    goes back to the overview."""
    workshop = workshop_or_404(code, speak_its_language=False)
    negotiating = workshop.phase in (Phase.NEGOTIATION, Phase.CHARTER)
    anchor = "negotiation" if negotiating else "practices"
    value = request.form.get("practice")
    try:
        if value is None:
            raise Invalid("error.unknown_practice")
        store().set_focus(workshop.id, parse_practice(workshop.practice_ids, value, True))
    except Invalid as error:
        return back(workshop, error, anchor=anchor)
    if negotiating:
        broadcaster().negotiation_changed(workshop)
    else:
        broadcaster().mark(workshop.id)
    return back(workshop, anchor=anchor)


@bp.post("/w/<code>/timer")
@facilitator_only
def timer(code):
    """Start the timer (what it times, how many minutes), or stop it (`action=stop`). A
    refused length comes back to the control page with what was typed."""
    workshop = workshop_or_404(code, speak_its_language=False)
    if request.form.get("action") == "stop":
        chosen = None
    else:
        try:
            chosen = parse_timer(request.form, time.time())
        except Invalid as error:
            typed = str(request.form.get("minutes", ""))[:20]
            return redirect(
                url_for(
                    ".workshop",
                    code=workshop.code,
                    minutes=typed,
                    _anchor="timer",
                    **refused(error),
                ),
                303,
            )
    store().set_timer(workshop.id, chosen)
    broadcaster().timer_changed(store().workshop_by_id(workshop.id))
    return redirect(url_for(".workshop", code=workshop.code, _anchor="timer"), 303)
