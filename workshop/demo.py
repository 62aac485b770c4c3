"""A demo workshop whose simulated participants answer live, so a newcomer sees the map move.

Simulated answers follow a profile per practice (some practices split the group, some
worry it, some reassure it) and are written through the same store as real ones. The
demo participants are marked `source='demo'` in the data.
"""

from __future__ import annotations

import random

from workshop.model import Answer, Phase, Sphere, Vote, new_join_code
from workshop.security import new_token, token_hash

DEMO_PARTICIPANTS = 18

#: Comments the simulated participants leave, by language and answer.
COMMENTS = {
    "fr": {
        Answer.FINE: ["Ça nous fait gagner du temps.", "Les personnes y sont habituées."],
        Answer.DISCUSS: [
            "Il faudrait un accord écrit de la personne.",
            "Et pendant les congés, qui lit les messages ?",
        ],
        Answer.PROBLEM: [
            "Les données partent chez un géant du numérique.",
            "Le secret professionnel n'est pas garanti.",
        ],
        Answer.UNSURE: ["Je ne sais pas ce que dit la loi là-dessus."],
    },
    "en": {
        Answer.FINE: ["It saves us time.", "People are used to it."],
        Answer.DISCUSS: [
            "We should ask for the person's written consent.",
            "Who reads the messages during holidays?",
        ],
        Answer.PROBLEM: [
            "The data goes to a tech giant.",
            "Professional secrecy is not guaranteed.",
        ],
        Answer.UNSURE: ["I don't know what the law says about this."],
    },
}

#: Weights of fine / to discuss / problem / don't know, by profile.
PROFILES = {
    "split": (40, 10, 40, 10),
    "worried": (10, 30, 55, 5),
    "calm": (70, 20, 5, 5),
    "unsure": (20, 25, 20, 35),
}


def create(store, deck, title: str | None = None) -> int:
    """Create the demo workshop (screening, results visible) from `deck`; return its id."""
    code = new_join_code()
    while store.code_taken(code):
        code = new_join_code()
    title = title or ("Démo — équipe sociale" if deck.lang == "fr" else "Demo — social team")
    workshop_id = store.create_workshop(
        code,
        title,
        deck.lang,
        deck.key,
        deck.spheres,
        list(deck.practices),
        results_hidden=False,
        demo=True,
    )
    store.set_phase(workshop_id, Phase.SCREENING)
    return workshop_id


def answers(workshop, seed: int = 7, participants: int = DEMO_PARTICIPANTS):
    """Yield (participant number, vote) pairs in a plausible order of answering."""
    rng = random.Random(seed)
    names = list(PROFILES)
    profile = {p["id"]: PROFILES[names[i % len(names)]] for i, p in enumerate(workshop.practices)}
    comments = COMMENTS.get(workshop.lang, COMMENTS["en"])
    for position, practice in enumerate(workshop.practices):
        for number in range(participants):
            if rng.random() < 0.1 * position / max(len(workshop.practices), 1):
                continue  # a few people have not reached the later cards yet
            for sphere in Sphere:
                value = rng.choices(list(Answer), weights=profile[practice["id"]])[0]
                comment = rng.choice(comments[value]) if rng.random() < 0.15 else ""
                yield number, Vote(practice["id"], sphere, value, comment)


def simulate(store, workshop, pause, on_change, seed: int = 7) -> None:
    """Join the simulated participants and let them answer, pausing between answers."""
    people = {}
    for number, vote in answers(workshop, seed):
        if number not in people:
            token = new_token()
            store.add_participant(workshop.id, token_hash(token), "", source="demo")
            people[number] = store.participant(workshop.id, token_hash(token))
        store.save_vote(people[number], vote)
        on_change(workshop.id)
        pause()
