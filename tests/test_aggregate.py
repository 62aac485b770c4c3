import pytest

from workshop.aggregate import Cell, build_map, level
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
