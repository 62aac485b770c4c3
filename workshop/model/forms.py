"""What the facilitator's forms send, parsed here so the views only parse and call: titles
and cards, pseudonyms, practices, clauses, dates, paper sheets, decisions, commitments,
the charter's details, and the room's timer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from datetime import date
from enum import Enum

from workshop.model.core import (
    MAX_CLAUSE,
    MAX_DESCRIPTION,
    MAX_DETAIL,
    MAX_PSEUDONYM,
    MAX_SHEETS,
    MAX_TITLE,
    ClauseStatus,
    DecisionKind,
    Invalid,
    choice,
    clean_text,
)


class TimerKind(str, Enum):
    """What the facilitator's timer measures: the time to answer alone, a practice's
    discussion, or a consent round."""

    SCREENING = "screening"
    PRACTICE = "practice"
    ROUND = "round"


#: The timer's preset lengths on the control page (minutes), and the longest one.
TIMER_PRESETS = (2, 5, 10, 15)
MAX_TIMER_MINUTES = 120

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
