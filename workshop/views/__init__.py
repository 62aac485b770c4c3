"""Blueprints, one per audience: facilitator (/f/), participant (/, /j/), screen (/s/)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import abort, current_app, g, request

from workshop import i18n
from workshop.live import Views
from workshop.model import FIRST_PASS, Invalid, Sphere, Vote, check_encodable, normalise_code
from workshop.realtime import Broadcaster
from workshop.store import Participant, Store, Workshop


def store() -> Store:
    return current_app.extensions["workshop.store"]


def broadcaster() -> Broadcaster:
    return current_app.extensions["workshop.realtime"]


def live() -> Views:
    """What the screens show, computed once per change: pages read the same snapshot."""
    return broadcaster().views


def workshop_or_404(code: str, speak_its_language: bool = True) -> Workshop:
    """The workshop with this join code (404 otherwise); its pages speak its language."""
    workshop = store().workshop(normalise_code(code))
    if workshop is None:
        abort(404, description="error.unknown_workshop")
    if speak_its_language:
        g.lang = workshop.lang
    return workshop


def phones_base() -> str:
    """The address phones reach this server at: the printed/public base URL, never the
    facilitator's (often 127.0.0.1)."""
    return current_app.config.get("BASE_URL") or request.host_url.rstrip("/")


def join_url(code: str) -> str:
    """The address phones open to join a workshop."""
    return f"{phones_base()}/j/{code}"


def message(error: Invalid) -> str:
    """The refused rule, in the language of the page being answered."""
    return i18n.translate(g.get("lang", i18n.DEFAULT), error.key, **error.params)


def refused(error: Invalid) -> dict[str, str]:
    """URL arguments carrying a refused rule to the page shown next (post/redirect/get)."""
    return {"error": error.key, **{f"error_{k}": str(v) for k, v in error.params.items()}}


def refusal() -> str | None:
    """The message `refused` carried, in the page's language. Only an error of the
    catalogue is shown, so a link cannot put words of its own on the page."""
    key = request.args.get("error", "")
    if not key.startswith("error.") or not i18n.knows(key):
        return None
    params = {k[len("error_") :]: v for k, v in request.args.items() if k.startswith("error_")}
    lang = g.get("lang", i18n.DEFAULT)
    try:
        return i18n.translate(lang, key, **params)
    except (KeyError, IndexError, ValueError):  # a parameter missing from a hand-made link
        return i18n.translate(lang, key)


#: How deep a JSON body may nest: what a client of ours sends is one level deep.
MAX_JSON_DEPTH = 16


def json_object() -> Mapping:
    """The request's JSON body as an object, or `Invalid("error.bad_request")`: not JSON,
    not an object, nested deeper than MAX_JSON_DEPTH; `Invalid("error.bad_text")` for a
    string UTF-8 cannot carry (a lone surrogate such as "\\ud800")."""
    try:
        data = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise Invalid("error.bad_request") from None
    if not isinstance(data, dict):
        raise Invalid("error.bad_request")
    check_json(data)
    return data


def check_json(data: object) -> None:
    """Walk a decoded JSON value (without recursion): bounded depth, encodable text."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Invalid("error.bad_request")
        if isinstance(value, str):
            check_encodable(value)
        elif isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def typed_card(form: Mapping) -> dict[str, dict[str, str]]:
    """A card's answers as its form sent them, by sphere: the answer and the comment."""
    return {
        s.value: {
            "value": form.get(s.value) or "",
            "comment": form.get(f"{s.value}_comment") or "",
        }
        for s in Sphere
    }


def save_card_answers(
    workshop: Workshop,
    participant: Participant,
    practice_id: str,
    typed: dict[str, dict[str, str]],
    pass_: int = FIRST_PASS,
) -> dict[str, Invalid]:
    """Save a card's answers sphere by sphere (`typed_card`), in `pass_`: a sphere left
    empty is skipped, the refused ones come back with their reason, the others are saved.
    Whether that pass is open is the caller's to check."""
    errors = {}
    for sphere, answer in typed.items():
        if not answer["value"] and not answer["comment"].strip():
            continue
        try:
            vote = Vote.parse(
                workshop.practice_ids,
                {"practice": practice_id, "sphere": sphere, "pass": pass_, **answer},
            )
            store().save_vote(participant, vote)
        except Invalid as error:
            errors[sphere] = error
    return errors
