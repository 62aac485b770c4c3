"""The charter's outline: its sections, described once, in reading order.

HTML, Markdown and OpenDocument used to walk the nine sections each on its own, so a
change to a section was made three times. Now `outline()` says, once, which sections the
charter has, which blocks (blocks.py) each holds, in which order and with which words; a
renderer only knows how to write each kind of block in its own syntax. Adding a section
is one change here (plus a block kind's rendering in each renderer, if it needs a new
kind). A section left empty (nothing was left unadopted, nothing is reviewed) is not
printed.
"""

from __future__ import annotations

from workshop.aggregate import SHIFT_THRESHOLD
from workshop.charter.blocks import (
    Block,
    Bullets,
    Cell,
    ClauseGroup,
    ClauseRef,
    Columns,
    Definitions,
    Fact,
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
)
from workshop.charter.document import ICONS, Charter, fit, format_date
from workshop.model import REGISTERS, Answer, Sphere


def outline(c: Charter) -> list[Section]:
    """The charter's sections in reading order: the ten, and the colophon."""
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
        # Only a workshop that asked practices again has this section (even empty,
        # a section would leave its blank line in the HTML of every other charter).
        *([Section("loop", t("charter.loop.title"), _loop(c))] if c.loops else []),
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


def _loop(c: Charter) -> list[Block]:
    """The practices asked again after the discussion: both passes and the shift."""
    if not c.loops:
        return []
    threshold = round(SHIFT_THRESHOLD * 100)
    blocks: list[Block] = [
        Paragraph(c.t("charter.loop.intro")),
        Paragraph(c.t("charter.loop.how", threshold=threshold), "source", small=True),
    ]
    for loop in c.loops:
        headers = [
            c.t("print.sphere"),
            c.t("revisit.first"),
            c.t("revisit.last", n=loop.last_pass),
            c.t("shift.concern"),
            c.t("shift.disagreement"),
        ]
        rows = [
            [
                Cell(c.sphere_label(sphere)),
                Cell(" ".join(f"{ICONS[a]}{loop.first[sphere][a]}" for a in Answer)),
                Cell(" ".join(f"{ICONS[a]}{loop.last[sphere][a]}" for a in Answer)),
                Cell(c.t(f"shift.{moved.concern}"), "shift"),
                Cell(c.t(f"shift.{moved.disagreement}"), "shift"),
            ]
            for sphere, moved in loop.shifts.items()
        ]
        table = Table(headers, rows, [22, 20, 20, 19, 19], layout="split")
        blocks.append(LoopFigure(PracticeName(loop.practice), loop, table))
    return blocks


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
