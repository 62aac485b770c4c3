"""The projector (/s/<code>): no controls, nothing private, only what the room may see.

While people join it shows the QR code, the join code and the address; then the number
of participants and, once revealed (or at once if results are not hidden), the map.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from workshop.netinfo import qr_svg
from workshop.realtime import map_visible
from workshop.views import join_url, live, workshop_or_404

bp = Blueprint("screen", __name__, url_prefix="/s")


@bp.get("/<code>")
def screen(code):
    """The projector page; it updates itself over Socket.IO."""
    workshop = workshop_or_404(code)
    url = join_url(workshop.code)
    state = live().state(workshop)
    if not map_visible(workshop, "screen"):
        state["map"] = None  # a copy: state() makes a new dict each time
    return render_template(
        "screen/screen.html", workshop=workshop, join_url=url, qr=qr_svg(url, url), state=state
    )
