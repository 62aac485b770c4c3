"""The facilitator's timer: its rule, its route (the facilitator's alone), its push to the
projector, the facilitator and the phones, and the pages that show it."""

from __future__ import annotations

import time

import pytest

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
