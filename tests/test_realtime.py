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
    assert reply["ok"] is False and "réponses individuelles ne sont pas ouvertes" in reply["error"]


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
    assert states[0]["view"] == "overview"
    assert states[0]["stage"].count('class="tile level-') == 3  # every practice
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
    assert screen_state["view"] == "progress" and screen_state["progress"]["answers"] == 1
    assert 'class="fill-problem"' not in screen_state["stage"]  # no distribution at all
    assert "Problème" in events(boss, "state")[-1]["map"]

    facilitator.get(f"/f/w/{workshop.code}")
    facilitator.post(
        f"/f/w/{workshop.code}/phase", data={"csrf": csrf(facilitator), "phase": "map"}
    )
    assert {"phase": "map"} in events(phone, "phase")
    realtime.flush()
    revealed = events(screen, "state")[-1]
    assert revealed["view"] == "overview" and 'class="fill-problem"' in revealed["stage"]
    assert "Problème" in events(phone, "map")[-1]["map"]


def test_projector_page_hides_results_until_revealed(client, make_workshop, join, sio, store):
    workshop = make_workshop(phase="screening", hidden=True)
    phone = participant(sio, join, workshop)
    phone.emit("answer", {**ANSWER, "comment": "secret avant révélation"}, callback=True)
    focus = f"/s/{workshop.code}?practice={ANSWER['practice']}"
    for url in (f"/s/{workshop.code}", focus, focus.replace("?", "/stage?")):
        page = client.get(url).get_data(as_text=True)
        assert "secret avant révélation" not in page and 'class="fill-problem"' not in page
    store.set_phase(workshop.id, Phase.MAP)
    assert "secret avant révélation" in client.get(focus).get_data(as_text=True)


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


def test_erasing_disconnects_its_sockets_and_nothing_of_the_next_workshop_reaches_them(
    app, make_workshop, join, sio, facilitator, store
):
    erased = make_workshop(phase="negotiation")
    phone = participant(sio, join, erased)
    screen = sio({"role": "screen", "code": erased.code})
    realtime = app.extensions["workshop.realtime"]
    facilitator.get(f"/f/w/{erased.code}")
    facilitator.post(
        f"/f/w/{erased.code}/delete", data={"csrf": csrf(facilitator), "confirm": erased.code}
    )
    for socket in (phone, screen):
        assert not socket.is_connected()
        assert events(socket, "phase")[-1] == {"phase": "closed"}
    assert not any(info["workshop"] == erased.id for info in realtime.connections.values())

    following = make_workshop(phase="negotiation")
    clause = store.add_clause(following.id, None, "Texte")
    round_id = store.open_round(following.id, clause)
    newcomer = participant(sio, join, following)
    new_screen = sio({"role": "screen", "code": following.code})
    realtime.phase_changed(following)
    realtime.negotiation_changed(following)
    realtime.flush()
    assert events(new_screen, "state") and events(newcomer, "negotiation") == [{}]
    assert received(phone) == [] and received(screen) == []
    # A frame the old phone had in flight still reaches the server: it is not let in.
    phone.connected["/"] = True
    assert phone.emit("consent", {"round": round_id, "value": "consent"}, callback=True) is None
    assert phone.emit("answer", ANSWER, callback=True) is None
    assert store.open_round_of(following.id)["tally"].get("consent", 0) == 0
    assert store.answer_counts(following.id) == []


def test_a_socket_whose_workshop_is_gone_is_refused(app, make_workshop, join, sio, store):
    erased = make_workshop(phase="negotiation")
    phone = participant(sio, join, erased)
    store.delete_workshop(erased.id)  # without telling the sockets: handlers check anyway
    deck = app.extensions["workshop.decks"]["social-work.fr"]
    practices = [deck.practice("whatsapp-users")]
    wid = store.create_workshop("NEXTA", "Suivant", "fr", deck.key, deck.spheres, practices)
    store.set_phase(wid, Phase.SCREENING)
    store.set_phase(wid, Phase.MAP)
    store.set_phase(wid, Phase.NEGOTIATION)
    round_id = store.open_round(wid, store.add_clause(wid, None, "Texte"))
    reply = phone.emit("consent", {"round": round_id, "value": "consent"}, callback=True)
    assert reply["ok"] is False
    store.set_phase(wid, Phase.MAP)
    store.set_phase(wid, Phase.SCREENING)
    assert phone.emit("answer", ANSWER, callback=True)["ok"] is False
    assert store.answer_counts(wid) == []


def test_a_malformed_frame_closes_its_connection_in_one_log_line(
    app, make_workshop, join, sio, store, caplog
):
    from workshop import frames
    from workshop.realtime import socketio

    workshop = make_workshop(phase="screening")
    sender, other = participant(sio, join, workshop), participant(sio, join, workshop)
    message = socketio.server.eio.handlers["message"]
    frames.ONE_LINE.quiet = frames.Quiet()  # a budget of its own, whatever ran before
    with caplog.at_level("WARNING"):
        message(sender.eio_sid, "46")  # a binary ack announcing no attachment
    assert not sender.is_connected()
    [line] = [r for r in caplog.records if "malformed frame" in r.getMessage()]
    assert line.exc_info is None and "\n" not in line.getMessage()
    assert other.emit("answer", ANSWER, callback=True) == {"ok": True}  # the others go on
    for frame in ('42{"a":1}', "42[]", '42[["answer"]]', '42["connect",{}]', "4" + "[" * 5000):
        socket = participant(sio, join, workshop)
        message(socket.eio_sid, frame)
        assert not socket.is_connected(), frame
    assert other.emit("answer", ANSWER, callback=True) == {"ok": True}


def test_library_tracebacks_become_rate_limited_single_lines():
    import logging

    from workshop.frames import OneLine, Quiet

    now = [0.0]
    quiet = Quiet(limit=3, window=60, clock=lambda: now[0])
    one_line = OneLine(quiet)

    def record():
        try:
            raise ValueError("bad\npacket")
        except ValueError:
            import sys

            return logging.LogRecord(
                "engineio.server",
                logging.ERROR,
                "",
                0,
                "message handler error",
                None,
                sys.exc_info(),
            )

    kept = [r for r in (record() for _ in range(10)) if one_line.filter(r)]
    assert len(kept) == 3
    assert kept[0].getMessage() == "message handler error: ValueError: bad packet"
    assert kept[0].exc_info is None
    now[0] = 61
    later = record()
    assert one_line.filter(later) and "(7 similar lines left out)" in later.getMessage()
