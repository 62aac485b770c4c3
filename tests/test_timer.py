"""The facilitator's timer: its rule, its route (the facilitator's alone), its push to the
projector, the facilitator and the phones, and the pages that show it."""

from __future__ import annotations

import re
import time

import pytest
from conftest import csrf, text

from workshop import i18n
from workshop.model import MAX_TIMER_MINUTES, Invalid, parse_timer, timer_state

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("kind", "minutes", "seconds"),
    [
        ("screening", "2", 120),
        ("practice", " 15 ", 900),
        ("round", "1", 60),
        ("round", "120", 7200),
    ],
)
def test_a_timer_is_a_kind_and_whole_minutes(kind, minutes, seconds):
    timer = parse_timer({"kind": kind, "minutes": minutes}, NOW)
    assert timer == {"kind": kind, "seconds": seconds, "ends": NOW + seconds}


@pytest.mark.parametrize(
    "minutes", ["0", "121", "-5", "2.5", "", "deux", None, "1e3", "99999999999999999999"]
)
def test_a_length_outside_1_to_120_whole_minutes_is_refused_in_words(minutes):
    with pytest.raises(Invalid) as refused:
        parse_timer({"kind": "practice", "minutes": minutes}, NOW)
    assert refused.value.key == "error.timer_minutes"
    assert refused.value.params == {"limit": MAX_TIMER_MINUTES}
    for lang, words in (("fr", "de 1 à 120"), ("en", "from 1 to 120")):
        assert words in i18n.translate(lang, refused.value.key, **refused.value.params)


@pytest.mark.parametrize("kind", [None, "", "coffee", "SCREENING"])
def test_an_unknown_kind_is_refused_in_words(kind):
    with pytest.raises(Invalid) as refused:
        parse_timer({"kind": kind, "minutes": "5"}, NOW)
    assert refused.value.key == "error.timer_kind"
    assert "tour de consentement" in i18n.translate("fr", "error.timer_kind")
    assert "consent round" in i18n.translate("en", "error.timer_kind")


def test_what_a_page_shows_counts_from_the_servers_clock():
    timer = parse_timer({"kind": "round", "minutes": "5"}, NOW)
    shown = timer_state(timer, NOW + 61.2)
    assert shown["kind"] == "round" and shown["seconds"] == 300
    assert shown["remaining"] == 239  # whole seconds, rounded up: never "0" too early
    ends = time.localtime(NOW + 300 + 30)
    assert (shown["hour"], shown["minute"]) == (ends.tm_hour, ends.tm_min)
    assert timer_state(timer, NOW + 300)["remaining"] == 0
    assert timer_state(timer, NOW + 3600)["remaining"] == 0  # time is up: stays at 0
    assert timer_state(None, NOW) is None
    assert timer_state({"kind": "nap", "seconds": 1, "ends": NOW}, NOW) is None


# -- the route: the facilitator's alone --------------------------------------------------


def start(client, workshop, **form):
    data = {"csrf": csrf(client), "kind": "practice", "minutes": "5", **form}
    return client.post(f"/f/w/{workshop.code}/timer", data=data)


def test_the_facilitator_starts_and_stops_the_timer(facilitator, make_workshop, store):
    workshop = make_workshop(phase="screening")
    before = time.time()
    response = start(facilitator, workshop, kind="screening", minutes="10")
    assert response.status_code == 303 and response.headers["Location"].endswith("#timer")
    timer = store.workshop(workshop.code).timer
    assert timer["kind"] == "screening" and timer["seconds"] == 600
    assert before + 600 <= timer["ends"] <= time.time() + 600
    stopped = start(facilitator, workshop, action="stop")
    assert stopped.status_code == 303 and store.workshop(workshop.code).timer is None


@pytest.mark.parametrize(("lang", "words"), [("fr", "de 1 à 120"), ("en", "from 1 to 120")])
def test_a_refused_length_says_why_and_keeps_what_was_typed(
    facilitator, make_workshop, store, lang, words
):
    workshop = make_workshop(phase="map")
    facilitator.get(f"/f/?lang={lang}")
    response = start(facilitator, workshop, minutes="500")
    assert response.status_code == 303 and store.workshop(workshop.code).timer is None
    page = text(facilitator.get(response.headers["Location"]))
    assert words in page
    assert 'id="timer-minutes"' in page and 'value="500"' in page


@pytest.mark.parametrize("form", [{"kind": "round", "minutes": "2"}, {"action": "stop"}])
@pytest.mark.parametrize("who", ["stranger", "participant"])
def test_nobody_else_starts_or_stops_the_timer(
    app, facilitator, make_workshop, join, store, form, who
):
    workshop = make_workshop(phase="screening")
    start(facilitator, workshop, minutes="7")
    running = store.workshop(workshop.code).timer
    intruder = app.test_client() if who == "stranger" else join(workshop)[0]
    intruder.get("/f/?token=not-the-secret")
    refused = intruder.post(f"/f/w/{workshop.code}/timer", data={"csrf": csrf(intruder), **form})
    assert refused.status_code == 403
    assert store.workshop(workshop.code).timer == running


def test_a_participants_socket_cannot_set_the_timer(make_workshop, join, sio, store):
    workshop = make_workshop(phase="screening")
    _, token = join(workshop)
    phone = sio({"role": "participant", "code": workshop.code, "token": token})
    phone.emit("timer", {"kind": "round", "minutes": "5"})
    phone.emit("timer", {"timer": {"kind": "round", "seconds": 60, "ends": NOW}})
    assert store.workshop(workshop.code).timer is None


def test_moving_to_another_phase_stops_the_timer(facilitator, make_workshop, store):
    workshop = make_workshop(phase="screening")
    start(facilitator, workshop, kind="screening")
    facilitator.post(
        f"/f/w/{workshop.code}/phase", data={"csrf": csrf(facilitator), "phase": "map"}
    )
    assert store.workshop(workshop.code).timer is None


# -- the push ---------------------------------------------------------------------------


def events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_phones_hear_the_timer_at_once_and_screens_with_the_next_state(
    app, facilitator, make_workshop, join, sio
):
    workshop = make_workshop(phase="map")
    _, token = join(workshop)
    phone = sio({"role": "participant", "code": workshop.code, "token": token})
    screen = sio({"role": "screen", "code": workshop.code})
    boss = sio({"role": "facilitator", "code": workshop.code}, client=facilitator)
    assert events(phone, "timer") == [{"timer": None}]  # on connect: none running
    app.extensions["workshop.realtime"].flush()
    screen.get_received(), boss.get_received()
    start(facilitator, workshop, kind="practice", minutes="15")
    [pushed] = events(phone, "timer")
    assert pushed["timer"]["kind"] == "practice" and pushed["timer"]["seconds"] == 900
    assert 898 <= pushed["timer"]["remaining"] <= 900
    app.extensions["workshop.realtime"].flush()
    for client in (screen, boss):
        [state] = events(client, "state")
        assert state["timer"]["kind"] == "practice" and 898 <= state["timer"]["remaining"] <= 900
    start(facilitator, workshop, action="stop")
    assert events(phone, "timer") == [{"timer": None}]
    app.extensions["workshop.realtime"].flush()
    assert events(screen, "state")[0]["timer"] is None


def test_the_seconds_left_are_counted_when_sent_not_when_started(
    app, facilitator, make_workshop, join, sio, store
):
    """A phone that connects later gets what is left then: it counts down from that,
    whatever its own clock says."""
    workshop = make_workshop(phase="screening")
    store.set_timer(workshop.id, {"kind": "screening", "seconds": 120, "ends": time.time() + 42})
    _, token = join(workshop)
    phone = sio({"role": "participant", "code": workshop.code, "token": token})
    [sent] = events(phone, "timer")
    assert 40 <= sent["timer"]["remaining"] <= 42 and sent["timer"]["seconds"] == 120


# -- the pages --------------------------------------------------------------------------


def test_every_page_of_the_room_says_until_when_without_javascript(
    facilitator, make_workshop, join, store
):
    workshop = make_workshop(phase="screening", lang="en")
    phone, _ = join(workshop)
    start(facilitator, workshop, kind="screening", minutes="10")
    timer = store.workshop(workshop.code).timer
    ends = time.localtime(timer["ends"] + 30)
    for client, path, words in (
        (phone, f"/j/{workshop.code}", f"until {ends.tm_hour}:{ends.tm_min:02d}"),
        (phone, f"/j/{workshop.code}/card/1", f"until {ends.tm_hour}:{ends.tm_min:02d}"),
        (facilitator, f"/s/{workshop.code}", f"until {ends.tm_hour}:{ends.tm_min:02d}"),
        (
            facilitator,
            f"/f/w/{workshop.code}?lang=fr",
            f"jusqu'à {ends.tm_hour} h {ends.tm_min:02d}",
        ),
    ):
        page = text(client.get(path))
        assert 'role="timer"' in page and words in page, path
        assert page.count('id="room-timer"') == 1 and "js/timer.js" in page
    store.set_timer(workshop.id, {**timer, "ends": time.time() - 5})
    assert "Time is up" in text(phone.get(f"/j/{workshop.code}"))
    start(facilitator, workshop, action="stop")
    page = text(phone.get(f"/j/{workshop.code}"))
    assert 'id="room-timer"' in page and not re.search(r"until \d", page)
    assert re.search(r'id="room-timer"[^>]* hidden', page)  # ready, hidden, for a push


def test_the_control_page_offers_the_presets_and_what_the_timer_measures(
    facilitator, make_workshop, store
):
    workshop = make_workshop(phase="negotiation")
    page = text(facilitator.get(f"/f/w/{workshop.code}"))
    for minutes in (2, 5, 10, 15):
        assert f'name="minutes" value="{minutes}"' in page
    assert 'name="kind" value="practice"' in page and "Discussion de la pratique" in page
    assert "Arrêter le minuteur" not in page
    start(facilitator, workshop, minutes="3")
    assert "Arrêter le minuteur" in text(facilitator.get(f"/f/w/{workshop.code}"))
    screening = make_workshop(phase="screening")
    assert 'name="kind" value="screening"' in text(facilitator.get(f"/f/w/{screening.code}"))
