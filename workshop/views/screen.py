"""The projector (/s/<code>): no controls, nothing private, only what the room may see.

While people join it shows the QR code, the join code and the address; then, filling the
screen without scrolling, the stage of the phase: the progress of the answers, the map of
every practice, one practice in focus, the negotiation, the charter (`Snapshot.stage`).
The page follows the workshop over Socket.IO; its keys (static/js/screen.js) browse the
practices on this screen only, and what the facilitator puts in focus shows at once.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from workshop.netinfo import qr_svg
from workshop.views import join_url, live, workshop_or_404

bp = Blueprint("screen", __name__, url_prefix="/s")


def _asked(workshop) -> str | None:
    """What the projector's keys (or a click on the overview) asked for: a practice of the
    workshop (`?practice=<id>`), the overview (`?view=overview`: ""), else None, the
    phase's own view."""
    if request.args.get("view") == "overview":
        return ""
    practice = request.args.get("practice", "")
    return practice if practice in workshop.practice_ids else None


def _last() -> bool:
    """`?pass=last`: the overview shows the last pass of the practices asked again."""
    return request.args.get("pass") == "last"


@bp.get("/<code>")
def screen(code):
    """The projector page; it updates itself over Socket.IO."""
    workshop = workshop_or_404(code)
    url = join_url(workshop.code)
    state = live().screen_state(workshop, _asked(workshop), _last())
    return render_template(
        "screen/screen.html", workshop=workshop, join_url=url, qr=qr_svg(url, url), state=state
    )


@bp.get("/<code>/stage")
def stage(code):
    """The stage alone (an HTML fragment), for the projector's keys: `?practice=<id>` or
    `?view=overview`, and `pass=last`."""
    workshop = workshop_or_404(code)
    return live().stage(workshop, _asked(workshop), _last())
