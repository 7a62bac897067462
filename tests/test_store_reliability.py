"""The store's guarantees under failure: killed runs, two runs at once, bad files, full disks.

Runs that must die or wait for each other are real processes. The test starts them
through tests/faults.py, which wraps a step of the batch's writes so that the run writes
its PID to a marker file and sleeps inside its open write transaction: the test then
knows when to SIGKILL it or when a second run will find the store busy. Production code
has no hooks for this.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.store import open_store
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES, weibo_search_csv
from tests.faults import brandscan_command, disk_full

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
CFG = ("--config", str(CONFIG_EXAMPLE))
BRANDSCAN = [sys.executable, "-c", "from brandscan.cli import main; main()"]
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def spawn(*args: str | Path, command: list[str] = BRANDSCAN, **kw: object
          ) -> subprocess.Popen[str]:
    return subprocess.Popen([*command, *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kw)  # type: ignore[call-overload]


def posts_file(path: Path, n: int, *, start: int = 0, grown: int = 0) -> Path:
    """n posts with ids start..start+n-1; ``grown`` adds to every count (a later crawl)."""
    return weibo_search_csv(path, [
        (str(10_000 + i), f"用户{i % 97}", f"鲜果坊第{i}单的山竹{'烂了' if i % 3 else '很好吃'}",
         str(i % 7 + grown), str(i % 5 + grown), str(i % 11 + grown),
         f"2026-11-{1 + i % 8:02d} {i % 24:02d}:{i % 60:02d}")
        for i in range(start, start + n)])


def digest(db: Path) -> tuple[int, int, str]:
    """Posts, batches and a checksum of every stored value: what "unchanged" means."""
    with open_store(db) as store:
        posts, batches = store.con.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM batches)").fetchall()[0]
        [(text,)] = store.con.execute(
            "SELECT string_agg(p::VARCHAR, '|' ORDER BY key) FROM posts p").fetchall()
    return int(posts), int(batches), hashlib.sha256((text or "").encode()).hexdigest()


def paused(db: Path, data: Path, tmp_path: Path, point: str = "ingest"
           ) -> tuple[subprocess.Popen[str], int]:
    """An ingest sleeping inside its write transaction; returns it and the PID it reported."""
    marker = tmp_path / f"paused-{point}"
    proc = spawn("ingest", data, "--db", db, *CFG,
                 command=brandscan_command(point, pause_file=marker))
    deadline = time.monotonic() + 120
    while not (marker.exists() and marker.read_text()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the ingest never reached {point}: {proc.communicate()}")
        time.sleep(0.05)
    return proc, int(marker.read_text())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("point", ["ingest-update", "ingest"])
def test_sigkill_in_the_middle_of_a_batch_leaves_the_store_as_before(tmp_path: Path,
                                                                     point: str) -> None:
    db = tmp_path / "s.duckdb"
    assert run("ingest", posts_file(tmp_path / "first.csv", 500), "--db", db, *CFG
               ).exit_code == 0
    before = digest(db)
    # 500 posts come again with grown counts (updates) and 2,500 are new (inserts).
    big = posts_file(tmp_path / "big.csv", 3000, grown=100)
    proc, pid = paused(db, big, tmp_path, point)
    assert pid == proc.pid
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert digest(db) == before  # it opens, and nothing of the killed batch is there
    again = run("ingest", big, "--db", db, *CFG)
    assert again.exit_code == 0
    assert "3,000 rows read; 2,500 new; 500 updated; 0 unchanged" in again.stderr
    assert digest(db)[:2] == (3000, 2)


def test_a_second_run_waits_or_names_the_process_using_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert run("ingest", posts_file(tmp_path / "a.csv", 50), "--db", db, *CFG).exit_code == 0
    holder, pid = paused(db, posts_file(tmp_path / "b.csv", 50, start=50), tmp_path)
    try:
        other = posts_file(tmp_path / "c.csv", 50, start=100)
        impatient = spawn("ingest", other, "--db", db, *CFG, "--lock-timeout", "0.5")
        _, err = impatient.communicate(timeout=120)
        assert impatient.returncode == 1
        assert err.strip().splitlines() == [
            f"Error: {db}: database is in use by PID {pid} (another brandscan run is using "
            "it; gave up after 0.5 s, see --lock-timeout)"]
        patient = spawn("ingest", other, "--db", db, *CFG, "--lock-timeout", "120")
        time.sleep(1.0)
        assert patient.poll() is None  # waiting for the lock
    finally:
        holder.kill()  # a dead holder's lock goes with it
        holder.wait()
    _, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, err
    assert "50 new" in err
    assert digest(db)[:2] == (100, 2)  # a.csv and c.csv; the killed b.csv left nothing


@pytest.mark.parametrize("damage", ["csv", "damaged block"])
def test_a_corrupt_or_foreign_db_is_one_line_and_left_untouched(tmp_path: Path,
                                                                damage: str) -> None:
    path = tmp_path / "given.duckdb"
    if damage == "csv":
        path.write_text("id,text\n1,鲜果坊\n", encoding="utf-8")
    else:
        assert run("ingest", EXAMPLE, "--db", path, *CFG).exit_code == 0
        data = path.read_bytes()
        headers = 3 * 4096  # DuckDB's main and two database headers stay intact
        path.write_bytes(data[:headers] + b"\xff" * (len(data) - headers))
    before = sha(path)
    for args in (("timeline", "--db", path), ("ingest", EXAMPLE, "--db", path, "--force"),
                 ("db", "info", "--db", path)):
        result = run(*args, *CFG)
        assert result.exit_code == 1
        [line] = [ln for ln in result.stderr.splitlines() if ln.startswith("Error:")]
        assert line.startswith(f"Error: {path}: ")
        assert ("not a brandscan store" in line) if damage == "csv" else (
            "the store is damaged" in line)
        assert "Traceback" not in result.stderr
    assert sha(path) == before


@contextlib.contextmanager
def small_filesystem(tmp_path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (needs root and mount rights, else the test is skipped)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_is_a_clear_error_and_no_partial_batch(tmp_path: Path) -> None:
    with small_filesystem(tmp_path, "4m") as mnt:
        db = mnt / "s.duckdb"
        assert run("ingest", EXAMPLE, "--db", db, *CFG).exit_code == 0
        before = digest(db)
        filler = mnt / "filler"
        free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
        filler.write_bytes(b"\x00" * max(0, free - 64 * 1024))
        big = posts_file(tmp_path / "big.csv", 3000)
        result = run("ingest", big, "--db", db, *CFG)
        assert result.exit_code == 1
        assert "No space left on device" in result.stderr
        assert f"nothing from {big} was stored" in result.stderr
        filler.unlink()
        assert digest(db) == before
        assert run("ingest", big, "--db", db, *CFG).exit_code == 0
        assert digest(db)[0] == before[0] + 3000


def test_a_write_refused_by_the_os_leaves_no_partial_batch(tmp_path: Path) -> None:
    # No root needed: a file-size limit makes the kernel refuse DuckDB's writes (EFBIG),
    # the way a full disk does.
    db = tmp_path / "s.duckdb"
    assert run("ingest", EXAMPLE, "--db", db, *CFG).exit_code == 0
    before = digest(db)
    limit = db.stat().st_size  # no file may grow: the batch needs more than the free blocks

    def limit_writes() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    big = posts_file(tmp_path / "big.csv", 10_000)
    proc = spawn("ingest", big, "--db", db, *CFG, preexec_fn=limit_writes)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err
    assert "could not write to the store: " in err and f"nothing from {big} was stored" in err
    assert "Traceback" not in err
    assert digest(db) == before
    assert run("ingest", big, "--db", db, *CFG).exit_code == 0


def test_an_injected_write_error_rolls_the_batch_back(
        tmp_path: Path, store_fault: Callable[[str, Callable[[], None]], None]) -> None:
    db = tmp_path / "s.duckdb"
    assert run("ingest", EXAMPLE, "--db", db, *CFG).exit_code == 0
    before = digest(db)
    big = posts_file(tmp_path / "big.csv", 300)
    store_fault("ingest", disk_full)
    result = run("ingest", big, "--db", db, *CFG)
    assert result.exit_code == 1
    assert "could not write to the store: No space left on device" in result.stderr
    assert digest(db) == before


def _read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder
        folder.chmod(0o555)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("root ignores folder permissions and cannot mount a read-only tmpfs here")
    yield folder
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def test_read_only_location(tmp_path: Path) -> None:
    steps = _read_only(tmp_path)
    folder = next(steps)
    db = folder / "s.duckdb"
    try:
        assert run("ingest", EXAMPLE, "--db", db, *CFG).exit_code == 0
        before = digest(db)
        next(steps, None)  # the folder becomes read-only
        new = run("ingest", EXAMPLE, "--db", folder / "new.duckdb", *CFG)
        assert new.exit_code == 1 and not (folder / "new.duckdb").exists()
        assert "cannot create the store's lock file" in new.stderr
        again = run("ingest", posts_file(tmp_path / "x.csv", 20), "--db", db, *CFG)
        assert again.exit_code == 1
        assert "the store's folder must be writable" in again.stderr
        assert digest(db) == before
        assert run("timeline", "--db", db, *CFG).exit_code == 0  # reading still works
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)
