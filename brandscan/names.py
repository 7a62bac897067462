"""The names inputs are shown under when they are read from a file that is not theirs.

Standard input is read from a private copy (:mod:`brandscan.load.stdin`); every message,
table and stored row names it ``<stdin>``, not the copy. A leaf module: errors and file
helpers both ask it.
"""

from __future__ import annotations

_NAMES: dict[str, str] = {}


def give_name(path: str, name: str) -> None:
    """Show ``path`` as ``name`` (``<stdin>``) in every message and table."""
    _NAMES[path] = name


def forget_name(path: str) -> None:
    _NAMES.pop(path, None)


def name_of(path: str) -> str | None:
    """The name ``path`` is shown under, None for an ordinary file."""
    return _NAMES.get(path)


def shown_where(where: str) -> str:
    """An error's "file" or "file:line" with a named input's name."""
    for path, name in _NAMES.items():
        if where == path or where.startswith(path + ":"):
            return name + where[len(path):]
    return where
