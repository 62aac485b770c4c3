"""Socket.IO: answers acknowledged once stored, coalesced map pushes, live phases."""

from conftest import csrf

from workshop.model import Phase

ANSWER = {"practice": "whatsapp-users", "sphere": "means", "value": "problem", "comment": ""}


def events(client, name):
    return [e["args"][0] for e in received(client) if e["name"] == name]


def received(client):
    """What reached the client, also once the server has closed its connection (the test
    client's own `get_received` refuses to read then)."""
    if client.is_connected():
        return client.get_received()
    queue, client.queue = client.queue, []
    return queue


def participant(sio, join, workshop):
    _, token = join(workshop)
    return sio({"role": "participant", "code": workshop.code, "token": token})


def test_answer_is_acknowledged_once_stored(make_workshop, join, sio, store):
    workshop = make_workshop(phase="screening")
    phone = participant(sio, join, workshop)
    assert phone.emit("answer", ANSWER, callback=True) == {"ok": True}
    assert store.answer_counts(workshop.id) == [("whatsapp-users", "means", "problem", 1)]
    changed = {**ANSWER, "value": "fine", "comment": "finalement"}
    assert phone.emit("answer", changed, callback=True) == {"ok": True}
    assert store.answer_counts(workshop.id) == [("whatsapp-users", "means", "fine", 1)]


def test_bad_answers_get_a_reason_in_the_workshop_language(make_workshop, join, sio, store):
    workshop = make_workshop(phase="screening", lang="en")
    phone = participant(sio, join, workshop)
    reply = phone.emit("answer", {**ANSWER, "comment": "x" * 501}, callback=True)
    assert reply["ok"] is False and "the limit is 500" in reply["error"]
    reply = phone.emit("answer", {**ANSWER, "practice": "id-photos"}, callback=True)
    assert reply == {"ok": False, "error": "This card does not exist in the workshop."}
    assert store.answer_counts(workshop.id) == []


def test_answers_are_refused_outside_screening(make_workshop, join, sio, store):
    workshop = make_workshop(phase="joining")
    phone = participant(sio, join, workshop)
    reply = phone.emit("answer", ANSWER, callback=True)
    assert reply["ok"] is False and "dépistage n'est pas ouvert" in reply["error"]


def test_map_pushes_are_coalesced(app, make_workshop, join, sio):
    workshop = make_workshop(phase="screening", hidden=False)
    screen = sio({"role": "screen", "code": workshop.code})
    phones = [participant(sio, join, workshop) for _ in range(5)]
    app.extensions["workshop.realtime"].flush()
    screen.get_received()
    for phone in phones:
        for sphere in ("means", "values", "prescriptions"):
            assert phone.emit("answer", {**ANSWER, "sphere": sphere}, callback=True)["ok"]
    assert events(screen, "state") == []  # nothing is sent per answer
    app.extensions["workshop.realtime"].flush()
    states = events(screen, "state")
    assert len(states) == 1
    assert states[0]["progress"]["answers"] == 15 and states[0]["progress"]["finished"] == 0
    assert states[0]["map"].count("<tr>") == 4  # header + 3 practices
    for phone in phones:
        assert events(phone, "state") == []  # phones never get the projector's state


def test_hidden_results_stay_off_the_projector_until_revealed(
    app, make_workshop, join, sio, facilitator, store
):
    workshop = make_workshop(phase="screening", hidden=True)
    screen = sio({"role": "screen", "code": workshop.code})
    boss = sio({"role": "facilitator", "code": workshop.code}, client=facilitator)
    phone = participant(sio, join, workshop)
    phone.emit("answer", ANSWER, callback=True)
    realtime = app.extensions["workshop.realtime"]
    realtime.flush()
    screen_state = events(screen, "state")[-1]
    assert screen_state["map"] is None and screen_state["progress"]["answers"] == 1
    assert "Problème" in events(boss, "state")[-1]["map"]

    facilitator.get(f"/f/w/{workshop.code}")
    facilitator.post(
        f"/f/w/{workshop.code}/phase", data={"csrf": csrf(facilitator), "phase": "map"}
    )
    assert {"phase": "map"} in events(phone, "phase")
    realtime.flush()
    assert "Problème" in events(screen, "state")[-1]["map"]
    assert "Problème" in events(phone, "map")[-1]["map"]


def test_projector_page_hides_results_until_revealed(client, make_workshop, join, sio, store):
    workshop = make_workshop(phase="screening", hidden=True)
    phone = participant(sio, join, workshop)
    phone.emit("answer", {**ANSWER, "comment": "secret avant révélation"}, callback=True)
    assert "secret avant révélation" not in client.get(f"/s/{workshop.code}").get_data(as_text=True)
    store.set_phase(workshop.id, Phase.MAP)
    assert "secret avant révélation" in client.get(f"/s/{workshop.code}").get_data(as_text=True)


def test_every_page_follows_the_phase(make_workshop, join, sio, facilitator):
    workshop = make_workshop(phase="joining")
    phones = [participant(sio, join, workshop) for _ in range(3)]
    screen = sio({"role": "screen", "code": workshop.code})
    for socket in (*phones, screen):
        assert events(socket, "phase") == [{"phase": "joining"}]  # told on (re)connect
    facilitator.get(f"/f/w/{workshop.code}")
    facilitator.post(
        f"/f/w/{workshop.code}/phase", data={"csrf": csrf(facilitator), "phase": "screening"}
    )
    for socket in (*phones, screen):
        assert events(socket, "phase") == [{"phase": "screening"}]


def test_erasing_closes_every_page(make_workshop, join, sio, facilitator):
    workshop = make_workshop(phase="screening")
    phone = participant(sio, join, workshop)
    phone.get_received()
    facilitator.get(f"/f/w/{workshop.code}")
    facilitator.post(
        f"/f/w/{workshop.code}/delete", data={"csrf": csrf(facilitator), "confirm": workshop.code}
    )
    assert events(phone, "phase") == [{"phase": "closed"}]
