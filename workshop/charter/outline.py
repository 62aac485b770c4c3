"""The charter's outline: its sections, described once, in reading order.

HTML, Markdown and OpenDocument used to walk the nine sections each on its own, so a
change to a section was made three times. Now `outline()` says, once, which sections the
charter has, which blocks each holds, in which order and with which words; a renderer only
knows how to write each kind of block in its own syntax. Adding a section is one change
here (plus a block kind's rendering in each renderer, if the section needs a new kind).

Texts in blocks are plain, cleaned and unescaped: each renderer escapes them. A few
blocks carry a presentation hint one format needs (a table's `layout` for the HTML source,
a paragraph's `small` print for OpenDocument); the others ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from workshop.charter.document import Charter, Clause, MapRow, Practice, fit, format_date
from workshop.model import REGISTERS, Answer, Sphere

# --- Inline content: what a heading or a table cell may hold besides plain text ----


@dataclass(frozen=True)
class PracticeName:
    """A practice's title, marked when the room added the practice to the deck."""

    practice: Practice
    kind: ClassVar[str] = "practice"


@dataclass(frozen=True)
class ClauseRef:
    """ "Clause 3" and the clause's first words; in HTML, a link to the clause."""

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


# --- The outline ----------------------------------------------------------------------


def outline(c: Charter) -> list[Section]:
    """The charter's sections in reading order: the nine, and the colophon."""
    t = c.t
    return [
        Section(
            "cover",
            c.title,
            [Facts(_facts(c)), Paragraph(t("charter.no_names"), "note")],
            role="cover",
            kicker=t("charter.kicker"),
        ),
        Section("method", t("charter.method.title"), _method(c)),
        Section("map", t("charter.map.title"), _map(c)),
        Section("decisions", t("charter.decisions.title"), [_decisions(c)]),
        Section("clauses", t("charter.clauses.title"), _clauses(c)),
        Section("not-adopted", t("charter.not_adopted.title"), _not_adopted(c)),
        Section("commitments", t("charter.commitments.title"), [_commitments(c)]),
        Section("changes", t("charter.changes.title"), _changes(c)),
        Section(
            "review",
            t("charter.review.title"),
            [Paragraph(_review(c), "review-date")],
            keep=True,
        ),
        Section(
            "colophon",
            "",
            [Paragraph(t("charter.produced", date=c.exported), small=True)],
            role="colophon",
        ),
    ]


def _facts(c: Charter) -> list[Fact]:
    """The cover's lines; optional ones left out when empty."""
    facts = [
        Fact(c.t("charter.team"), c.team),
        Fact(c.t("charter.place"), c.place),
        Fact(c.t("charter.date"), c.date),
        Fact(
            c.t("charter.participants_label"),
            c.tn("charter.participants", c.participants),
            required=True,
        ),
        Fact(c.t("charter.review_label"), c.review_date),
    ]
    return [fact for fact in facts if fact.value]


def _method(c: Charter) -> list[Block]:
    t = c.t
    spheres = Definitions("spheres", [(label, question) for _, label, question in c.spheres])
    registers = Definitions(
        "registers",
        [(t(f"charter.register.{r}"), t(f"charter.register.{r}.help")) for r in REGISTERS],
    )
    return [
        Paragraph(t("charter.method.intro")),
        Columns(
            "method-grid",
            [
                Subsection(t("charter.method.spheres"), [spheres]),
                Subsection(t("charter.method.scale"), [Scale(c.legend())]),
            ],
        ),
        Subsection(
            t("charter.method.registers"),
            [registers, Paragraph(t("charter.method.registers_source"), "source", small=True)],
        ),
        Paragraph(t("charter.method.consent")),
    ]


def _map(c: Charter) -> list[Block]:
    intro = Paragraph(c.t("charter.map.intro"))
    if not c.rows:
        return [intro, Paragraph(c.t("charter.map.empty"))]
    counts = Table(
        [c.t("map.practice")] + [label for _, label, _ in c.spheres],
        [
            [Cell(PracticeName(row.practice))] + [Cell(c.counts(row, s)) for s in Sphere]
            for row in c.rows
        ],
        [40, 20, 20, 20],
    )
    legend = " · ".join(f"{icon} {word}" for _, icon, word in c.legend())
    return [intro, MapFigure(c.rows, counts, legend)]


def _decisions(c: Charter) -> Block:
    if not c.decisions:
        return Paragraph(c.t("charter.decisions.none"))
    return Table(
        [c.t(f"charter.decisions.{k}") for k in ("practice", "decision", "detail")],
        [
            [
                Cell(PracticeName(d.practice)),
                Cell(c.decision_words(d.kind), f"decision decision-{d.kind}"),
                Cell(d.detail, "detail"),
            ]
            for d in c.decisions
        ],
        [40, 25, 35],
    )


def _clauses(c: Charter) -> list[Block]:
    if not c.groups:
        return [Paragraph(c.t("charter.clauses.none"))]
    return [
        ClauseGroup(PracticeName(p) if p else c.t("charter.clauses.general"), clauses)
        for p, clauses in c.groups
    ]


def _not_adopted(c: Charter) -> list[Block]:
    if not c.not_adopted:
        return []
    return [
        Paragraph(c.t("charter.not_adopted.help")),
        StatusList([(cl.text, c.t(f"clause.{cl.status}")) for cl in c.not_adopted]),
    ]


def _commitments(c: Charter) -> Block:
    if not c.commitments:
        return Paragraph(c.t("charter.commitments.none"))
    unspecified = c.t("charter.unspecified")
    return Table(
        [c.t(f"charter.commitments.{k}") for k in ("clause", "who", "by")],
        [
            [
                Cell(
                    ClauseRef(
                        c.t("charter.clause.number", n=cl.number), fit(cl.text, 90), cl.number
                    )
                ),
                Cell(cl.who or unspecified),
                Cell(format_date(c.lang, cl.by) or unspecified),
            ]
            for cl in c.commitments
        ],
        [60, 22, 18],
        layout="split",
    )


def _changes(c: Charter) -> list[Block]:
    ch = c.changes
    if ch is None:
        return []
    t = c.t
    blocks: list[Block] = [Paragraph(t("charter.changes.intro", title=ch.title, date=ch.date))]
    if ch.decisions:
        blocks.append(
            Table(
                [
                    t("charter.decisions.practice"),
                    t("charter.changes.before"),
                    t("charter.changes.now"),
                ],
                [[Cell(PracticeName(p)), Cell(b), Cell(n)] for p, b, n in ch.decisions],
                [50, 25, 25],
                layout="packed",
            )
        )
    for key, items in (("new", ch.new), ("dropped", ch.dropped), ("kept", ch.kept)):
        if items:
            blocks.append(Subsection(t(f"charter.changes.{key}"), [Bullets(items)], keep=False))
    return blocks


def _review(c: Charter) -> str:
    if c.review_date:
        return c.t("charter.review.date", date=c.review_date)
    return c.t("charter.review.none")
