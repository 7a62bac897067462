"""Faults injected into a store write from the test side: a run killed, or a disk full, in
the middle of a batch.

The store promises that a batch is all or nothing. To test that, a fault has to strike
while a write transaction is open. Production code carries no hooks for it: the tests wrap
one step of a batch's writes (a function of :mod:`brandscan.store.ingest`) so that it
pauses or fails just before or after it runs.

- In this process: the ``store_fault`` fixture (tests/conftest.py), with pytest's
  monkeypatch, so the step is restored after the test.
- In a run that must really die (SIGKILL) or hold the lock while another run waits:
  :func:`brandscan_command`, which starts ``python -m tests.faults``; that installs the
  fault in the child and hands over to ``brandscan.cli.main``.
"""

from __future__ import annotations

import errno
import functools
import importlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Where a fault can strike inside the transaction of an ingest batch:
#: (module, step, "before" or "after" the step runs).
POINTS = {
    # known posts already updated, no new post inserted yet
    "ingest-update": ("brandscan.store.ingest", "insert_new", "before"),
    # every post written, the batch not recorded yet
    "ingest": ("brandscan.store.ingest", "insert_new", "after"),
}

Action = Callable[[], None]
Setattr = Callable[[Any, str, Any], None]


def disk_full() -> None:
    """What a write to a full disk raises."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def pause(marker: Path, seconds: float = 60.0) -> Action:
    """Write this PID to ``marker`` (so the test knows the transaction is open), then
    sleep long enough for the test to kill the run or to start a second one."""
    def act() -> None:
        marker.write_text(str(os.getpid()))
        time.sleep(seconds)
    return act


def wrap(step: Callable[..., Any], act: Action, when: str) -> Callable[..., Any]:
    """``step`` with ``act`` run just before or just after it."""
    @functools.wraps(step)
    def faulty(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            act()
        out = step(*args, **kwargs)
        if when == "after":
            act()
        return out
    return faulty


def install(point: str, act: Action, setattr: Setattr = setattr) -> None:
    """Make ``act`` happen at ``point`` (see :data:`POINTS`) in this process."""
    module_name, name, when = POINTS[point]
    module = importlib.import_module(module_name)
    setattr(module, name, wrap(getattr(module, name), act, when))


def brandscan_command(point: str, *, pause_file: Path | None = None) -> list[str]:
    """The argv prefix of a brandscan run that pauses at ``point`` (with ``pause_file``:
    it writes its PID there first) or fails there with a full disk (without)."""
    fault = ["pause", str(pause_file)] if pause_file is not None else ["disk-full"]
    return [sys.executable, "-m", "tests.faults", point, *fault, "--"]


def main(argv: list[str]) -> None:
    """``python -m tests.faults POINT pause FILE -- ARGS`` or ``POINT disk-full -- ARGS``."""
    split = argv.index("--")
    point, kind, *rest = argv[:split]
    install(point, pause(Path(rest[0])) if kind == "pause" else disk_full)
    from brandscan.cli import main as brandscan

    sys.argv = ["brandscan", *argv[split + 1:]]
    brandscan()


if __name__ == "__main__":
    main(sys.argv[1:])
