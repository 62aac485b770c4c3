"""A demo workshop whose simulated participants answer live, so a newcomer sees the map move.

Simulated answers follow a profile per practice (some practices split the group, some
worry it, some reassure it) and are written through the same store as real ones. The
demo participants are marked `source='demo'` in the data.

Both demos show the method's loop: the first practice, which splits the group at
screening, is asked again after its discussion (`REVISIT`), and the group comes out
agreed that it is a problem (more worried, more agreed). In the live demo the simulated
people also answer any practice the facilitator asks again (`follow_revisits`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from workshop.model import (
    REVISIT_PHASE,
    Answer,
    ClauseStatus,
    Consent,
    DecisionKind,
    Invalid,
    Phase,
    Sphere,
    Vote,
)
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
#: The practice asked again after its discussion, and how the group answers then: split
#: at screening, agreed afterwards that it is a problem.
REVISIT = ("whatsapp-users", (3, 12, 82, 3))


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


def revisit_answers(practice_id: str, people: int, seed: int = 11):
    """Yield (participant number, vote) for the second pass of `practice_id` (REVISIT's
    profile), in a plausible order."""
    rng = random.Random(seed)
    weights = REVISIT[1]
    for number in range(people):
        for sphere in Sphere:
            value = rng.choices(list(Answer), weights=weights)[0]
            yield number, Vote(practice_id, sphere, value, "", 2)


def revisit(store, workshop, people: dict, pause=lambda: None, on_change=None) -> None:
    """Ask REVISIT's practice again, as a facilitator does after its discussion, let the
    simulated people answer it, and close it. The demo plays a discussion that happened:
    the revisit is opened as in the negotiation, whatever the demo's phase."""
    practice_id = REVISIT[0]
    if practice_id not in workshop.practice_ids:
        return
    store.open_revisit(workshop.id, REVISIT_PHASE, practice_id)
    for number, vote in revisit_answers(practice_id, len(people)):
        store.save_vote(people[number], vote)
        if on_change:
            on_change(workshop.id)
        pause()
    store.close_revisit(workshop.id)


def follow_revisits(store, workshop, people: dict, pause, on_change) -> None:
    """Answer, as the simulated people, any practice the facilitator asks again: each
    moves towards what most of the group answered first. Ends with the workshop."""
    rng = random.Random(13)
    done: set[tuple[str, int]] = set()
    while store.workshop_by_id(workshop.id) is not None:
        open_ = store.open_revisit_of(workshop.id)
        if open_ is None or (open_["practice"], open_["pass"]) in done:
            pause(1.0)
            continue
        practice_id, pass_ = open_["practice"], open_["pass"]
        done.add((practice_id, pass_))
        counts = store.answer_counts(workshop.id)
        for person in people.values():
            before = store.answers_of(person.id)
            for sphere in Sphere:
                said = [(n, v) for p, s, v, n in counts if p == practice_id and s == sphere.value]
                usual = max(said)[1] if said else Answer.UNSURE.value
                mine = before.get((practice_id, sphere.value), {}).get("value", usual)
                value = usual if rng.random() < 0.7 else mine
                try:
                    store.save_vote(person, Vote(practice_id, sphere, Answer(value), "", pass_))
                except Invalid:  # closed meanwhile: the facilitator moved on
                    break
                on_change(workshop.id)
                pause()


def simulate(store, workshop, pause, on_change, seed: int = 7) -> None:
    """Join the simulated participants and let them answer, pausing between answers
    (`pause(seconds=None)`); then the practice asked again after its discussion, and
    whatever the facilitator asks again later."""
    people = {}
    for number, vote in answers(workshop, seed):
        if number not in people:
            token = new_token()
            store.add_participant(workshop.id, token_hash(token), "", source="demo")
            people[number] = store.participant(workshop.id, token_hash(token))
        store.save_vote(people[number], vote)
        on_change(workshop.id)
        pause()
    try:
        if store.open_revisit_of(workshop.id) is None:
            revisit(store, workshop, people, pause, on_change)
    except Invalid:  # the facilitator opened or closed one meanwhile: theirs goes first
        pass
    follow_revisits(store, workshop, people, pause, on_change)


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
        if practice == REVISIT[0]:  # talked over, then asked again: the group moved
            revisit(store, workshop, people)
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
