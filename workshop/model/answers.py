"""What participants send: an answer (a `Vote`, in its pass) and a consent-round answer.

The method's loop lives here too: screening is every practice's first pass, and a
practice asked again after its discussion gets pass 2, 3…; an answer counts only in the
pass that is open for it (`check_pass`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workshop.model.core import (
    MAX_COMMENT,
    MAX_REASON,
    Answer,
    Consent,
    Invalid,
    Phase,
    Sphere,
    check_answering,
    choice,
    clean_text,
)

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
