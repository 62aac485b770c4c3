"""The facilitator's pages (/f/): one blueprint, its routes grouped by what they do.

`common` holds the blueprint and the facilitator-only guard; importing the other modules
attaches their routes to it: `home` (workshops, the control page, phases, proposals,
erase, import and export), `create` (a new workshop), `negotiation` (decisions,
clauses, consent rounds), `paper` (ballots and their entry), `room` (what the projector
shows, the timer).
"""

from workshop.views.facilitator import create, home, negotiation, paper, room
from workshop.views.facilitator.common import bp

__all__ = ["bp", "create", "home", "negotiation", "paper", "room"]
