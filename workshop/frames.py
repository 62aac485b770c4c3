"""Socket.IO frames from anyone on the Wi-Fi: refused in one log line, never a traceback.

python-socketio and python-engineio log a full traceback for every frame they cannot read
(a log anyone in the room could flood), and one binary ACK (`46`) left a connection
dropping every later frame. `guard_frames` puts a check of ours in front of them: binary
packets (our clients send none) and events that are not a list of a name and its data
are refused, the connection that sent them is closed, the others go on; `OneLine` turns
the libraries' remaining tracebacks into one line, all such lines sharing a budget
(`Quiet`). These wrap attributes of the libraries' server objects: tests/test_realtime.py
says when an upgrade changes them.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from urllib.parse import parse_qs

from engineio.payload import Payload

#: Names of the server's own events, which a client may never send as events.
RESERVED_EVENTS = ("connect", "connect_error", "disconnect", "message", "json")

#: Where a refused frame, a refused event or a failure is told: one line each.
log = logging.getLogger("workshop.realtime")


class Quiet:
    """At most `limit` lines per `window` seconds; the first line after a full window
    says how many were left out. Anyone on the Wi-Fi can send garbage: the log must
    stay readable and small."""

    def __init__(self, limit: int = 20, window: float = 60.0, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._lock = threading.Lock()
        self._start = -window
        self._count = self.dropped = 0

    def allow(self) -> tuple[bool, int]:
        """(may this line be written, how many were left out before it)."""
        with self._lock:
            now = self.clock()
            if now - self._start >= self.window:
                self._start, self._count = now, 0
            if self._count >= self.limit:
                self.dropped += 1
                return False, 0
            self._count += 1
            dropped, self.dropped = self.dropped, 0
            return True, dropped


class OneLine(logging.Filter):
    """On python-socketio's and python-engineio's loggers: a record with a traceback
    (a frame they could not decode, a handler that raised) becomes one line naming the
    exception, and the lines share `Quiet`'s budget."""

    def __init__(self, quiet: Quiet) -> None:
        super().__init__()
        self.quiet = quiet

    def filter(self, record: logging.LogRecord) -> bool:
        allowed, dropped = self.quiet.allow()
        if not allowed:
            return False
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text = f"{text}: {describe(record.exc_info[1])}"
        if dropped:
            text += f" ({dropped} similar lines left out)"
        record.msg, record.args = text.replace("\n", " "), None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def describe(error: BaseException) -> str:
    """An exception on one short line."""
    return f"{type(error).__name__}: {str(error)[:200]}".replace("\n", " ")


QUIET = Quiet()
ONE_LINE = OneLine(QUIET)
log.addFilter(ONE_LINE)


def quiet_library_logs() -> None:
    """Route the Socket.IO and Engine.IO servers' own logs through `OneLine`."""
    for name in ("socketio.server", "engineio.server"):
        logger = logging.getLogger(name)
        if ONE_LINE not in logger.filters:
            logger.addFilter(ONE_LINE)


def guard_frames(server) -> None:
    """Make a malformed frame cost its sender the connection, and the log one line.

    python-socketio decodes each Engine.IO message in `_handle_eio_message`; what it cannot
    decode raises, and python-engineio logs the traceback ("message handler error"). Worse,
    a binary packet announcing no attachment (`45`, `46`) is kept waiting for attachments
    and every later frame of that connection is refused with a traceback. Our clients
    never send binary packets: they are refused here with the rest, and the connection is
    closed. python-engineio's own failures (a frame it cannot parse on a WebSocket, a
    polling body that is not a payload) are caught around `handle_request`."""
    if getattr(server, "_workshop_guarded", False):
        return
    server._workshop_guarded = True
    decode = server._handle_eio_message

    def message(eio_sid, data):
        try:
            if isinstance(data, str) and data[:1] in ("5", "6"):
                raise ValueError("binary packets are not accepted")
            if isinstance(data, bytes | bytearray) and eio_sid not in server._binary_packet:
                raise ValueError("binary frame outside a binary packet")
            decode(eio_sid, data)
        except Exception as error:  # whatever the frame, the sender goes, the rest go on
            log.warning("malformed frame from %s, connection closed: %s", eio_sid, describe(error))
            server._binary_packet.pop(eio_sid, None)
            drop(server, eio_sid)

    server.eio.on("message", message)
    handle_event = server._handle_event

    def checked_event(eio_sid, namespace, id, data):
        """An event is a list whose first item names it; the reserved names are the
        server's own (a client sending `connect` as an event would be let in twice)."""
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            raise ValueError("an event is a list starting with its name")
        if data[0] in RESERVED_EVENTS:
            raise ValueError(f"reserved event name {data[0]!r}")
        return handle_event(eio_sid, namespace, id, data)

    server._handle_event = checked_event
    handle = server.eio.handle_request

    def handle_request(environ, start_response):
        sid = (parse_qs(environ.get("QUERY_STRING", "")).get("sid") or [None])[0]
        try:
            if sid and environ.get("REQUEST_METHOD") == "POST":
                check_polling_body(environ, server.eio.max_http_buffer_size)
            return handle(environ, start_response)
        except Exception as error:
            log.warning("malformed request from %s, connection closed: %s", sid, describe(error))
            if sid:
                drop(server, sid)
            start_response("400 BAD REQUEST", [("Content-Type", "text/plain")])
            return [b"Bad request"]

    server.eio.handle_request = handle_request


def check_polling_body(environ: dict, limit: int) -> None:
    """Decode a long-polling POST as python-engineio will, so that a body it cannot read
    raises here (python-engineio would log a traceback and keep the connection). The body
    is put back for it to read again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValueError("bad Content-Length") from None
    if not 0 <= length <= limit:
        return  # python-engineio refuses it itself, in one line
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    Payload(encoded_payload=body.decode("utf-8"))


def drop(server, eio_sid) -> None:
    """Close an Engine.IO connection: its Socket.IO session leaves first (our `disconnect`
    handler forgets it), then the transport closes."""
    try:
        for namespace in list(server.manager.get_namespaces()):
            sid = server.manager.sid_from_eio_sid(eio_sid, namespace)
            if sid is not None:
                server.disconnect(sid, namespace=namespace)
        socket = server.eio.sockets.get(eio_sid)
        if socket is not None:
            socket.close(wait=False, abort=True)
            server.eio.sockets.pop(eio_sid, None)
    except Exception as error:  # pragma: no cover - closing is best effort
        log.warning("closing %s failed: %s", eio_sid, describe(error))
