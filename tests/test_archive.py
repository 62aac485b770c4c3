"""The archive: the whole workshop, anonymous; it comes back on import and compares years."""

import io
import json
import subprocess
import sys

import pytest
from conftest import csrf, text

from workshop import demo
from workshop.archive import VERSION
from workshop.archive.build import build_archive, restore_archive
from workshop.model import Invalid
from workshop.store import Store


@pytest.fixture
def finished(store, app):
    """The finished demo: answers, decisions, rounds with dissent, commitments."""
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    return store.workshop_by_id(demo.create_finished(store, deck))


def test_the_archive_holds_everything_and_no_one(finished, store):
    archive = build_archive(store, finished)
    assert archive["format"] == "spheres-workshop-archive" and archive["version"] == VERSION
    assert archive["participants"] == {"count": demo.DEMO_PARTICIPANTS}
    assert {a["participant"] for a in archive["answers"]} <= set(range(1, 19))
    [amended, *_] = archive["clauses"]
    assert [r["number"] for r in amended["rounds"]] == [1, 2]
    assert amended["rounds"][0]["objections"] == [
        "Certaines personnes n'ont pas de smartphone.",
        "Nos téléphones de service sont trop vieux.",
    ]
    assert archive["clauses"][2]["status"] == "adopted_with_dissent"
    assert archive["map"][0]["tension"] >= archive["map"][-1]["tension"]
    dumped = json.dumps(archive)
    hashes = store.read(lambda c: [r[0] for r in c.execute("SELECT token_hash FROM participant")])
    assert not any(h in dumped for h in hashes)


def test_export_import_export_gives_the_same_document(finished, store, tmp_path):
    first = build_archive(store, finished)
    other = Store(tmp_path / "elsewhere.sqlite3")
    try:
        restored = other.workshop_by_id(restore_archive(other, json.loads(json.dumps(first))))
        second = build_archive(other, restored)
    finally:
        other.close()
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


@pytest.mark.parametrize(
    ("archive", "key"),
    [
        ({"format": "something else"}, "error.archive_format"),
        ({"format": "spheres-workshop-archive", "version": VERSION + 1}, "error.archive_version"),
        (
            {"format": "spheres-workshop-archive", "version": 1, "workshop": {}},
            "error.archive_invalid",
        ),
    ],
)
def test_bad_archives_are_refused_with_a_reason(store, archive, key):
    with pytest.raises(Invalid) as error:
        restore_archive(store, archive)
    assert error.value.key == key
    assert store.workshops() == []


def test_the_facilitator_imports_an_archive(finished, store, facilitator, tmp_path):
    body = json.dumps(build_archive(store, finished)).encode()
    store.delete_workshop(finished.id)
    response = facilitator.post(
        "/f/import",
        content_type="multipart/form-data",
        data={"csrf": csrf(facilitator), "archive": (io.BytesIO(body), "atelier.json")},
    )
    assert response.status_code == 303
    [back] = store.workshops()
    assert back.title == finished.title and back.phase.value == "charter"
    refused = facilitator.post(
        "/f/import",
        content_type="multipart/form-data",
        data={"csrf": csrf(facilitator), "archive": (io.BytesIO(b"{}"), "x.json")},
    )
    assert refused.status_code == 400
    assert "n'est pas une archive d'atelier Sphères" in text(refused)


def test_a_review_shows_then_and_now(finished, store, facilitator, make_workshop):
    facilitator.get("/f/new?wlang=fr")
    response = facilitator.post(
        "/f/new",
        data={
            "csrf": csrf(facilitator),
            "wlang": "fr",
            "deck": "social-work.fr",
            "title": "Un an après",
            "practices": ["whatsapp-users", "cloud-case-files"],
            "previous": finished.code,
        },
    )
    code = response.headers["Location"].rsplit("/", 1)[1]
    review = store.workshop(code)
    assert review.previous_id == finished.id
    page = text(facilitator.get(f"/f/w/{code}"))
    assert page.count("Avant :") == 6  # two practices × three spheres
    archive = build_archive(store, review)
    assert archive["review"]["previous"]["code"] == finished.code
    assert archive["review"]["clauses"]["new"] == []
    assert len(archive["review"]["clauses"]["dropped"]) == 3
    assert {d["practice"]: (d["before"], d["now"]) for d in archive["review"]["decisions"]}[
        "whatsapp-users"
    ] == ("replace", None)


def test_command_line_demo_export_and_import(tmp_path):
    data, other = tmp_path / "data", tmp_path / "other"
    made = subprocess.run(
        [sys.executable, "-m", "workshop", "demo", "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    code = made.stdout.split()[2]
    out = tmp_path / "workshop.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop",
            "export",
            code,
            "--data",
            str(data),
            "--format",
            "json",
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert json.loads(out.read_text(encoding="utf-8"))["workshop"]["code"] == code
    imported = subprocess.run(
        [sys.executable, "-m", "workshop", "import", str(out), "--data", str(other)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"as workshop {code}" in imported.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "workshop", "export", "ZZZZZ", "--data", str(data)],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1 and f"workshops: {code}" in missing.stderr


def test_the_review_charter_says_what_changed(finished, store, make_workshop):
    from workshop import charter

    review_id = store.create_workshop(
        "REV22",
        "Un an après",
        "fr",
        "social-work.fr",
        finished.spheres,
        list(finished.practices[:2]),
        previous_id=finished.id,
    )
    clause = store.add_clause(review_id, "whatsapp-users", "Nouvelle règle Signal")
    store.open_round(review_id, clause)
    from workshop.model import ClauseStatus

    store.decide_clause(review_id, clause, ClauseStatus.ADOPTED)
    archive = build_archive(store, store.workshop_by_id(review_id))
    for fmt in ("html", "md"):
        body = charter.render(archive, fmt).decode()
        assert "Ce qui a changé" in body and "Nouvelle règle Signal" in body
        assert "Aucune pièce de dossier" in body  # a clause dropped since the first charter
    odt = charter.render(archive, "odt")
    import zipfile

    content = zipfile.ZipFile(io.BytesIO(odt)).read("content.xml").decode()
    assert "Ce qui a changé" in content
