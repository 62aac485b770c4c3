"""The database file: connections, one writer with group commit, settings.

Acknowledged means durable: `Engine.write` returns only once the transaction holding the
change is committed with `synchronous=FULL`. Writes from every connection go through a
queue to a single writer, which runs whatever is queued in one transaction (each job in
its own savepoint, so one bad job fails alone) and commits once: one disk sync for many
votes. Under gevent the batch runs in a native thread of the hub's pool, so a sync never
stalls the other connections.

`Engine` is the base of every area of the store (workshops, answers, negotiation,
archive): each area is a subclass that uses only what is declared here.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workshop.store.rows import WorkshopCache
from workshop.store.schema import migrate

MAX_BATCH = 500


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Workers:
    """How the store runs its writer: with OS threads, or inside gevent's hub."""

    spawn: Callable[[Callable[[], None]], Any]
    queue: Callable[[], Any]
    event: Callable[[], Any]
    offload: Callable[..., Any]

    @classmethod
    def threads(cls) -> Workers:
        def spawn(target: Callable[[], None]) -> threading.Thread:
            thread = threading.Thread(target=target, name="store-writer", daemon=True)
            thread.start()
            return thread

        return cls(spawn, queue.Queue, threading.Event, lambda fn, *args: fn(*args))

    @classmethod
    def gevent(cls) -> Workers:
        # Imported here, only when the server chose gevent: importing the store (the
        # command line, the threading server, the tests) must not load gevent.
        import gevent  # type: ignore[import-untyped]
        import gevent.event  # type: ignore[import-untyped]
        import gevent.queue  # type: ignore[import-untyped]

        pool = gevent.get_hub().threadpool
        return cls(
            gevent.spawn,
            gevent.queue.Queue,
            gevent.event.Event,
            lambda fn, *args: pool.apply(fn, args),
        )


class _Job:
    __slots__ = ("fn", "args", "done", "result", "error")

    def __init__(self, fn: Callable[..., Any], args: tuple, done: Any) -> None:
        self.fn, self.args, self.done = fn, args, done
        self.result: Any = None
        self.error: BaseException | None = None


_STOP = object()


class Engine:
    """The data folder's database. Use `read` and `write`, or the named queries."""

    def __init__(self, path: str | Path, workers: Workers | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.workers = workers or Workers.threads()
        self._write_conn = self._connect()
        self._read_conn = self._connect()
        self._read_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._workshops = WorkshopCache()
        self._queue: Any = None
        self._writer: Any = None
        #: Moves on at every commit: what was read at one version is still true while it
        #: has not moved (workshop.live keeps its snapshots by it).
        self.version = 0
        migrate(self._write_conn)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` on the reading connection (sees every committed write)."""
        with self._read_lock:
            return fn(self._read_conn, *args)

    def read_snapshot(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`read`, with every query of `fn` seeing the same committed state.

        For reads that must agree with each other (the participants and their answers):
        a write committed between two of `fn`'s queries is not seen by either.
        """
        with self._read_lock:
            conn = self._read_conn
            conn.execute("BEGIN")
            try:
                return fn(conn, *args)
            finally:
                conn.execute("COMMIT")

    def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` in the writer's next batch; return once it is committed.

        Raises what `fn` raised (its changes are rolled back, the batch's others are not).
        """
        if self._writer is None:
            self._start_writer()
        job = _Job(fn, args, self.workers.event())
        self._queue.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return job.result

    def write_workshop(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`write` for changes to a workshop's row or cards: drops the cached copies."""
        try:
            return self.write(fn, *args)
        finally:
            self._workshops.drop()

    def _start_writer(self) -> None:
        with self._start_lock:
            if self._writer is None:
                self._queue = self.workers.queue()
                self._writer = self.workers.spawn(self._write_loop)

    def _write_loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is _STOP:
                return
            batch = [job]
            stop = False
            while len(batch) < MAX_BATCH and not self._queue.empty():
                more = self._queue.get()
                if more is _STOP:
                    stop = True
                    break
                batch.append(more)
            try:
                self.workers.offload(self._commit, batch)
            except Exception as error:  # noqa: BLE001 - handed to every waiting caller
                for job in batch:
                    job.error = job.error or error
            for job in batch:
                job.done.set()
            if stop:
                return

    def _commit(self, batch: list[_Job]) -> None:
        conn = self._write_conn
        conn.execute("BEGIN IMMEDIATE")
        for job in batch:
            conn.execute("SAVEPOINT job")
            try:
                job.result = job.fn(conn, *job.args)
            except Exception as error:  # noqa: BLE001 - raised again in the caller
                job.error = error
                conn.execute("ROLLBACK TO job")
            conn.execute("RELEASE job")
        try:
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        finally:
            self.version += 1

    def close(self) -> None:
        """Finish queued writes, stop the writer and close the file."""
        if self._writer is not None:
            self._queue.put(_STOP)
            self._writer.join()
            self._writer = None
        self._write_conn.close()
        self._read_conn.close()

    # -- settings ---------------------------------------------------------------------

    def setting(self, key: str, default: Callable[[], str]) -> str:
        """Return a stored setting, creating it with `default()` the first time."""
        row = self.read(
            lambda c: c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        )
        if row is not None:
            return row[0]

        def insert(conn):
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, default()))
            return conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()[0]

        return self.write(insert)
