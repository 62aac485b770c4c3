"""The charter as an OpenDocument text, the file the organisation edits in LibreOffice.

Written by hand to need no library: a small writer of ODF body elements walks the
outline, with LibreOffice's own style names (Heading 1–4, Text body, Table contents…)
so that the document edits like one typed there.
"""

from __future__ import annotations

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
from workshop.charter.document import ROOM_MARK, Charter, Clause, build
from workshop.charter.opendocument import meta, odf_text, package
from workshop.charter.outline import outline

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


def _content(c: Charter) -> str:
    doc = _Odt()
    for section in outline(c):
        if section.blocks:
            _section(c, doc, section)
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


def _section(c: Charter, doc: _Odt, section: Section) -> None:
    if section.role == "cover":
        doc.h(1, f"{section.kicker} — {section.heading}")
    elif section.role == "body":
        doc.h(2, section.heading)
    for block in section.blocks:
        _block(c, doc, block)


def _inline(c: Charter, text: Text) -> str:
    if isinstance(text, PracticeName):
        room = f" ({ROOM_MARK} {c.t('practice.from_room')})" if text.practice.from_room else ""
        return text.practice.title + room
    if isinstance(text, ClauseRef):
        return f"{text.label} — {text.excerpt}"
    return text


def _block(c: Charter, doc: _Odt, block: Block) -> None:
    """One block as ODF elements, appended to `doc`."""
    if isinstance(block, Facts):
        doc.bullets([(c.t("charter.label", label=f.label), f.value) for f in block.items])
    elif isinstance(block, Paragraph):
        doc.p(block.text, "Small" if block.small else "Text_20_body")
    elif isinstance(block, Definitions):
        doc.bullets([(c.t("charter.label", label=term), text) for term, text in block.items])
    elif isinstance(block, Scale):
        doc.bullets([(icon, word) for _, icon, word in block.items])
    elif isinstance(block, Bullets):
        doc.bullets([("", x) for x in block.items])
    elif isinstance(block, StatusList):
        doc.bullets([(status, text) for text, status in block.items])
    elif isinstance(block, Table):
        _table(c, doc, block)
    elif isinstance(block, MapFigure):
        _table(c, doc, block.table)
        doc.p(block.legend, "Small")
    elif isinstance(block, LoopFigure):
        doc.h(3, _inline(c, block.heading))
        _table(c, doc, block.table)
    elif isinstance(block, ClauseGroup):
        doc.h(3, _inline(c, block.heading))
        for clause in block.clauses:
            _clause(c, doc, clause)
    elif isinstance(block, Subsection):
        doc.h(3, block.heading)
        for inner in block.blocks:
            _block(c, doc, inner)
    elif isinstance(block, Columns):
        for part in block.parts:
            _block(c, doc, part)
    else:
        raise TypeError(f"no OpenDocument for {block!r}")


def _table(c: Charter, doc: _Odt, table: Table) -> None:
    rows = [[_inline(c, cell.text) for cell in row] for row in table.rows]
    doc.table(table.headers, rows, table.widths)


def _clause(c: Charter, doc: _Odt, clause: Clause) -> None:
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


def _styles(lang: str) -> str:
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


def render_odt(archive: dict) -> bytes:
    """The charter as an OpenDocument text the organisation edits in LibreOffice.

    Written by hand to need no library (the package: `opendocument.py`).
    """
    c = build(archive)
    title = c.t("charter.kicker") + " — " + c.title
    return package(
        ODT_MIMETYPE,
        _content(c),
        _styles(c.lang),
        meta(_NS, title, c.lang, archive.get("exported_at")),
    )
