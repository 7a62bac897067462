"""Files replaced atomically: a run that fails half way leaves yesterday's file as it was.

Written to a temp file in the same folder, fsynced, then renamed over the target — only
after the whole content was produced. Reports, models and exports all go through here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

from brandscan.errors import BrandscanError
from brandscan.names import name_of


def user_cache_dir() -> Path:
    """Where brandscan keeps what it can rebuild (model tables, jieba's dictionary cache):
    ``$BRANDSCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/brandscan``, else
    ``~/.cache/brandscan``."""
    env = os.environ.get("BRANDSCAN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "brandscan"


def private_cache_dir() -> Path:
    """:func:`user_cache_dir`, created if need be; when it cannot be written, a new
    private temporary folder (0700) — never a folder other users can write to."""
    folder = user_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="brandscan-cache-"))


def shown(path: str | os.PathLike[str]) -> str:
    """A file name fit to print and store: names that are not UTF-8 (GBK names from a
    Windows zip arrive as lone surrogates) are decoded as GB18030, else with "?" for the
    bytes that are neither; standard input as ``<stdin>``. The file itself is still
    opened by its own name."""
    name = os.fspath(path)
    if (given := name_of(name)) is not None:
        return given
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def check_output(path: str | os.PathLike[str],
                 protected: Sequence[tuple[str, str | os.PathLike[str]]] = ()) -> None:
    """Refuse an output path that would destroy something: a special file (FIFO, device,
    socket), a symlink or a hard-linked file (replacing it would swap the link for a new
    file), or one of ``protected`` — (what, path) pairs such as the inputs, the config and
    the store."""
    target = Path(path)
    try:
        st = target.lstat()
    except OSError:
        return  # a new file
    if stat.S_ISLNK(st.st_mode):
        raise BrandscanError("is a symbolic link; brandscan replaces output files, which "
                             "would replace the link", where=str(path),
                             hint="write to the file it points to, or to a new file")
    if not stat.S_ISREG(st.st_mode):
        raise BrandscanError("is not a regular file (a device, FIFO or socket)",
                             where=str(path),
                             hint="write to a regular file, or leave out -o for stdout")
    if st.st_nlink > 1:
        raise BrandscanError("has other hard links; replacing it would leave them on the "
                             "old content", where=str(path), hint="write to a new file")
    for what, other in protected:
        try:
            if os.path.samefile(target, other):
                raise BrandscanError(f"is the {what}; writing there would destroy it",
                                     where=str(path), hint="write to another file")
        except OSError:
            continue


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, or leave it untouched on failure (a
    path that is not a regular file is refused: :func:`check_output`)."""
    check_output(path)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise BrandscanError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); a report replaces yesterday's with the
        # same permissions, or gets the ones any new file would (0666 less the umask).
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BrandscanError(f"cannot write: {exc.strerror or exc}", where=str(path)) from None


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
