"""The charter document: what the group decided, rendered from the workshop archive.

A charter has to outlive the tool and the laptop it ran on, so every format stands on its
own: HTML with its stylesheet and map inline (print it to A4 or PDF from any browser),
OpenDocument for LibreOffice (the organisation edits it later), Markdown, and the JSON
archive itself (`docs/archive-format.md`), which a later workshop imports to compare.
The results also leave as spreadsheets, for whoever works in one: the answers as CSV,
and the answers, map, decisions and clauses as an OpenDocument spreadsheet (`sheets`,
`ods`).

`document` reads an archive into a `Charter` once (and checks it, once); `outline` says
which sections the charter has and what each holds; `html`, `markdown` and `odt` each
write that outline in their syntax; `svg` draws the map. Importing this package loads
neither Flask nor a database, so a charter renders from a JSON file alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from workshop.archive import check_archive
from workshop.charter.document import Charter, build, clean, format_date
from workshop.charter.html import render_html
from workshop.charter.markdown import md_block, md_text, render_markdown
from workshop.charter.ods import ODS_MIMETYPE, render_ods
from workshop.charter.odt import ODT_MIMETYPE, render_odt
from workshop.charter.opendocument import odf_text
from workshop.charter.outline import outline
from workshop.charter.sheets import CSV_MEDIA_TYPE, render_csv
from workshop.charter.svg import map_svg
from workshop.model import Sphere


@dataclass(frozen=True)
class Renderer:
    """How one format is served: its media type, its file extension, its bytes."""

    media_type: str
    extension: str
    render: Callable[[dict], bytes]


def _json(archive: dict) -> bytes:
    """The archive itself, checked like the others, in readable UTF-8 (no \\u escapes)."""
    check_archive(archive)
    return json.dumps(archive, ensure_ascii=False, indent=2, sort_keys=True).encode()


RENDERERS = {
    "html": Renderer("text/html; charset=utf-8", ".html", lambda a: render_html(a).encode()),
    "md": Renderer("text/markdown; charset=utf-8", ".md", lambda a: render_markdown(a).encode()),
    "odt": Renderer(ODT_MIMETYPE, ".odt", render_odt),
    "json": Renderer("application/json", ".json", _json),
    "csv": Renderer(CSV_MEDIA_TYPE, ".csv", render_csv),
    "ods": Renderer(ODS_MIMETYPE, ".ods", render_ods),
}
#: The formats that are the results as tables rather than the charter.
SPREADSHEETS = ("csv", "ods")
FORMATS = tuple(RENDERERS)
MEDIA_TYPES = {fmt: r.media_type for fmt, r in RENDERERS.items()}
EXTENSIONS = {fmt: r.extension for fmt, r in RENDERERS.items()}


def render(archive: dict, fmt: str) -> bytes:
    """The charter (or, for "json", the archive itself; for "csv" and "ods", its tables)
    as the bytes of a file; the archive is checked once, by the renderer (`build` for the
    documents)."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown charter format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderer.render(archive)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MEDIA_TYPES",
    "ODS_MIMETYPE",
    "ODT_MIMETYPE",
    "RENDERERS",
    "SPREADSHEETS",
    "Charter",
    "Renderer",
    "Sphere",
    "build",
    "clean",
    "format_date",
    "map_svg",
    "md_block",
    "md_text",
    "odf_text",
    "outline",
    "render",
    "render_csv",
    "render_html",
    "render_markdown",
    "render_ods",
    "render_odt",
]
