"""The map as an SVG figure: one bar per practice and sphere, the whole distribution; and,
for a practice asked again after the discussion, its first and last pass side by side.

Drawn by hand (no library) and standalone (no script, no external reference), so the
figure prints and mails inside the HTML charter. The four answers get a colour AND a sign,
so the map reads in black and white too. A long map is cut into figures that each fit an
A4 page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from workshop.charter.document import ICONS, ROOM_MARK, Charter, MapRow, Practice, build, fit
from workshop.charter.passes import LoopRow
from workshop.model import Answer, Sphere

COLOURS = {
    Answer.FINE: "#1b6e36",
    Answer.DISCUSS: "#a85400",
    Answer.PROBLEM: "#b3261e",
    Answer.UNSURE: "#5f6368",
}

_W, _LABEL_W, _COL_X, _COL_W, _BAR_W = 760, 268, 276, 161, 118
_ROW_H, _BAR_H, _HEAD = 30, 16, 92
_INK, _MUTED, _SOFT, _LINE = "#1b1b1f", "#4a4a55", "#f3f1ec", "#c9c6bf"
_FONT = "system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
#: Rows per figure in the HTML charter: one figure fits an A4 page with legible text.
ROWS_PER_FIGURE = 30


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    words, out = text.split(), [""]
    for word in words:
        if out[-1] and len(out[-1]) + 1 + len(word) > chars:
            out.append("")
        out[-1] = f"{out[-1]} {word}".strip()
    if len(out) > lines:
        out = out[: lines - 1] + [fit(" ".join(out[lines - 1 :]), chars)]
    return [fit(line, chars) for line in out]


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


def figure(charter: Charter, rows: list[MapRow], part: tuple[int, int] | None = None) -> str:
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


_LOOP_HEAD, _LOOP_ROW, _LOOP_COLS = 72, 36, (204, 372, 540)


def loop_figure(charter: Charter, loop: LoopRow[Practice]) -> str:
    """A practice asked again: per sphere, the first pass's bar, the last pass's bar, and
    the shift in words (concern, then agreement)."""
    height = _LOOP_HEAD + _LOOP_ROW * len(Sphere) + 4
    label = charter.t("charter.loop.figure", title=loop.practice.title)
    heads = (
        charter.t("revisit.first"),
        charter.t("revisit.last", n=loop.last_pass),
        charter.t("charter.loop.moved"),
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-figure" viewBox="0 0 {_W} {height}" '
        f'width="{_W}" height="{height}" role="img" aria-label={quoteattr(label)} '
        f"font-family={quoteattr(_FONT)}>",
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="{_W}" height="{height}" fill="#ffffff"/>',
        *_svg_legend(charter),
        *(
            _svg_text(x, _LOOP_HEAD - 10, fit(head, 30), 12, fill=_INK, font_weight="700")
            for x, head in zip(_LOOP_COLS, heads, strict=True)
        ),
        f'<line x1="0" y1="{_LOOP_HEAD - 2}" x2="{_W}" y2="{_LOOP_HEAD - 2}" stroke="{_INK}"/>',
    ]
    before = MapRow(loop.practice, "", loop.first)
    after = MapRow(loop.practice, "", loop.last)
    for i, (sphere, moved) in enumerate(loop.shifts.items()):
        y = _LOOP_HEAD + i * _LOOP_ROW
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{y}" width="{_W}" height="{_LOOP_ROW}" fill="{_SOFT}"/>')
        out.append(_svg_text(4, y + 22, fit(charter.sphere_label(sphere), 30), 11, fill=_INK))
        middle = y + (_LOOP_ROW - _ROW_H) / 2
        out.append(_svg_cell(charter, before, sphere, _LOOP_COLS[0], middle))
        out.append(_svg_cell(charter, after, sphere, _LOOP_COLS[1], middle))
        if moved.concern == "unknown":
            lines = _wrap(charter.t("shift.unknown"), 36)
        else:
            lines = [
                fit(
                    charter.t("charter.label", label=charter.t("shift.concern"))
                    + " "
                    + charter.t(f"shift.{moved.concern}"),
                    36,
                ),
                fit(
                    charter.t("charter.label", label=charter.t("shift.disagreement"))
                    + " "
                    + charter.t(f"shift.{moved.disagreement}"),
                    36,
                ),
            ]
        for k, line in enumerate(lines):
            baseline = y + (22 if len(lines) == 1 else 15 + 13 * k)
            out.append(_svg_text(_LOOP_COLS[2], baseline, line, 11, fill=_INK))
    out.append("</svg>")
    return "\n".join(out)


def figures(charter: Charter) -> list[str]:
    """The map cut into figures of at most ROWS_PER_FIGURE rows, of even sizes."""
    rows = charter.rows
    parts = max(1, -(-len(rows) // ROWS_PER_FIGURE))
    size = -(-len(rows) // parts) if rows else 0
    chunks = [rows[i * size : (i + 1) * size] for i in range(parts)]
    return [
        figure(charter, chunk, (n, parts) if parts > 1 else None)
        for n, chunk in enumerate(chunks, 1)
    ]


def map_svg(archive: dict, lang: str | None = None) -> str:
    """The whole map as one standalone SVG figure (no script, no external reference)."""
    charter = build(archive, lang)
    return figure(charter, charter.rows)
