"""Find the shipped resources (templates, static files, decks) wherever the package runs.

In a wheel they are inside the package (hatchling force-include maps them to
`workshop/templates` etc.); in a source checkout they sit beside the package.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder `name` (templates, static, card_decks); raise if it is missing."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource folder {name!r} not found next to {_PACKAGE}")
