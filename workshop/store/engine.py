"""The database file: connections, one writer with group commit, settings.

Acknowledged means durable: `Engine.write` returns only once the transaction holding the
change is committed with `synchronous=FULL`. Writes from every connection go through a
queue to a single writer, which runs whatever is queued in one transaction (each job in
its own savepoint, so one bad job fails alone) and commits once: one disk sync for many
votes. Under gevent the batch runs in a native thread of the hub's pool, so a sync never
stalls the other connections.

A read ends everything it started: every cursor `fn` opened is closed when it returns or
raises, so no statement left half-read keeps the reading connection on an old snapshot
(nor holds the WAL against a checkpoint).

Erasing (`erase`) is a write followed, before it returns, by a checkpoint that copies
the WAL into the main file and truncates it to zero bytes: with `secure_delete` on, the
deleted rows are zeroes in the main file and the WAL holds none of their old versions.

`Engine` is the base of every area of the store (workshops, answers, negotiation,
archive): each area is a subclass that uses only what is declared here.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import weakref
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
        import gevent
        import gevent.event
        import gevent.queue

        pool = gevent.get_hub().threadpool
        return cls(
            gevent.spawn,
            gevent.queue.Queue,
            gevent.event.Event,
            lambda fn, *args: pool.apply(fn, args),
        )


class _Connection(sqlite3.Connection):
    """A connection that knows the cursors still open on it, so that it can end them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Weak: a cursor dropped is reset by the garbage collector as before; only one
        # still referenced (by a traceback, say) needs closing.
        self.cursors: list[weakref.ref[sqlite3.Cursor]] = []

    def cursor(self, factory: Any = sqlite3.Cursor) -> Any:
        cursor = super().cursor(factory)
        self.cursors.append(weakref.ref(cursor))
        return cursor

    # The connection's own shortcuts open their cursor without calling `cursor`.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, parameters)

    def end_statements(self) -> None:
        """Close every cursor opened since the last call and still alive: a statement
        left half-read (a loop that raised) keeps its read transaction, and the snapshot
        it reads, open on the connection."""
        cursors, self.cursors = self.cursors, []
        for ref in cursors:
            cursor = ref()
            if cursor is not None:
                cursor.close()


class _Job:
    __slots__ = ("fn", "args", "done", "result", "error", "truncate_wal")

    def __init__(self, fn: Callable[..., Any], args: tuple, done: Any, truncate_wal: bool) -> None:
        self.fn, self.args, self.done = fn, args, done
        self.truncate_wal = truncate_wal
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
        self._write_conn.end_statements()

    def _connect(self) -> _Connection:
        conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, factory=_Connection
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # Deleted rows are overwritten with zeroes, freed pages too (not only "fast").
        conn.execute("PRAGMA secure_delete=ON")
        conn.end_statements()
        return conn

    def read(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` on the reading connection (sees every committed write).

        `fn` must read what it needs before it returns (not hand back a cursor): its
        cursors are closed when it returns or raises.
        """
        with self._read_lock:
            try:
                return fn(self._read_conn, *args)
            finally:
                self._read_conn.end_statements()

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
                conn.end_statements()
                conn.execute("COMMIT")
                conn.end_statements()

    def write(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(conn, *args)` in the writer's next batch; return once it is committed.

        Raises what `fn` raised (its changes are rolled back, the batch's others are not).
        """
        return self._submit(fn, args, truncate_wal=False)

    def erase(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`write` for a deletion that must leave nothing on disk; drops the cached copies.

        Returns once the deletion is committed and then the WAL checkpointed into the main
        file and truncated (`_truncate_wal`): what was deleted is zeroes in the main file
        (`secure_delete`) and no longer in the WAL. Raises `sqlite3.OperationalError` if
        the checkpoint could not complete (another process kept a read open): the rows are
        deleted all the same.
        """
        try:
            return self._submit(fn, args, truncate_wal=True)
        finally:
            self._workshops.drop()

    def _submit(self, fn: Callable[..., Any], args: tuple, truncate_wal: bool) -> Any:
        if self._writer is None:
            self._start_writer()
        job = _Job(fn, args, self.workers.event(), truncate_wal)
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
                conn.end_statements()
                conn.execute("ROLLBACK TO job")
            conn.end_statements()
            conn.execute("RELEASE job")
        try:
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.end_statements()
            self.version += 1
        erasing = [job for job in batch if job.truncate_wal and job.error is None]
        if erasing:
            try:
                self._truncate_wal(conn)
            except Exception as error:  # noqa: BLE001 - raised again in the callers
                for job in erasing:
                    job.error = error

    def _truncate_wal(self, conn: _Connection, attempts: int = 3) -> None:
        """Checkpoint the whole WAL into the main file and truncate it to zero bytes.

        Run by the writer, between two batches (no write of ours can start meanwhile),
        holding the reading connection's lock. What was measured: a TRUNCATE checkpoint
        only completes once no connection reads an older snapshot; a statement left
        half-read on the reading connection kept one open, and the checkpoint answered
        busy until the busy timeout (reads now always end their statements, and the lock
        keeps the next one from starting). Only another process reading the file can
        still hold it: each attempt waits up to the busy timeout, then this raises.
        """
        with self._read_lock:
            for _attempt in range(attempts):
                busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                conn.end_statements()
                if not busy:
                    return
        raise sqlite3.OperationalError("the WAL could not be checkpointed: a reader holds it")

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
