"""A realistic room for the browser tiers: a 35-practice workshop answered by 12 people.

Written straight into a data folder's database before a server starts on it, so a test
sees a full map at once instead of waiting for phones to answer 1,260 questions. The
answers follow a spread of profiles (split, worried, calm, unsure), with a comment now
and then, like the demo's; one practice is left unanswered.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from workshop.decks import available_decks
from workshop.demo import PROFILES
from workshop.model import Answer, Phase, Sphere, Vote
from workshop.store import Participant, Store
from workshop.tokens import new_token, token_hash

PARTICIPANTS = 12

COMMENTS = {
    "fr": [
        "Il faudrait l'accord écrit de la personne.",
        "Les données partent chez un géant du numérique.",
        "Et pendant les congés, qui lit les messages ?",
    ],
    "en": [
        "We should ask for the person's written consent.",
        "The data goes to a tech giant.",
        "Who reads the messages during holidays?",
    ],
}


def seed_room(
    data: Path,
    lang: str = "fr",
    phase: str = "map",
    easy_read: bool = False,
    participants: int = PARTICIPANTS,
    seed: int = 11,
    results_hidden: bool = False,
) -> str:
    """Create the workshop in `data` (a folder no server uses yet); return its join code."""
    data.mkdir(parents=True, exist_ok=True)
    deck = available_decks()[f"social-work.{lang}"]
    store = Store(data / "workshop.sqlite3")
    try:
        code = store.free_code()
        wid = store.create_workshop(
            code,
            "Atelier de l'équipe" if lang == "fr" else "Team workshop",
            lang,
            deck.key,
            deck.spheres,
            list(deck.practices),
            results_hidden=results_hidden,
            easy_read=easy_read,
        )
        workshop = store.workshop_by_id(wid)
        rng = random.Random(seed)
        names = list(PROFILES)
        people = []
        for _ in range(participants):
            token = token_hash(new_token())
            store.add_participant(wid, token, "")
            people.append(store.participant(wid, token))
        for position, practice in enumerate(workshop.practices[:-1]):  # the last: unanswered
            weights = PROFILES[names[position % len(names)]]
            for person in people:
                votes = [
                    Vote(
                        practice["id"],
                        sphere,
                        rng.choices(list(Answer), weights=weights)[0],
                        rng.choice(COMMENTS[lang]) if rng.random() < 0.1 else "",
                    )
                    for sphere in Sphere
                ]
                store.save_votes(person, votes)
        store.set_phase(wid, Phase(phase))
        return code
    finally:
        store.close()


CLAUSES = {
    "fr": [
        "Nous échangeons avec les personnes par Signal depuis les téléphones de service,"
        " et par SMS avec celles qui n'ont pas de smartphone.",
        "Aucune pièce de dossier n'est déposée dans un stockage en ligne grand public.",
        "Nous ne collons aucune donnée de personne dans une IA en ligne.",
    ],
    "en": [
        "We talk with people on Signal from the service's phones, and by text message"
        " with those who have no smartphone.",
        "No case document is put in a consumer cloud storage.",
        "We paste no personal data into an online AI.",
    ],
}
REASONS = {
    "fr": (
        "Il faut former l'équipe à Signal avant.",
        "Certaines personnes n'ont pas de smartphone.",
    ),
    "en": ("The team needs training on Signal first.", "Some people have no smartphone at all."),
}


def seed_negotiation(
    data: Path, lang: str = "fr", phase: str = "negotiation", revisit: str | None = None
) -> str:
    """The room in negotiation: the most tense practice under discussion with a decision,
    a clause in an open consent round answered by 9 of 12 (a reservation, an objection);
    with `phase="charter"`, three clauses adopted instead (one with dissent). `revisit`:
    that practice asked again after its discussion, "open" (7 of 12 have answered) or
    "closed" (everyone answered, more worried and more agreed, a few comments)."""
    from workshop.model import ClauseStatus, Consent, DecisionKind

    code = seed_room(data, lang=lang, phase="map")
    store = Store(data / "workshop.sqlite3")
    try:
        workshop = store.workshop(code)
        practices = [p["id"] for p in workshop.practices]
        store.set_phase(workshop.id, Phase.NEGOTIATION)
        if phase == "charter":
            for i, text in enumerate(CLAUSES[lang]):
                clause = store.add_clause(workshop.id, practices[i], text)
                store.open_round(workshop.id, clause)
                store.close_round(workshop.id, clause)
                status = ClauseStatus.ADOPTED_WITH_DISSENT if i == 2 else ClauseStatus.ADOPTED
                store.decide_clause(workshop.id, clause, status)
            store.set_phase(workshop.id, Phase.CHARTER)
            return code
        store.set_focus(workshop.id, practices[0])
        people = store.read(
            lambda c: [
                r[0]
                for r in c.execute("SELECT id FROM participant WHERE workshop_id=?", (workshop.id,))
            ]
        )
        # The practice's discussion is timed: the projector's strip holds the timer too.
        store.set_timer(
            workshop.id, {"kind": "practice", "seconds": 600, "ends": time.time() + 600}
        )
        if not revisit:  # asked again first, decided after
            detail = "par Signal" if lang == "fr" else "by Signal"
            store.set_decision(workshop.id, practices[0], DecisionKind.REPLACE, detail)
            clause = store.add_clause(workshop.id, practices[0], CLAUSES[lang][0])
            round_id = store.open_round(workshop.id, clause)
            answers = [Consent.CONSENT] * 7 + [Consent.RESERVATION, Consent.OBJECTION]
            reasons = {Consent.RESERVATION: REASONS[lang][0], Consent.OBJECTION: REASONS[lang][1]}
            for person, value in zip(people, answers, strict=False):  # 9 of the 12 answer
                store.save_consent(round_id, person, value, reasons.get(value, ""))
        else:
            store.open_revisit(workshop.id, Phase.NEGOTIATION, practices[0])
            rng = random.Random(5)
            everyone = [Participant(pid, workshop.id, "", "phone") for pid in people]
            for n, person in enumerate(everyone[: 7 if revisit == "open" else None]):
                store.save_votes(
                    person,
                    [
                        Vote(
                            practices[0],
                            sphere,
                            rng.choices(list(Answer), weights=(10, 25, 60, 5))[0],
                            COMMENTS[lang][n % 3] if n < 4 else "",
                            2,
                        )
                        for sphere in Sphere
                    ],
                )
            if revisit == "closed":
                store.close_revisit(workshop.id)
        return code
    finally:
        store.close()
