import pytest

from workshop.model import (
    CODE_ALPHABET,
    Answer,
    DecisionKind,
    Invalid,
    Phase,
    Sphere,
    Vote,
    new_join_code,
    normalise_code,
    parse_card,
    parse_charter_details,
    parse_clause,
    parse_commitment,
    parse_date,
    parse_decision,
    parse_practice,
    parse_pseudonym,
    parse_sheet,
    parse_title,
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


# --- The facilitator's and the participants' forms, parsed by the model's rules ---------

IDS = {"whatsapp-users", "cloud-case-files"}


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: parse_title("   "), "error.title_missing"),
        (lambda: parse_title("x" * 121), "error.title_too_long"),
        (
            lambda: parse_card({"title": ""}, "error.proposal_title_missing"),
            "error.proposal_title_missing",
        ),
        (
            lambda: parse_card({"title": "t", "description": "d" * 401}),
            "error.description_too_long",
        ),
        (lambda: parse_pseudonym("p" * 41), "error.pseudonym_too_long"),
        (lambda: parse_practice(IDS, "unknown"), "error.unknown_practice"),
        (lambda: parse_practice(IDS, ["whatsapp-users"]), "error.unknown_practice"),
        (lambda: parse_clause(" \n "), "error.clause_missing"),
        (lambda: parse_clause("c" * 1001), "error.clause_too_long"),
        (lambda: parse_date("2027-02-30"), "error.bad_date"),
        (lambda: parse_date("demain"), "error.bad_date"),
        (lambda: parse_sheet("0"), "error.bad_sheet"),
        (lambda: parse_sheet("201"), "error.bad_sheet"),
        (lambda: parse_sheet("deux"), "error.bad_sheet"),
        (lambda: parse_sheet(None), "error.bad_sheet"),
        (
            lambda: parse_decision(IDS, {"practice": "whatsapp-users", "kind": "maybe"}),
            "error.bad_request",
        ),
        (
            lambda: parse_decision(IDS, {"practice": "nope", "kind": "keep"}),
            "error.unknown_practice",
        ),
        (lambda: parse_commitment({"who": "w" * 301}), "error.commitment_too_long"),
        (lambda: parse_charter_details({"review_date": "13/12/2027"}), "error.bad_date"),
        (lambda: transition(Phase.JOINING, "nowhere"), "error.phase_transition"),
    ],
)
def test_form_rules_refuse_with_their_own_message(call, key):
    with pytest.raises(Invalid) as refused:
        call()
    assert refused.value.key == key


def test_form_rules_return_what_was_meant():
    assert parse_title("  Atelier  ") == "Atelier"
    assert parse_card({"title": "Nous scannons", "description": None}) == ("Nous scannons", "")
    assert parse_practice(IDS, "", optional=True) is None
    assert parse_date(" 2027-06-30 ") == "2027-06-30" and parse_date("") == ""
    assert parse_sheet("12") == 12
    assert parse_decision(IDS, {"practice": "whatsapp-users", "kind": "stop", "detail": " x "}) == (
        "whatsapp-users",
        DecisionKind.STOP,
        "x",
    )
    assert parse_commitment({"who": "La coordination", "by": "2027-01-15"}) == (
        "La coordination",
        "2027-01-15",
    )
    assert transition(Phase.JOINING, "screening") == Phase.SCREENING
