"""A realistic room for the browser tiers: a 35-practice workshop answered by 12 people.

Written straight into a data folder's database before a server starts on it, so a test
sees a full map at once instead of waiting for phones to answer 1,260 questions. The
answers follow a spread of profiles (split, worried, calm, unsure), with a comment now
and then, like the demo's; one practice is left unanswered.
"""

from __future__ import annotations

import random
from pathlib import Path

from workshop.decks import available_decks
from workshop.demo import PROFILES
from workshop.model import Answer, Phase, Sphere, Vote
from workshop.store import Store
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
