"""The charter document: what a reader finds in each format, and that no text breaks it.

Archives are built by hand here (the format is docs/archive-format.md), so these tests
need no server and no database.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from workshop import charter
from workshop.archive import VERSION
from workshop.model import Invalid

HOSTILE = "<img src=x onerror=alert(1)>"
LONG_CLAUSE = (
    "Nous ne conservons aucune pièce d'identité photographiée sur un téléphone personnel : "
    "les documents sont scannés au bureau, rangés dans le dossier informatisé du service, "
    "et la photo est effacée le jour même, devant la personne, qui peut le vérifier. "
    "Chaque membre de l'équipe reçoit une formation d'une demi-journée sur ce point, et "
    "la coordination fait le point tous les six mois sur ce qui coince."
)


def cell(fine=0, discuss=0, problem=0, unsure=0, comments=()):
    counts = {"fine": fine, "discuss": discuss, "problem": problem, "unsure": unsure}
    return {
        "counts": counts,
        "answered": sum(counts.values()),
        "concern": 0.5,
        "disagreement": 0.5,
        "comments": list(comments),
    }


def practice(pid, title, register="mediatisation", label="Médiatisation", **extra):
    return {
        "id": pid,
        "title": title,
        "description": f"La pratique « {title} ».",
        "register": register,
        "register_label": label,
        **extra,
    }


def rnd(number, text, consent, reservation, objection, reservations=(), objections=()):
    return {
        "number": number,
        "text": text,
        "status": "closed",
        "tally": {"consent": consent, "reservation": reservation, "objection": objection},
        "reservations": list(reservations),
        "objections": list(objections),
    }


def make_archive(lang="fr"):
    """A finished French workshop: accents, a long clause, a practice added by the room,
    an amended clause, a recorded dissent, commitments, a draft and a withdrawn clause."""
    practices = [
        practice("whatsapp-users", "Nous parlons avec les personnes sur WhatsApp"),
        practice(
            "id-photos",
            "Nous photographions les papiers d'identité avec un téléphone",
            "computerisation",
            "Informatisation",
        ),
        practice(
            "room-3",
            "Le planning des permanences est sur un tableur partagé",
            "computerisation",
            "Informatisation",
            origin="room",
        ),
        practice(
            "osm-map",
            "Nous cartographions les ressources du quartier",
            "information",
            "Information",
        ),
    ]
    spheres = {
        "means": {
            "label": "Moyens",
            "question": "Avons-nous les moyens de cette pratique ?",
            "help": "Le budget, le temps.",
        },
        "values": {
            "label": "Valeurs",
            "question": "A-t-elle du sens dans la relation ?",
            "help": "Nos valeurs.",
        },
        "prescriptions": {
            "label": "Prescrits",
            "question": "Respecte-t-elle la loi ?",
            "help": "Le RGPD, le secret professionnel.",
        },
    }
    answers = [
        {"participant": p, "practice": "whatsapp-users", "sphere": s, "value": v, "comment": ""}
        for p, (s, v) in enumerate(
            [("means", "fine"), ("means", "problem"), ("values", "problem")], start=1
        )
    ]
    return {
        "format": "spheres-workshop-archive",
        "version": 1,
        "exported_at": "2026-11-28T17:00:00+00:00",
        "workshop": {
            "code": "K7QPM",
            "title": "Atelier du CPAS de Namur",
            "lang": lang,
            "deck": f"social-work.{lang}",
            "created_at": "2026-11-28T14:00:00+00:00",
            "phase": "charter",
            "charter": {
                "team": "Service social général",
                "place": "Namur, salle Fernand-Léger",
                "date": "2026-11-28",
                "review_date": "2027-11-01",
            },
        },
        "spheres": spheres,
        "practices": practices,
        "participants": {"count": 14},
        "answers": answers,
        "map": [
            {
                "practice": "whatsapp-users",
                "tension": 0.8,
                "cells": {
                    "means": cell(3, 2, 6, 1, ["Trop de messages le soir."]),
                    "values": cell(2, 3, 7, 0),
                    "prescriptions": cell(1, 1, 9, 1),
                },
            },
            {
                "practice": "room-3",
                "tension": 0.55,
                "cells": {
                    "means": cell(5, 4, 2, 1),
                    "values": cell(6, 3, 2, 1),
                    "prescriptions": cell(3, 2, 4, 3),
                },
            },
            {
                "practice": "id-photos",
                "tension": 0.5,
                "cells": {
                    "means": cell(6, 2, 3, 1),
                    "values": cell(4, 4, 4, 0),
                    "prescriptions": cell(2, 3, 6, 1),
                },
            },
            {
                "practice": "osm-map",
                "tension": 0.1,
                "cells": {
                    "means": cell(10, 1, 0, 1),
                    "values": cell(12, 0, 0, 0),
                    "prescriptions": cell(),
                },
            },
        ],
        "proposals": [
            {
                "title": "Le planning des permanences est sur un tableur partagé",
                "description": "",
                "status": "accepted",
                "practice": "room-3",
            }
        ],
        "decisions": [
            {"practice": "osm-map", "kind": "keep", "detail": ""},
            {
                "practice": "whatsapp-users",
                "kind": "replace",
                "detail": "par Signal sur les téléphones de service",
            },
            {
                "practice": "room-3",
                "kind": "keep_with_conditions",
                "detail": "un tableur sur le serveur du service, pas en ligne",
            },
            {"practice": "id-photos", "kind": "investigate", "detail": "demander au DPO"},
        ],
        "clauses": [
            {
                "id": 1,
                "practice": None,
                "status": "adopted",
                "text": "Cette charte est relue chaque année par toute l'équipe.",
                "commitment": {"who": "la coordination", "by": "2027-11-01"},
                "rounds": [
                    rnd(1, "Cette charte est relue chaque année par toute l'équipe.", 14, 0, 0)
                ],
            },
            {
                "id": 2,
                "practice": "whatsapp-users",
                "status": "adopted",
                "text": "Nous échangeons avec les personnes par Signal, et par SMS avec celles "
                "qui n'ont pas de smartphone.",
                "commitment": {"who": "le service informatique", "by": "2027-03-01"},
                "rounds": [
                    rnd(
                        1,
                        "Nous échangeons avec les personnes par Signal.",
                        9,
                        3,
                        2,
                        ["Il faut former l'équipe à Signal."],
                        [
                            "Certaines personnes n'ont pas de smartphone.",
                            "Nos téléphones de service sont trop vieux.",
                        ],
                    ),
                    rnd(
                        2,
                        "Nous échangeons avec les personnes par Signal, et par SMS avec celles "
                        "qui n'ont pas de smartphone.",
                        12,
                        2,
                        0,
                        ["Prévoir un temps de formation.", "Garder un numéro fixe."],
                    ),
                ],
            },
            {
                "id": 3,
                "practice": "id-photos",
                "status": "adopted_with_dissent",
                "text": LONG_CLAUSE,
                "commitment": None,
                "rounds": [
                    rnd(
                        1,
                        LONG_CLAUSE,
                        9,
                        3,
                        1,
                        ["Le scanner est souvent en panne."],
                        ["Cela ralentit l'accueil des personnes pressées."],
                    )
                ],
            },
            {
                "id": 4,
                "practice": "room-3",
                "status": "adopted",
                "text": "Le planning des permanences quitte le tableur en ligne.",
                "commitment": {"who": "l'équipe d'accueil", "by": ""},
                "rounds": [
                    rnd(
                        1,
                        "Le planning des permanences quitte le tableur en ligne.",
                        13,
                        1,
                        0,
                        ["Qui le met à jour ?"],
                    )
                ],
            },
            {
                "id": 5,
                "practice": "whatsapp-users",
                "status": "withdrawn",
                "text": "Nous supprimons WhatsApp de tous les téléphones dès demain.",
                "commitment": None,
                "rounds": [
                    rnd(
                        1,
                        "Nous supprimons WhatsApp de tous les téléphones dès demain.",
                        4,
                        2,
                        8,
                        [],
                        ["Trop brutal."],
                    )
                ],
            },
            {
                "id": 6,
                "practice": None,
                "status": "draft",
                "text": "Nous testons Nextcloud pour l'agenda.",
                "commitment": None,
                "rounds": [],
            },
        ],
        "suggestions": [{"practice": "whatsapp-users", "text": "Et Olvid ?"}],
    }


def make_big_archive(n=60):
    """An archive with `n` practices on the map, some with very long titles."""
    archive = make_archive()
    archive["practices"] = [
        practice(
            f"p{i:02d}",
            f"Pratique numéro {i:02d}"
            + (
                " avec un titre très long qui ne tient pas sur une ligne du tout" * 2
                if i % 7 == 0
                else ""
            ),
        )
        for i in range(1, n + 1)
    ]
    archive["map"] = [
        {
            "practice": f"p{i:02d}",
            "tension": round(1 - i / n, 3),
            "cells": {
                s: cell(i % 5, (i * 3) % 4, (i * 7) % 6, i % 3)
                for s in ("means", "values", "prescriptions")
            },
        }
        for i in range(1, n + 1)
    ]
    archive["decisions"] = [{"practice": "p01", "kind": "stop", "detail": ""}]
    for clause in archive["clauses"]:
        clause["practice"] = None
    return archive


@pytest.fixture
def archive():
    return make_archive()


# --- A structural HTML check (html.parser: strict about what we write ourselves) ------

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class Page(HTMLParser):
    """Records tags, ids, headings and text; every element we open must be closed in
    order (our templates never rely on implied end tags)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.text: list[str] = []
        self.doctype = ""
        self.feed(source)
        self.close()
        if self.stack:
            self.errors.append(f"unclosed: {self.stack}")

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            self.errors.append(f"end tag for void element {tag}")
        elif not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack or self.stack[-1] not in ("style", "script"):
            self.text.append(data)

    @property
    def reader_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


def check_page(html: str) -> Page:
    page = Page(html)
    assert page.doctype.lower() == "doctype html"
    assert not page.errors, page.errors
    assert page.all("html")[0].get("lang") in ("fr", "en")
    assert len(page.all("h1")) == 1
    assert page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"h{before} then h{after}: a heading level is skipped"
    for th in page.all("th"):
        assert th.get("scope") in ("col", "row")
    ids = [attrs["id"] for _, attrs in page.tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, attrs in page.tags:  # standalone: nothing fetched, nothing run
        assert "src" not in attrs
        assert attrs.get("href", "#").startswith("#")
        assert not any(name.startswith("on") for name in attrs)
    assert not page.all("script") and not page.all("link") and not page.all("img")
    assert len(page.all("style")) == 1 and "@page" in html
    return page


# --- HTML --------------------------------------------------------------------------


def test_html_says_what_the_group_decided(archive):
    html = charter.render_html(archive)
    page = check_page(html)
    text = page.reader_text
    assert page.all("html")[0]["lang"] == "fr"
    for expected in (
        "Atelier du CPAS de Namur",
        "Service social général",
        "Namur, salle Fernand-Léger",
        "28 novembre 2026",
        "1er novembre 2027",  # the review date, in words
        "14 personnes",
        "Avons-nous les moyens de cette pratique ?",  # the method: the deck's questions
        "Informatisation",
        "Médiation",  # the four registers
        LONG_CLAUSE,
        "Adoptée par consentement, au tour 2",
        "Adoptée, désaccord consigné, au tour 1",
        "12 consentements · 2 réserves · 0 objection",  # the last round's tally
        "9 consentements · 3 réserves · 1 objection",
        "Cela ralentit l'accueil des personnes pressées.",  # the recorded dissent
        "Le scanner est souvent en panne.",
        "Garder un numéro fixe.",
        "Certaines personnes n'ont pas de smartphone.",  # an earlier round's objection
        "Nous échangeons avec les personnes par Signal.",  # and the text it was asked on
        "Remplacer",
        "par Signal sur les téléphones de service",
        "Garder sous conditions",
        "proposée par le groupe",
        "le service informatique",
        "1er mars 2027",
        "non précisé",  # a commitment with nobody named yet
    ):
        assert expected in text, expected


def test_html_keeps_drafts_and_withdrawn_clauses_out_of_the_charter(archive):
    page = Page(charter.render_html(archive))
    html = charter.render_html(archive)
    adopted = html[html.index('id="clauses"') : html.index('id="not-adopted"')]
    assert "WhatsApp de tous les téléphones" not in adopted
    assert "Nextcloud" not in adopted
    assert "Trop brutal." not in page.reader_text  # only the adopted clauses' reasons
    assert "Nous supprimons WhatsApp de tous les téléphones dès demain. Retirée" in (
        page.reader_text
    )
    assert len(re.findall(r'<article class="clause ', html)) == 4


def test_clauses_follow_the_map_and_general_ones_come_last(archive):
    doc = charter.build(archive)
    groups = [p.id if p else None for p, _ in doc.groups]
    assert groups == ["whatsapp-users", "room-3", "id-photos", None]
    numbers = [c.number for _, clauses in doc.groups for c in clauses]
    assert numbers == [1, 2, 3, 4]
    kinds = [d.practice.id for d in doc.decisions]
    assert kinds == ["whatsapp-users", "room-3", "id-photos", "osm-map"]


def test_html_in_english(archive):
    archive["workshop"]["lang"] = "en"
    page = check_page(charter.render_html(archive))
    text = page.reader_text
    assert page.all("html")[0]["lang"] == "en"
    for expected in (
        "The team's digital charter",
        "28 November 2026",
        "14 people",
        "Adopted by consent, at round 2",
        "12 consents · 2 reservations · 0 objections",
        "Recorded objections",
        "proposed by the group",
        "Keep with conditions",
    ):
        assert expected in text, expected
    assert "Adoptée" not in text


def test_the_map_is_cut_into_page_sized_figures():
    archive = make_big_archive(60)
    html = charter.render_html(archive)
    check_page(html)
    figures = re.findall(r"<figure class=\"map-part\">(.*?)</figure>", html, re.S)
    assert len(figures) == 2
    for figure in figures:
        assert figure.count("<g><title>Pratique numéro") == 30
    assert "Partie 2 sur 2" in html


# --- The map as SVG ----------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_map_svg_is_a_standalone_accessible_figure(archive):
    svg = charter.map_svg(archive, "fr")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and "4 pratiques" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in ("script", "image", "use", "foreignObject")
        for name, value in element.attrib.items():
            assert "href" not in name and not name.startswith("on") and "url(" not in value
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for word in ("Ça va", "À discuter", "Problème", "Je ne sais pas"):  # the legend: words
        assert word in texts
    for icon in ("✓", "↔", "✗", "?"):  # and signs, not colour alone
        assert icon in texts
    assert texts.index("Moyens") < texts.index("Valeurs") < texts.index("Prescrits")
    assert "◆ Le planning des permanences est sur un" in texts  # the room's practice, marked
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "Moyens — Ça va : 3, À discuter : 2, Problème : 6, Je ne sais pas : 1" in titles
    row = next(g for g in root.findall(f"{SVG}g") if "WhatsApp" in g.find(f"{SVG}title").text)
    counts = [g.findall(f"{SVG}text")[-1].text for g in row.findall(f"{SVG}g")]
    assert counts == ["12", "12", "12"]  # the number of answers, as text, per sphere
    colours = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert {"#1b6e36", "#a85400", "#b3261e", "#5f6368"} <= colours


def test_map_svg_holds_sixty_practices():
    archive = make_big_archive(60)
    root = ElementTree.fromstring(charter.map_svg(archive, "en"))
    rows = [g for g in root.findall(f"{SVG}g")]
    assert len(rows) == 60
    width, height = map(float, root.get("viewBox").split()[2:])
    assert width == 760 and height < 60 * 40 + 200
    long_title = next(p["title"] for p in archive["practices"] if len(p["title"]) > 90)
    row = next(g for g in rows if g.find(f"{SVG}title").text.startswith(long_title))
    assert row.find(f"{SVG}title").text.endswith(" — high tension")
    shown = [t.text for t in row.findall(f"{SVG}text")]
    assert shown[1].endswith("…") and len(shown[1]) <= 44  # cut, and the full title kept
    assert "60 practices" in root.get("aria-label")


# --- Markdown ----------------------------------------------------------------------


def test_markdown_says_the_same(archive):
    md = charter.render_markdown(archive)
    assert md.startswith("# Charte numérique de l'équipe — Atelier du CPAS de Namur\n")
    assert "| Nous parlons avec les personnes sur WhatsApp | ✓3 ↔2 ✗6 ?1 | ✓2 ↔3 ✗7 ?0 |" in md
    assert "✓0 ↔0 ✗0 ?0" in md  # a sphere nobody answered
    assert "**Adoptée, désaccord consigné, au tour 1** — Dernier tour : 9 consentements" in md
    assert "- Cela ralentit l'accueil des personnes pressées." in md
    assert "| Nous parlons avec les personnes sur WhatsApp | Remplacer |" in md
    assert "la coordination | 1er novembre 2027 |" in md
    assert "### Le planning des permanences est sur un tableur partagé (◆ proposée" in md
    assert "- **Participants :** 14 personnes" in md


def unescaped(text: str, char: str) -> int:
    """How many `char` are not backslash-escaped (preceded by an even number of \\)."""
    return len(re.findall(rf"(?<!\\)(?:\\\\)*{re.escape(char)}", text))


def skeleton(md: str) -> list[str]:
    """The block structure of a Markdown text, line by line."""
    kinds = []
    for line in md.split("\n"):
        if not line.strip():
            kinds.append("")
        elif m := re.match(r"(#{1,6}) ", line):
            kinds.append(f"h{len(m[1])}")
        elif line.startswith("|"):
            kinds.append(f"row{unescaped(line, '|')}")
        elif m := re.match(r"( *)([-*+]|\d{1,9}[.)])( |$)", line):
            kinds.append(f"li{len(m[1])}")
        elif re.match(r" {0,3}(>|<|```|~~~|={2,}\s*$|-{3,}\s*$|\*{3,}\s*$|_{3,}\s*$)", line):
            kinds.append(f"block:{line[:3]}")
        else:
            kinds.append("p")
    return kinds


ATTACKS = [
    "</p><script>alert(1)</script>",
    "| x | y |",
    "# Heading",
    "1. item\n- item\n+ item\n\n> quote\n\n    code\n===\n---\n***",
    "**bold** _it_ `code` ~~s~~ [link](javascript:alert(1)) ![i](http://x/y.png)",
    "back\\slash \\| \\* &amp; &lt;b&gt; <http://example.org>",
    HOSTILE,
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_structure_survives_any_text(archive, attack):
    benign = re.sub(r"[^\w\s]", "x", attack)
    renders = []
    for text in (attack, benign):
        a = copy.deepcopy(archive)
        a["workshop"]["title"] = text
        a["workshop"]["charter"]["team"] = text
        a["practices"][0]["title"] = text
        a["decisions"][1]["detail"] = text
        a["clauses"][1]["text"] = text
        a["clauses"][1]["rounds"][-1]["reservations"].append(text)
        a["clauses"][1]["rounds"][0]["objections"].append(text)
        a["clauses"][1]["commitment"]["who"] = text
        renders.append(charter.render_markdown(a))
    hostile, harmless = renders
    assert skeleton(hostile) == skeleton(harmless)
    assert unescaped(hostile, "<") == 0 and unescaped(hostile, "[") == 0
    assert unescaped(hostile, "`") == 0 and unescaped(hostile, "&") == 0


# --- OpenDocument ------------------------------------------------------------------

TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def odt_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        return {info.filename: package.read(info) for info in package.infolist()}


def test_odt_is_a_valid_package(archive):
    data = charter.render_odt(archive)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        first = package.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert first.extra == b""
    assert data[30:38] == b"mimetype"  # readable at a fixed offset, as ODF requires
    assert data[38 : 38 + 39] == charter.ODT_MIMETYPE.encode()
    parts = odt_parts(data)
    assert list(parts) == [
        "mimetype",
        "META-INF/manifest.xml",
        "content.xml",
        "styles.xml",
        "meta.xml",
    ]
    manifest = ElementTree.fromstring(parts["META-INF/manifest.xml"])
    listed = {
        e.get("{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path") for e in manifest
    }
    assert listed == {"/", "content.xml", "styles.xml", "meta.xml"}
    ElementTree.fromstring(parts["styles.xml"])
    meta = ElementTree.fromstring(parts["meta.xml"])
    assert "Atelier du CPAS de Namur" in "".join(meta.itertext())
    content = ElementTree.fromstring(parts["content.xml"])
    headings = [
        (int(h.get(f"{TEXT_NS}outline-level")), "".join(h.itertext()))
        for h in content.iter(f"{TEXT_NS}h")
    ]
    assert headings[0] == (1, "Charte numérique de l'équipe — Atelier du CPAS de Namur")
    assert {level for level, _ in headings} == {1, 2, 3, 4}
    assert len(list(content.iter(f"{TABLE_NS}table"))) == 3  # map, decisions, commitments
    text = " ".join(content.itertext())
    for expected in (
        LONG_CLAUSE,
        "✓3 ↔2 ✗6 ?1",
        "Garder sous conditions",
        "Cela ralentit l'accueil des personnes pressées.",
        "14 personnes",
        "le service informatique",
        "1er mars 2027",
    ):
        assert expected in text, expected


def test_odt_is_deterministic(archive):
    assert charter.render_odt(archive) == charter.render_odt(archive)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def test_libreoffice_opens_the_odt(tmp_path, archive):
    """LibreOffice reads the file, prints it to PDF and finds the clauses in it."""
    if SOFFICE is None:
        message = "LibreOffice is needed to check the ODT: apt-get install libreoffice-writer-nogui"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(f"no soffice or libreoffice on PATH ({message})")
    source = tmp_path / "charter.odt"
    source.write_bytes(charter.render_odt(archive))
    profile = (tmp_path / "profile").as_uri()  # never touch the user's own profile
    for target in ("pdf", "txt:Text (encoded):UTF8"):
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
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
    assert (tmp_path / "out" / "charter.pdf").read_bytes().startswith(b"%PDF")
    text = (tmp_path / "out" / "charter.txt").read_text(encoding="utf-8-sig")
    assert LONG_CLAUSE in " ".join(text.split())
    assert "✓3 ↔2 ✗6 ?1" in text and "Cela ralentit l'accueil" in text


# --- Every format: escaping, names, languages --------------------------------------


@pytest.mark.parametrize(
    "place",
    ["title", "team", "practice", "clause", "reason", "detail", "who", "sphere"],
)
def test_user_text_is_escaped_in_every_format(archive, place):
    text = f"{HOSTILE} & \"quotes\" 'single' émoji 🙂"
    if place == "title":
        archive["workshop"]["title"] = text
    elif place == "team":
        archive["workshop"]["charter"]["team"] = text
    elif place == "practice":
        archive["practices"][0]["title"] = text
    elif place == "clause":
        archive["clauses"][1]["text"] = text
    elif place == "reason":
        archive["clauses"][2]["rounds"][0]["objections"].append(text)
    elif place == "detail":
        archive["decisions"][1]["detail"] = text
    elif place == "who":
        archive["clauses"][1]["commitment"]["who"] = text
    else:
        archive["spheres"]["means"]["label"] = text

    html = charter.render_html(archive)
    page = check_page(html)  # no img, no on* attribute, structure intact
    assert HOSTILE not in html
    assert text in page.reader_text  # the reader sees exactly what was typed

    md = charter.render_markdown(archive)
    assert HOSTILE not in md and r"\<img src=x onerror=alert(1)\>" in md

    content = ElementTree.fromstring(odt_parts(charter.render_odt(archive))["content.xml"])
    assert text in "".join(content.itertext())

    svg = ElementTree.fromstring(charter.map_svg(archive, "fr"))
    assert not [e for e in svg.iter() if e.tag.removeprefix(SVG) == "img"]


def test_characters_xml_forbids_are_dropped(archive):
    archive["clauses"][1]["text"] = "Avant\x00\x07\x1b\ufffe après\r\nligne 2"
    archive["practices"][0]["title"] = "Titre\x0c avec saut"
    html = charter.render_html(archive)
    check_page(html)
    assert "Avant après\nligne 2" in html and "\x00" not in html and "\x1b" not in html
    content = odt_parts(charter.render_odt(archive))["content.xml"]
    root = ElementTree.fromstring(content)  # would raise on a control character
    assert "Avant après" in "".join(root.itertext())
    assert b"<text:line-break/>ligne 2" in content
    ElementTree.fromstring(charter.map_svg(archive, "fr"))
    assert "Avant après\\\nligne 2" in charter.render_markdown(archive)


def test_the_charter_never_holds_a_name(archive):
    """The archive holds no names; whatever else an archive carries, the charter shows
    participants only as a number."""
    clean = {fmt: charter.render(archive, fmt) for fmt in ("html", "md", "odt")}
    leaky = copy.deepcopy(archive)
    leaky["participants"]["names"] = ["Zoé Leakname"]
    for answer in leaky["answers"]:
        answer.update(pseudonym="Zoé Leakname", token="tok-SECRET-123")
    leaky["map"][0]["cells"]["means"]["comments"].append("signé Zoé Leakname")
    for fmt in ("html", "md", "odt"):
        body = charter.render(leaky, fmt)
        if fmt == "odt":
            body = b"".join(odt_parts(body).values())
        for secret in (b"Leakname", b"tok-SECRET", b"participant 1", b"Participant 1"):
            assert secret not in body, (fmt, secret)
    assert clean["html"] == charter.render(leaky, "html")


def test_an_almost_empty_workshop_renders(archive):
    archive["workshop"]["charter"] = {"team": "", "place": "", "date": "", "review_date": ""}
    archive.update(map=[], decisions=[], clauses=[], answers=[], practices=[])
    archive["participants"]["count"] = 0
    page = check_page(charter.render_html(archive))
    assert "Aucune clause n'a été adoptée." in page.reader_text
    assert "Aucune date de révision n'est fixée." in page.reader_text
    assert "Équipe" not in page.reader_text and "0 personne" in page.reader_text
    assert "Aucune décision" in charter.render_markdown(archive)
    ElementTree.fromstring(odt_parts(charter.render_odt(archive))["content.xml"])


def test_an_archive_without_a_map_gets_one_from_its_answers(archive):
    del archive["map"]
    doc = charter.build(archive)
    row = next(r for r in doc.rows if r.practice.id == "whatsapp-users")
    assert doc.rows[0] is row  # the only practice with a problem comes first
    assert doc.counts(row, charter.Sphere.MEANS) == "✓1 ↔0 ✗1 ?0"


# --- Dispatch and versions ---------------------------------------------------------


def test_render_dispatches_every_format(archive):
    assert set(charter.MEDIA_TYPES) == set(charter.EXTENSIONS) == set(charter.FORMATS)
    assert charter.render(archive, "html").startswith(b"<!doctype html>")
    assert charter.render(archive, "md").startswith(b"# Charte")
    assert charter.render(archive, "odt").startswith(b"PK")
    with pytest.raises(ValueError, match="html, md, odt, json"):
        charter.render(archive, "pdf")


def test_json_is_the_archive_itself(archive):
    assert json.loads(charter.render(archive, "json")) == archive
    assert "Léger" in charter.render(archive, "json").decode("utf-8")  # not \u escapes


def test_a_newer_archive_is_refused_with_a_reason(archive):
    archive["version"] = VERSION + 1
    for fmt in charter.FORMATS:
        with pytest.raises(Invalid) as error:
            charter.render(archive, fmt)
        assert error.value.key == "error.archive_version"
        assert error.value.params == {"version": VERSION + 1, "supported": VERSION}
    with pytest.raises(Invalid) as error:
        charter.render_html({"format": "something-else", "version": 1})
    assert error.value.key == "error.archive_format"


def test_a_charter_renders_from_a_json_file_alone(archive, tmp_path):
    """No Flask, no database: the package reads a JSON file and writes every format."""
    source = tmp_path / "archive.json"
    source.write_text(json.dumps(archive, ensure_ascii=False), encoding="utf-8")
    script = (
        "import json, sys, workshop.charter as charter\n"
        "archive = json.loads(open(sys.argv[1], encoding='utf-8').read())\n"
        "sizes = {fmt: len(charter.render(archive, fmt)) for fmt in charter.FORMATS}\n"
        "assert 'flask' not in sys.modules and 'sqlite3' not in sys.modules, 'loaded'\n"
        "print(json.dumps(sizes))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(source)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    sizes = json.loads(done.stdout)
    assert set(sizes) == set(charter.FORMATS) and all(sizes.values())


def test_the_archive_format_is_documented(archive):
    """Every key a charter reads from an archive is written down in docs/archive-format.md."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "archive-format.md").read_text(
        encoding="utf-8"
    )

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    for key in set(keys(archive)):
        assert f"`{key}`" in doc or f'"{key}"' in doc, key
    assert "`1`" in doc and "never holds" in doc.lower()
