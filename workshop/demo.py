"""A demo workshop whose simulated participants answer live, so a newcomer sees the map move.

Simulated answers follow a profile per practice (some practices split the group, some
worry it, some reassure it) and are written through the same store as real ones. The
demo participants are marked `source='demo'` in the data.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from workshop.model import Answer, ClauseStatus, Consent, DecisionKind, Phase, Sphere, Vote
from workshop.tokens import new_token, token_hash

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
    code = store.free_code()
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


#: The negotiation of the finished demo, per language: (practice, decision, detail, clauses).
#: Each clause is (text, rounds), a round being the answers of the simulated people as
#: (consents, reservations, objections) plus the reasons, and how the clause ended.
FINISHED: dict[str, dict[str, Any]] = {
    "fr": {
        "title": "Démo — charte de l'équipe sociale",
        "details": {"team": "Service social (démonstration)", "place": "Salle du conseil"},
        "negotiation": [
            (
                "whatsapp-users",
                "replace",
                "par Signal, et le SMS pour qui n'a pas de smartphone",
                [
                    (
                        "Nous échangeons avec les personnes par Signal depuis les téléphones de service.",
                        [
                            (
                                (10, 3, 2),
                                ["Il faut former l'équipe à Signal."],
                                [
                                    "Certaines personnes n'ont pas de smartphone.",
                                    "Nos téléphones de service sont trop vieux.",
                                ],
                            ),
                            ((14, 2, 0), ["Prévoir un temps de formation."], []),
                        ],
                        "Nous échangeons avec les personnes par Signal depuis les téléphones de service,"
                        " et par SMS avec celles qui n'ont pas de smartphone.",
                        "adopted",
                        ("la coordination", 60),
                    ),
                ],
            ),
            (
                "cloud-case-files",
                "stop",
                "les dossiers reviennent sur le serveur du service",
                [
                    (
                        "Aucune pièce de dossier n'est déposée dans un stockage en ligne grand public.",
                        [((15, 1, 0), ["Il faut un accès depuis le domicile."], [])],
                        None,
                        "adopted",
                        ("le service informatique", 90),
                    ),
                ],
            ),
            (
                "ai-reports",
                "investigate",
                "demander l'avis du délégué à la protection des données",
                [
                    (
                        "Nous ne collons aucune donnée de personne dans une IA en ligne.",
                        [
                            (
                                (12, 2, 2),
                                [],
                                [
                                    "Cela nous fait perdre un temps précieux.",
                                    "Certaines IA tournent en local.",
                                ],
                            )
                        ],
                        None,
                        "adopted_with_dissent",
                        None,
                    ),
                ],
            ),
        ],
    },
    "en": {
        "title": "Demo — the social team's charter",
        "details": {"team": "Social service (demonstration)", "place": "Council room"},
        "negotiation": [
            (
                "whatsapp-users",
                "replace",
                "by Signal, and text messages for people without a smartphone",
                [
                    (
                        "We talk with people on Signal from the service's phones.",
                        [
                            (
                                (10, 3, 2),
                                ["The team needs training on Signal."],
                                [
                                    "Some people have no smartphone.",
                                    "Our service phones are too old.",
                                ],
                            ),
                            ((14, 2, 0), ["Plan time for training."], []),
                        ],
                        "We talk with people on Signal from the service's phones, and by text message"
                        " with those who have no smartphone.",
                        "adopted",
                        ("the coordinator", 60),
                    ),
                ],
            ),
            (
                "cloud-case-files",
                "stop",
                "case files go back to the service's server",
                [
                    (
                        "No case file document is put in a consumer cloud drive.",
                        [((15, 1, 0), ["We need access from home."], [])],
                        None,
                        "adopted",
                        ("the IT department", 90),
                    ),
                ],
            ),
            (
                "ai-reports",
                "investigate",
                "ask the data protection officer",
                [
                    (
                        "We paste no personal data into an online AI.",
                        [((12, 2, 2), [], ["It costs us precious time.", "Some AIs run locally."])],
                        None,
                        "adopted_with_dissent",
                        None,
                    ),
                ],
            ),
        ],
    },
}


def create_finished(store, deck) -> int:
    """A complete demo workshop: answers, map, decisions, consent rounds, an adopted charter.

    Everything goes through the same store methods as a real workshop, so the demo's
    charter is exactly what a real one looks like.
    """
    script = FINISHED.get(deck.lang, FINISHED["en"])
    wanted = [p for p in deck.practices][:8]
    code = store.free_code()
    workshop_id = store.create_workshop(
        code,
        script["title"],
        deck.lang,
        deck.key,
        deck.spheres,
        wanted,
        results_hidden=False,
        demo=True,
    )
    store.set_phase(workshop_id, Phase.SCREENING)
    workshop = store.workshop_by_id(workshop_id)
    people = {}
    for number, vote in answers(workshop, participants=DEMO_PARTICIPANTS):
        if number not in people:
            token = new_token()
            store.add_participant(workshop_id, token_hash(token), "", source="demo")
            people[number] = store.participant(workshop_id, token_hash(token))
        store.save_vote(people[number], vote)
    for phase in (Phase.MAP, Phase.NEGOTIATION):
        store.set_phase(workshop_id, phase)
    everyone = list(people.values())
    today = date.today()
    for practice, kind, detail, clauses in script["negotiation"]:
        if practice not in workshop.practice_ids:
            continue
        store.set_focus(workshop_id, practice)
        store.set_decision(workshop_id, practice, DecisionKind(kind), detail)
        for text, rounds, amended, outcome, commitment in clauses:
            clause = store.add_clause(workshop_id, practice, text)
            for i, ((yes, reserved, objected), reservations, objections) in enumerate(rounds):
                if i and amended:
                    store.edit_clause(workshop_id, clause, amended)
                round_id = store.open_round(workshop_id, clause)
                assert objected == len(objections)  # an objection always has its reason
                answers_ = (
                    [(Consent.OBJECTION, r) for r in objections]
                    + [(Consent.RESERVATION, r) for r in reservations]
                    + [(Consent.RESERVATION, "")] * (reserved - len(reservations))
                    + [(Consent.CONSENT, "")] * yes
                )
                for person, (value, reason) in zip(everyone, answers_, strict=False):
                    store.save_consent(round_id, person.id, value, reason)
                store.close_round(workshop_id, clause)
            store.decide_clause(workshop_id, clause, ClauseStatus(outcome))
            if commitment:
                who, days = commitment
                store.set_commitment(
                    workshop_id, clause, who, (today + timedelta(days=days)).isoformat()
                )
    store.set_focus(workshop_id, None)
    store.set_charter_details(
        workshop_id,
        {
            **script["details"],
            "date": today.isoformat(),
            "review_date": (today + timedelta(days=365)).isoformat(),
        },
    )
    store.set_phase(workshop_id, Phase.CHARTER)
    return workshop_id
