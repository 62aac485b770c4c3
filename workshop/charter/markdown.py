"""The charter as Markdown: the outline's blocks in Markdown syntax, the map as a table
of counts per cell.

Every text is user text or ours with user text inside, so every one goes through
`md_text`, which makes it inert: nothing anyone typed can open a structure.
"""

from __future__ import annotations

import re

from workshop.charter.blocks import (
    Block,
    Bullets,
    ClauseGroup,
    ClauseRef,
    Columns,
    Definitions,
    Facts,
    LoopFigure,
    MapFigure,
    Paragraph,
    PracticeName,
    Scale,
    Section,
    StatusList,
    Subsection,
    Table,
    Text,
)
from workshop.charter.document import ROOM_MARK, Charter, Clause, Round, build, clean
from workshop.charter.outline import outline

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


def render_markdown(archive: dict) -> str:
    """The charter as Markdown: each section of the outline, each block in turn."""
    c = build(archive)
    out: list[str] = []
    for section in outline(c):
        if section.blocks:
            out += _heading(section)
            for block in section.blocks:
                out += _block(c, block)
    return "\n".join(out)


def _heading(section: Section) -> list[str]:
    if section.role == "cover":
        return [f"# {md_text(section.kicker)} — {md_text(section.heading)}", ""]
    if section.role == "colophon":
        return ["---", ""]
    return [f"## {md_text(section.heading)}", ""]


def _inline(c: Charter, text: Text) -> str:
    if isinstance(text, PracticeName):
        room = f" ({ROOM_MARK} {c.t('practice.from_room')})" if text.practice.from_room else ""
        return md_text(text.practice.title) + room
    if isinstance(text, ClauseRef):
        return f"{md_text(text.label)} — {md_text(text.excerpt)}"
    return md_text(text)


def _table(c: Charter, table: Table) -> list[str]:
    headers = [md_text(h) for h in table.headers]
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in table.rows:
        out.append("| " + " | ".join(_inline(c, cell.text) or " " for cell in row) + " |")
    return [*out, ""]


def _block(c: Charter, block: Block) -> list[str]:
    """One block as Markdown lines, a blank line after it."""
    if isinstance(block, Facts):
        return [
            f"- **{c.t('charter.label', label=md_text(f.label))}** {md_text(f.value)}"
            for f in block.items
        ] + [""]
    if isinstance(block, Paragraph):
        return [md_text(block.text), ""]
    if isinstance(block, Definitions):
        return [f"- **{md_text(term)}** — {md_text(text)}" for term, text in block.items] + [""]
    if isinstance(block, Scale):
        return [f"- {icon} {md_text(word)}" for _, icon, word in block.items] + [""]
    if isinstance(block, Bullets):
        return [f"- {md_text(x)}" for x in block.items] + [""]
    if isinstance(block, StatusList):
        return [f"- {md_text(text)} — {md_text(status)}" for text, status in block.items] + [""]
    if isinstance(block, Table):
        return _table(c, block)
    if isinstance(block, MapFigure):
        return _table(c, block.table) + [md_text(block.legend), ""]
    if isinstance(block, LoopFigure):
        return [f"### {_inline(c, block.heading)}", "", *_table(c, block.table)]
    if isinstance(block, ClauseGroup):
        out = [f"### {_inline(c, block.heading)}", ""]
        for clause in block.clauses:
            out += _clause(c, clause)
        return out
    if isinstance(block, Subsection):
        out = [f"### {md_text(block.heading)}", ""]
        for inner in block.blocks:
            out += _block(c, inner)
        return out
    if isinstance(block, Columns):
        return [line for part in block.parts for line in _block(c, part)]
    raise TypeError(f"no Markdown for {block!r}")


def _clause(c: Charter, clause: Clause) -> list[str]:
    t = c.t
    out = [f"#### {t('charter.clause.number', n=clause.number)}", "", md_block(clause.text), ""]
    out += [f"**{c.outcome(clause)}**"]
    if clause.final:
        out[-1] += f" — {t('charter.last_round')} {c.tally(clause.final.tally)}"
    out += [""]
    if clause.final:
        out += _reasons(c, clause.final)
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


def _reasons(c: Charter, r: Round) -> list[str]:
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
