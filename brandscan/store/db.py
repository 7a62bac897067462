"""Finding, locking and opening the store; its schema, its version and its migrations.

Guarantees this module gives the rest of brandscan:

- **One writer.** DuckDB lets one process write a database file. Two cron jobs must not
  fail at random on DuckDB's own lock, so brandscan takes an ``flock`` on a lock file
  next to the database (``brandscan.duckdb.lock``, holding the PID of the last holder):
  writers exclusively, readers shared. A second run waits up to ``--lock-timeout``
  seconds, then exits 1 with "database is in use by PID …".
- **Foreign files are never touched.** Before DuckDB opens a file read-write, the file's
  magic bytes are checked and the database is opened read-only to check that it is a
  brandscan store of a version this brandscan can read. A CSV, a SQLite file, somebody
  else's DuckDB database or a store from a newer brandscan is refused with one line.
- **Versioned schema.** ``brandscan_meta`` holds ``schema_version``; an older store is
  migrated (in one transaction) when it is opened, a newer one is refused.

Writes happen in transactions (:meth:`Store.transaction`): DuckDB writes its log only on
commit, so a run killed with SIGKILL, a full disk or a read-only folder leaves the store
as it was before the batch.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brandscan import __version__
from brandscan.errors import BrandscanError

if TYPE_CHECKING:
    import duckdb

#: The layout this brandscan writes. Bump it, add a migration to ``MIGRATIONS``.
SCHEMA_VERSION = 3
APP = "brandscan"
DEFAULT_LOCK_TIMEOUT = 30.0
ENV_PATH = "BRANDSCAN_DB"

# DuckDB's main header: an 8-byte checksum, then this magic.
_MAGIC = b"DUCK"
_MAGIC_AT = 8

META_DDL = "CREATE TABLE brandscan_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"

#: One row per post: the canonical columns (see :mod:`brandscan.schema`; ``engagement`` is
#: derived on reading) plus the key, the stored score and the ingest history.
POSTS_DDL = """
CREATE TABLE posts (
    platform VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    key VARCHAR NOT NULL,          -- the id; a content hash for posts exported without one
    id VARCHAR NOT NULL,
    parent_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    chain VARCHAR NOT NULL,
    is_repost BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    author VARCHAR NOT NULL,
    author_id VARCHAR NOT NULL,
    followers BIGINT,
    verified VARCHAR NOT NULL,
    reposts BIGINT NOT NULL,
    comments BIGINT NOT NULL,
    likes BIGINT NOT NULL,
    url VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT NOT NULL,
    sentiment DOUBLE NOT NULL,
    model_id VARCHAR NOT NULL,     -- the model that produced sentiment ('' = unknown)
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    first_batch INTEGER NOT NULL,
    last_batch INTEGER NOT NULL,
    seq BIGINT NOT NULL            -- order of the latest sighting: files order, rows order
)"""

#: One row per committed change: an ingested file, a rescore pass, a prune, a migration.
BATCHES_DDL = """
CREATE TABLE batches (
    batch_id INTEGER NOT NULL,
    action VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    file VARCHAR,
    content_hash VARCHAR,
    options_hash VARCHAR,
    layout VARCHAR,
    encoding VARCHAR,
    format VARCHAR,
    rows_read BIGINT,
    rows_used BIGINT,
    rows_skipped BIGINT,
    duplicates BIGINT,
    filtered BIGINT,
    posts_new BIGINT,
    posts_updated BIGINT,
    posts_unchanged BIGINT,
    posts_scored BIGINT,
    posts_deleted BIGINT,
    model_id VARCHAR,
    brandscan_version VARCHAR,
    note VARCHAR
)"""

#: Every skipped input row of every batch, so reports over the store can still say what
#: was left out and why.
SKIPPED_DDL = "CREATE TABLE skipped (batch_id INTEGER NOT NULL, line BIGINT, reason VARCHAR)"

#: The complaint terms of each text, per word lists: a cache (:mod:`brandscan.store.terms`).
TERMS_DDL = """
CREATE TABLE terms (
    fingerprint VARCHAR NOT NULL,  -- brandscan.text.terms.fingerprint of the word lists
    text_md5 UHUGEINT NOT NULL,    -- md5_number(text)
    terms VARCHAR[] NOT NULL
)"""


def default_path() -> Path:
    """``$XDG_DATA_HOME/brandscan/brandscan.duckdb`` (``~/.local/share/...`` on Linux)."""
    import platformdirs

    return platformdirs.user_data_path("brandscan", appauthor=False) / "brandscan.duckdb"


def resolve_path(option: str | os.PathLike[str] | None = None) -> Path:
    """``--db PATH``, else ``$BRANDSCAN_DB``, else the XDG data dir."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_PATH)
    if env:
        return Path(env).expanduser()
    return default_path()


def one_line(exc: BaseException) -> str:
    """DuckDB's messages span lines (with hints and stack notes); brandscan shows one."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return re.sub(r"^((IO|Invalid Input|Catalog|Serialization|Internal|Fatal|Binder|Conversion|"
                  r"TransactionContext|Constraint|Out of Memory) Error: )+(Failed to commit: )?",
                  "", first)


# --- the lock ----------------------------------------------------------------------------

def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


class StoreLock:
    """An ``flock`` on ``<db>.lock``: exclusive for writers, shared for readers.

    The lock file is never deleted (deleting a flock'ed file lets two processes lock two
    different files); it holds the PID of the last process that took it, for the message
    the next one shows.
    """

    def __init__(self, db: Path, *, exclusive: bool, timeout: float):
        self.db = db
        self.path = lock_path(db)
        self.exclusive = exclusive
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # not POSIX: DuckDB's own file lock still keeps one writer
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if not self.exclusive and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                return  # a read-only location: nobody writes there, readers need no lock
            raise BrandscanError(
                f"cannot create the store's lock file: {exc.strerror or exc}",
                where=str(self.path),
                hint="the store's folder must be writable; choose another --db") from None
        op = fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + max(self.timeout, 0.0)
        while True:
            try:
                fcntl.flock(fd, op | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holders = _lock_holders(fd)
                    who = (f"PID {', '.join(holders)}" if holders
                           else f"another process (last taken by PID {_read_pid(fd) or '?'})")
                    os.close(fd)
                    raise BrandscanError(
                        f"database is in use by {who}", where=str(self.db),
                        hint=f"another brandscan run is using it; gave up after "
                             f"{self.timeout:g} s, see --lock-timeout") from None
                time.sleep(0.05)
        with contextlib.suppress(OSError):  # informational only
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_holders(fd: int) -> list[str]:
    """The PIDs holding an flock on the file of ``fd``, from Linux's /proc/locks (none
    elsewhere): the lock file only remembers who took it last, maybe a reader long gone."""
    try:
        st = os.fstat(fd)
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return []
    want = f":{st.st_ino}"
    pids = []
    for line in lines:
        parts = line.split()
        # "1: FLOCK ADVISORY WRITE 12345 08:01:123456 0 EOF" (blocked waiters: "->")
        if len(parts) >= 6 and parts[1] == "FLOCK" and "->" not in parts[:2] and \
                parts[5].endswith(want):
            pids.append(parts[4])
    return list(dict.fromkeys(pids))


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


# --- opening -----------------------------------------------------------------------------

@dataclass
class Store:
    """An open store: the DuckDB connection and where it lives."""

    path: Path
    con: duckdb.DuckDBPyConnection
    writable: bool

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit when the block ends, roll back on any error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                self.con.execute("ROLLBACK")
            raise

    def meta(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT key, value FROM brandscan_meta").fetchall())

    def next_batch_id(self) -> int:
        return int(self.con.execute(
            "SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0])

    def size_bytes(self) -> int:
        wal = self.path.with_name(self.path.name + ".wal")
        return self.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _not_a_store(path: Path, why: str) -> BrandscanError:
    return BrandscanError(f"not a brandscan store ({why}); left untouched", where=str(path),
                          hint="--db names a store brandscan created, or a new file")


def _check_file(path: Path) -> None:
    """Refuse what cannot be a DuckDB database before DuckDB gets to open it."""
    if path.is_dir():
        raise BrandscanError("is a folder, not a store file", where=str(path),
                             hint="give the file, e.g. --db DIR/brandscan.duckdb")
    try:
        with open(path, "rb") as fh:
            head = fh.read(_MAGIC_AT + len(_MAGIC))
    except OSError as exc:
        raise BrandscanError(f"cannot read the store: {exc.strerror or exc}",
                             where=str(path)) from None
    if head[_MAGIC_AT:] != _MAGIC:
        raise _not_a_store(path, "not a DuckDB database" if head else "empty file")


def _connect(path: Path, *, read_only: bool, deadline: float) -> duckdb.DuckDBPyConnection:
    import duckdb

    while True:
        try:
            # No progress bar of DuckDB's own on stderr (brandscan draws its own, and
            # only on a terminal); times compared and stored in UTC.
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET enable_progress_bar = false")
            con.execute("SET TimeZone = 'UTC'")
            return con
        except duckdb.Error as exc:
            msg = one_line(exc)
            if "lock" in msg.lower() and "conflict" in msg.lower():
                # Held by a program that does not take brandscan's lock (the duckdb CLI).
                if time.monotonic() < deadline:
                    time.sleep(0.1)
                    continue
                pid = re.search(r"PID (\d+)", str(exc))
                raise BrandscanError(
                    f"database is in use by PID {pid[1] if pid else '?'}", where=str(path),
                    hint="another program has it open; close it and retry") from None
            if "newer" in msg.lower() or "version number" in msg.lower():
                raise BrandscanError(
                    f"written by a newer DuckDB than this brandscan's: {msg}", where=str(path),
                    hint="upgrade brandscan (pip install -U brandscan)") from None
            if isinstance(exc, duckdb.IOException) and not read_only and (
                    "permission" in msg.lower() or "read-only" in msg.lower()):
                raise BrandscanError(
                    f"cannot open the store for writing: {msg}", where=str(path),
                    hint="the store and its folder must be writable; choose another --db"
                ) from None
            if _is_damage(msg):
                raise _damaged(path, msg) from None
            if "not a valid" in msg.lower() or "database file" in msg.lower():
                raise _not_a_store(path, msg) from None
            raise BrandscanError(f"cannot open the store: {msg}", where=str(path)) from None


def _is_damage(msg: str) -> bool:
    """DuckDB's words for a store file that was cut short or overwritten."""
    low = msg.lower()
    return any(w in low for w in ("corrupt", "checksum", "could not read enough bytes",
                                  "truncated"))


def _damaged(path: Path, msg: str) -> BrandscanError:
    return BrandscanError(f"the store is damaged: {msg}; left untouched", where=str(path),
                          hint="restore it from a backup, or start a new store with "
                               "--db NEW_PATH")


def _probe(path: Path, deadline: float) -> int:
    """The schema version of a store, opened read-only; refuse foreign or newer files."""
    return _probe_keep(path, deadline, keep=False)[0]


def _probe_keep(path: Path, deadline: float, *, keep: bool
                ) -> tuple[int, duckdb.DuckDBPyConnection | None]:
    """:func:`_probe`, handing back its read-only connection (``keep``) when the store
    is current: a reader then needs no second connection."""
    import duckdb

    con = _connect(path, read_only=True, deadline=deadline)
    kept = False
    try:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        if "brandscan_meta" not in tables:
            raise _not_a_store(path, "a DuckDB database without brandscan's tables")
        try:
            meta = dict(con.execute("SELECT key, value FROM brandscan_meta").fetchall())
        except duckdb.Error as exc:
            raise _not_a_store(path, one_line(exc)) from None
        if meta.get("app") != APP or not str(meta.get("schema_version", "")).isdigit():
            raise _not_a_store(path, "its brandscan_meta table is not brandscan's")
        version = int(meta["schema_version"])
        if version > SCHEMA_VERSION:
            raise BrandscanError(
                f"this store was written by a newer brandscan "
                f"({meta.get('written_by', '?')}, store schema v{version}; this brandscan "
                f"{__version__} reads up to v{SCHEMA_VERSION})", where=str(path),
                hint="upgrade brandscan (pip install -U brandscan), or use another --db")
        kept = keep and version == SCHEMA_VERSION
        return version, (con if kept else None)
    finally:
        if not kept:
            con.close()


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for ddl in (META_DDL, POSTS_DDL, BATCHES_DDL, SKIPPED_DDL, TERMS_DDL):
            con.execute(ddl)
        now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        con.executemany("INSERT INTO brandscan_meta VALUES (?, ?)", [
            ("app", APP), ("schema_version", str(SCHEMA_VERSION)),
            ("created_by", f"brandscan {__version__}"), ("created_at", now),
            ("written_by", f"brandscan {__version__}"),
        ])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            con.execute("ROLLBACK")
        raise


# --- migrations ----------------------------------------------------------------------------

def _migrate_1_to_2(con: duckdb.DuckDBPyConnection) -> None:
    """v1 kept no model per score, no row order and no skipped rows.

    Scores of unknown origin get model_id '' and are therefore stale: ``brandscan
    rescore`` brings them up to date. The row order of the latest sighting is rebuilt
    from the last batch and the source line, which is what v1 ingests produced.
    """
    # Rebuilt rather than altered: the result is exactly the v2 table, rows in seq order.
    columns = [line.split()[0] for line in POSTS_DDL.strip().splitlines()[1:-1]]
    v1 = {"model_id": "'' AS model_id",
          "seq": "row_number() OVER (ORDER BY last_batch, source_line, platform, kind, key)"}
    con.execute(POSTS_DDL.replace("CREATE TABLE posts", "CREATE TABLE posts_v2"))
    con.execute(f"INSERT INTO posts_v2 SELECT {', '.join(v1.get(c, c) for c in columns)} "
                "FROM posts ORDER BY last_batch, source_line, platform, kind, key")
    con.execute("DROP TABLE posts")
    con.execute("ALTER TABLE posts_v2 RENAME TO posts")
    con.execute("ALTER TABLE batches ADD COLUMN action VARCHAR DEFAULT 'ingest'")
    for col in ("posts_scored", "posts_deleted"):
        con.execute(f"ALTER TABLE batches ADD COLUMN {col} BIGINT")
    con.execute("ALTER TABLE batches ADD COLUMN model_id VARCHAR")
    con.execute(SKIPPED_DDL)


def _migrate_2_to_3(con: duckdb.DuckDBPyConnection) -> None:
    """v3 remembers complaint terms (:mod:`brandscan.store.terms`); it starts empty."""
    con.execute(TERMS_DDL)


#: ``MIGRATIONS[n]`` turns a schema-n store into a schema-(n+1) one.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _migrate_1_to_2, 2: _migrate_2_to_3}


def _migrate(path: Path, version: int, deadline: float) -> None:
    """Bring a store up to ``SCHEMA_VERSION`` in one transaction (all steps or none)."""
    import duckdb

    con = _connect(path, read_only=False, deadline=deadline)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            for v in range(version, SCHEMA_VERSION):
                MIGRATIONS[v](con)
            con.execute("UPDATE brandscan_meta SET value = ? WHERE key = 'schema_version'",
                        [str(SCHEMA_VERSION)])
            con.execute("INSERT OR REPLACE INTO brandscan_meta VALUES ('written_by', ?)",
                        [f"brandscan {__version__}"])
            con.execute("""
                INSERT INTO batches (batch_id, action, started_at, finished_at,
                                     brandscan_version, note)
                SELECT coalesce(max(batch_id), 0) + 1, 'migrate', now(), now(), ?, ?
                FROM batches""", [__version__, f"schema v{version} -> v{SCHEMA_VERSION}"])
            con.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            if isinstance(exc, (duckdb.Error, OSError)):
                raise BrandscanError(
                    f"could not migrate the store from schema v{version}: {one_line(exc)}; "
                    "it is unchanged", where=str(path)) from None
            raise
    finally:
        con.close()


@contextlib.contextmanager
def open_store(path: str | os.PathLike[str] | None = None, *, write: bool = False,
               create: bool = False, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
               ) -> Iterator[Store]:
    """Open the store (see :func:`resolve_path`) under brandscan's lock.

    Readers share the lock and get a read-only connection; writers hold it alone.
    ``create`` makes a new store (and its folder) when there is none. An older store is
    migrated first (readers briefly take the lock exclusively for that).
    """
    import duckdb

    p = resolve_path(path)
    deadline = time.monotonic() + max(lock_timeout, 0.0)
    if p.exists():
        _check_file(p)
    elif not create:
        raise BrandscanError("no store here yet", where=str(p),
                             hint="fill it with: brandscan ingest FILE... --db PATH")
    else:
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BrandscanError(f"cannot create the store's folder: {exc.strerror or exc}",
                                 where=str(p.parent),
                                 hint="choose a writable place with --db PATH") from None
    lock = StoreLock(p, exclusive=write or not p.exists(), timeout=lock_timeout)
    with lock:
        fresh = not p.exists()
        con = None
        if not fresh:
            _check_file(p)  # it may have appeared while we waited
            version, con = _probe_keep(p, deadline, keep=not write)
            if version < SCHEMA_VERSION:
                if not lock.exclusive:
                    lock.release()
                    lock = StoreLock(p, exclusive=True, timeout=lock_timeout)
                    lock.acquire()
                    version = _probe(p, deadline)
                if version < SCHEMA_VERSION:
                    _migrate(p, version, deadline)
                if not write:
                    lock.release()
                    lock = StoreLock(p, exclusive=False, timeout=lock_timeout)
                    lock.acquire()
        try:
            if con is None:
                con = _connect(p, read_only=not write and not fresh, deadline=deadline)
        except BrandscanError:
            if fresh:
                _remove_new(p)
            raise
        try:
            if fresh:
                try:
                    _create(con)
                except Exception as exc:
                    con.close()
                    _remove_new(p)
                    raise BrandscanError(f"cannot create the store: {one_line(exc)}",
                                         where=str(p),
                                         hint="choose a writable place with --db PATH") from None
            try:
                yield Store(p, con, writable=write or fresh)
            except duckdb.Error as exc:
                # Damage can hide in a data block until a query reads it.
                msg = one_line(exc)
                if _is_damage(msg):
                    raise _damaged(p, msg) from None
                raise BrandscanError(f"cannot use the store: {msg}", where=str(p)) from None
        finally:
            with contextlib.suppress(Exception):
                con.close()
            lock.release()


def _remove_new(p: Path) -> None:
    """Remove a store this run began to create and could not finish."""
    for f in (p, p.with_name(p.name + ".wal")):
        with contextlib.suppress(OSError):
            f.unlink()
