"""The archive format: its name, its version, and what an archive must hold to be read.

Pure (no Flask, no SQL), so the charter can be made from a JSON file alone.

`check_archive` reads the whole archive before anything is done with it: every field's
type and shape, every closed list (phases, spheres, answers, decision kinds, clause
statuses), and sizes no real workshop exceeds (the bounds below), so that a damaged or
hostile file can neither be half stored nor make the server build millions of rows.
A problem is refused with `Invalid("error.archive_invalid", where=...)`, `where` naming
the field ("answers[12].sphere"). docs/archive-format.md lists the checks.
"""

from __future__ import annotations

import re

from workshop import model
from workshop.archive.fields import (
    MAX_DECK_LIST,
    MAX_DECK_TEXT,
    MAX_SHORT,
    At,
    bounded_entries,
    check_all_texts,
    check_choice,
    refuse,
)
from workshop.model import Invalid

FORMAT = "spheres-workshop-archive"
#: Version 2: every answer has its `pass` and the archive lists its `revisits` (the
#: method's loop). Version 1 archives are still read: their answers are all pass 1.
VERSION = 2

# --- What a real workshop holds (with room to spare) ---------------------------------

MAX_PARTICIPANTS = 1_000
MAX_PRACTICES = 200  # as many as a deck may hold (deck.schema.json)
MAX_PROPOSALS = 500
MAX_CLAUSES = 300
MAX_ROUNDS = 30  # consent rounds of one clause
MAX_SUGGESTIONS = 2_000
#: Revisits: each practice at most MAX_PASS - 1 times.
MAX_REVISITS = MAX_PRACTICES * (model.MAX_PASS - 1)
#: A join code as the store keeps it (older demos used letters the codes now avoid).
CODE = re.compile(r"[A-Z0-9]{0,12}")
PROPOSAL_STATUSES = frozenset({"pending", "accepted", "declined"})
#: Where an answer came from: the participant's phone, a paper ballot, an import, the demo.
SOURCES = frozenset({"phone", "paper", "import", "demo"})
ROUND_STATUSES = frozenset({"open", "closed"})
PHASES = frozenset(p.value for p in model.Phase)
SPHERES = frozenset(s.value for s in model.Sphere)
ANSWERS = frozenset(a.value for a in model.Answer)
DECISION_KINDS = frozenset(k.value for k in model.DecisionKind)
CLAUSE_STATUSES = frozenset(c.value for c in model.ClauseStatus)
LANGUAGES = frozenset(model.LANGUAGES)
REGISTERS = frozenset(model.REGISTERS)
PRACTICE_TEXTS = ("easy_read", "register_label", "register_help")
PRACTICE_LISTS = ("alternatives", "prescriptions", "sources")
SPHERE_TEXTS = ("label", "question", "help", "easy_read")
CHARTER_LINES = ("team", "place", "date", "review_date")
PRACTICE_KEYS = ("id", "title", "description", "register", "pictogram", "origin", "i18n")


def check_archive(archive: object, *, restoring: bool = False) -> dict:
    """Refuse what is not an archive this version can read, saying why (`Invalid`).

    With `restoring`, also that its parts fit together as the store keeps them: every
    answer, proposal, decision, clause and suggestion names a practice of the archive,
    and a round gives no more reasons than its tally counts. A charter does without:
    each of its sections reads one part alone (and tests/golden/big.json, cut down by
    hand, keeps answers to practices it no longer lists).
    """
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise Invalid("error.archive_format")
    top = At(archive, "")
    version = top.int("version", 1)
    if version > VERSION:
        raise Invalid("error.archive_version", version=version, supported=VERSION)
    if "exported_at" in archive:
        top.text("exported_at", MAX_SHORT)
    _workshop(top.obj("workshop"))
    _spheres(top.obj("spheres"))
    practices = _practices(top)
    count = top.obj("participants").int("count", 0, MAX_PARTICIPANTS)
    revisits = _revisits(top, version)
    _answers(top, count, len(practices), version, revisits)
    if archive.get("map") is not None:
        _map(top, count)
    _proposals(top)
    _decisions(top)
    _clauses(top, count)
    for suggestion in top.each("suggestions", MAX_SUGGESTIONS):
        suggestion.practice_or_none()
        suggestion.text("text", model.MAX_CLAUSE)
    if archive.get("review") is not None:
        _review(top.obj("review"))
    if restoring:
        _fits_together(archive, set(practices))
    return archive


# --- The parts, in the order of docs/archive-format.md --------------------------------


def _workshop(meta: At) -> None:
    if not CODE.fullmatch(meta.text("code", MAX_SHORT)):
        refuse(meta.at("code"))
    meta.text("title", model.MAX_TITLE)
    meta.choice("lang", LANGUAGES)
    meta.text("deck", MAX_SHORT)
    meta.stamp("created_at")
    meta.choice("phase", PHASES)
    if "charter" in meta.obj_:  # stored whole: what it holds beyond the four lines too
        details = meta.obj("charter")
        details.texts(CHARTER_LINES, model.MAX_TITLE)
        details.extras(CHARTER_LINES)


def _spheres(spheres: At) -> None:
    """The deck's wording of each sphere, and of its other languages under `i18n`."""
    for sphere in model.Sphere:
        wording = spheres.obj(sphere.value)
        wording.text("label", MAX_DECK_TEXT)
        wording.text("question", MAX_DECK_TEXT)
        wording.texts(SPHERE_TEXTS, MAX_DECK_TEXT)
        wording.extras(SPHERE_TEXTS)
    for own in spheres.languages():
        for sphere, wording in bounded_entries(own.obj_, own.where, len(SPHERES)):
            check_choice(sphere, own.at(sphere), SPHERES)
            check_all_texts(wording, own.at(sphere))
    spheres.extras((*SPHERES, "i18n"))


def _practices(top: At) -> list[str]:
    """The cards, each stored whole; returns their ids (unique)."""
    ids: list[str] = []
    for card in top.each("practices", MAX_PRACTICES):
        pid = card.slug("id")
        if pid in ids:
            refuse(card.at("id"))
        ids.append(pid)
        card.text("title", MAX_DECK_TEXT)
        card.text("description", MAX_DECK_TEXT)
        if card.obj_.get("register") not in (None, ""):
            card.choice("register", REGISTERS)
        card.texts((*PRACTICE_TEXTS, "origin"), MAX_DECK_TEXT)
        if card.obj_.get("pictogram") is not None:
            card.slug("pictogram")
        for key in PRACTICE_LISTS:
            if key in card.obj_:
                card.texts_list(key, MAX_DECK_LIST, MAX_DECK_TEXT)
        for own in card.languages():
            check_all_texts(own.obj_, own.where)
        card.extras((*PRACTICE_KEYS, *PRACTICE_TEXTS, *PRACTICE_LISTS))
    return ids


def _revisits(top: At, version: int) -> set[tuple[str, int]]:
    """The practices asked again after discussion (version 2 on; a version 1 archive has
    none): each practice × pass once, passes from 2, at most one still open. Returns
    their (practice, pass)."""
    found: set[tuple[str, int]] = set()
    still_open = 0
    for revisit in top.each("revisits", MAX_REVISITS, optional=version < 2):
        key = (
            revisit.text("practice", MAX_SHORT),
            revisit.int("pass", model.FIRST_PASS + 1, model.MAX_PASS),
        )
        if key in found:
            refuse(revisit.where)
        found.add(key)
        revisit.stamp("opened_at")
        if revisit.get("closed_at") is None:
            still_open += 1
            if still_open > 1:
                refuse(revisit.at("closed_at"))
        else:
            revisit.stamp("closed_at")
    return found


def _answers(
    top: At, count: int, practices: int, version: int, revisits: set[tuple[str, int]]
) -> None:
    """One answer per participant × practice × sphere × pass at most; a pass after the
    first is one of the archive's revisits. Version 1 answers have no `pass` (all 1)."""
    seen: set[tuple] = set()
    limit = count * (practices + len(revisits)) * len(SPHERES)
    for answer in top.each("answers", limit):
        key = (
            answer.int("participant", 1, count),
            answer.text("practice", MAX_SHORT),
            answer.choice("sphere", SPHERES),
            _pass(answer, version),
        )
        if key in seen:
            refuse(answer.where)
        if key[3] != model.FIRST_PASS and (key[1], key[3]) not in revisits:
            refuse(answer.at("pass"))
        seen.add(key)
        answer.choice("value", ANSWERS)
        answer.text("comment", model.MAX_COMMENT)
        if not isinstance(answer.obj_.get("hidden", False), bool):
            refuse(answer.at("hidden"))
        if "source" in answer.obj_:  # optional (older archives have neither)
            answer.choice("source", SOURCES)
        if "at" in answer.obj_:
            answer.stamp("at")


def _pass(answer: At, version: int) -> int:
    """An answer's pass: required from version 2, absent (the first) in version 1."""
    if version < 2 and "pass" not in answer.obj_:
        return model.FIRST_PASS
    return answer.int("pass", model.FIRST_PASS, model.MAX_PASS)


def _map(top: At, count: int) -> None:
    """The map as the group saw it (not imported: the store recomputes it)."""
    for row in top.each("map", MAX_PRACTICES):
        row.text("practice", MAX_SHORT)
        row.number("tension")
        cells = row.obj("cells")
        for sphere in model.Sphere:
            cell = cells.obj(sphere.value)
            counts = cell.obj("counts")
            if sum(counts.int(a.value) for a in model.Answer) > count:
                refuse(counts.where)
            cell.int("answered", 0, count)
            cell.number("concern")
            cell.number("disagreement")
            cell.texts_list("comments", count, model.MAX_COMMENT)


def _proposals(top: At) -> None:
    for proposal in top.each("proposals", MAX_PROPOSALS):
        proposal.text("title", model.MAX_TITLE)
        proposal.text("description", model.MAX_DESCRIPTION)
        proposal.choice("status", PROPOSAL_STATUSES)
        proposal.practice_or_none()


def _decisions(top: At) -> None:
    """At most one decision per practice."""
    seen: set[str] = set()
    for decision in top.each("decisions", MAX_PRACTICES):
        if decision.text("practice", MAX_SHORT) in seen:
            refuse(decision.at("practice"))
        seen.add(decision.get("practice"))
        decision.choice("kind", DECISION_KINDS)
        decision.text("detail", model.MAX_DETAIL)


def _clauses(top: At, count: int) -> None:
    """Clauses and their rounds; at most one round is open, the last of a draft clause."""
    ids: set[int] = set()
    open_rounds = 0
    for clause in top.each("clauses", MAX_CLAUSES):
        if clause.int("id", 1, MAX_CLAUSES) in ids:
            refuse(clause.at("id"))
        ids.add(clause.get("id"))
        clause.practice_or_none()
        clause.text("text", model.MAX_CLAUSE)
        status = clause.choice("status", CLAUSE_STATUSES)
        if clause.obj_.get("commitment") is not None:
            commitment = clause.obj("commitment")
            commitment.texts(("who",), model.MAX_DETAIL)
            commitment.texts(("by",), model.MAX_TITLE)
        rounds, number = clause.get("rounds"), 0
        for j, round_ in enumerate(clause.each("rounds", MAX_ROUNDS)):
            number = round_.int("number", number + 1, MAX_ROUNDS)
            if _round(round_, count) == "open":
                open_rounds += 1
                if open_rounds > 1 or j != len(rounds) - 1 or status != "draft":
                    refuse(round_.at("status"))


def _round(round_: At, count: int) -> str:
    """Check one consent round; return its status."""
    round_.text("text", model.MAX_CLAUSE)
    status = round_.choice("status", ROUND_STATUSES)
    tally = round_.obj("tally")
    if sum(tally.int(c.value) for c in model.Consent) > count:
        refuse(tally.where)
    round_.texts_list("reservations", count, model.MAX_REASON)
    round_.texts_list("objections", count, model.MAX_REASON)
    return status


def _review(review: At) -> None:
    """What a review workshop compares with (read by the charter, not imported)."""
    if "previous" in review.obj_:
        review.obj("previous").texts(("code", "title", "date"), model.MAX_TITLE)
    for pid, cells in bounded_entries(review.obj_.get("map", {}), review.at("map"), MAX_PRACTICES):
        for sphere, counts in bounded_entries(cells, review.at(f"map.{pid}"), len(SPHERES)):
            where = review.at(f"map.{pid}.{sphere}")
            check_choice(sphere, where, SPHERES)
            for answer, _n in bounded_entries(counts, where, len(ANSWERS)):
                check_choice(answer, f"{where}.{answer}", ANSWERS)
                At(counts, where).int(answer, 0, MAX_PARTICIPANTS)
    for change in review.each("decisions", 2 * MAX_PRACTICES, optional=True):
        change.text("practice", MAX_SHORT)
        for key in ("before", "now"):
            if change.get(key) is not None:
                change.choice(key, DECISION_KINDS)
    if "clauses" in review.obj_:
        clauses = review.obj("clauses")
        for key in ("kept", "new", "dropped"):
            if key in clauses.obj_:
                clauses.texts_list(key, MAX_CLAUSES, model.MAX_CLAUSE)


def _fits_together(archive: dict, practices: set[str]) -> None:
    """What the store needs on top of the shapes (see `check_archive`)."""
    for part in ("answers", "revisits", "proposals", "decisions", "clauses", "suggestions"):
        for i, item in enumerate(archive.get(part, [])):
            if item["practice"] is not None and item["practice"] not in practices:
                refuse(f"{part}[{i}].practice")
    for i, clause in enumerate(archive["clauses"]):
        for j, round_ in enumerate(clause["rounds"]):
            tally = round_["tally"]
            for key, kind in (("reservations", "reservation"), ("objections", "objection")):
                if len(round_[key]) > tally[kind]:
                    refuse(f"clauses[{i}].rounds[{j}].{key}")
