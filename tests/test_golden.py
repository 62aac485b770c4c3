"""Exports do not drift: the finished demo's archive and charter, byte for byte.

The files in tests/golden/ were written by the code before the package was reshaped into
store/, archive/ and charter/; any change to what a facilitator downloads shows up here as
a diff. Only what depends on the day and on chance is pinned (the join code, the dates
counted from today, the time of export), so the comparison is exact everywhere else.
To accept a deliberate change to a document, run `python tests/test_golden.py` and read
the diff before committing it.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from workshop import charter, demo
from workshop.archive.build import build_archive

GOLDEN = Path(__file__).parent / "golden"
DAY = date(2026, 12, 2)
FORMATS = ("json", "html", "md", "odt")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def pinned(archive: dict) -> dict:
    """The archive with chance and the calendar fixed: dates move from today to DAY."""
    shift = DAY - date.today()

    def move(match: re.Match) -> str:
        return (date.fromisoformat(match[0]) + shift).isoformat()

    archive = json.loads(_DATE.sub(move, json.dumps(archive, ensure_ascii=False)))
    archive["exported_at"] = f"{DAY.isoformat()}T10:00:00+00:00"
    archive["workshop"]["code"] = "DEMO7"
    archive["workshop"]["created_at"] = f"{DAY.isoformat()}T09:00:00+00:00"
    for answer in archive["answers"]:  # when each was given: the clock of the run
        if "at" in answer:
            answer["at"] = f"{DAY.isoformat()}T09:30:00+00:00"
    for revisit in archive.get("revisits", []):  # when it was opened and closed, too
        revisit["opened_at"] = f"{DAY.isoformat()}T09:40:00+00:00"
        if revisit["closed_at"] is not None:
            revisit["closed_at"] = f"{DAY.isoformat()}T09:45:00+00:00"
    return archive


def demo_archive(app, lang: str) -> dict:
    store = app.extensions["workshop.store"]
    deck = app.extensions["workshop.decks"][f"social-work.{lang}"]
    return pinned(build_archive(store, store.workshop_by_id(demo.create_finished(store, deck))))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_demo_archive_is_what_it_was(app, lang):
    expected = json.loads((GOLDEN / f"demo-{lang}.json").read_text(encoding="utf-8"))
    assert demo_archive(app, lang) == expected


def archives() -> dict[str, dict]:
    """The documents compared: the demo (as archived above), and the charter tests' own
    archives, which add a review of an earlier workshop, drafts, and a 60-practice map."""
    from test_charter import make_archive, make_big_archive

    found = {
        name: json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        for name in ("demo-fr", "demo-en")
    }
    return {
        **found,
        "rich-fr": make_archive("fr"),
        "rich-en": make_archive("en"),
        "big": make_big_archive(),
    }


NAMES = ("demo-fr", "demo-en", "rich-fr", "rich-en", "big")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", NAMES)
def test_every_format_renders_byte_for_byte(name, fmt):
    expected = (GOLDEN / f"{name}.{fmt}").read_bytes()
    assert charter.render(archives()[name], fmt) == expected


def write_golden() -> None:  # pragma: no cover - run by hand, see the docstring
    import tempfile

    from workshop.app import create_app

    with tempfile.TemporaryDirectory() as data:
        app = create_app({"DATA_DIR": data, "BROADCAST_INTERVAL": None})
        try:
            for lang in ("fr", "en"):
                archive = demo_archive(app, lang)
                (GOLDEN / f"demo-{lang}.json").write_bytes(charter.render(archive, "json"))
            for name, archive in archives().items():
                for fmt in FORMATS:
                    (GOLDEN / f"{name}.{fmt}").write_bytes(charter.render(archive, fmt))
        finally:
            app.extensions["workshop.store"].close()


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).parent))
    write_golden()
