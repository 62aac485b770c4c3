"""What the room sees of a workshop, computed once per change and per language.

A `Snapshot` holds everything the projector, the facilitator's page and the participants'
pages show of one workshop at one moment: progress, the map with its comments, the
earlier workshop's cells when this one reviews it, the negotiation (open round,
clauses, decisions, suggestions), and the method's loop (the open revisit and how many
answered it, each revisited practice's first and last pass and the shift between them;
one read of the store, `loop_state`). `Views` keeps the latest snapshot of each workshop
and its renderings, one per language asked for, until the store commits anything again:
a push, a page load and a phone reconnecting then share one set of queries and one
render per language, instead of one each.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, g, render_template

from workshop.aggregate import Cell, Loop, Row, build_loops, build_map, cells_by_key
from workshop.model import Phase, timer_state
from workshop.store import Store, Workshop


@dataclass(frozen=True)
class Snapshot:
    """One workshop as everyone may see it at one moment (nothing about who said what)."""

    workshop: Workshop
    progress: dict[str, int]
    proposals: list[dict]
    rows: list[Row]
    before: dict[tuple[str, str], Cell]
    open_round: dict | None
    clauses: list[dict]
    decisions: dict[str, dict]
    suggestions: list[dict]
    #: Every revisit, in the order opened (`practice`, `pass`, `opened_at`, `closed_at`).
    revisits: list[dict] = field(default_factory=list)
    #: The open revisit (`practice`, `pass`, `opened_at`, `answered`: how many people
    #: answered it so far), or None.
    open_revisit: dict | None = None
    #: The revisited practices (their last pass closed and answered), in the map's order:
    #: first and last pass side by side, and the shift per sphere (aggregate.Loop).
    loops: dict[str, Loop] = field(default_factory=dict)

    @property
    def negotiating(self) -> bool:
        return self.workshop.phase in (Phase.NEGOTIATION, Phase.CHARTER)

    @property
    def focus(self) -> dict | None:
        """The practice under discussion, if the facilitator chose one."""
        focus = self.workshop.focus
        return next((p for p in self.workshop.practices if p["id"] == focus), None)

    @property
    def answered_share(self) -> int:
        """How much of the answers the room could give it has given, in whole percent."""
        possible = self.progress["participants"] * self.progress["questions"]
        return round(100 * self.progress["answers"] / possible) if possible else 0

    @property
    def focus_row(self) -> Row | None:
        return self.row(self.workshop.focus)

    def row(self, practice_id: str | None) -> Row | None:
        """The map's row of one practice, with its place in the tension order."""
        return next((r for r in self.rows if practice_id and r.practice["id"] == practice_id), None)

    def stage(self, practice_id: str | None = None) -> tuple[str, Row | None]:
        """What the projector shows now (templates/screen/_<view>.html), and of which
        practice: the phase decides, then the practice in focus, the facilitator's
        (`workshop.focus`) or one the projector's keys asked for (`practice_id`).

        - joining: the join view (screen.html itself: the QR code needs the request);
        - screening: the progress, or the overview if results are not hidden;
        - map: one practice in focus, else the overview of every practice;
        - negotiation: the open revisit (how many answered the practice asked again),
          else the practice under discussion (else the open round's) with its round,
          else the overview in tension order; another practice the keys asked for, in
          focus;
        - charter: the adopted clauses.

        `practice_id` "" asks for the overview (the projector's Esc) in the map and
        negotiation phases.
        """
        workshop = self.workshop
        phase = workshop.phase
        if phase == Phase.JOINING:
            return "join", None
        if phase == Phase.CHARTER:
            return "charter", None
        if phase == Phase.SCREENING:
            return ("progress" if workshop.results_hidden else "overview"), None
        if practice_id == "":
            return "overview", None
        if phase == Phase.NEGOTIATION and practice_id in (None, workshop.focus):
            if self.open_revisit:
                return "revisit", self.row(self.open_revisit["practice"])
            if workshop.focus:
                return "negotiation", self.row(workshop.focus)
            if self.open_round:  # the round's practice (None: a clause for the charter)
                return "negotiation", self.row(self.open_round["practice_id"])
            return "overview", None
        row = self.row(practice_id or workshop.focus)
        return ("focus", row) if row else ("overview", None)

    @property
    def revisit_practice(self) -> dict | None:
        """The practice of the open revisit, if one is open."""
        revisit = self.open_revisit
        return next(
            (p for p in self.workshop.practices if revisit and p["id"] == revisit["practice"]),
            None,
        )

    @property
    def adopted(self) -> list[dict]:
        return [c for c in self.clauses if c["status"] in ("adopted", "adopted_with_dissent")]


def take(store: Store, workshop: Workshop) -> Snapshot:
    """Read a workshop's snapshot from the store (every query the screens need, once)."""
    rows = build_map(
        workshop.practices, store.answer_counts(workshop.id), store.comments(workshop.id)
    )
    loop = store.loop_state(workshop.id)
    return Snapshot(
        workshop=workshop,
        progress=store.progress(workshop.id),
        proposals=store.proposals(workshop.id, "pending"),
        rows=rows,
        before=_before(store, workshop),
        open_round=store.open_round_of(workshop.id),
        clauses=store.clauses(workshop.id),
        decisions=store.decisions(workshop.id),
        suggestions=store.suggestions(workshop.id),
        revisits=loop["revisits"],
        open_revisit=loop["open"],
        loops=build_loops(rows, loop["last"], loop["counts"], loop["comments"]),
    )


def _revisit_state(revisit: dict | None) -> dict | None:
    """The open revisit as the screens hear it: its practice, pass and how many answered."""
    if revisit is None:
        return None
    return {key: revisit[key] for key in ("practice", "pass", "answered")}


def _before(store: Store, workshop: Workshop) -> dict[tuple[str, str], Cell]:
    """The earlier workshop's cells, when this one reviews it (then and now): where that
    group ended, a practice it looked at again by its last pass."""
    previous = store.workshop_by_id(workshop.previous_id) if workshop.previous_id else None
    if previous is None:
        return {}
    return cells_by_key(build_map(previous.practices, store.final_counts(previous.id)))


def _round(open_round: dict | None) -> dict | None:
    """The open round as the room may see it: its tally and the reasons, never who."""
    if open_round is None:
        return None
    keys = ("id", "clause_id", "number", "tally", "objections", "reservations")
    return {key: open_round[key] for key in keys}


@dataclass
class _Entry:
    version: int
    snapshot: Snapshot
    maps: dict[str, str | None] = field(default_factory=dict)
    #: The projector's stage, by language and what its keys asked for (`Snapshot.stage`).
    stages: dict[tuple[str, str | None, bool], str] = field(default_factory=dict)
    easy_maps: dict[str, str | None] = field(default_factory=dict)


class Views:
    """The latest snapshot of each workshop, and its renderings per language."""

    def __init__(self, app: Flask, store: Store) -> None:
        self.app = app
        self.store = store
        self._entries: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    def snapshot(self, workshop: Workshop) -> Snapshot:
        return self._entry(workshop).snapshot

    def state(self, workshop: Workshop, lang: str | None = None) -> dict:
        """What the facilitator's page shows: phase, progress, the map's HTML (in the
        workshop's language, or `lang`), the open revisit and round, the practice in focus
        and the timer (its seconds left counted now, not when the entry was cached)."""
        entry = self._entry(workshop)
        snapshot, lang = entry.snapshot, lang or workshop.lang
        return {
            "phase": snapshot.workshop.phase.value,
            "progress": snapshot.progress,
            "proposals": len(snapshot.proposals),
            "map": self._render(entry, lang, "map"),
            "revisit": _revisit_state(snapshot.open_revisit),
            "focus": snapshot.workshop.focus,
            "round": _round(snapshot.open_round),
            "timer": timer_state(snapshot.workshop.timer, time.time()),
        }

    def screen_state(
        self, workshop: Workshop, practice_id: str | None = None, last: bool = False
    ) -> dict:
        """What the projector shows: its stage's HTML and what it needs to follow along."""
        entry = self._entry(workshop)
        snapshot = entry.snapshot
        return {
            "phase": snapshot.workshop.phase.value,
            "progress": snapshot.progress,
            "focus": snapshot.workshop.focus,
            "revisit": _revisit_state(snapshot.open_revisit),
            "timer": timer_state(snapshot.workshop.timer, time.time()),
            "view": snapshot.stage(practice_id)[0],
            "stage": self.stage(workshop, practice_id, last),
        }

    def stage(self, workshop: Workshop, practice_id: str | None = None, last: bool = False) -> str:
        """The projector's stage in the workshop's language (rendered once per change);
        `last`: the overview shows the revisited practices' last pass."""
        entry = self._entry(workshop)
        snapshot, lang = entry.snapshot, workshop.lang
        key = (lang, practice_id, last)
        if key not in entry.stages:
            view, row = snapshot.stage(practice_id)
            with self.app.app_context():
                g.lang = lang
                entry.stages[key] = render_template(
                    "screen/_stage.html", s=snapshot, view=view, row=row, last=last
                )
        return entry.stages[key]

    def map_html(self, workshop: Workshop, lang: str) -> str | None:
        """The map alone, as a participant reading `lang` sees it (in easy-read words
        when the workshop is easy-read)."""
        return self._render(
            self._entry(workshop), lang, "easy_map" if workshop.easy_read else "map"
        )

    def forget(self, workshop_id: int) -> None:
        """Drop an erased workshop's snapshot."""
        with self._lock:
            self._entries.pop(workshop_id, None)

    def _entry(self, workshop: Workshop) -> _Entry:
        """The cached entry while nothing was committed since it was read, else a new one.

        The version is read before the queries: a commit during them leaves the entry
        stale, and the next call reads again."""
        version = self.store.version
        with self._lock:
            entry = self._entries.get(workshop.id)
        if entry is not None and entry.version == version and entry.snapshot.workshop == workshop:
            return entry
        entry = _Entry(version, take(self.store, workshop))
        with self._lock:
            self._entries[workshop.id] = entry
        return entry

    def _render(self, entry: _Entry, lang: str, part: str) -> str | None:
        cache = entry.easy_maps if part == "easy_map" else entry.maps
        if lang not in cache:
            snapshot = entry.snapshot
            with self.app.app_context():
                g.lang = lang
                if part == "easy_map":
                    cache[lang] = render_template(
                        "participant/_map_easy.html", rows=snapshot.rows, workshop=snapshot.workshop
                    )
                else:
                    cache[lang] = render_template(
                        "_map.html",
                        rows=snapshot.rows,
                        workshop=snapshot.workshop,
                        before=snapshot.before,
                    )
        return cache[lang]
