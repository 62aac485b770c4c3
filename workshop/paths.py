"""Find the shipped resources (templates, static files, decks) wherever the package runs.

In a wheel they are inside the package (hatchling force-include maps them to
`workshop/templates` etc.); in a source checkout they sit beside the package; in the
one-file app (tools/build_app.py) they are unpacked under `sys._MEIPASS/workshop/`.
"""

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    found = [_PACKAGE / name, _PACKAGE.parent / name]
    bundle = getattr(sys, "_MEIPASS", None)  # set by the one-file app's bootloader
    if bundle:
        found.append(Path(bundle) / "workshop" / name)
    return found


def resource_dir(name: str) -> Path:
    """Return the folder `name` (templates, static, card_decks); raise if it is missing."""
    for candidate in _candidates(name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource folder {name!r} not found next to {_PACKAGE}")
