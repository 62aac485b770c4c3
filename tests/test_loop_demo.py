"""The live demo (`serve --demo`) shows the loop: a practice asked again after its
discussion, and simulated people who answer what the facilitator asks again."""

import threading
import time
from types import SimpleNamespace

from workshop import demo
from workshop.aggregate import Shift
from workshop.live import take
from workshop.model import Phase


def test_the_live_demo_asks_again_and_follows_the_facilitator(app, store):
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    small = SimpleNamespace(
        lang=deck.lang,
        key=deck.key,
        spheres=deck.spheres,
        practices=[deck.practice(p) for p in ("whatsapp-users", "team-group-chat", "ai-reports")],
    )
    workshop = store.workshop_by_id(demo.create(store, small))
    changes = []
    runner = threading.Thread(
        target=demo.simulate,
        args=(
            store,
            workshop,
            lambda seconds=None: time.sleep(0.02 if seconds else 0),
            changes.append,
        ),
        daemon=True,
    )
    runner.start()
    deadline = time.monotonic() + 60
    while store.last_passes(workshop.id) != {"whatsapp-users": 2}:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    [loop] = take(store, store.workshop_by_id(workshop.id)).loops.values()
    assert set(loop.shifts.values()) == {Shift("more_worried", "more_agreed")}

    # The facilitator asks another practice again: the simulated people answer it.
    store.set_phase(workshop.id, Phase.MAP)
    store.set_phase(workshop.id, Phase.NEGOTIATION)
    store.open_revisit(workshop.id, Phase.NEGOTIATION, "ai-reports")
    while store.open_revisit_of(workshop.id)["answered"] < demo.DEMO_PARTICIPANTS:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    later = store.answer_counts(workshop.id, 2)
    assert sum(n for practice, _sphere, _value, n in later if practice == "ai-reports") == 54
    store.close_revisit(workshop.id)
    store.delete_workshop(workshop.id)  # the simulation ends with its workshop
    runner.join(10)
    assert not runner.is_alive()
    assert changes
