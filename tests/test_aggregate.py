import random
import re

import pytest

from workshop.aggregate import Cell, build_map, level, levels
from workshop.model import Answer, Sphere

PRACTICES = [{"id": "a"}, {"id": "b"}, {"id": "c"}]


def cell(fine=0, discuss=0, problem=0, unsure=0):
    c = Cell()
    c.counts.update(
        {Answer.FINE: fine, Answer.DISCUSS: discuss, Answer.PROBLEM: problem, Answer.UNSURE: unsure}
    )
    return c


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"fine": 10}, 0.0),  # everyone agrees
        ({"problem": 7}, 0.0),
        ({"fine": 5, "problem": 5}, 1.0),  # split between the extremes
        ({"fine": 5, "discuss": 5}, 0.5),  # neighbours disagree less
        ({"fine": 3, "discuss": 3, "problem": 3}, 2 / 3),
        ({"fine": 5, "problem": 5, "unsure": 40}, 1.0),  # don't know is not counted
        ({"fine": 1}, 0.0),
        ({}, 0.0),
    ],
)
def test_disagreement(counts, expected):
    assert cell(**counts).disagreement == pytest.approx(expected)


def test_concern_counts_to_discuss_half():
    assert cell(fine=2, discuss=2).concern == pytest.approx(0.25)
    assert cell(problem=3, unsure=5).concern == pytest.approx(1.0)
    assert cell(unsure=4).concern == 0.0


def test_map_keeps_the_whole_distribution_and_orders_by_tension():
    counts = [
        ("a", "means", "fine", 6),
        ("b", "values", "fine", 3),
        ("b", "values", "problem", 3),
        ("c", "prescriptions", "problem", 4),
        ("c", "prescriptions", "unsure", 2),
        ("zz", "means", "fine", 9),  # an unknown practice is ignored
    ]
    rows = build_map(PRACTICES, counts)
    assert [r.practice["id"] for r in rows] == ["c", "b", "a"]
    c = rows[0].cells[Sphere.PRESCRIPTIONS]
    assert c.counts == {Answer.FINE: 0, Answer.DISCUSS: 0, Answer.PROBLEM: 4, Answer.UNSURE: 2}
    assert c.answered == 6
    assert rows[1].cells[Sphere.VALUES].disagreement == pytest.approx(1.0)


def test_ties_keep_the_deck_order():
    assert [r.practice["id"] for r in build_map(PRACTICES, [])] == ["a", "b", "c"]


def test_comments_are_capped_but_counted():
    comments = [("a", "means", f"c{i}") for i in range(40)]
    row = build_map(PRACTICES, [], comments, comments_per_cell=30)[0]
    cell_ = row.cells[Sphere.MEANS]
    assert cell_.comment_count == 40
    assert cell_.comments[:2] == ["c0", "c1"] and len(cell_.comments) == 30


@pytest.mark.parametrize(("value", "word"), [(0, "low"), (0.4, "medium"), (0.9, "high")])
def test_levels(value, word):
    assert level(value) == word


# The tension in words: relative to the workshop (aggregate.levels).


def spread(n_practices, participants=12, seed=7):
    """A realistic spread: each practice has its own lean, people answer around it."""
    rng = random.Random(seed)
    practices = [
        {"id": f"p{i}", "title": f"Pratique {i}", "description": ""} for i in range(n_practices)
    ]
    counts = []
    for p in practices:
        lean = rng.random()
        for sphere in Sphere:
            for _ in range(participants):
                roll = rng.random()
                if roll < 0.08:
                    answer = "unsure"
                elif roll < 0.08 + 0.5 * (1 - lean):
                    answer = "fine"
                elif roll < 0.08 + 0.5 * (1 - lean) + 0.3:
                    answer = "discuss"
                else:
                    answer = "problem"
                counts.append((p["id"], sphere.value, answer, 1))
    return practices, counts


@pytest.mark.parametrize("n", [35, 9])
def test_a_realistic_spread_does_not_read_all_high(n):
    practices, counts = spread(n)
    rows = build_map(practices, counts)
    absolute = [level(r.tension) for r in rows]  # what the words used to say
    assert absolute.count("high") >= n - 2
    words = [r.level for r in rows]
    assert set(words) == {"high", "medium", "low"}
    assert words == sorted(words, key=["high", "medium", "low"].index)  # follows the order
    assert words.count("high") == -(-n // 3)  # the most tense third


def test_the_words_leave_the_measures_alone():
    practices, counts = spread(35)
    rows = build_map(practices, counts)
    assert [r.practice["id"] for r in rows] == [
        r.practice["id"] for r in sorted(rows, key=lambda r: r.order_key(), reverse=True)
    ]
    assert all(0 <= r.tension <= 1 for r in rows)


def test_no_answers_reads_none():
    assert [r.level for r in build_map(PRACTICES, [])] == ["none", "none", "none"]
    rows = build_map(
        PRACTICES + [{"id": "d"}],
        [
            ("a", "means", "problem", 3),
            ("b", "means", "discuss", 3),
            ("c", "means", "fine", 1),
            ("c", "means", "problem", 2),
        ],
    )
    assert {r.practice["id"]: r.level for r in rows}["d"] == "none"
    assert levels({}) == {}


def test_ties_get_the_same_word_the_highest_they_share():
    # Six answered practices: two more tense than the rest, four tied below them.
    words = levels({"a": 0.9, "b": 0.8, "c": 0.5, "d": 0.5, "e": 0.5, "f": 0.5, "g": None})
    assert words == {
        "a": "high",
        "b": "high",
        "c": "medium",
        "d": "medium",
        "e": "medium",
        "f": "medium",
        "g": "none",
    }
    # Equal at the archive's precision is equal.
    assert len(set(levels({"a": 0.5, "b": 0.50000001, "c": 0.1}).values())) == 2
    # All tied: all the top word; all calm (tension 0): all low.
    assert set(levels({p: 0.6 for p in "abcde"}).values()) == {"high"}
    assert set(levels({p: 0.0 for p in "abcde"}).values()) == {"low"}
    assert levels({"a": 0.7, "b": 0.0, "c": 0.0, "d": 0.0})["b"] == "low"


@pytest.mark.parametrize(
    ("tensions", "expected"),
    [
        ({"a": 0.9}, {"a": "high"}),
        ({"a": 0.0}, {"a": "low"}),
        ({"a": 0.5, "b": None}, {"a": "medium", "b": "none"}),
        ({"a": 0.9, "b": 0.2}, {"a": "high", "b": "low"}),
        ({"a": 0.9, "b": 0.8}, {"a": "high", "b": "high"}),
    ],
)
def test_one_or_two_answered_practices_read_the_absolute_words(tensions, expected):
    assert levels(tensions) == expected


def test_one_answered_practice_on_a_map():
    rows = build_map(PRACTICES, [("b", "values", "fine", 2), ("b", "values", "problem", 2)])
    assert [(r.practice["id"], r.level) for r in rows] == [
        ("b", "high"),
        ("a", "none"),
        ("c", "none"),
    ]


def small_archive(practices, counts):
    """An archive as the server writes it (archive/build.py): the map with its numbers."""
    from workshop.archive.format import FORMAT, VERSION
    from workshop.model import Answer as A

    rows = build_map(practices, counts)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": "2026-12-02T10:00:00+00:00",
        "workshop": {
            "code": "T1",
            "title": "Atelier",
            "lang": "fr",
            "deck": "test",
            "created_at": "2026-12-02T09:00:00+00:00",
            "phase": "charter",
            "charter": {"team": "", "place": "", "date": "", "review_date": ""},
        },
        "spheres": {
            s.value: {"label": s.value.title(), "question": f"{s.value} ?", "help": ""}
            for s in Sphere
        },
        "practices": practices,
        "participants": {"count": 12},
        "answers": [],
        "revisits": [],
        "map": [
            {
                "practice": r.practice["id"],
                "tension": round(r.tension, 4),
                "cells": {
                    s.value: {
                        "counts": {a.value: c.counts[a] for a in A},
                        "answered": c.answered,
                        "concern": round(c.concern, 4),
                        "disagreement": round(c.disagreement, 4),
                        "comments": [],
                    }
                    for s, c in r.cells.items()
                },
            }
            for r in rows
        ],
        "proposals": [],
        "decisions": [],
        "clauses": [],
        "suggestions": [],
    }, rows


def test_the_charter_and_the_projector_use_the_same_word():
    from workshop import i18n
    from workshop.charter import document
    from workshop.charter.html import render_html

    practices, counts = spread(9, seed=3)
    practices.append({"id": "quiet", "title": "Pratique sans réponse", "description": ""})
    counts.append(("p0", "means", "fine", 0))
    archive, rows = small_archive(practices, counts)
    projector = {r.practice["id"]: r.level for r in rows}
    assert set(projector.values()) == {"high", "medium", "low", "none"}
    charter_rows = document.build(archive).rows
    assert {r.practice.id: r.tension for r in charter_rows} == projector
    # From the answers alone (an archive without its map), the same words again.
    seen: dict[tuple[str, str], int] = {}
    answers = []
    for p, s, v, n in counts:
        for _ in range(n):
            seen[p, s] = who = seen.get((p, s), 0) + 1
            answers.append(
                {
                    "participant": who,
                    "practice": p,
                    "sphere": s,
                    "value": v,
                    "comment": "",
                    "pass": 1,
                }
            )
    bare = {**archive, "map": None, "answers": answers}
    assert {r.practice.id: r.tension for r in document.build(bare).rows} == projector
    # And the rendered document says them: each practice's title with its word.
    html = render_html(archive)
    for p in practices:
        word = i18n.translate("fr", f"map.tension.{projector[p['id']]}")
        assert re.search(re.escape(p["title"]) + r"\s*— " + re.escape(word), html), p["id"]


def _cell(fine=0, discuss=0, problem=0, unsure=0) -> Cell:
    cell = Cell()
    cell.counts.update(
        {Answer.FINE: fine, Answer.DISCUSS: discuss, Answer.PROBLEM: problem, Answer.UNSURE: unsure}
    )
    return cell


@pytest.mark.parametrize(
    ("counts", "gist"),
    [
        ({}, "none"),
        ({"problem": 1}, "one"),  # a single answer is never told
        ({"fine": 1}, "one"),
        ({"unsure": 3, "problem": 3}, "unsure"),
        ({"problem": 8, "fine": 4}, "worried"),  # worried and split: the worry first
        ({"problem": 5, "discuss": 2}, "worried"),
        ({"fine": 5, "problem": 5, "discuss": 1}, "split"),
        ({"fine": 6, "discuss": 6}, "split"),
        ({"fine": 2, "discuss": 6, "problem": 1}, "discuss"),
        ({"fine": 8, "discuss": 2}, "fine"),
        ({"fine": 9, "unsure": 2}, "fine"),
    ],
)
def test_the_gist_of_a_cell_in_plain_words(counts, gist):
    assert _cell(**counts).gist == gist
