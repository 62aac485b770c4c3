"""The charter as one standalone, print-ready HTML page (CSS and map inline).

Rendered with Jinja rather than from Python: autoescaping means no user text reaches the
page unescaped by oversight, and the page's markup stays readable as markup. The template
(templates/charter/charter.html) loops over the outline's sections; charter/_blocks.html
holds one macro per kind of block, and _clause.html the clause itself.
"""

from __future__ import annotations

from functools import cache, partial

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from workshop import i18n
from workshop.charter.document import TALLY, build
from workshop.charter.outline import outline
from workshop.charter.svg import figures, loop_figure
from workshop.model import Answer, Sphere
from workshop.paths import resource_dir


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
            sections=outline(charter),
            css=Markup(css),  # our own file, never user text  # noqa: S704
            figures=[Markup(svg) for svg in figures(charter)],  # built escaped  # noqa: S704
            loop_figures={
                loop.practice.id: Markup(loop_figure(charter, loop))  # built escaped  # noqa: S704
                for loop in charter.loops
            },
            spheres=list(Sphere),
            answers=list(Answer),
            tally_kinds=TALLY,
            _=partial(i18n.translate, charter.lang),
            _n=partial(i18n.translate_n, charter.lang),
        )
    )
