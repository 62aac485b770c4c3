"""The kinds of block a charter section holds, and the inline content of headings and cells.

Plain data, no rendering: `outline.py` fills them, and each renderer (html, markdown,
odt) writes every kind in its own syntax. Texts are cleaned and unescaped; a renderer
escapes them. A few blocks carry a presentation hint that one format needs (a table's
`layout` for the HTML source, a paragraph's `small` print); the others ignore it. Each
kind has a `kind` name, which the HTML template uses to pick the block's macro.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from workshop.charter.document import Clause, MapRow, Practice
from workshop.charter.passes import LoopRow
from workshop.model import Answer

# --- Inline content: what a heading or a table cell may hold besides plain text ----


@dataclass(frozen=True)
class PracticeName:
    """A practice's title, marked when the room added the practice to the deck."""

    practice: Practice
    kind: ClassVar[str] = "practice"


@dataclass(frozen=True)
class ClauseRef:
    """A clause's number ("Clause 3") and its first words; in HTML, a link to it."""

    label: str
    excerpt: str
    number: int
    kind: ClassVar[str] = "clause_ref"


Text = str | PracticeName | ClauseRef


@dataclass(frozen=True)
class Cell:
    """A table cell; `role` names what it holds (HTML makes it the cell's class)."""

    text: Text
    role: str = ""


# --- Blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    #: Always there (the number of participants); the others are left out when empty.
    required: bool = False


@dataclass(frozen=True)
class Facts:
    """The cover's lines: team, place, date…"""

    items: list[Fact]
    kind: ClassVar[str] = "facts"


@dataclass(frozen=True)
class Paragraph:
    text: str
    #: What the paragraph is ("note", "source", "review-date"; HTML makes it the class).
    role: str = ""
    #: Printed small: a source, a legend, the colophon.
    small: bool = False
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Definitions:
    """Terms and what they mean (the spheres and their questions, the registers)."""

    name: str
    items: list[tuple[str, str]]
    kind: ClassVar[str] = "definitions"


@dataclass(frozen=True)
class Scale:
    """The four answers, each with its sign and its word."""

    items: list[tuple[Answer, str, str]]
    kind: ClassVar[str] = "scale"


@dataclass(frozen=True)
class Bullets:
    items: list[str]
    kind: ClassVar[str] = "bullets"


@dataclass(frozen=True)
class StatusList:
    """Texts, each with the status it ended in (the clauses not adopted)."""

    items: list[tuple[str, str]]
    kind: ClassVar[str] = "status_list"


@dataclass(frozen=True)
class Table:
    """A table whose first cell in a row heads the row; `widths` in per cent of the text
    width (OpenDocument). `layout` is how the HTML source breaks its lines: "rows" (a line
    per row), "split" (a row's heading on a line of its own) or "packed" (head and body
    on a line each). Browsers show them alike; it keeps exports byte for byte the same."""

    headers: list[str]
    rows: list[list[Cell]]
    widths: list[int]
    layout: Literal["rows", "split", "packed"] = "rows"
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class MapFigure:
    """The map: HTML draws it (figures, then its data in words); formats without figures
    print `table`, the counts in signs and numbers, and `legend` under it."""

    rows: list[MapRow]
    table: Table
    legend: str
    kind: ClassVar[str] = "map_figure"


@dataclass(frozen=True)
class LoopFigure:
    """A practice asked again after the discussion, under its heading: HTML draws its
    first and last pass side by side (svg.loop_figure) above `table`; the other formats
    print `table`, both passes' counts and the shift in words, sphere by sphere."""

    heading: Text
    loop: LoopRow[Practice]
    table: Table
    kind: ClassVar[str] = "loop_figure"


@dataclass(frozen=True)
class ClauseGroup:
    """The adopted clauses about one practice (or the general ones), under a heading."""

    heading: Text
    clauses: list[Clause]
    kind: ClassVar[str] = "clause_group"


@dataclass(frozen=True)
class Subsection:
    """A heading and its blocks; `keep` holds them on one page when printed."""

    heading: str
    blocks: list[Block]
    keep: bool = True
    kind: ClassVar[str] = "subsection"


@dataclass(frozen=True)
class Columns:
    """Subsections side by side where the page is wide enough (one after the other
    elsewhere); `name` is the HTML class."""

    name: str
    parts: list[Subsection]
    kind: ClassVar[str] = "columns"


Block = (
    Facts
    | Paragraph
    | Definitions
    | Scale
    | Bullets
    | StatusList
    | Table
    | MapFigure
    | LoopFigure
    | ClauseGroup
    | Subsection
    | Columns
)


@dataclass(frozen=True)
class Section:
    """One section of the charter. The cover's heading is the title (after `kicker`);
    the colophon has none. A section without blocks is left out."""

    id: str
    heading: str
    blocks: list[Block] = field(default_factory=list)
    role: Literal["cover", "body", "colophon"] = "body"
    kicker: str = ""
    #: Printed on one page (HTML).
    keep: bool = False
