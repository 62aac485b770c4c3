"""The results as spreadsheets: the answers as CSV, four sheets as an OpenDocument file."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from conftest import csrf

from workshop import charter, cli
from workshop.archive import check_archive
from workshop.archive.build import build_archive, restore_archive
from workshop.charter.sheets import answers_sheet, clauses_sheet, map_sheet
from workshop.model import Answer, Invalid, Phase

GOLDEN = Path(__file__).parent / "golden"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
HEADER_FR = [
    "Participant",
    "Source",
    "Identifiant de la pratique",
    "Pratique",
    "Registre",
    "Sphère",
    "Réponse",
    "Commentaire",
    "Masqué",
    "Heure",
    "Passage",
]
HEADER_EN = [
    "Participant",
    "Source",
    "Practice id",
    "Practice",
    "Register",
    "Sphere",
    "Answer",
    "Comment",
    "Hidden",
    "Time",
    "Pass",
]
TRICKY = 'Oui, mais "pas le week-end"\nsuite, ligne 2'
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)"]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: accents read right in a spreadsheet
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def answer(client, workshop, **fields):
    response = client.post(f"/j/{workshop.code}/card/1", data={"csrf": csrf(client), **fields})
    assert response.status_code in (200, 303), response.data


def paper(facilitator, workshop, sheet, **fields):
    saved = facilitator.post(
        f"/f/w/{workshop.code}/paper",
        data={"csrf": csrf(facilitator), "sheet": str(sheet), **fields},
    )
    assert saved.status_code == 303, saved.data


@pytest.fixture
def small(make_workshop, join, facilitator, store):
    """A French workshop: two phones (one with awkward comments) and a paper ballot."""
    w = make_workshop(phase="screening")
    first, _ = join(w)
    answer(first, w, means="problem", means_comment=TRICKY, values="fine")
    second, _ = join(w)
    answer(second, w, means="fine", means_comment=FORMULAS[0], values="unsure")
    paper(facilitator, w, 1, **{"whatsapp-users:prescriptions": "discuss"})
    return store.workshop_by_id(w.id)


def test_the_csv_has_a_header_and_one_row_per_answer(small, store):
    header, *rows = read_csv(charter.render(build_archive(store, small), "csv"))
    assert header == HEADER_FR
    assert len(rows) == 5
    assert [r[0] for r in rows] == ["1", "1", "2", "2", "3"]  # numbers, never names
    assert [r[1] for r in rows] == ["téléphone"] * 4 + ["papier"]
    first = rows[0]
    assert first[2:8] == [
        "whatsapp-users",
        "Nous parlons avec les personnes sur WhatsApp",
        "Médiatisation",
        "Moyens",
        "Problème",
        TRICKY,  # commas, quotes and a line break come back whole
    ]
    assert first[8] == "non"
    assert rows[1][5:8] == ["Valeurs", "Ça va", ""]
    assert rows[3][6] == "Je ne sais pas"
    assert rows[4][5:7] == ["Prescrits", "À discuter"]
    for row in rows:
        assert datetime.fromisoformat(row[9]).tzinfo is not None
        assert row[10] == "1"  # the first pass: screening


def test_a_comment_never_becomes_a_formula(make_workshop, join, store):
    w = make_workshop(phase="screening", practices=["whatsapp-users"])
    for formula in FORMULAS:
        phone, _ = join(w)
        answer(phone, w, means="fine", means_comment=formula)
    rows = read_csv(charter.render(build_archive(store, w), "csv"))[1:]
    assert [r[7] for r in rows] == [f"'{f}" for f in FORMULAS]  # OWASP: a leading quote
    # The ODS keeps the text as typed: a text cell is never a formula.
    content = zipfile.ZipFile(io.BytesIO(charter.render(build_archive(store, w), "ods")))
    tree = ElementTree.fromstring(content.read("content.xml"))
    assert not [c for c in tree.iter(f"{TABLE}table-cell") if f"{TABLE}formula" in c.attrib]
    assert FORMULAS[0] in content.read("content.xml").decode()


def test_a_hidden_comment_is_left_empty_and_said_hidden(small, store, facilitator):
    [tricky] = [c for c in store.comments_for_moderation(small.id) if c["text"] == TRICKY]
    store.set_comment_hidden(small.id, tricky["id"], True)
    archive = build_archive(store, small)
    rows = read_csv(charter.render(archive, "csv"))[1:]
    assert (rows[0][7], rows[0][8]) == ("", "oui")
    assert {r[8] for r in rows[1:]} == {"non"}
    ods = zipfile.ZipFile(io.BytesIO(charter.render(archive, "ods")))
    assert "pas le week-end" not in ods.read("content.xml").decode()
    assert "pas le week-end" not in json.dumps(answers_sheet(archive).rows)


def test_paper_answers_say_paper_in_english(make_workshop, facilitator, store):
    w = make_workshop(phase="screening", lang="en")
    paper(facilitator, w, 1, **{"whatsapp-users:means": "problem"})
    header, *rows = read_csv(charter.render(build_archive(store, w), "csv"))
    assert header == HEADER_EN
    assert [r[1] for r in rows] == ["paper"]
    assert rows[0][6:9] == ["Problem", "", "no"]


def test_the_spreadsheets_are_served_with_their_types_and_names(small, facilitator, store):
    store.set_phase(small.id, Phase.MAP)
    store.set_phase(small.id, Phase.NEGOTIATION)
    page = facilitator.get(f"/f/w/{small.code}").get_data(as_text=True)
    assert "Tableur (CSV)" in page and "Tableur (ODS)" in page
    assert f"/f/w/{small.code}/export.csv" in page
    for fmt, media_type, params in (
        ("csv", "text/csv", {"charset": "utf-8"}),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet", {}),
    ):
        response = facilitator.get(f"/f/w/{small.code}/export.{fmt}")
        assert response.status_code == 200
        assert (response.mimetype, response.mimetype_params) == (media_type, params)
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="reponses-{small.code}.{fmt}"'
        )
    assert facilitator.get(f"/f/w/{small.code}/export.xlsx").status_code == 404


def test_an_english_workshop_downloads_answers(make_workshop, facilitator):
    w = make_workshop(lang="en")
    response = facilitator.get(f"/f/w/{w.code}/export.ods")
    assert response.headers["Content-Disposition"] == f'attachment; filename="answers-{w.code}.ods"'
    charte = facilitator.get(f"/f/w/{w.code}/export.html")
    assert charte.headers["Content-Disposition"].endswith(f'"charter-{w.code}.html"')


def test_the_command_line_exports_spreadsheets(small, app, tmp_path):
    help_text = CliRunner().invoke(cli.main, ["export", "--help"]).output
    assert "csv" in help_text and "ods" in help_text
    for fmt in ("csv", "ods"):
        out = tmp_path / f"out.{fmt}"
        args = ["export", small.code, "--data", str(tmp_path), "--format", fmt, "-o", str(out)]
        result = CliRunner().invoke(cli.main, args)
        assert result.exit_code == 0, result.output
    assert read_csv((tmp_path / "out.csv").read_bytes())[0] == HEADER_FR
    assert zipfile.ZipFile(tmp_path / "out.ods").namelist()[0] == "mimetype"


# --- The OpenDocument spreadsheet ---------------------------------------------------


def golden(name: str = "demo-fr") -> dict:
    return json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))


def test_the_ods_is_a_valid_package_with_four_sheets_and_numbers():
    archive = golden()
    body = charter.render(archive, "ods")
    assert body == charter.render(archive, "ods")  # the same bytes every time
    package = zipfile.ZipFile(io.BytesIO(body))
    first = package.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert package.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    assert body[30:38] == b"mimetype"  # right after the first local header
    for name in ("META-INF/manifest.xml", "styles.xml", "meta.xml"):
        ElementTree.fromstring(package.read(name))
    tree = ElementTree.fromstring(package.read("content.xml"))
    tables = list(tree.iter(f"{TABLE}table"))
    assert [t.get(f"{TABLE}name") for t in tables] == ["Réponses", "Carte", "Décisions", "Clauses"]
    answers = list(tables[0].iter(f"{TABLE}table-row"))
    assert len(answers) == 1 + len(archive["answers"])  # the header and one row per answer
    numbers = [
        c for c in tables[1].iter(f"{TABLE}table-cell") if c.get(f"{OFFICE}value-type") == "float"
    ]
    assert len(numbers) == 7 * 3 * len(archive["map"])  # 4 counts, answered, 2 measures
    first_row = archive["map"][0]["cells"]["means"]
    values = [float(c.get(f"{OFFICE}value")) for c in numbers[:7]]
    assert values == [
        *(first_row["counts"][a.value] for a in Answer),
        first_row["answered"],
        first_row["disagreement"],
        first_row["concern"],
    ]


def test_the_clause_sheet_has_every_round_with_its_tally():
    archive = golden()
    sheet = clauses_sheet(archive)
    assert len(sheet.rows) == sum(max(1, len(c["rounds"])) for c in archive["clauses"])
    clause = next(c for c in archive["clauses"] if len(c["rounds"]) > 1)
    rows = [r for r in sheet.rows if r[0] == clause["id"]]
    assert [r[4] for r in rows] == [r["number"] for r in clause["rounds"]]
    assert [r[6:] for r in rows] == [
        [r["tally"]["consent"], r["tally"]["reservation"], r["tally"]["objection"]]
        for r in clause["rounds"]
    ]


def test_an_archive_without_its_map_gets_the_same_map_sheet():
    archive = golden("demo-en")
    without = copy.deepcopy(archive)
    del without["map"]
    assert map_sheet(without).rows == map_sheet(archive).rows


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_libreoffice_opens_the_ods(tmp_path):
    """LibreOffice reads the four sheets; the answers sheet says what the CSV says."""
    if SOFFICE is None:
        message = "LibreOffice Calc is needed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"no soffice or libreoffice on PATH ({message})")
    archive = golden()
    source = tmp_path / "answers.ods"
    source.write_bytes(charter.render(archive, "ods"))
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            every_sheet,
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sheets = {
        p.stem.removeprefix("answers-"): list(csv.reader(io.StringIO(p.read_text("utf-8"))))
        for p in (tmp_path / "out").glob("*.csv")
    }
    assert set(sheets) == {"Réponses", "Carte", "Décisions", "Clauses"}, result.stdout
    assert sheets["Réponses"] == read_csv(charter.render(archive, "csv"))
    assert sheets["Carte"][1][3:] == ["8", "3", "6", "1", "18", "0.8235", "0.4412"]
    assert len(sheets["Clauses"]) == 1 + len(clauses_sheet(archive).rows)


# --- What the archive adds for them: where each answer came from, and when ----------


def test_source_and_time_come_back_from_an_archive(small, store):
    archive = build_archive(store, small)
    assert {a["source"] for a in archive["answers"]} == {"phone", "paper"}
    restored = build_archive(store, store.workshop_by_id(restore_archive(store, archive)))
    assert restored["answers"] == archive["answers"]


def test_source_and_time_are_optional_and_checked():
    archive = golden()
    older = copy.deepcopy(archive)
    for a in older["answers"]:
        del a["source"], a["at"]
    check_archive(older)  # an archive written before them still reads
    for key, value in (("source", "fax"), ("source", 1), ("at", "hier"), ("at", None)):
        broken = copy.deepcopy(archive)
        broken["answers"][3][key] = value
        with pytest.raises(Invalid) as error:
            check_archive(broken)
        assert error.value.params == {"where": f"answers[3].{key}"}
