"""The archive: the whole workshop, anonymous; it comes back on import and compares years."""

import copy
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import csrf, text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_charter import make_archive

from workshop import cli, demo
from workshop.archive import VERSION
from workshop.archive.build import build_archive, restore_archive
from workshop.archive.format import MAX_PARTICIPANTS, MAX_PRACTICES, check_archive
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


# --- A damaged archive is refused whole, saying where, and nothing is stored ---------

GOLDEN = Path(__file__).parent / "golden"
DELETE = object()


def changed(path: str, value: object) -> dict:
    """`make_archive()` with the value at `path` ("clauses.1.rounds.0.tally") replaced,
    deleted (`DELETE`), or (for a list's index one past its end) appended."""
    archive = make_archive()
    *parents, last = [int(step) if step.isdigit() else step for step in path.split(".")]
    node = archive
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value
    return archive


BROKEN = [
    # (what is changed, its new value, where the refusal says the problem is)
    ("workshop.phase", "finished", "workshop.phase"),
    ("workshop.phase", None, "workshop.phase"),
    ("workshop.phase", ["charter"], "workshop.phase"),
    ("workshop.phase", DELETE, "workshop.phase"),
    ("participants.count", None, "participants.count"),
    ("participants.count", 1.5, "participants.count"),
    ("participants.count", -1, "participants.count"),
    ("participants.count", 100_000, "participants.count"),
    ("participants.count", MAX_PARTICIPANTS + 1, "participants.count"),
    ("participants.count", True, "participants.count"),
    ("participants.count", "14", "participants.count"),
    ("participants", [14], "participants"),
    ("version", 0, "version"),
    ("version", "1", "version"),
    ("workshop", None, "workshop"),
    ("workshop", "K7QPM", "workshop"),
    ("workshop.title", "x" * 10_000, "workshop.title"),
    ("workshop.title", "\ud800", "workshop.title"),
    ("workshop.title", 12, "workshop.title"),
    ("workshop.lang", "xx", "workshop.lang"),
    ("workshop.code", "<b>X</b>", "workshop.code"),
    ("workshop.created_at", "hier", "workshop.created_at"),
    ("workshop.deck", {"id": "x"}, "workshop.deck"),
    ("workshop.charter", "Namur", "workshop.charter"),
    ("workshop.charter.team", 3, "workshop.charter.team"),
    ("workshop.charter.extra", [[[["deep"]]]], "workshop.charter.extra[0][0][0]"),
    ("spheres.means", DELETE, "spheres.means"),
    ("spheres.values.label", None, "spheres.values.label"),
    ("spheres.i18n", "en", "spheres.i18n"),
    ("practices", {"id": "x"}, "practices"),
    (
        "practices",
        [{"id": f"p{i}", "title": "", "description": ""} for i in range(201)],
        "practices",
    ),
    ("practices.0", "whatsapp-users", "practices[0]"),
    ("practices.1.id", "whatsapp-users", "practices[1].id"),
    ("practices.0.id", "Not an id", "practices[0].id"),
    ("practices.0.id", 7, "practices[0].id"),
    ("practices.0.title", None, "practices[0].title"),
    ("practices.0.description", DELETE, "practices[0].description"),
    ("practices.0.register", "magic", "practices[0].register"),
    ("practices.0.alternatives", "Signal", "practices[0].alternatives"),
    ("practices.0.pictogram", "../../x", "practices[0].pictogram"),
    ("practices.0.i18n", {"en": "WhatsApp"}, "practices[0].i18n.en"),
    ("practices.0.video", float("nan"), "practices[0].video"),
    ("answers", {}, "answers"),
    ("answers.0", None, "answers[0]"),
    ("answers.0.practice", "nowhere", "answers[0].practice"),
    ("answers.0.participant", 0, "answers[0].participant"),
    ("answers.0.participant", 15, "answers[0].participant"),
    ("answers.0.participant", "1", "answers[0].participant"),
    ("answers.0.sphere", "feelings", "answers[0].sphere"),
    ("answers.0.value", "maybe", "answers[0].value"),
    ("answers.0.comment", None, "answers[0].comment"),
    ("answers.0.comment", "x" * 501, "answers[0].comment"),
    ("answers.0.hidden", "yes", "answers[0].hidden"),
    ("answers.3", make_archive()["answers"][0], "answers[3]"),  # the same answer twice
    ("map", "map", "map"),
    ("map.0.cells.means.counts.fine", -1, "map[0].cells.means.counts.fine"),
    ("map.0.cells.means.counts.fine", 1_000, "map[0].cells.means.counts"),
    ("map.0.tension", "high", "map[0].tension"),
    ("proposals.0.status", "maybe", "proposals[0].status"),
    ("proposals.0.practice", "nowhere", "proposals[0].practice"),
    ("decisions.0.kind", "abolish", "decisions[0].kind"),
    ("decisions.0.practice", "nowhere", "decisions[0].practice"),
    ("decisions.1.practice", "osm-map", "decisions[1].practice"),  # two for one practice
    ("decisions.0.detail", "x" * 301, "decisions[0].detail"),
    ("clauses.0.status", "passed", "clauses[0].status"),
    ("clauses.0.id", "1", "clauses[0].id"),
    ("clauses.1.id", 1, "clauses[1].id"),
    ("clauses.0.practice", "nowhere", "clauses[0].practice"),
    ("clauses.0.practice", DELETE, "clauses[0].practice"),
    ("clauses.0.text", "x" * 1_001, "clauses[0].text"),
    ("clauses.0.commitment", "la coordination", "clauses[0].commitment"),
    ("clauses.0.rounds", None, "clauses[0].rounds"),
    ("clauses.0.rounds.0.number", 0, "clauses[0].rounds[0].number"),
    ("clauses.1.rounds.1.number", 1, "clauses[1].rounds[1].number"),
    ("clauses.0.rounds.0.status", "paused", "clauses[0].rounds[0].status"),
    ("clauses.0.rounds.0.status", "open", "clauses[0].rounds[0].status"),  # adopted clause
    ("clauses.0.rounds.0.tally.consent", 1_000_000, "clauses[0].rounds[0].tally"),
    ("clauses.0.rounds.0.tally.consent", 15, "clauses[0].rounds[0].tally"),
    ("clauses.0.rounds.0.tally.objection", -1, "clauses[0].rounds[0].tally.objection"),
    ("clauses.0.rounds.0.tally.reservation", DELETE, "clauses[0].rounds[0].tally.reservation"),
    ("clauses.0.rounds.0.objections", ["Trop tôt."], "clauses[0].rounds[0].objections"),
    ("clauses.0.rounds.0.objections", [3], "clauses[0].rounds[0].objections[0]"),
    ("clauses.0.rounds.0.reservations", "aucune", "clauses[0].rounds[0].reservations"),
    ("suggestions.0.text", None, "suggestions[0].text"),
    ("suggestions.0.practice", "nowhere", "suggestions[0].practice"),
    ("suggestions.1", "Et Olvid ?", "suggestions[1]"),
    ("review", "last year", "review"),
    (
        "review",
        {"decisions": [{"practice": "x", "before": "abolish"}]},
        "review.decisions[0].before",
    ),
]


@pytest.fixture
def bare_store(tmp_path):
    """A store without the app around it (quicker to make, for many archives)."""
    store = Store(tmp_path / "bare.sqlite3")
    yield store
    store.close()


@pytest.mark.parametrize(("path", "value", "where"), BROKEN)
def test_a_damaged_archive_is_refused_saying_where_and_nothing_is_stored(
    bare_store, path, value, where
):
    store = bare_store
    archive = changed(path, value)
    with pytest.raises(Invalid) as error:
        restore_archive(store, archive)
    assert (error.value.key, error.value.params) == ("error.archive_invalid", {"where": where})
    assert store.workshops() == []


def test_the_archives_written_so_far_pass_the_check(store):
    for name in ("demo-fr", "demo-en", "rich-fr", "rich-en", "big", "v1-demo-fr"):
        check_archive(json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8")))
    for name in ("demo-fr", "demo-en", "rich-fr", "rich-en", "v1-demo-fr"):
        archive = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        restored = store.workshop_by_id(restore_archive(store, archive))
        # An archive older than `source` and `at` comes back as imported, at its creation;
        # one older than passes (version 1) has its answers in the first pass.
        since = {"source": "import", "at": archive["workshop"]["created_at"], "pass": 1}
        expected = [{**since, **a} for a in archive["answers"]]
        assert build_archive(store, restored)["answers"] == expected
    for lang in ("fr", "en"):
        restore_archive(store, make_archive(lang))
    assert len(store.workshops()) == 7


def test_the_largest_workshop_an_archive_may_hold_comes_back(store):
    archive = make_archive()
    archive["participants"]["count"] = MAX_PARTICIPANTS
    archive["practices"] = [
        {"id": f"p{i}", "title": f"Pratique {i}", "description": ""} for i in range(MAX_PRACTICES)
    ]
    archive["answers"] = [
        {"participant": p, "practice": "p0", "sphere": "values", "value": "fine", "comment": ""}
        for p in range(1, MAX_PARTICIPANTS + 1)
    ]
    for part in ("proposals", "decisions", "suggestions", "map"):
        archive[part] = []
    for clause in archive["clauses"]:
        clause["practice"] = None
    workshop = store.workshop_by_id(restore_archive(store, archive))
    assert store.progress(workshop.id)["participants"] == MAX_PARTICIPANTS
    assert len(build_archive(store, workshop)["answers"]) == MAX_PARTICIPANTS


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("workshop.phase", "finished", "workshop.phase"),
        ("participants.count", 100_000, "participants.count"),
        ("clauses.0.rounds.0.tally.consent", 10**9, "clauses[0].rounds[0].tally"),
        ("answers.0.practice", "nowhere", "answers[0].practice"),
    ],
)
def test_the_facilitator_reads_what_is_wrong_and_nothing_changes(
    finished, store, facilitator, path, value, where
):
    before = len(store.workshops())
    body = json.dumps(changed(path, value)).encode()
    response = facilitator.post(
        "/f/import",
        content_type="multipart/form-data",
        data={"csrf": csrf(facilitator), "archive": (io.BytesIO(body), "atelier.json")},
    )
    assert response.status_code == 400
    assert f"L'archive est abîmée ou incomplète ({where}) : rien n'a été importé." in text(response)
    assert len(store.workshops()) == before
    assert facilitator.get("/f/").status_code == 200
    assert facilitator.get(f"/f/w/{finished.code}").status_code == 200


def test_the_command_line_says_what_is_wrong(tmp_path):
    path = tmp_path / "atelier.json"
    path.write_text(json.dumps(changed("workshop.phase", None)), encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["import", str(path), "--data", str(tmp_path)])
    assert result.exit_code == 1
    assert "The archive is damaged or incomplete (workshop.phase): nothing was imported." in (
        result.output
    )
    store = Store(tmp_path / "workshop.sqlite3")
    try:
        assert store.workshops() == []
    finally:
        store.close()


# --- Any change to a valid archive: refused, or restored whole and readable ----------


def paths(value, prefix=()):
    """Every place in a JSON value, as the steps that reach it."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, (*prefix, i))


PLACES = list(paths(make_archive()))[1:]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 10**7)
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", "fine", "open", "charter", "room-3", "whatsapp-users", "x" * 3_000]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.lists(st.tuples(st.sampled_from(PLACES), JSON | st.just(DELETE)), max_size=3))
def test_any_change_is_refused_or_restored_whole(store, facilitator, changes):
    archive = make_archive()
    for place, value in changes:
        node = archive
        try:
            for step in place[:-1]:
                node = node[step]
            if value is DELETE:
                del node[place[-1]]
            else:
                node[place[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change took that place away
    before = len(store.workshops())
    try:
        workshop = store.workshop_by_id(restore_archive(store, archive))
    except Invalid as error:
        assert error.key in (
            "error.archive_invalid",
            "error.archive_format",
            "error.archive_version",
        )
        assert len(store.workshops()) == before
        return
    json.dumps(build_archive(store, workshop))
    assert facilitator.get(f"/f/w/{workshop.code}").status_code == 200
    assert facilitator.get("/f/").status_code == 200


def test_an_archive_nested_past_any_workshop_is_refused(facilitator, store):
    nested = b"[" * 100_000 + b"]" * 100_000
    response = facilitator.post(
        "/f/import",
        data={"csrf": csrf(facilitator), "archive": (io.BytesIO(nested), "deep.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and store.workshops() == []
