"""The charter document: what the group decided, rendered from the workshop archive.

A charter has to outlive the tool and the laptop it ran on, so every format stands on its
own: HTML with its stylesheet and map inline (print it to A4 or PDF from any browser),
OpenDocument for LibreOffice (the organisation edits it later), Markdown, and the JSON
archive itself (`docs/archive-format.md`), which a later workshop imports to compare.

Every renderer reads one `Charter` made by `build()`, so the formats cannot disagree about
what was adopted. User text is cleaned once there (characters XML 1.0 forbids are
dropped) and escaped by each renderer for its own syntax. The charter never shows a
name: the archive holds none, and the document reads nothing about participants but
their number.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial
from xml.sax.saxutils import escape, quoteattr

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from workshop import i18n
from workshop.aggregate import build_map, level
from workshop.archive import check_archive
from workshop.model import Answer, ClauseStatus, Consent, DecisionKind, Sphere
from workshop.paths import resource_dir

FORMATS = ("html", "md", "odt", "json")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "odt": "application/vnd.oasis.opendocument.text",
    "json": "application/json",
}
EXTENSIONS = {"html": ".html", "md": ".md", "odt": ".odt", "json": ".json"}

#: The four answers: a colour AND a sign, so the map reads in black and white too.
COLOURS = {
    Answer.FINE: "#1b6e36",
    Answer.DISCUSS: "#a85400",
    Answer.PROBLEM: "#b3261e",
    Answer.UNSURE: "#5f6368",
}
ICONS = {Answer.FINE: "✓", Answer.DISCUSS: "↔", Answer.PROBLEM: "✗", Answer.UNSURE: "?"}
ROOM_MARK = "◆"
ADOPTED = (ClauseStatus.ADOPTED.value, ClauseStatus.ADOPTED_WITH_DISSENT.value)
TALLY = tuple(c.value for c in Consent)


# --- Cleaning and dates ------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: object) -> str:
    """User text made safe to put in any format: no control characters, no lone
    surrogates (both are illegal in XML 1.0 and garble HTML), newlines normalised."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", text).strip()


def format_date(lang: str, value: object) -> str:
    """An ISO date (or date-time) in words, "28 novembre 2026"; other text as it is,
    since a facilitator may have typed "printemps 2027"."""
    text = clean(value)
    if len(text) < 10 or (len(text) > 10 and text[10] not in "T "):
        return text
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return text
    months = i18n.translate(lang, "charter.months").split(",")
    number = i18n.translate(lang, "charter.day_one") if day.day == 1 else str(day.day)
    return i18n.translate(
        lang, "charter.date_format", day=number, month=months[day.month - 1], year=day.year
    )


# --- The document model ------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    from_room: bool = False


@dataclass
class MapRow:
    """One practice on the map: the whole distribution per sphere, never an average."""

    practice: Practice
    tension: str
    cells: dict[Sphere, dict[Answer, int]]

    def answered(self, sphere: Sphere) -> int:
        return sum(self.cells[sphere].values())


@dataclass
class Round:
    number: int
    text: str
    tally: dict[str, int]
    reservations: list[str]
    objections: list[str]


@dataclass
class Clause:
    number: int
    text: str
    status: str
    practice: Practice | None
    rounds: list[Round]
    who: str = ""
    by: str = ""

    @property
    def final(self) -> Round | None:
        """The round that decided: the last closed one (open rounds are left out)."""
        return self.rounds[-1] if self.rounds else None

    @property
    def earlier(self) -> list[Round]:
        return self.rounds[:-1]

    @property
    def has_commitment(self) -> bool:
        return bool(self.who or self.by)


@dataclass
class Decision:
    practice: Practice
    kind: str
    detail: str


@dataclass
class Changes:
    """What changed since the earlier workshop this one reviews (archive["review"])."""

    title: str
    date: str
    decisions: list[tuple[Practice, str, str]]
    new: list[str]
    dropped: list[str]
    kept: list[str]


@dataclass
class Charter:
    """Everything the charter says, in reading order, texts already cleaned."""

    lang: str
    title: str
    team: str
    place: str
    date: str
    review_date: str
    exported: str
    participants: int
    spheres: list[tuple[Sphere, str, str]]
    rows: list[MapRow]
    decisions: list[Decision]
    groups: list[tuple[Practice | None, list[Clause]]]
    not_adopted: list[Clause] = field(default_factory=list)
    changes: Changes | None = None

    def t(self, key: str, **params: object) -> str:
        return i18n.translate(self.lang, key, **params)

    def tn(self, key: str, n: int, **params: object) -> str:
        return i18n.translate_n(self.lang, key, n, **params)

    @property
    def commitments(self) -> list[Clause]:
        return [c for _, clauses in self.groups for c in clauses if c.has_commitment]

    @property
    def from_room(self) -> bool:
        return any(row.practice.from_room for row in self.rows)

    def sphere_label(self, sphere: Sphere) -> str:
        return next(label for key, label, _ in self.spheres if key == sphere)

    def decision_words(self, kind: str) -> str:
        known = DecisionKind._value2member_map_
        return self.t(f"decision.{kind}") if kind in known else kind

    def outcome(self, clause: Clause) -> str:
        """How the clause got into the charter: "Adopted by consent, at round 2"."""
        words = self.t(f"clause.{clause.status}")
        if clause.status in ADOPTED and clause.final:
            return self.t("charter.outcome_round", outcome=words, n=clause.final.number)
        return words

    def tally(self, tally: dict[str, int]) -> str:
        return " · ".join(self.tn(f"charter.tally.{kind}", tally[kind]) for kind in TALLY)

    def counts(self, row: MapRow, sphere: Sphere) -> str:
        """A cell in signs and numbers, "✓3 ↔2 ✗6 ?1": readable without colour."""
        return " ".join(f"{ICONS[a]}{row.cells[sphere][a]}" for a in Answer)

    def legend(self) -> list[tuple[Answer, str, str]]:
        return [(a, ICONS[a], self.t(f"answer.{a.value}")) for a in Answer]


def _language(archive: dict, lang: str | None) -> str:
    lang = lang or (archive.get("workshop") or {}).get("lang") or i18n.DEFAULT
    return lang if lang in i18n.languages() else i18n.DEFAULT


def _int(value: object) -> int:
    try:
        return max(int(value), 0)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _map_source(archive: dict) -> list[tuple[str, float, dict]]:
    """(practice id, tension, cells) in tension order: the archive's map, or one
    computed from the answers when an archive carries only those."""
    if archive.get("map") is not None:
        return [
            (row.get("practice"), float(row.get("tension") or 0), row.get("cells") or {})
            for row in archive["map"]
        ]
    counts = Counter(
        (a.get("practice"), a.get("sphere"), a.get("value")) for a in archive.get("answers", [])
    )
    valid = [
        (p, s, v, n)
        for (p, s, v), n in counts.items()
        if s in Sphere._value2member_map_ and v in Answer._value2member_map_
    ]
    rows = build_map(archive.get("practices", []), valid)
    return [
        (
            row.practice["id"],
            row.tension,
            {
                s.value: {"counts": {a.value: n for a, n in c.counts.items()}}
                for s, c in row.cells.items()
            },
        )
        for row in rows
    ]


def build(archive: dict, lang: str | None = None) -> Charter:
    """Read an archive into the charter's content (in `lang`, else the workshop's)."""
    check_archive(archive)
    lang = _language(archive, lang)
    workshop = archive.get("workshop") or {}
    details = workshop.get("charter") or {}
    practices = {
        p.get("id"): Practice(p.get("id"), clean(p.get("title")), p.get("origin") == "room")
        for p in archive.get("practices", [])
    }

    def practice(pid: str) -> Practice:
        return practices.get(pid) or Practice(pid, clean(pid))

    deck_spheres = archive.get("spheres") or {}
    spheres = [
        (
            s,
            clean((deck_spheres.get(s.value) or {}).get("label"))
            or i18n.translate(lang, f"sphere.{s.value}"),
            clean((deck_spheres.get(s.value) or {}).get("question"))
            or i18n.translate(lang, f"sphere.{s.value}.question"),
        )
        for s in Sphere
    ]
    rows = []
    for pid, tension, cells in _map_source(archive):
        counts = {
            s: {
                a: _int(((cells.get(s.value) or {}).get("counts") or {}).get(a.value))
                for a in Answer
            }
            for s in Sphere
        }
        rows.append(MapRow(practice(pid), level(tension), counts))

    # Negotiation follows the map (most tense first); practices off the map come after.
    rank = {row.practice.id: i for i, row in enumerate(rows)}
    for pid in practices:
        rank.setdefault(pid, len(rank))

    def order(pid: str | None) -> int:
        return rank.get(pid, len(rank)) if pid is not None else len(rank) + 1

    decisions = [
        Decision(practice(d.get("practice")), clean(d.get("kind")), clean(d.get("detail")))
        for d in sorted(archive.get("decisions", []), key=lambda d: order(d.get("practice")))
    ]
    groups, not_adopted = _clauses(archive.get("clauses", []), practice, order)
    changes = _changes(archive.get("review"), lang, practice)
    return Charter(
        lang=lang,
        title=clean(workshop.get("title")),
        team=clean(details.get("team")),
        place=clean(details.get("place")),
        date=format_date(lang, details.get("date")),
        review_date=format_date(lang, details.get("review_date")),
        exported=format_date(lang, archive.get("exported_at")),
        participants=_int((archive.get("participants") or {}).get("count")),
        spheres=spheres,
        rows=rows,
        decisions=decisions,
        groups=groups,
        not_adopted=not_adopted,
        changes=changes,
    )


def _changes(review: object, lang: str, practice) -> Changes | None:
    """The review part of an archive, in words (None when the workshop reviews nothing)."""
    if not isinstance(review, dict):
        return None
    previous = review.get("previous") or {}
    clauses = review.get("clauses") or {}

    def words(kind: object) -> str:
        if kind in DecisionKind._value2member_map_:
            return i18n.translate(lang, f"decision.{kind}")
        return i18n.translate(lang, "charter.changes.no_decision")

    return Changes(
        title=clean(previous.get("title")),
        date=format_date(lang, previous.get("date")),
        decisions=[
            (practice(d.get("practice")), words(d.get("before")), words(d.get("now")))
            for d in review.get("decisions", [])
        ],
        new=[clean(x) for x in clauses.get("new", [])],
        dropped=[clean(x) for x in clauses.get("dropped", [])],
        kept=[clean(x) for x in clauses.get("kept", [])],
    )


def _round(data: dict) -> Round:
    tally = data.get("tally") or {}
    return Round(
        number=_int(data.get("number")),
        text=clean(data.get("text")),
        tally={kind: _int(tally.get(kind)) for kind in TALLY},
        reservations=[clean(r) for r in data.get("reservations") or []],
        objections=[clean(r) for r in data.get("objections") or []],
    )


def _clauses(items, practice, order):
    """Adopted clauses grouped by practice (map order, general ones last), numbered in
    reading order; the others apart, so the charter body holds only what was adopted."""
    adopted = sorted(
        (c for c in items if c.get("status") in ADOPTED), key=lambda c: order(c.get("practice"))
    )
    groups: list[tuple[Practice | None, list[Clause]]] = []
    for number, data in enumerate(adopted, start=1):
        pid = data.get("practice")
        rounds = [r for r in (data.get("rounds") or []) if r.get("status", "closed") == "closed"]
        commitment = data.get("commitment") or {}
        clause = Clause(
            number=number,
            text=clean(data.get("text")),
            status=data["status"],
            practice=practice(pid) if pid is not None else None,
            rounds=[_round(r) for r in rounds],
            who=clean(commitment.get("who")),
            by=clean(commitment.get("by")),
        )
        if groups and groups[-1][0] == clause.practice:
            groups[-1][1].append(clause)
        else:
            groups.append((clause.practice, [clause]))
    others = [
        Clause(
            number=0,
            text=clean(c.get("text")),
            status=c.get("status") if c.get("status") in ("draft", "withdrawn") else "draft",
            practice=practice(c["practice"]) if c.get("practice") is not None else None,
            rounds=[_round(r) for r in c.get("rounds") or []],
        )
        for c in items
        if c.get("status") not in ADOPTED
    ]
    return groups, others


# --- The map as an SVG figure ------------------------------------------------------

_W, _LABEL_W, _COL_X, _COL_W, _BAR_W = 760, 268, 276, 161, 118
_ROW_H, _BAR_H, _HEAD = 30, 16, 92
_INK, _MUTED, _SOFT, _LINE = "#1b1b1f", "#4a4a55", "#f3f1ec", "#c9c6bf"
_FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
#: Rows per figure in the HTML charter: one figure fits an A4 page with legible text.
ROWS_PER_FIGURE = 30


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _fit(text: str, chars: int) -> str:
    """Cut a text to about `chars` characters with "…" (SVG text does not wrap)."""
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    words, out = text.split(), [""]
    for word in words:
        if out[-1] and len(out[-1]) + 1 + len(word) > chars:
            out.append("")
        out[-1] = f"{out[-1]} {word}".strip()
    if len(out) > lines:
        out = out[: lines - 1] + [_fit(" ".join(out[lines - 1 :]), chars)]
    return [_fit(line, chars) for line in out]


def _svg_text(x: float, y: float, text: str, size: int = 11, **attrs: str) -> str:
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}"{extra}>{escape(text)}</text>'


def _svg_legend(charter: Charter) -> list[str]:
    out, x = [], 4.0
    for answer, icon, word in charter.legend():
        out.append(f'<circle cx="{_num(x + 8)}" cy="12" r="8" fill="{COLOURS[answer]}"/>')
        out.append(
            _svg_text(x + 8, 16, icon, 11, fill="#ffffff", font_weight="700", text_anchor="middle")
        )
        out.append(_svg_text(x + 21, 16, word, 12, fill=_INK))
        x += 21 + 6.8 * len(word) + 18
    if charter.from_room:
        out.append(
            _svg_text(x, 16, f"{ROOM_MARK} {charter.t('practice.from_room')}", 12, fill=_INK)
        )
    out.append(_svg_text(4, 38, charter.t("charter.map.count_legend"), 11, fill=_MUTED))
    return out


def _svg_cell(charter: Charter, row: MapRow, sphere: Sphere, x: float, y: float) -> str:
    counts, answered = row.cells[sphere], row.answered(sphere)
    words = ", ".join(
        charter.t("charter.map.segment", answer=charter.t(f"answer.{a.value}"), n=counts[a])
        for a in Answer
    )
    parts = [f"<g><title>{escape(charter.sphere_label(sphere))} — {escape(words)}</title>"]
    top = y + (_ROW_H - _BAR_H) / 2
    if not answered:
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(top)}" width="{_BAR_W}" height="{_BAR_H}" '
            f'fill="none" stroke="{_LINE}"/>'
        )
    start = 0
    for answer in Answer:
        if not counts[answer]:
            continue
        left = _BAR_W * start / answered
        start += counts[answer]
        width = _BAR_W * start / answered - left
        parts.append(
            f'<rect x="{_num(x + left)}" y="{_num(top)}" width="{_num(width)}" '
            f'height="{_BAR_H}" fill="{COLOURS[answer]}"/>'
        )
        label = f"{ICONS[answer]}{counts[answer]}"
        if width >= 6.5 * len(label) + 4:
            parts.append(
                _svg_text(
                    x + left + width / 2,
                    top + 12,
                    label,
                    10,
                    fill="#ffffff",
                    font_weight="700",
                    text_anchor="middle",
                )
            )
    parts.append(_svg_text(x + _BAR_W + 6, top + 12.5, str(answered), 11, fill=_INK))
    parts.append("</g>")
    return "".join(parts)


def _svg(charter: Charter, rows: list[MapRow], part: tuple[int, int] | None = None) -> str:
    """The map figure for `rows`; `part` = (n, total) when the map is cut in pages."""
    height = _HEAD + _ROW_H * max(len(rows), 1) + 4
    label = charter.tn("charter.map.label", len(charter.rows))
    if part:
        label += " " + charter.t("charter.map.part", n=part[0], total=part[1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-figure" viewBox="0 0 {_W} {height}" '
        f'width="{_W}" height="{height}" role="img" aria-label={quoteattr(label)} '
        f"font-family={quoteattr(_FONT)}>",
        f"<title>{escape(label)}</title>",
        f"<desc>{escape(charter.t('charter.map.intro'))}</desc>",
        f'<rect x="0" y="0" width="{_W}" height="{height}" fill="#ffffff"/>',
        *_svg_legend(charter),
        _svg_text(4, _HEAD - 10, charter.t("map.practice"), 12, fill=_INK, font_weight="700"),
    ]
    for j, sphere in enumerate(Sphere):
        for k, line in enumerate(_wrap(charter.sphere_label(sphere), 22)):
            y = _HEAD - 10 - 15 * (len(_wrap(charter.sphere_label(sphere), 22)) - 1 - k)
            out.append(_svg_text(_COL_X + j * _COL_W, y, line, 12, fill=_INK, font_weight="700"))
    out.append(f'<line x1="0" y1="{_HEAD - 2}" x2="{_W}" y2="{_HEAD - 2}" stroke="{_INK}"/>')
    if not rows:
        out.append(_svg_text(4, _HEAD + 16, charter.t("charter.map.empty"), 11, fill=_MUTED))
    for i, row in enumerate(rows):
        y = _HEAD + i * _ROW_H
        title = row.practice.title
        lines = _wrap(f"{ROOM_MARK} {title}" if row.practice.from_room else title, 44)
        tension = charter.t(f"map.tension.{row.tension}")
        out.append(f"<g><title>{escape(title)} — {escape(tension)}</title>")
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{y}" width="{_W}" height="{_ROW_H}" fill="{_SOFT}"/>')
        for k, line in enumerate(lines):
            baseline = y + (19 if len(lines) == 1 else 13 + 12.5 * k)
            out.append(_svg_text(4, baseline, line, 11, fill=_INK))
        out.extend(
            _svg_cell(charter, row, sphere, _COL_X + j * _COL_W, y)
            for j, sphere in enumerate(Sphere)
        )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _figures(charter: Charter) -> list[str]:
    """The map cut into figures of at most ROWS_PER_FIGURE rows, of even sizes."""
    rows = charter.rows
    parts = max(1, -(-len(rows) // ROWS_PER_FIGURE))
    size = -(-len(rows) // parts) if rows else 0
    chunks = [rows[i * size : (i + 1) * size] for i in range(parts)]
    return [
        _svg(charter, chunk, (n, parts) if parts > 1 else None) for n, chunk in enumerate(chunks, 1)
    ]


def map_svg(archive: dict, lang: str | None = None) -> str:
    """The whole map as one standalone SVG figure (no script, no external reference)."""
    charter = build(archive, lang)
    return _svg(charter, charter.rows)


# --- HTML --------------------------------------------------------------------------


@cache
def _environment() -> Environment:
    """Jinja without Flask, so the command line renders charters too; autoescape on."""
    return Environment(
        loader=FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(archive: dict) -> str:
    """The charter as one standalone, print-ready HTML page (CSS and map inline)."""
    charter = build(archive)
    css = (resource_dir("static") / "css" / "charter.css").read_text(encoding="utf-8")
    return (
        _environment()
        .get_template("charter/charter.html")
        .render(
            c=charter,
            css=Markup(css),  # our own file, never user text  # noqa: S704
            figures=[Markup(svg) for svg in _figures(charter)],  # built escaped  # noqa: S704
            spheres=list(Sphere),
            answers=list(Answer),
            _=partial(i18n.translate, charter.lang),
            _n=partial(i18n.translate_n, charter.lang),
            fit=_fit,
            format_date=format_date,
        )
    )


# --- Markdown ----------------------------------------------------------------------

_MD_CHARS = re.compile(r"([\\`*_\[\]<>#|~&])")
_MD_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))")


def md_text(text: object) -> str:
    """User text as one line of inert Markdown: every character that could open a
    structure (emphasis, link, HTML, table cell, heading, list) is backslash-escaped."""
    line = " ".join(clean(text).split())
    line = _MD_CHARS.sub(r"\\\1", line)
    return _MD_LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def md_block(text: object) -> str:
    """User text over several lines: each line escaped, joined by hard line breaks, so
    a blank line cannot end our paragraph and start a structure of its own."""
    lines = [md_text(line) for line in clean(text).split("\n")]
    return "\\\n".join(line for line in lines if line)


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*out, ""]


def _md_practice(charter: Charter, practice: Practice) -> str:
    room = f" ({ROOM_MARK} {charter.t('practice.from_room')})" if practice.from_room else ""
    return md_text(practice.title) + room


def render_markdown(archive: dict) -> str:
    """The charter as Markdown, the map as a table of counts per cell."""
    c = build(archive)
    t = c.t
    out = [f"# {md_text(t('charter.kicker'))} — {md_text(c.title)}", ""]
    out += [
        f"- **{t('charter.label', label=t(key))}** {md_text(value)}" for key, value in _facts(c)
    ]
    out += [""]
    out += [md_text(t("charter.no_names")), ""]

    out += [f"## {t('charter.method.title')}", "", t("charter.method.intro"), ""]
    out += [f"### {t('charter.method.spheres')}", ""]
    out += [f"- **{md_text(label)}** — {md_text(question)}" for _, label, question in c.spheres]
    out += ["", f"### {t('charter.method.scale')}", ""]
    out += [f"- {icon} {word}" for _, icon, word in c.legend()]
    out += ["", f"### {t('charter.method.registers')}", ""]
    out += [
        f"- **{t(f'charter.register.{r}')}** — {t(f'charter.register.{r}.help')}" for r in REGISTERS
    ]
    out += ["", t("charter.method.registers_source"), "", t("charter.method.consent"), ""]

    out += [f"## {t('charter.map.title')}", "", t("charter.map.intro"), ""]
    if c.rows:
        headers = [t("map.practice")] + [md_text(label) for _, label, _ in c.spheres]
        cells = [
            [_md_practice(c, row.practice)] + [c.counts(row, s) for s in Sphere] for row in c.rows
        ]
        out += _md_table(headers, cells)
        out += [" · ".join(f"{icon} {word}" for _, icon, word in c.legend()), ""]
    else:
        out += [t("charter.map.empty"), ""]

    out += [f"## {t('charter.decisions.title')}", ""]
    if c.decisions:
        headers = [t(f"charter.decisions.{k}") for k in ("practice", "decision", "detail")]
        cells = [
            [_md_practice(c, d.practice), md_text(c.decision_words(d.kind)), md_text(d.detail)]
            for d in c.decisions
        ]
        out += _md_table(headers, cells)
    else:
        out += [t("charter.decisions.none"), ""]

    out += [f"## {t('charter.clauses.title')}", ""]
    if not c.groups:
        out += [t("charter.clauses.none"), ""]
    for practice, clauses in c.groups:
        heading = _md_practice(c, practice) if practice else t("charter.clauses.general")
        out += [f"### {heading}", ""]
        for clause in clauses:
            out += _md_clause(c, clause)

    if c.not_adopted:
        out += [f"## {t('charter.not_adopted.title')}", "", t("charter.not_adopted.help"), ""]
        out += [f"- {md_text(cl.text)} — {t(f'clause.{cl.status}')}" for cl in c.not_adopted]
        out += [""]

    out += [f"## {t('charter.commitments.title')}", ""]
    if c.commitments:
        headers = [t(f"charter.commitments.{k}") for k in ("clause", "who", "by")]
        out += _md_table(
            headers,
            [
                [
                    f"{t('charter.clause.number', n=cl.number)} — {md_text(_fit(cl.text, 90))}",
                    md_text(cl.who) or t("charter.unspecified"),
                    md_text(format_date(c.lang, cl.by)) or t("charter.unspecified"),
                ]
                for cl in c.commitments
            ],
        )
    else:
        out += [t("charter.commitments.none"), ""]

    if c.changes:
        ch = c.changes
        out += [
            f"## {t('charter.changes.title')}",
            "",
            md_text(t("charter.changes.intro", title=ch.title, date=ch.date)),
            "",
        ]
        if ch.decisions:
            out += _md_table(
                [
                    t("charter.decisions.practice"),
                    t("charter.changes.before"),
                    t("charter.changes.now"),
                ],
                [[_md_practice(c, p), md_text(b), md_text(n)] for p, b, n in ch.decisions],
            )
        for key, items in (("new", ch.new), ("dropped", ch.dropped), ("kept", ch.kept)):
            if items:
                out += [f"### {t(f'charter.changes.{key}')}", ""]
                out += [f"- {md_text(x)}" for x in items] + [""]
    out += [f"## {t('charter.review.title')}", "", md_text(_review(c)), ""]
    out += ["---", "", md_text(t("charter.produced", date=c.exported)), ""]
    return "\n".join(out)


def _md_clause(c: Charter, clause: Clause) -> list[str]:
    t = c.t
    out = [f"#### {t('charter.clause.number', n=clause.number)}", "", md_block(clause.text), ""]
    out += [f"**{c.outcome(clause)}**"]
    if clause.final:
        out[-1] += f" — {t('charter.last_round')} {c.tally(clause.final.tally)}"
    out += [""]
    if clause.final:
        out += _md_reasons(c, clause.final)
    if clause.earlier:
        out += [f"*{t('charter.earlier_rounds')}*", ""]
        for r in clause.earlier:
            out += [
                f"- {t('charter.round', n=r.number)} — {t('charter.round_text')} "
                f"{t('charter.quoted', text=md_text(r.text))} — {c.tally(r.tally)}"
            ]
            out += [
                f"  - {t(label)} {md_text(reason) or t('charter.no_reason')}"
                for label, reasons in (
                    ("charter.objection", r.objections),
                    ("charter.reservation", r.reservations),
                )
                for reason in reasons
            ]
        out += [""]
    return out


def _md_reasons(c: Charter, r: Round) -> list[str]:
    out = []
    for key, reasons in (
        ("charter.objections", r.objections),
        ("charter.reservations", r.reservations),
    ):
        if reasons:
            out += [f"*{c.t(key)}*", ""]
            out += [f"- {md_text(reason) or c.t('charter.no_reason')}" for reason in reasons]
            out += [""]
    return out


REGISTERS = ("computerisation", "mediatisation", "information", "mediation")


def _facts(c: Charter) -> list[tuple[str, str]]:
    """The charter's cover lines; optional ones left out when empty."""
    facts = [
        ("charter.team", c.team),
        ("charter.place", c.place),
        ("charter.date", c.date),
        ("charter.participants_label", c.tn("charter.participants", c.participants)),
        ("charter.review_label", c.review_date),
    ]
    return [(key, value) for key, value in facts if value]


def _review(c: Charter) -> str:
    if c.review_date:
        return c.t("charter.review.date", date=c.review_date)
    return c.t("charter.review.none")


# --- OpenDocument text -------------------------------------------------------------

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'office:version="1.3"'
)
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def odf_text(text: object) -> str:
    """User text as ODF paragraph content: escaped, with its line breaks and runs of
    spaces kept (ODF collapses whitespace unless told)."""
    lines = [escape(line) for line in clean(text).split("\n")]
    lines = [
        re.sub(r"  +", lambda m: f' <text:s text:c="{len(m[0]) - 1}"/>', line).replace(
            "\t", "<text:tab/>"
        )
        for line in lines
    ]
    return "<text:line-break/>".join(lines)


class _Odt:
    """A small writer of ODF body elements; every method takes plain (unescaped) text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.tables = 0
        self.widths: set[int] = set()

    def h(self, level: int, text: str, raw: str = "") -> None:
        self.parts.append(
            f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
            f"{odf_text(text)}{raw}</text:h>"
        )

    def p(self, text: str, style: str = "Text_20_body", label: str = "") -> None:
        strong = (
            f'<text:span text:style-name="Strong_20_Emphasis">{odf_text(label)}</text:span> '
            if label
            else ""
        )
        self.parts.append(f'<text:p text:style-name="{style}">{strong}{odf_text(text)}</text:p>')

    def bullets(self, items: list[tuple[str, str]], style: str = "List_20_Contents") -> None:
        """A bulleted list of (bold label, text) items."""
        if not items:
            return
        self.parts.append('<text:list text:style-name="Bullets">')
        for label, text in items:
            self.parts.append("<text:list-item>")
            self.p(text, style, label)
            self.parts.append("</text:list-item>")
        self.parts.append("</text:list>")

    def table(self, headers: list[str], rows: list[list[str]], widths: list[int]) -> None:
        """A table with a repeated header row; widths in per cent of the text width."""
        self.tables += 1
        name = f"Table{self.tables}"
        cell = '<table:table-cell table:style-name="Cell" office:value-type="string">'
        end = "</text:p></table:table-cell>"
        out = [f'<table:table table:name="{name}" table:style-name="Wide">']
        self.widths.update(widths)
        out += [f'<table:table-column table:style-name="Col{w}"/>' for w in widths]
        out.append("<table:table-header-rows><table:table-row>")
        out += [
            f'{cell}<text:p text:style-name="Table_20_Heading">{odf_text(h)}{end}' for h in headers
        ]
        out.append("</table:table-row></table:table-header-rows>")
        for row in rows:
            out.append("<table:table-row>")
            out += [
                f'{cell}<text:p text:style-name="Table_20_Contents">{odf_text(v)}{end}' for v in row
            ]
            out.append("</table:table-row>")
        out.append("</table:table>")
        self.parts.append("".join(out))


def _odt_content(c: Charter) -> str:
    t, doc = c.t, _Odt()
    doc.h(1, f"{t('charter.kicker')} — {c.title}")
    doc.bullets([(t("charter.label", label=t(key)), value) for key, value in _facts(c)])
    doc.p(t("charter.no_names"))

    doc.h(2, t("charter.method.title"))
    doc.p(t("charter.method.intro"))
    doc.h(3, t("charter.method.spheres"))
    doc.bullets([(t("charter.label", label=label), q) for _, label, q in c.spheres])
    doc.h(3, t("charter.method.scale"))
    doc.bullets([(icon, word) for _, icon, word in c.legend()])
    doc.h(3, t("charter.method.registers"))
    doc.bullets(
        [
            (t("charter.label", label=t(f"charter.register.{r}")), t(f"charter.register.{r}.help"))
            for r in REGISTERS
        ]
    )
    doc.p(t("charter.method.registers_source"), "Small")
    doc.p(t("charter.method.consent"))

    doc.h(2, t("charter.map.title"))
    doc.p(t("charter.map.intro"))
    if c.rows:
        room = f" ({ROOM_MARK} {t('practice.from_room')})"
        doc.table(
            [t("map.practice")] + [label for _, label, _ in c.spheres],
            [
                [row.practice.title + (room if row.practice.from_room else "")]
                + [c.counts(row, s) for s in Sphere]
                for row in c.rows
            ],
            [40, 20, 20, 20],
        )
        doc.p(" · ".join(f"{icon} {word}" for _, icon, word in c.legend()), "Small")
    else:
        doc.p(t("charter.map.empty"))

    doc.h(2, t("charter.decisions.title"))
    if c.decisions:
        doc.table(
            [t(f"charter.decisions.{k}") for k in ("practice", "decision", "detail")],
            [
                [
                    d.practice.title
                    + (f" ({ROOM_MARK} {t('practice.from_room')})" if d.practice.from_room else ""),
                    c.decision_words(d.kind),
                    d.detail,
                ]
                for d in c.decisions
            ],
            [40, 25, 35],
        )
    else:
        doc.p(t("charter.decisions.none"))

    doc.h(2, t("charter.clauses.title"))
    if not c.groups:
        doc.p(t("charter.clauses.none"))
    for practice, clauses in c.groups:
        if practice is None:
            doc.h(3, t("charter.clauses.general"))
        else:
            room = f" ({ROOM_MARK} {t('practice.from_room')})" if practice.from_room else ""
            doc.h(3, practice.title + room)
        for clause in clauses:
            _odt_clause(c, doc, clause)

    if c.not_adopted:
        doc.h(2, t("charter.not_adopted.title"))
        doc.p(t("charter.not_adopted.help"))
        doc.bullets([(t(f"clause.{cl.status}"), cl.text) for cl in c.not_adopted])

    doc.h(2, t("charter.commitments.title"))
    if c.commitments:
        doc.table(
            [t(f"charter.commitments.{k}") for k in ("clause", "who", "by")],
            [
                [
                    f"{t('charter.clause.number', n=cl.number)} — {_fit(cl.text, 90)}",
                    cl.who or t("charter.unspecified"),
                    format_date(c.lang, cl.by) or t("charter.unspecified"),
                ]
                for cl in c.commitments
            ],
            [60, 22, 18],
        )
    else:
        doc.p(t("charter.commitments.none"))
    if c.changes:
        ch = c.changes
        doc.h(2, t("charter.changes.title"))
        doc.p(t("charter.changes.intro", title=ch.title, date=ch.date))
        if ch.decisions:
            doc.table(
                [
                    t("charter.decisions.practice"),
                    t("charter.changes.before"),
                    t("charter.changes.now"),
                ],
                [[p.title, b, n] for p, b, n in ch.decisions],
                [50, 25, 25],
            )
        for key, items in (("new", ch.new), ("dropped", ch.dropped), ("kept", ch.kept)):
            if items:
                doc.h(3, t(f"charter.changes.{key}"))
                doc.bullets([("", x) for x in items])
    doc.h(2, t("charter.review.title"))
    doc.p(_review(c))
    doc.p(t("charter.produced", date=c.exported), "Small")

    widths = "".join(  # a column's share of the 18 cm text width, in per cent
        f'<style:style style:name="Col{w}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w * 0.18:.2f}cm" '
        f'style:rel-column-width="{w * 100}*"/></style:style>'
        for w in sorted(doc.widths)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
        "<office:automatic-styles>"
        '<style:style style:name="Wide" style:family="table"><style:table-properties '
        'style:width="18cm" table:align="margins" fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/>'
        "</style:style>"
        f"{widths}"
        '<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties '
        'fo:padding="0.1cm" fo:border="0.5pt solid #8a877f"/></style:style>'
        "</office:automatic-styles>"
        f"<office:body><office:text>{''.join(doc.parts)}</office:text></office:body>"
        "</office:document-content>"
    )


def _odt_clause(c: Charter, doc: _Odt, clause: Clause) -> None:
    t = c.t
    doc.h(4, t("charter.clause.number", n=clause.number))
    doc.p(clause.text, "Clause")
    doc.p(c.outcome(clause), "Outcome")
    if clause.final:
        doc.p(c.tally(clause.final.tally), "Text_20_body", t("charter.last_round"))
        for key, reasons in (
            ("charter.objections", clause.final.objections),
            ("charter.reservations", clause.final.reservations),
        ):
            if reasons:
                doc.p(t(key), "Label")
                doc.bullets([("", r or t("charter.no_reason")) for r in reasons])
    if clause.earlier:
        doc.p(t("charter.earlier_rounds"), "Label")
        for r in clause.earlier:
            doc.p(
                f"{t('charter.quoted', text=r.text)} — {c.tally(r.tally)}",
                "Small",
                f"{t('charter.round', n=r.number)} — {t('charter.round_text')}",
            )
            doc.bullets(
                [(t("charter.objection"), x or t("charter.no_reason")) for x in r.objections]
                + [(t("charter.reservation"), x or t("charter.no_reason")) for x in r.reservations],
                "Small",
            )


def _odt_styles(lang: str) -> str:
    """Named styles LibreOffice knows (Heading 1–4, Text body, Table contents…), an A4
    page with 15 mm margins, and headings kept with what follows them."""
    country = {"fr": "BE", "en": "GB"}.get(lang, "none")
    heading = (
        '<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" '
        'style:family="paragraph" style:parent-style-name="Heading" '
        'style:next-style-name="Text_20_body" style:default-outline-level="{n}" '
        'style:class="text"><style:paragraph-properties fo:margin-top="{top}cm" '
        'fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>'
        '<style:text-properties fo:font-size="{size}pt" fo:font-weight="bold"/></style:style>'
    )
    headings = "".join(
        heading.format(n=n, size=size, top=top)
        for n, size, top in ((1, 20, 0), (2, 15, 0.6), (3, 12.5, 0.45), (4, 11, 0.35))
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}>'
        "<office:font-face-decls>"
        '<style:font-face style:name="Liberation Sans" '
        'svg:font-family="&apos;Liberation Sans&apos;" '
        'style:font-family-generic="swiss" style:font-pitch="variable"/>'
        "</office:font-face-decls>"
        "<office:styles>"
        '<style:default-style style:family="paragraph"><style:text-properties '
        f'style:font-name="Liberation Sans" fo:font-size="10.5pt" fo:language="{lang}" '
        f'fo:country="{country}"/></style:default-style>'
        '<style:style style:name="Standard" style:family="paragraph" style:class="text"/>'
        '<style:style style:name="Heading" style:family="paragraph" '
        'style:parent-style-name="Standard" style:class="text"/>'
        f"{headings}"
        '<style:style style:name="Text_20_body" style:display-name="Text body" '
        'style:family="paragraph" style:parent-style-name="Standard" style:class="text">'
        '<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.18cm" '
        'fo:line-height="125%"/></style:style>'
        '<style:style style:name="Clause" style:family="paragraph" '
        'style:parent-style-name="Text_20_body"><style:paragraph-properties '
        'fo:margin-left="0.3cm" fo:padding-left="0.25cm" fo:border-left="2.5pt solid #1f5f7a" '
        'fo:keep-with-next="always" fo:keep-together="always"/>'
        '<style:text-properties fo:font-size="11.5pt"/></style:style>'
        '<style:style style:name="Outcome" style:family="paragraph" '
        'style:parent-style-name="Text_20_body"><style:paragraph-properties '
        'fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="Label" style:family="paragraph" '
        'style:parent-style-name="Text_20_body"><style:paragraph-properties '
        'fo:margin-bottom="0.05cm" fo:keep-with-next="always"/>'
        '<style:text-properties fo:font-style="italic"/></style:style>'
        '<style:style style:name="Small" style:family="paragraph" '
        'style:parent-style-name="Text_20_body"><style:text-properties fo:font-size="9pt" '
        'fo:color="#4a4a55"/></style:style>'
        '<style:style style:name="List_20_Contents" style:display-name="List Contents" '
        'style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list">'
        '<style:paragraph-properties fo:margin-bottom="0.08cm"/></style:style>'
        '<style:style style:name="Table_20_Contents" style:display-name="Table Contents" '
        'style:family="paragraph" style:parent-style-name="Standard" style:class="extra">'
        '<style:text-properties fo:font-size="9.5pt"/></style:style>'
        '<style:style style:name="Table_20_Heading" style:display-name="Table Heading" '
        'style:family="paragraph" style:parent-style-name="Table_20_Contents" '
        'style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>'
        '<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" '
        'style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>'
        '<text:list-style style:name="Bullets">'
        '<text:list-level-style-bullet text:level="1" text:bullet-char="•">'
        '<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">'
        '<style:list-level-label-alignment text:label-followed-by="listtab" '
        'text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" fo:margin-left="0.6cm"/>'
        "</style:list-level-properties></text:list-level-style-bullet></text:list-style>"
        "</office:styles>"
        '<office:automatic-styles><style:page-layout style:name="A4">'
        '<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" '
        'style:print-orientation="portrait" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" '
        'fo:margin-left="1.5cm" fo:margin-right="1.5cm"/></style:page-layout>'
        "</office:automatic-styles>"
        '<office:master-styles><style:master-page style:name="Standard" '
        'style:page-layout-name="A4"/></office:master-styles>'
        "</office:document-styles>"
    )


def _odt_meta(c: Charter, archive: dict) -> str:
    created = ""
    try:
        stamp = datetime.fromisoformat(str(archive.get("exported_at")))
        created = (
            f"<meta:creation-date>{stamp.replace(tzinfo=None).isoformat()}</meta:creation-date>"
        )
    except ValueError:
        pass
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
        "<meta:generator>Sphères</meta:generator>"
        f"<dc:title>{escape(clean(c.t('charter.kicker') + ' — ' + c.title))}</dc:title>"
        f"<dc:language>{escape(c.lang)}</dc:language>{created}"
        "</office:meta></office:document-meta>"
    )


_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
    f'manifest:media-type="{ODT_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def render_odt(archive: dict) -> bytes:
    """The charter as an OpenDocument text the organisation edits in LibreOffice.

    Written by hand to need no library: the `mimetype` entry comes first and is stored
    uncompressed, as the OpenDocument package format requires to recognise the file.
    """
    c = build(archive)
    entries = [
        ("mimetype", ODT_MIMETYPE, zipfile.ZIP_STORED),
        ("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED),
        ("content.xml", _odt_content(c), zipfile.ZIP_DEFLATED),
        ("styles.xml", _odt_styles(c.lang), zipfile.ZIP_DEFLATED),
        ("meta.xml", _odt_meta(c, archive), zipfile.ZIP_DEFLATED),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text, method in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            package.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --- Dispatch ----------------------------------------------------------------------


def render(archive: dict, fmt: str) -> bytes:
    """The charter (or, for "json", the archive itself) as the bytes of a file."""
    check_archive(archive)
    if fmt == "html":
        return render_html(archive).encode("utf-8")
    if fmt == "md":
        return render_markdown(archive).encode("utf-8")
    if fmt == "odt":
        return render_odt(archive)
    if fmt == "json":
        return json.dumps(archive, ensure_ascii=False, indent=2, sort_keys=True).encode()
    raise ValueError(f"unknown charter format {fmt!r}; choose one of {', '.join(FORMATS)}")
