"""The workshop's results as an OpenDocument spreadsheet: answers, map, decisions, clauses.

Written by hand like the ODT (`odt.py`), to need no library, and byte for byte the same
for the same archive: the `mimetype` entry first and stored, fixed dates in the zip.
Numbers are numeric cells (`office:value-type="float"`), so they sum and sort; texts are
text cells, which a spreadsheet never runs as formulas. The header row repeats on every
printed page.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from workshop.charter.document import clean
from workshop.charter.opendocument import meta, odf_text, package
from workshop.charter.sheets import Cell, Sheet, sheets

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'office:version="1.3"'
)


def _number(value: int | float) -> str:
    """A number as xsd:double writes it: 3, 0.4412 (never 1e-05 or nan)."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


def _cell(value: Cell) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        n = _number(value)
        return (
            f'<table:table-cell office:value-type="float" office:value="{n}">'
            f"<text:p>{n}</text:p></table:table-cell>"
        )
    lines = "".join(f"<text:p>{odf_text(line)}</text:p>" for line in clean(value).split("\n"))
    return (
        f'<table:table-cell table:style-name="Text" office:value-type="string">{lines}'
        "</table:table-cell>"
    )


def _column_style(width: float) -> str:
    return f"w{round(width * 10)}"


def _table(sheet: Sheet) -> str:
    out = [f"<table:table table:name={quoteattr(clean(sheet.name))}>"]
    out += [
        f'<table:table-column table:style-name="{_column_style(w)}" '
        'table:default-cell-style-name="Text"/>'
        for w in sheet.widths
    ]
    out.append("<table:table-header-rows><table:table-row>")
    out += [
        f'<table:table-cell table:style-name="Head" office:value-type="string">'
        f"<text:p>{odf_text(h)}</text:p></table:table-cell>"
        for h in sheet.headers
    ]
    out.append("</table:table-row></table:table-header-rows>")
    for row in sheet.rows:
        out.append(f"<table:table-row>{''.join(_cell(v) for v in row)}</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def _content(tables: list[Sheet]) -> str:
    widths = sorted({w for sheet in tables for w in sheet.widths})
    columns = "".join(
        f'<style:style style:name="{_column_style(w)}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w:.1f}cm"/></style:style>'
        for w in widths
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
        f"<office:automatic-styles>{columns}"
        '<style:style style:name="Text" style:family="table-cell">'
        '<style:table-cell-properties style:vertical-align="top" fo:wrap-option="wrap"/>'
        "</style:style>"
        '<style:style style:name="Head" style:family="table-cell">'
        '<style:table-cell-properties style:vertical-align="top" fo:wrap-option="wrap" '
        'fo:background-color="#e8e6df"/>'
        '<style:text-properties fo:font-weight="bold"/></style:style>'
        "</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{''.join(_table(s) for s in tables)}"
        "</office:spreadsheet></office:body></office:document-content>"
    )


def _styles(lang: str) -> str:
    country = {"fr": "BE", "en": "GB"}.get(lang, "none")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}>'
        "<office:styles>"
        '<style:default-style style:family="table-cell"><style:text-properties '
        f'fo:font-size="10pt" fo:language="{lang}" fo:country="{country}"/>'
        "</style:default-style>"
        '<style:style style:name="Default" style:family="table-cell"/>'
        "</office:styles>"
        "</office:document-styles>"
    )


def render_ods(archive: dict) -> bytes:
    """The four sheets (answers, map, decisions, clauses) as an OpenDocument spreadsheet;
    the archive is checked once, by `sheets`."""
    tables = sheets(archive)
    workshop = archive["workshop"]
    return package(
        ODS_MIMETYPE,
        _content(tables),
        _styles(workshop["lang"]),
        meta(_NS, workshop["title"], workshop["lang"], archive.get("exported_at")),
    )
