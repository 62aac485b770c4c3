import pytest

from workshop.model import (
    CODE_ALPHABET,
    Answer,
    Invalid,
    Phase,
    Sphere,
    Vote,
    new_join_code,
    normalise_code,
    transition,
)


def test_join_codes_avoid_lookalike_characters():
    codes = {new_join_code() for _ in range(300)}
    assert len(codes) > 290
    for code in codes:
        assert not set(code) & set("0O1IL")
        assert set(code) <= set(CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["abc de", " ABCDE ", "ab-cde"])
def test_codes_are_read_as_people_type_them(typed):
    assert normalise_code(typed) == "ABCDE"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Phase.JOINING, Phase.SCREENING),
        (Phase.SCREENING, Phase.MAP),
        (Phase.MAP, Phase.SCREENING),
        (Phase.SCREENING, Phase.JOINING),
    ],
)
def test_allowed_transitions(current, target):
    assert transition(current, target) == target


def test_joining_cannot_jump_to_the_map():
    with pytest.raises(Invalid) as error:
        transition(Phase.JOINING, Phase.MAP)
    assert error.value.key == "error.phase_transition"


def test_vote_parses_valid_input():
    vote = Vote.parse(
        {"p"},
        {"practice": "p", "sphere": "values", "value": "problem", "comment": "  trop risqué \r\n"},
    )
    assert vote == Vote("p", Sphere.VALUES, Answer.PROBLEM, "trop risqué")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"practice": "x", "sphere": "means", "value": "fine"}, "error.unknown_practice"),
        ({"practice": "p", "sphere": "money", "value": "fine"}, "error.unknown_sphere"),
        ({"practice": "p", "sphere": "means", "value": "meh"}, "error.choose_answer"),
        (
            {"practice": "p", "sphere": "means", "value": "fine", "comment": "é" * 501},
            "error.comment_too_long",
        ),
        ({"practice": "p", "sphere": "means", "value": "fine", "comment": 5}, "error.bad_request"),
        ("not a dict", "error.bad_request"),
    ],
)
def test_vote_refuses_bad_input_with_a_reason(data, key):
    with pytest.raises(Invalid) as error:
        Vote.parse({"p"}, data)
    assert error.value.key == key


def test_a_500_character_comment_is_accepted():
    assert (
        len(
            Vote.parse(
                {"p"}, {"practice": "p", "sphere": "means", "value": "fine", "comment": "é" * 500}
            ).comment
        )
        == 500
    )
