"""The workshop's domain, free of Flask and SQL: spheres, answers, phases, decisions,
consent, limits, and the helpers every rule uses (`Invalid`, `clean_text`, `choice`).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from enum import Enum

from workshop import i18n


class Sphere(str, Enum):
    """The three spheres of intelligibility of social action, in the method's order."""

    MEANS = "means"
    VALUES = "values"
    PRESCRIPTIONS = "prescriptions"


class Answer(str, Enum):
    """The four-level screening scale. `UNSURE` ("don't know") is an answer, not a blank."""

    FINE = "fine"
    DISCUSS = "discuss"
    PROBLEM = "problem"
    UNSURE = "unsure"


#: The ordered part of the scale, used for disagreement: fine < to discuss < problem.
ORDERED_ANSWERS = (Answer.FINE, Answer.DISCUSS, Answer.PROBLEM)


class Phase(str, Enum):
    """Where the workshop is; only the facilitator moves it."""

    JOINING = "joining"
    SCREENING = "screening"
    MAP = "map"
    NEGOTIATION = "negotiation"
    CHARTER = "charter"


#: The four registers of digitalisation a practice belongs to (../docs: the method).
REGISTERS = ("computerisation", "mediatisation", "information", "mediation")


#: Phases the facilitator may move to from each phase. Going back is allowed so a late
#: participant can still answer, or the group can return to the map or the negotiation.
TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    Phase.JOINING: frozenset({Phase.SCREENING}),
    Phase.SCREENING: frozenset({Phase.JOINING, Phase.MAP}),
    Phase.MAP: frozenset({Phase.SCREENING, Phase.NEGOTIATION}),
    Phase.NEGOTIATION: frozenset({Phase.MAP, Phase.CHARTER}),
    Phase.CHARTER: frozenset({Phase.NEGOTIATION}),
}


class DecisionKind(str, Enum):
    """What the group decides for a practice."""

    KEEP = "keep"
    KEEP_WITH_CONDITIONS = "keep_with_conditions"
    REPLACE = "replace"
    STOP = "stop"
    INVESTIGATE = "investigate"


class Consent(str, Enum):
    """A participant's answer in a consent round; an objection needs a reason."""

    CONSENT = "consent"
    RESERVATION = "reservation"
    OBJECTION = "objection"


class ClauseStatus(str, Enum):
    DRAFT = "draft"
    ADOPTED = "adopted"
    ADOPTED_WITH_DISSENT = "adopted_with_dissent"
    WITHDRAWN = "withdrawn"


#: The languages with a catalogue in workshop/locales/: adding one is adding a file.
LANGUAGES = tuple(i18n.languages())
MAX_TITLE = 120
MAX_PSEUDONYM = 40
MAX_COMMENT = 500
MAX_DESCRIPTION = 400
MAX_CLAUSE = 1000
MAX_REASON = 500
MAX_DETAIL = 300
#: Paper ballots are numbered 1..MAX_SHEETS.
MAX_SHEETS = 200


#: Join codes avoid characters people confuse when reading a projector: 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


class Invalid(ValueError):
    """A user-facing rule was broken; `key` names the message, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def new_join_code() -> str:
    """A short random code for a workshop, easy to read aloud and to type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """Accept what people type: lower case, spaces or dashes around the code."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def transition(current: Phase, target: Phase | str) -> Phase:
    """Return `target` if the facilitator may move from `current` to it, else raise."""
    try:
        target = Phase(target)
    except ValueError:
        raise Invalid("error.phase_transition", current=current.value, target=target) from None
    if target == current:
        return target
    if target not in TRANSITIONS[current]:
        raise Invalid("error.phase_transition", current=current.value, target=target.value)
    return target


def check_encodable(text: str) -> str:
    """Text that UTF-8 can carry (a lone surrogate such as "\\ud800" cannot: it could be
    neither stored nor shown), else `Invalid("error.bad_text")`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("error.bad_text") from None
    return text


def clean_text(text: object, limit: int, key: str) -> str:
    """Strip and bound a free text; raise `Invalid(key)` when it is too long."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise Invalid("error.bad_request")
    text = check_encodable(text).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise Invalid(key, limit=limit, length=len(text))
    return text


def choice(kind: type[Enum], value: object, key: str):
    """One of an enumeration's values, sent as its string: nothing or another string
    raises `Invalid(key)`, any other type `Invalid("error.bad_request")`."""
    if value is None:
        raise Invalid(key)
    if not isinstance(value, str):
        raise Invalid("error.bad_request")
    try:
        return kind(value)
    except ValueError:
        raise Invalid(key) from None


def parse_round(value: object) -> int:
    """A consent round's id as a phone sends it: a plain integer (not a boolean, not a
    float, not text), within SQLite's range."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise Invalid("error.round_closed")
    return value


def parse_payload(data: object) -> Mapping:
    """An event's or a JSON body's payload: an object, else `Invalid("error.bad_request")`."""
    if not isinstance(data, Mapping):
        raise Invalid("error.bad_request")
    return data


def check_answering(phase: Phase) -> None:
    """Answers are taken while the group screens its practices, from phones and from
    paper alike; after that the map is the group's and nobody's answers change it."""
    if phase != Phase.SCREENING:
        raise Invalid("error.not_screening")
