"""Socket.IO: who may connect to what, the answer event, and the coalesced map pushes.

Rooms are named from the workshop: `w<id>` (everyone), `w<id>:participants`,
`w<id>:screen` and `w<id>:facilitator`. Handlers never emit the map themselves: they
mark the workshop dirty, and one background task renders and sends each dirty
workshop's state at most every BROADCAST_INTERVAL seconds, however many answers came.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import SocketIO, join_room

# python-socketio's own: its message (our key) reaches the client's `connect_error`, and
# Flask-SocketIO lets it through (the built-in one would reach `failed` instead).
from socketio.exceptions import ConnectionRefusedError

from workshop import i18n
from workshop.frames import describe, guard_frames, log, quiet_library_logs
from workshop.live import Views
from workshop.model import (
    FIRST_PASS,
    LANGUAGES,
    Invalid,
    Phase,
    Vote,
    check_pass,
    normalise_code,
    parse_consent,
    parse_pass,
    parse_payload,
    parse_round,
    timer_state,
)
from workshop.security import FACILITATOR_COOKIE, is_facilitator, token_hash
from workshop.store import Store, Workshop


def room(workshop_id: int, audience: str | None = None) -> str:
    return f"w{workshop_id}" + (f":{audience}" if audience else "")


ROLES = ("participant", "screen", "facilitator")


class Broadcaster:
    """Coalesces changes per workshop and pushes each workshop's state to its rooms."""

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._task = None
        #: What each connection is (role, workshop, participant), by Socket.IO sid.
        self.connections: dict[str, dict] = {}
        #: What the screens show, computed once per change (workshop.live).
        self.views = Views(app, app.extensions["workshop.store"])
        quiet_library_logs()
        if socketio.server is not None:
            guard_frames(socketio.server)

    @property
    def store(self) -> Store:
        return self.app.extensions["workshop.store"]

    def mark(self, workshop_id: int) -> None:
        """Note that a workshop changed; its rooms hear of it at the next tick."""
        with self._lock:
            self._dirty.add(workshop_id)
            interval = self.app.config["BROADCAST_INTERVAL"]
            if self._task is None and interval:
                self._task = self.socketio.start_background_task(self._run, interval)

    def _run(self, interval: float) -> None:
        while True:
            self.socketio.sleep(interval)
            try:
                self.flush()
            except Exception:  # pragma: no cover - keep pushing whatever happens once
                self.app.logger.exception("map push failed")

    def flush(self) -> None:
        """Push the state of every workshop marked since the last flush."""
        with self._lock:
            dirty, self._dirty = self._dirty, set()
        for workshop_id in dirty:
            workshop = self.store.workshop_by_id(workshop_id)
            if workshop is not None:
                self.push(workshop)

    def push(self, workshop: Workshop) -> None:
        state = self.views.state(workshop)
        self.socketio.emit("state", state, to=room(workshop.id, "facilitator"))
        if self.present(room(workshop.id, "screen")):  # a stage costs a render: only if seen
            screen = self.views.screen_state(workshop)
            self.socketio.emit("state", screen, to=room(workshop.id, "screen"))
        if workshop.phase == Phase.MAP:
            # Each participant reads the map in their own language: one render for each
            # language a phone of this workshop actually reads.
            for lang in sorted(self.readers(workshop.id)):
                html = self.views.map_html(workshop, lang)
                self.socketio.emit(
                    "map", {"map": html}, to=room(workshop.id, f"participants:{lang}")
                )

    def present(self, name: str) -> bool:
        """Whether anyone is connected to the room `name` (on this server: there is one
        process; several behind a message queue would each see only their own)."""
        return any(True for _ in self.socketio.server.manager.get_participants("/", name))

    def readers(self, workshop_id: int) -> set[str]:
        """The languages the workshop's connected phones read."""
        return {
            info["reader"]
            for info in list(self.connections.values())
            if info.get("workshop") == workshop_id and info.get("role") == "participant"
        }

    def phase_changed(self, workshop: Workshop) -> None:
        """Tell every page of the workshop at once; the map follows at the next tick."""
        self.socketio.emit("phase", {"phase": workshop.phase.value}, to=room(workshop.id))
        self.mark(workshop.id)

    def negotiation_changed(self, workshop: Workshop) -> None:
        """The practice under discussion or a round changed: phones show the new state."""
        self.socketio.emit("negotiation", {}, to=room(workshop.id, "participants"))
        self.mark(workshop.id)

    def revisit_changed(self, workshop: Workshop) -> None:
        """A revisit opened or closed: every page of the workshop hears `revisit` (the
        open one, or null), and phones reload as for any change of the negotiation."""
        revisit = self.store.open_revisit_of(workshop.id)
        shown = {"practice": revisit["practice"], "pass": revisit["pass"]} if revisit else None
        self.socketio.emit("revisit", {"open": shown}, to=room(workshop.id))
        self.negotiation_changed(workshop)

    def timer_changed(self, workshop: Workshop) -> None:
        """The facilitator started or stopped the timer: phones hear it at once (the
        seconds left now), the projector and the facilitator with the next `state`."""
        timer = timer_state(workshop.timer, time.time())
        self.socketio.emit("timer", {"timer": timer}, to=room(workshop.id, "participants"))
        self.mark(workshop.id)

    def practices_changed(self, workshop: Workshop) -> None:
        """A card was added by the room: phones refresh their list of cards."""
        now = self.store.workshop_by_id(workshop.id)
        count = len(now.practices if now is not None else workshop.practices)
        self.socketio.emit("cards", {"count": count}, to=room(workshop.id, "participants"))
        self.mark(workshop.id)

    def closed(self, workshop: Workshop) -> None:
        """The workshop is being erased: every page leaves it, and every connection to it
        is closed at once (nothing of a later workshop may reach it)."""
        self.socketio.emit("phase", {"phase": "closed"}, to=room(workshop.id))
        self.views.forget(workshop.id)
        server = self.socketio.server
        sids = {
            sid
            for sid, info in list(self.connections.items())
            if info.get("workshop") == workshop.id
        }
        sids.update(sid for sid, _eio in server.manager.get_participants("/", room(workshop.id)))
        for sid in sids:
            self.connections.pop(sid, None)
            server.disconnect(sid, namespace="/")


socketio = SocketIO()


def store() -> Store:
    return current_app.extensions["workshop.store"]


def broadcaster() -> Broadcaster:
    return current_app.extensions["workshop.realtime"]


def sid() -> str:
    """The Socket.IO session id of the event being handled (Flask-SocketIO sets it on the
    request; Flask's own type does not know it)."""
    return request.sid  # type: ignore[attr-defined]


def session() -> dict:
    return broadcaster().connections.get(sid(), {})


def refusal(lang: str, key: str, **params: object) -> dict:
    return {"ok": False, "error": i18n.translate(lang, key, **params)}


def still_open(info: dict) -> Workshop | None:
    """The connection's workshop, if it still exists with the same id and the same code
    (an erased workshop's sockets must never act on another one)."""
    workshop = store().workshop_by_id(info["workshop"])
    if workshop is None or workshop.code != info["code"]:
        return None
    return workshop


@socketio.on("connect")
def connect(auth=None, *_ignored):
    """Admit a participant (token), the projector, or the facilitator (cookie).

    Every refusal is a `ConnectionRefusedError` (the client gets `connect_error` with the
    key), whatever `auth` holds."""
    try:
        admit(auth)
    except ConnectionRefusedError:
        raise
    except Exception as error:  # a bug must not leave the client without an answer
        log.warning("connect refused after an error: %s", describe(error))
        broadcaster().connections.pop(sid(), None)
        raise ConnectionRefusedError("error.bad_request") from None


def admit(auth: object) -> None:
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("error.bad_request")
    code, role = auth.get("code", ""), auth.get("role")
    if not isinstance(code, str) or not isinstance(role, str) or role not in ROLES:
        raise ConnectionRefusedError("error.bad_request")
    workshop = store().workshop(normalise_code(code))
    if workshop is None:
        raise ConnectionRefusedError("error.unknown_workshop")
    info: dict[str, Any] = {
        "role": role,
        "code": workshop.code,
        "workshop": workshop.id,
        "lang": workshop.lang,
    }
    if role == "participant":
        token = auth.get("token")
        participant = (
            store().participant(workshop.id, token_hash(token))
            if isinstance(token, str) and token.isascii()
            else None
        )
        if participant is None:
            raise ConnectionRefusedError("error.unknown_participant")
        info["participant"] = participant
        lang = auth.get("lang")
        reader = lang if isinstance(lang, str) and lang in LANGUAGES else workshop.lang
        info["reader"] = reader
        join_room(room(workshop.id, "participants"))
        join_room(room(workshop.id, f"participants:{reader}"))
    elif role == "facilitator":
        if not is_facilitator(current_app, request.cookies.get(FACILITATOR_COOKIE)):
            raise ConnectionRefusedError("error.facilitator_only")
        join_room(room(workshop.id, "facilitator"))
    else:
        join_room(room(workshop.id, "screen"))
    join_room(room(workshop.id))
    broadcaster().connections[sid()] = info
    socketio.emit("phase", {"phase": workshop.phase.value}, to=sid())
    if role != "participant":
        broadcaster().mark(workshop.id)
    else:
        timer = timer_state(workshop.timer, time.time())
        socketio.emit("timer", {"timer": timer}, to=sid())
        if workshop.phase == Phase.MAP:
            html = broadcaster().views.map_html(workshop, info["reader"])
            socketio.emit("map", {"map": html}, to=sid())


@socketio.on("answer")
def answer(data=None, *_ignored):
    """Save one answer (of the first pass, or of the open revisit when it says its
    `pass`); the reply comes only once it is committed to disk. Every answer event is
    acknowledged, `{"ok": false, "error": …}` when refused."""
    info = session()
    lang = info.get("lang", i18n.DEFAULT)
    if info.get("role") != "participant":
        return refusal(lang, "error.participant_only")
    workshop = still_open(info)
    if workshop is None:
        return refusal(lang, "error.unknown_workshop")
    try:
        data = parse_payload(data)
        pass_ = parse_pass(data.get("pass"))
        revisit = store().open_revisit_of(workshop.id) if pass_ != FIRST_PASS else None
        check_pass(workshop.phase, data.get("practice"), pass_, revisit)
        vote = Vote.parse(workshop.practice_ids, data)
        store().save_vote(info["participant"], vote)
    except Invalid as error:
        return refusal(lang, error.key, **error.params)
    broadcaster().mark(workshop.id)
    return {"ok": True}


@socketio.on("disconnect")
def disconnect(*_reason):
    """Forget the connection (the participant's answers stay, of course)."""
    broadcaster().connections.pop(sid(), None)


@socketio.on("consent")
def consent(data=None, *_ignored):
    """Answer the open consent round; the reply comes once the answer is on disk. Every
    consent event is acknowledged, `{"ok": false, "error": …}` when refused."""
    info = session()
    lang = info.get("lang", i18n.DEFAULT)
    if info.get("role") != "participant":
        return refusal(lang, "error.participant_only")
    workshop = still_open(info)
    if workshop is None:
        return refusal(lang, "error.unknown_workshop")
    try:
        data = parse_payload(data)
        open_round = store().open_round_of(workshop.id)
        if open_round is None or parse_round(data.get("round")) != open_round["id"]:
            raise Invalid("error.round_closed")
        value, reason = parse_consent(data)
        store().save_consent(open_round["id"], info["participant"].id, value, reason)
    except Invalid as error:
        return refusal(lang, error.key, **error.params)
    broadcaster().mark(workshop.id)
    return {"ok": True}


@socketio.on_error_default
def failed(error: Exception):
    """The last resort: an event whose handler failed is still answered, in one log line;
    a connection is refused."""
    event = getattr(request, "event", None) or {}
    log.warning("socket event %r failed: %s", event.get("message"), describe(error))
    if event.get("message") == "connect":
        raise ConnectionRefusedError("error.bad_request")
    return refusal(session().get("lang", i18n.DEFAULT), "error.bad_request")
