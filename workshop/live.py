"""What the room sees of a workshop, computed once per change and per language.

A `Snapshot` holds everything the projector, the facilitator's page and the participants'
pages show of one workshop at one moment: progress, the map with its comments, the
earlier workshop's cells when this one reviews it, and the negotiation (open round,
clauses, decisions, suggestions). `Views` keeps the latest snapshot of each workshop and
its renderings, one per language asked for, until the store commits anything again: a
push, a page load and a phone reconnecting then share one set of queries and one render
per language, instead of one each.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from flask import Flask, g, render_template

from workshop.aggregate import Cell, Row, build_map, cells_by_key
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

    @property
    def negotiating(self) -> bool:
        return self.workshop.phase in (Phase.NEGOTIATION, Phase.CHARTER)

    @property
    def focus(self) -> dict | None:
        """The practice under discussion, if the facilitator chose one."""
        focus = self.workshop.focus
        return next((p for p in self.workshop.practices if p["id"] == focus), None)

    @property
    def focus_row(self) -> Row | None:
        focus = self.workshop.focus
        return next((r for r in self.rows if focus and r.practice["id"] == focus), None)

    @property
    def adopted(self) -> list[dict]:
        return [c for c in self.clauses if c["status"] in ("adopted", "adopted_with_dissent")]


def take(store: Store, workshop: Workshop) -> Snapshot:
    """Read a workshop's snapshot from the store (every query the screens need, once)."""
    return Snapshot(
        workshop=workshop,
        progress=store.progress(workshop.id),
        proposals=store.proposals(workshop.id, "pending"),
        rows=build_map(
            workshop.practices, store.answer_counts(workshop.id), store.comments(workshop.id)
        ),
        before=_before(store, workshop),
        open_round=store.open_round_of(workshop.id),
        clauses=store.clauses(workshop.id),
        decisions=store.decisions(workshop.id),
        suggestions=store.suggestions(workshop.id),
    )


def _before(store: Store, workshop: Workshop) -> dict[tuple[str, str], Cell]:
    """The earlier workshop's cells, when this one reviews it (then and now)."""
    previous = store.workshop_by_id(workshop.previous_id) if workshop.previous_id else None
    if previous is None:
        return {}
    return cells_by_key(build_map(previous.practices, store.answer_counts(previous.id)))


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
    negotiations: dict[str, str | None] = field(default_factory=dict)


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
        """What the projector and the facilitator's page show: phase, progress, the map's
        HTML and the negotiation's (in the workshop's language, or `lang`), the practice
        in focus and the timer (its seconds left counted now, not when the entry was
        cached)."""
        entry = self._entry(workshop)
        snapshot, lang = entry.snapshot, lang or workshop.lang
        return {
            "phase": snapshot.workshop.phase.value,
            "progress": snapshot.progress,
            "proposals": len(snapshot.proposals),
            "map": self._render(entry, lang, "map"),
            "negotiation": self._render(entry, lang, "negotiation"),
            "focus": snapshot.workshop.focus,
            "round": _round(snapshot.open_round),
            "timer": timer_state(snapshot.workshop.timer, time.time()),
        }

    def map_html(self, workshop: Workshop, lang: str) -> str | None:
        """The map alone, as a participant reading `lang` sees it."""
        return self._render(self._entry(workshop), lang, "map")

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
        cache = entry.maps if part == "map" else entry.negotiations
        if lang not in cache:
            snapshot = entry.snapshot
            with self.app.app_context():
                g.lang = lang
                if part == "map":
                    cache[lang] = render_template(
                        "_map.html",
                        rows=snapshot.rows,
                        workshop=snapshot.workshop,
                        before=snapshot.before,
                    )
                elif snapshot.negotiating:
                    cache[lang] = render_template(
                        "_negotiation.html",
                        workshop=snapshot.workshop,
                        rows=snapshot.rows,
                        open_round=snapshot.open_round,
                        clauses=snapshot.clauses,
                        decisions=snapshot.decisions,
                    )
                else:
                    cache[lang] = None
        return cache[lang]
