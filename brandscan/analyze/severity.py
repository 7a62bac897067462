"""Alert severities, in rising order.

A module of its own, with no imports, so the command line can offer them as choices
(``alerts --min-severity``) without loading pandas for ``--help``.
"""

from __future__ import annotations

SEVERITIES = ("watch", "spike", "crisis")


def severity_rank(severity: str) -> int:
    """0 for watch, 1 for spike, 2 for crisis."""
    return SEVERITIES.index(severity)
