"""All SQL: the workshop's data in one SQLite file (WAL), with one writer and group commit.

`Store` is composed of one mixin per area, each on the `Engine` (engine.py: connections,
the single writer, acknowledged = committed with `synchronous=FULL`):

- workshops.py: workshops, their cards, phase, focus, charter details, proposals;
- answers.py: participants (phones and paper ballots), answers, counts, progress;
- negotiation.py: decisions, clauses, consent rounds, suggestions;
- revisits.py: the method's loop, a practice asked again after discussion (its passes);
- archive.py: the rows of an archive, and a workshop restored from one.

schema.py holds the migrations, rows.py the values handed out (`Workshop`,
`Participant`). Nothing here imports Flask: the command line and the archive use the
store without a web server.
"""

from __future__ import annotations

from workshop.store.answers import Answers
from workshop.store.archive import Archives
from workshop.store.engine import Workers, now
from workshop.store.negotiation import Negotiation
from workshop.store.revisits import Revisits
from workshop.store.rows import Participant, Workshop
from workshop.store.schema import SCHEMA
from workshop.store.workshops import Workshops

__all__ = ["SCHEMA", "Participant", "Store", "Workers", "Workshop", "now"]


class Store(Workshops, Answers, Negotiation, Revisits, Archives):
    """The data folder's database. Use `read` and `write`, or the named queries."""
