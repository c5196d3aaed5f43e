"""The manifest: one SQLite row per item, so that a batch killed at any moment resumes without paying twice.

Theory of operation. Each item's row moves through

    pending -> sending -> started (job id) -> done (outputs, seed)
                      \\-> done               \\-> failed (typed error)
                      \\-> failed

and every move is committed before the step it announces: ``sending`` before a charged request goes out,
``started`` the moment a job id is known, ``done`` only after the outputs are on disk (written atomically, so
a file is whole or absent). WAL with ``synchronous=NORMAL``: a commit survives the process being killed (it is
in the operating system's hands), which is the failure this file is for; a power cut may lose the last
commits.

A rerun reads the rows (``plan``): done -> skipped while its files exist; started -> resumed by its job id,
never started again; failed or pending -> sent; sending -> *uncertain*: the request may have been processed and
charged, and nothing in the API lets a client ask (there is no idempotency key), so it is not sent again unless
the caller says so (``retry_uncertain``). Exactly-once is impossible for a request in flight when the process
dies; the window is kept as small as it can be: from the commit of ``sending`` to the commit of the answer,
nothing else happens but the request. A kill after the outputs were written but before ``done`` was committed
leaves whole files newer than the row's ``sent_at``: the rerun adopts them as the item's outputs (``adopt``),
without a request.

Each row keeps the hash of its item's content (operation and arguments), so an edited line is a new item, not
a done one. One run at a time: the connection holds SQLite's exclusive lock for the whole run (released by the
operating system if the process dies), and a second run on the same manifest is refused at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from .._core.errors import ConfigurationError
from ._input import BatchItem

State = Literal["pending", "sending", "started", "done", "failed"]
Action = Literal["skip", "adopt", "resume", "uncertain", "send"]

SCHEMA_VERSION: Final = 1
MTIME_SLACK: Final = 1.0
"""Seconds a file's modification time may precede the row's ``sent_at`` and still be this send's output (file
system clocks are coarser than ``time.time()``)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    line INTEGER NOT NULL,
    operation TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'started', 'done', 'failed')),
    job_id TEXT,
    outputs TEXT NOT NULL DEFAULT '[]',
    seed INTEGER,
    error TEXT,
    credits REAL NOT NULL DEFAULT 0,
    sent_at REAL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class ManifestError(ConfigurationError):
    """The manifest cannot be used: not a batch manifest, corrupt, unwritable, or in use by another run."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        """The manifest's path."""
        super().__init__(f"batch manifest {path}: {problem}")


@dataclass(frozen=True, slots=True)
class Row:
    """What the manifest knows of one item."""

    key: str
    hash: str
    state: State
    job_id: str | None = None
    outputs: tuple[str, ...] = ()
    seed: int | None = None
    error: str | None = None
    sent_at: float | None = None


def content_hash(item: BatchItem) -> str:
    """The item's content (operation and arguments, paths as text), hashed: an edited line gets a new hash."""
    body = json.dumps(
        {"operation": item.operation, "args": dict(item.args)}, sort_keys=True, default=os.fspath, ensure_ascii=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def plan(item_hash: str, row: Row | None, *, found: Sequence[Path], retry_uncertain: bool) -> Action:
    """What a run does with an item, from its manifest row (pure: the tests drive every branch).

    ``found`` are the output files on disk that this item's row may claim (``adoptable``).
    """
    if row is None or row.hash != item_hash:
        return "send"
    if row.state == "done":
        return "skip" if row.outputs and all(os.path.exists(p) for p in row.outputs) else "send"
    if row.state in ("sending", "started") and found:
        return "adopt"  # killed after writing the outputs, before the commit that says so
    if row.state == "started":
        return "resume"
    if row.state == "sending":
        return "send" if retry_uncertain else "uncertain"
    return "send"  # pending, failed


_TEMP_SUFFIX = re.compile(r"\.[0-9a-f]{8}\.part$")


_OUTPUT_NAME = re.compile(r"(.+?)(-\d+)?\.([A-Za-z0-9]+)")


def outputs_on_disk(out_dir: Path, suffixes: Iterable[str] | None = None) -> dict[str, list[Path]]:
    """The files in ``out_dir`` named as outputs (``key.ext``, ``key-N.ext``), by the key they may belong to,
    each list sorted; read once per run (a scan per item would cost the square of the batch's size).

    ``key-2.png`` is listed under ``key-2`` and under ``key``: either item may have written it.
    """
    wanted = None if suffixes is None else {suffix.lower() for suffix in suffixes}
    found: dict[str, list[Path]] = {}
    try:
        names = sorted(entry.name for entry in os.scandir(out_dir))
    except OSError:
        return found
    for name in names:
        match = _OUTPUT_NAME.fullmatch(name)
        if match is None or name.startswith(".") or (wanted is not None and match[3].lower() not in wanted):
            continue
        stem = name.rsplit(".", 1)[0]
        for key in {stem, match[1]}:
            found.setdefault(key, []).append(out_dir / name)
    return found


def adoptable(files: Iterable[Path], row: Row | None) -> list[Path]:
    """The files a ``sending`` or ``started`` row may claim: written since it was sent."""
    if row is None or row.sent_at is None or row.state not in ("sending", "started"):
        return []
    try:
        return [f for f in files if f.stat().st_mtime >= row.sent_at - MTIME_SLACK]
    except OSError:
        return []


def stale_temporaries(out_dir: Path, keys: Iterable[str]) -> list[Path]:
    """Temporary files of atomic writes a killed run left for these keys (``.key.png.1a2b3c4d.part``)."""
    wanted = set(keys)
    found = []
    try:
        names = [entry.name for entry in os.scandir(out_dir)]
    except OSError:
        return []
    for name in names:
        if name.startswith(".") and _TEMP_SUFFIX.search(name):
            stem = _TEMP_SUFFIX.sub("", name)[1:]  # key.png or key-2.png (and a key may end in -N itself)
            whole = stem.rsplit(".", 1)[0]
            if whole in wanted or re.sub(r"-\d+$", "", whole) in wanted:
                found.append(out_dir / name)
    return found


class Manifest:
    """The SQLite file of one batch; every write is its own committed transaction.

    One connection serves the whole run, behind a lock: the coordinator commits most moves, and the sync
    engine's worker threads commit ``sending`` themselves, just before their requests.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, timeout=0.5, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise ManifestError(path, f"cannot be opened ({exc})") from None
        try:
            self._setup()
        except BaseException:
            self._db.close()
            raise

    def _setup(self) -> None:
        try:
            # Exclusive: the lock is taken at the first write and held until close (the OS drops it with the
            # process), so a second run on the same manifest fails at once instead of sending twice.
            self._db.execute("PRAGMA locking_mode = EXCLUSIVE")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("BEGIN IMMEDIATE")  # the write lock, now: held until close
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            version = self._db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()[0]
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ManifestError(self.path, "another batch is running with it; wait for it to end") from None
            raise ManifestError(self.path, f"cannot be used ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise ManifestError(self.path, f"is not a batch manifest ({exc})") from None
        if version != str(SCHEMA_VERSION):
            raise ManifestError(self.path, f"was written by another version (schema {version})")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _write(self, sql: str, params: Sequence[Any] | Iterable[Sequence[Any]], *, many: bool = False) -> None:
        with self._lock:
            self._write_locked(sql, params, many=many)

    def _write_locked(self, sql: str, params: Sequence[Any] | Iterable[Sequence[Any]], *, many: bool) -> None:
        try:
            if many:
                self._db.execute("BEGIN")
                self._db.executemany(sql, params)
                self._db.execute("COMMIT")
            else:
                self._db.execute(sql, params)  # type: ignore[arg-type]
        except sqlite3.Error as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise ManifestError(self.path, f"cannot be written ({exc})") from None

    def rows(self) -> dict[str, Row]:
        try:
            found = self._db.execute(
                "SELECT key, hash, state, job_id, outputs, seed, error, sent_at FROM items"
            ).fetchall()
        except sqlite3.Error as exc:
            raise ManifestError(self.path, f"cannot be read ({exc})") from None
        rows = {}
        for key, digest, state, job_id, outputs, seed, error, sent_at in found:
            try:
                paths = tuple(str(p) for p in json.loads(outputs))
            except (ValueError, TypeError):
                paths = ()
            rows[key] = Row(key, digest, state, job_id, paths, seed, error, sent_at)
        return rows

    def register(self, items: Iterable[tuple[BatchItem, str]], rows: dict[str, Row]) -> None:
        """Add a pending row for each new item, and reset the row of an item whose content changed (one commit)."""
        now = time.time()
        fresh = [
            (item.key, digest, item.line, item.operation, now)
            for item, digest in items
            if (row := rows.get(item.key)) is None or row.hash != digest
        ]
        if fresh:
            self._write(
                "INSERT OR REPLACE INTO items (key, hash, line, operation, state, updated_at) "
                "VALUES (?, ?, ?, ?, 'pending', ?)",
                fresh,
                many=True,
            )

    def sending(self, item: BatchItem) -> None:
        """Committed before the charged request goes out."""
        now = time.time()
        self._write(
            "UPDATE items SET state = 'sending', sent_at = ?, credits = ?, job_id = NULL, error = NULL, "
            "updated_at = ? WHERE key = ?",
            (now, item.credits, now, item.key),
        )

    def started(self, key: str, job_id: str) -> None:
        self._write(
            "UPDATE items SET state = 'started', job_id = ?, updated_at = ? WHERE key = ?", (job_id, time.time(), key)
        )

    def done(self, key: str, outputs: Sequence[Path], seed: int | None) -> None:
        paths = json.dumps([os.fspath(p) for p in outputs])
        self._write(
            "UPDATE items SET state = 'done', outputs = ?, seed = ?, error = NULL, updated_at = ? WHERE key = ?",
            (paths, seed, time.time(), key),
        )

    def failed(self, key: str, error: str) -> None:
        self._write(
            "UPDATE items SET state = 'failed', error = ?, updated_at = ? WHERE key = ?", (error, time.time(), key)
        )

    def noted(self, key: str, error: str) -> None:
        """An error that leaves the state as it is (a request that may have been charged stays ``sending``)."""
        self._write("UPDATE items SET error = ?, updated_at = ? WHERE key = ?", (error, time.time(), key))
