"""Steering the room from the control page: the timer that the projector, the phones and
the facilitator's page count down together."""

from __future__ import annotations

import time

from flask import redirect, request, url_for

from workshop.model import Invalid, parse_timer
from workshop.views import broadcaster, refused, store, workshop_or_404
from workshop.views.facilitator.common import bp, facilitator_only


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
