"""The workshop's results as tables, for spreadsheets: the answers as CSV, and four sheets
(answers, map, decisions, clauses) as an OpenDocument spreadsheet (`ods.py`).

Each answer says its pass (1 = screening, 2… = a practice asked again after discussion,
the method's loop); the map sheet is the first pass, as the archive's map.

Managers, researchers and funders work in spreadsheets. Every table is read from the
archive alone, headers and words in the workshop's language; participants are the
archive's anonymous numbers, and nothing here knows a name.

Two rules hold for every cell written by a person (comments, titles, clause texts):

- a comment the facilitator hid (`"hidden": true`) is left empty and the "Hidden" column
  says yes: it was hidden because it should not be read beyond the room (a name, a
  hurtful word), and a spreadsheet travels further than the projector. Its text stays in
  the JSON archive, which the facilitator keeps;
- in CSV, a text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
  `@`, a tab or a carriage return) is prefixed with `'`, as OWASP advises against CSV
  injection. An ODS cell is typed as text, never a formula, so it keeps the text as typed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from workshop import i18n
from workshop.aggregate import build_map
from workshop.archive import check_archive
from workshop.charter.document import clean
from workshop.model import FIRST_PASS, REGISTERS, Answer, Consent, Sphere

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
#: A cell: a text, a number (written as a number), or nothing.
Cell = str | int | float | None
#: What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SOURCES = ("phone", "paper", "import", "demo")


@dataclass
class Sheet:
    """One table: its name (the sheet's tab), its header row, its rows; column widths in
    centimetres, for the ODS."""

    name: str
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[float]


class _Reader:
    """The archive's parts looked up by id, and words in the workshop's language."""

    def __init__(self, archive: dict) -> None:
        check_archive(archive)
        lang = archive["workshop"]["lang"]
        self.lang = lang if lang in i18n.languages() else i18n.DEFAULT
        self.archive = archive
        self.practices = {p["id"]: p for p in archive["practices"]}
        self.position = {pid: i for i, pid in enumerate(self.practices)}

    def t(self, key: str) -> str:
        return i18n.translate(self.lang, key)

    def title(self, pid: str | None) -> str:
        return clean(self.practices.get(pid, {}).get("title")) if pid else ""

    def register(self, pid: str) -> str:
        register = self.practices.get(pid, {}).get("register")
        return self.t(f"charter.register.{register}") if register in REGISTERS else ""

    def sphere(self, sphere: str) -> str:
        wording = self.archive["spheres"].get(sphere) or {}
        return clean(wording.get("label")) or self.t(f"sphere.{sphere}")

    def source(self, source: object) -> str:
        return self.t(f"sheet.source.{source}") if source in SOURCES else ""


def answers_sheet(archive: dict, reader: _Reader | None = None) -> Sheet:
    """One row per answer: by participant, then practice and sphere in the workshop's order."""
    r = reader or _Reader(archive)
    spheres = [s.value for s in Sphere]
    ordered = sorted(
        archive["answers"],
        key=lambda a: (
            a["participant"],
            r.position.get(a["practice"], len(r.position)),
            a["practice"],
            spheres.index(a["sphere"]),
            a.get("pass", FIRST_PASS),
        ),
    )
    rows: list[list[Cell]] = []
    for a in ordered:
        hidden = a.get("hidden") is True
        rows.append(
            [
                a["participant"],
                r.source(a.get("source")),
                a["practice"],
                r.title(a["practice"]),
                r.register(a["practice"]),
                r.sphere(a["sphere"]),
                r.t(f"answer.{a['value']}"),
                "" if hidden else clean(a["comment"]),
                r.t("sheet.yes" if hidden else "sheet.no"),
                a.get("at", ""),
                a.get("pass", FIRST_PASS),
            ]
        )
    keys = ("participant", "source", "practice_id", "practice", "register", "sphere")
    headers = [r.t(f"sheet.{k}") for k in (*keys, "answer", "comment", "hidden", "at", "pass")]
    widths = [2.4, 2.4, 4, 8, 3.5, 3, 3, 10, 2, 5, 2.2]
    return Sheet(r.t("sheet.answers"), headers, rows, widths)


def map_sheet(archive: dict, reader: _Reader | None = None) -> Sheet:
    """The map per cell, most tense practice first: the four counts, then the measures."""
    r = reader or _Reader(archive)
    rows: list[list[Cell]] = []
    for pid, cells in _map(archive):
        for sphere in Sphere:
            cell = cells.get(sphere.value) or {}
            counts = cell.get("counts") or {}
            rows.append(
                [pid, r.title(pid), r.sphere(sphere.value)]
                + [counts.get(a.value, 0) for a in Answer]
                + [cell.get("answered", 0), cell.get("disagreement", 0.0), cell.get("concern", 0.0)]
            )
    headers = [r.t("sheet.practice_id"), r.t("sheet.practice"), r.t("sheet.sphere")]
    headers += [r.t(f"answer.{a.value}") for a in Answer]
    headers += [r.t("sheet.answered"), r.t("sheet.disagreement"), r.t("sheet.concern")]
    return Sheet(r.t("sheet.map"), headers, rows, [4, 8, 3, 2.4, 2.4, 2.4, 2.4, 2.4, 2.6, 2.6])


def _map(archive: dict) -> list[tuple[str, dict]]:
    """(practice id, cells) in tension order: the archive's map, or, for an archive that
    carries only its answers, the map computed from the first pass's as the workshop did."""
    if archive.get("map") is not None:
        return [(row["practice"], row["cells"]) for row in archive["map"]]
    counts = Counter(
        (a["practice"], a["sphere"], a["value"])
        for a in archive["answers"]
        if a.get("pass", FIRST_PASS) == FIRST_PASS
    )
    rows = build_map(archive["practices"], [(*key, n) for key, n in counts.items()])
    return [
        (
            row.practice["id"],
            {
                s.value: {
                    "counts": {a.value: n for a, n in c.counts.items()},
                    "answered": c.answered,
                    "disagreement": round(c.disagreement, 4),
                    "concern": round(c.concern, 4),
                }
                for s, c in row.cells.items()
            },
        )
        for row in rows
    ]


def decisions_sheet(archive: dict, reader: _Reader | None = None) -> Sheet:
    r = reader or _Reader(archive)
    rows: list[list[Cell]] = [
        [d["practice"], r.title(d["practice"]), r.t(f"decision.{d['kind']}"), clean(d["detail"])]
        for d in archive["decisions"]
    ]
    headers = [r.t(f"sheet.{k}") for k in ("practice_id", "practice", "decision", "detail")]
    return Sheet(r.t("sheet.decisions"), headers, rows, [4, 8, 5, 10])


def clauses_sheet(archive: dict, reader: _Reader | None = None) -> Sheet:
    """One row per consent round, with its wording and tally; a clause never put to
    consent has one row with its current wording and no round."""
    r = reader or _Reader(archive)
    rows: list[list[Cell]] = []
    for c in archive["clauses"]:
        head: list[Cell] = [c["id"], c["practice"] or "", r.title(c["practice"])]
        status = r.t(f"clause.{c['status']}")
        if not c["rounds"]:
            rows.append([*head, status, None, clean(c["text"]), None, None, None])
        for round_ in c["rounds"]:
            tally = round_["tally"]
            rows.append(
                [*head, status, round_["number"], clean(round_["text"])]
                + [tally[k.value] for k in Consent]
            )
    keys = ("clause", "practice_id", "practice", "status", "round", "text")
    headers = [r.t(f"sheet.{k}") for k in keys]
    headers += [r.t(f"sheet.tally.{k.value}") for k in Consent]
    return Sheet(r.t("sheet.clauses"), headers, rows, [1.8, 4, 8, 5, 1.8, 12, 2.6, 2.6, 2.6])


def sheets(archive: dict) -> list[Sheet]:
    """The four sheets of the ODS, the archive checked once."""
    reader = _Reader(archive)
    return [
        answers_sheet(archive, reader),
        map_sheet(archive, reader),
        decisions_sheet(archive, reader),
        clauses_sheet(archive, reader),
    ]


def defused(text: str) -> str:
    """A text no spreadsheet runs as a formula (OWASP): `'` before a formula's start."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def render_csv(archive: dict) -> bytes:
    """The answers, one row per answer, as CSV: UTF-8 with a byte order mark (so that
    LibreOffice and Excel read the accents), commas, quotes where a field needs them."""
    sheet = answers_sheet(archive)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow(["" if v is None else defused(v) if isinstance(v, str) else v for v in row])
    return out.getvalue().encode("utf-8-sig")
