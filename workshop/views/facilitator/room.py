"""Steering the room from the control page: what the projector shows (one practice, or the
overview), the timer that the projector, the phones and the control page count down
together, and a one-time code to steer from the facilitator's own phone."""

from __future__ import annotations

import time

from flask import abort, current_app, g, redirect, render_template, request, url_for

from workshop import i18n
from workshop.model import Invalid, Phase, parse_practice, parse_timer
from workshop.netinfo import qr_svg
from workshop.security import PAIRING_SECONDS
from workshop.views import broadcaster, phones_base, refused, store, workshop_or_404
from workshop.views.facilitator.common import back, bp, facilitator_only, signed_in


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


@bp.post("/w/<code>/steer")
@facilitator_only
def steer(code):
    """A one-time code for the facilitator's own phone: a QR code of an address that signs
    that phone in and opens this control page, good for one scan within two minutes."""
    workshop = workshop_or_404(code, speak_its_language=False)
    pairings = current_app.extensions["workshop.pairings"]
    token = pairings.new(workshop.code, time.time())
    url = phones_base() + url_for(".paired", token=token)
    return render_template(
        "facilitator/steer.html",
        workshop=workshop,
        qr=qr_svg(url, i18n.translate(g.lang, "control.steer")),
        minutes=PAIRING_SECONDS // 60,
    )


@bp.get("/steer/<token>")
def paired(token):
    """The facilitator's phone scanned a one-time code: sign it in, open the control page.
    A code already used, expired or made up gets 403 and a way to ask for another."""
    code = current_app.extensions["workshop.pairings"].redeem(token, time.time())
    workshop = store().workshop(code) if code else None
    if workshop is None:
        abort(403, description="error.steer_expired")
    return signed_in(redirect(url_for(".workshop", code=workshop.code)))
