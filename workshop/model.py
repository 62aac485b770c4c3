"""The workshop's rules, free of Flask and SQL: spheres, answers, phases, limits.

Every check that a phone or a form can fail raises `Invalid` with a message key of the
translation catalogue, so the user reads why in their own language and nothing they
typed is lost (the pages send it back with the error).
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
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


class TimerKind(str, Enum):
    """What the facilitator's timer measures: the time to answer alone, a practice's
    discussion, or a consent round."""

    SCREENING = "screening"
    PRACTICE = "practice"
    ROUND = "round"


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

#: The timer's preset lengths on the control page (minutes), and the longest one.
TIMER_PRESETS = (2, 5, 10, 15)
MAX_TIMER_MINUTES = 120

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


# --- The method's loop: a practice asked again after the group discussed it ----------

#: Screening is every practice's first pass. A revisit asks one practice's three
#: questions again after discussion: its answers are pass 2, then 3… (never mixed with
#: an earlier pass: each pass is a map of its own).
FIRST_PASS = 1
#: A practice is looked at again at most MAX_PASS - 1 times.
MAX_PASS = 9
#: A revisit is opened during the negotiation, and leaving it closes the revisit.
REVISIT_PHASE = Phase.NEGOTIATION


def parse_pass(value: object) -> int:
    """The pass an answer is sent for: absent means the first (screening). A phone sends
    an integer, a form its digits; anything else is refused."""
    if value is None or value == "":
        return FIRST_PASS
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("error.bad_request")
    if not FIRST_PASS <= value <= MAX_PASS:
        raise Invalid("error.revisit_closed")
    return value


def check_pass(phase: Phase, practice_id: str, pass_: int, revisit: Mapping | None) -> None:
    """An answer counts only in the pass that is open for it: the first pass while
    screening is open (`check_answering`); a later pass while the revisit of that
    practice with that number is the open one (`revisit`: `practice` and `pass`, or
    None), during the negotiation. Otherwise `Invalid`, and the phone keeps the answer."""
    if pass_ == FIRST_PASS:
        check_answering(phase)
        return
    if (
        phase != REVISIT_PHASE
        or revisit is None
        or (revisit["practice"], revisit["pass"]) != (practice_id, pass_)
    ):
        raise Invalid("error.revisit_closed")


def check_revisit(phase: Phase, practice_id: str | None, last_pass: int) -> int:
    """The pass a new revisit of `practice_id` gets (its last pass + 1), if the
    facilitator may open it now: during the negotiation, for a practice (the one under
    discussion when none is named), at most MAX_PASS passes."""
    if phase != REVISIT_PHASE:
        raise Invalid("error.not_negotiating")
    if practice_id is None:
        raise Invalid("error.revisit_needs_practice")
    if last_pass >= MAX_PASS:
        raise Invalid("error.too_many_revisits", limit=MAX_PASS - 1)
    return last_pass + 1


@dataclass(frozen=True)
class Vote:
    """One participant's answer to one sphere of one practice, in one pass, validated."""

    practice_id: str
    sphere: Sphere
    value: Answer
    comment: str
    pass_: int = FIRST_PASS

    @classmethod
    def parse(cls, practice_ids: set[str], data: dict) -> Vote:
        """Build a vote from untrusted input, or raise `Invalid` saying what is wrong.

        `pass` is optional (the first pass); whether that pass is open is `check_pass`'s."""
        if not isinstance(data, Mapping):
            raise Invalid("error.bad_request")
        practice_id = data.get("practice")
        if practice_id is not None and not isinstance(practice_id, str):
            raise Invalid("error.bad_request")
        if practice_id not in practice_ids:
            raise Invalid("error.unknown_practice")
        sphere = choice(Sphere, data.get("sphere"), "error.unknown_sphere")
        value = choice(Answer, data.get("value"), "error.choose_answer")
        comment = clean_text(data.get("comment"), MAX_COMMENT, "error.comment_too_long")
        return cls(practice_id, sphere, value, comment, parse_pass(data.get("pass")))


def parse_consent(data: dict) -> tuple[Consent, str]:
    """A consent-round answer from untrusted input: (value, reason), or raise `Invalid`.

    "A valid objection names a concrete risk or harm": an objection without a reason is
    refused (with what was typed kept by the page).
    """
    if not isinstance(data, Mapping):
        raise Invalid("error.bad_request")
    value = choice(Consent, data.get("value"), "error.choose_consent")
    reason = clean_text(data.get("reason"), MAX_REASON, "error.reason_too_long")
    if value == Consent.OBJECTION and not reason:
        raise Invalid("error.objection_needs_reason")
    return value, reason


# --- What the facilitator's forms send: parsed here, so the views only parse and call ---


def parse_title(value: object, missing: str = "error.title_missing") -> str:
    """A workshop's or a card's title: required, at most MAX_TITLE characters."""
    title = clean_text(value, MAX_TITLE, "error.title_too_long")
    if not title:
        raise Invalid(missing)
    return title


def parse_card(data: Mapping, missing: str = "error.title_missing") -> tuple[str, str]:
    """A practice proposed by the room (or accepted by the facilitator): title, description."""
    title = parse_title(data.get("title"), missing)
    description = clean_text(data.get("description"), MAX_DESCRIPTION, "error.description_too_long")
    return title, description


def parse_pseudonym(value: object) -> str:
    """Optional: a participant may stay anonymous."""
    return clean_text(value, MAX_PSEUDONYM, "error.pseudonym_too_long")


def parse_practice(practice_ids: set[str], value: object, optional: bool = False) -> str | None:
    """A practice of the workshop, or nothing for a clause about the whole charter."""
    if optional and not value:
        return None
    if not isinstance(value, str) or value not in practice_ids:
        raise Invalid("error.unknown_practice")
    return value


def parse_clause(value: object) -> str:
    """A clause's wording (or a suggestion of one): required, at most MAX_CLAUSE."""
    text = clean_text(value, MAX_CLAUSE, "error.clause_too_long")
    if not text:
        raise Invalid("error.clause_missing")
    return text


def parse_date(value: object) -> str:
    """An ISO date (YYYY-MM-DD) or nothing; anything else is refused with a message."""
    text = clean_text(value, MAX_TITLE, "error.bad_date")
    if text:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise Invalid("error.bad_date") from None
    return text


def parse_sheet(value: object) -> int:
    """A paper ballot's number, 1..MAX_SHEETS."""
    try:
        sheet = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        raise Invalid("error.bad_sheet") from None
    if not 1 <= sheet <= MAX_SHEETS:
        raise Invalid("error.bad_sheet")
    return sheet


def parse_decision(practice_ids: set[str], data: Mapping) -> tuple[str, DecisionKind, str]:
    """The group's decision for a practice: (practice id, kind, detail)."""
    practice = parse_practice(practice_ids, data.get("practice"))
    kind = choice(DecisionKind, data.get("kind"), "error.bad_request")
    detail = clean_text(data.get("detail"), MAX_DETAIL, "error.detail_too_long")
    return practice, kind, detail  # type: ignore[return-value]


def parse_commitment(data: Mapping) -> tuple[str, str]:
    """Who carries a clause, and by when (an ISO date or nothing)."""
    who = clean_text(data.get("who"), MAX_DETAIL, "error.commitment_too_long")
    return who, parse_date(data.get("by"))


def parse_charter_details(data: Mapping) -> dict[str, str]:
    """Team, place, date and review date: what the charter says about itself."""
    return {
        "team": clean_text(data.get("team"), MAX_TITLE, "error.title_too_long"),
        "place": clean_text(data.get("place"), MAX_TITLE, "error.title_too_long"),
        "date": parse_date(data.get("date")),
        "review_date": parse_date(data.get("review_date")),
    }


#: What the facilitator may do to a clause once it has had a consent round.
CLAUSE_DECISIONS = {
    "adopt": ClauseStatus.ADOPTED,
    "adopt_with_dissent": ClauseStatus.ADOPTED_WITH_DISSENT,
    "withdraw": ClauseStatus.WITHDRAWN,
}


def parse_timer(data: Mapping, now: float) -> dict:
    """A timer the facilitator starts: `kind` and `minutes` (a whole number from 1 to
    MAX_TIMER_MINUTES) give {"kind", "seconds", "ends"}, `ends` on the server's clock."""
    if not isinstance(data, Mapping):
        raise Invalid("error.bad_request")
    kind = choice(TimerKind, data.get("kind"), "error.timer_kind")
    typed = data.get("minutes")
    try:
        minutes = int(typed.strip() if isinstance(typed, str) else "")
    except ValueError:
        raise Invalid("error.timer_minutes", limit=MAX_TIMER_MINUTES) from None
    if not 1 <= minutes <= MAX_TIMER_MINUTES:
        raise Invalid("error.timer_minutes", limit=MAX_TIMER_MINUTES)
    return {"kind": kind.value, "seconds": minutes * 60, "ends": round(now + minutes * 60, 3)}


def timer_state(timer: Mapping | None, now: float) -> dict | None:
    """What a page shows of a timer at `now`: what it times, its length, the whole seconds
    left (0 once the time is up) and the hour and minute it ends at on the server's clock
    (the room's). Clients count down from `remaining`, never from their own clock."""
    if not timer:
        return None
    try:
        kind, seconds, ends = TimerKind(timer["kind"]), int(timer["seconds"]), float(timer["ends"])
    except (KeyError, TypeError, ValueError):
        return None
    until = time.localtime(ends + 30)  # to the nearest minute
    return {
        "kind": kind.value,
        "seconds": seconds,
        "remaining": max(0, math.ceil(ends - now)),
        "hour": until.tm_hour,
        "minute": until.tm_min,
    }
