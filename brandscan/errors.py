"""The one error type brandscan raises for problems a user can fix.

The CLI turns a :class:`BrandscanError` into a single line on stderr and exit
status 1; anything else escaping the library is a bug and keeps its traceback.
"""

from __future__ import annotations

from enum import IntEnum

from brandscan.names import shown_where


class ExitStatus(IntEnum):
    """Exit codes are a contract with cron jobs and scripts."""

    OK = 0
    ERROR = 1  # bad data, bad config, runtime failure: one clear line on stderr
    USAGE = 2  # Click's own code for wrong options
    ALERT = 3  # an alert fired and --fail-on-alert was given


class BrandscanError(Exception):
    """A problem in the user's input, config or environment.

    ``where`` is the file (and line) the problem is in, ``hint`` what to do about it;
    both are folded into the one-line message.
    """

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.format())

    def format(self, lang: str | None = None) -> str:
        """The one line a user reads, in ``lang`` (default: the run's language, set by the
        command line; English for a library caller, whatever the locale). Standard input
        is read from a private copy: it is named <stdin>, not that."""
        from brandscan.lang import error_text, run_language

        where = shown_where(self.where) if self.where else self.where
        return error_text(self.message, where=where, hint=self.hint,
                          lang=lang or run_language())


class UsageError(BrandscanError):
    """Options that do not go together (``--bom`` with ``--format json``).

    The CLI shows the command's usage with the message and exits with status 2, as for
    any other wrong option.
    """


def shorten(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a one-line message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
