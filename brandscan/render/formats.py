"""The one registry of output formats: what each kind of output can be written as, and how.

A command's output is one of a few kinds: a plain table (any DataFrame), the report, the
alert list, a model evaluation, or the store's export. Each kind lists its formats, and
each format says how it is rendered, whether its bytes are binary (xlsx, parquet: never
onto a terminal), whether it is drawn on the terminal (table: never into a file), and
which spreadsheet options apply: the formula guard (``--raw`` turns it off) for what
ends in a spreadsheet, ``--bom``/``--encoding`` for CSV/TSV bytes.

:func:`choose_format` decides the format of a run (``--format``, else the extension of
``-o FILE`` through :data:`SUFFIXES`, else a table on a terminal and the kind's default
elsewhere) and :func:`write` renders the output and sends it to stdout or the file.

One rule for output files: a known extension of ``-o`` names its format, whatever the
case (``.CSV``), aliases included (``.ndjson``, ``.htm``, ``.markdown``); an extension
the command cannot write, an extension no format has, or one that contradicts
``--format`` is a :class:`~brandscan.errors.UsageError` — never a file whose name lies
about its bytes. A name without an extension (``-o report``, ``-o -`` for stdout, or
``2026.11.05``, whose "extension" is a number) takes ``--format``, else the kind's
default; an unknown extension is accepted only with ``--format`` (``-o c.txt --format
csv``: the user said so). None
of this knows about Click: the command line passes the facts of the run in a
:class:`Target` and turns :class:`~brandscan.errors.UsageError` into its usage message.

Importing this module is cheap (renderers import pandas, rich and XlsxWriter when they
run), so the command line builds its options from it without slowing ``--help``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brandscan.errors import BrandscanError, UsageError
from brandscan.lang import Language

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from brandscan.analyze.evaluate import Evaluation
    from brandscan.analyze.report import Report

#: The format each extension of ``-o FILE`` names (compared in lower case). The first
#: extension of a format is the one error messages suggest.
SUFFIXES: Mapping[str, str] = {
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".md": "markdown", ".markdown": "markdown", ".xlsx": "xlsx", ".html": "html",
    ".htm": "html", ".parquet": "parquet",
}

#: What counts as an extension: a dot, a letter, then letters or digits. ``2026.11.05``
#: or ``v1.2`` have none (they take ``--format`` or the default).
_SUFFIX = re.compile(r"\.[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class SpreadsheetOptions:
    """How CSV/TSV/XLSX output is made for spreadsheet programs.

    ``raw`` keeps text exactly as read (no ``'`` prefix, control characters kept in
    CSV); ``bom`` and ``encoding`` only concern CSV/TSV bytes.
    """

    raw: bool = False
    bom: bool = False
    encoding: str = "utf-8"

    @property
    def csv_bytes(self) -> bool:
        """``--bom`` or ``--encoding`` was asked for: the output must be CSV or TSV."""
        return self.bom or self.encoding != "utf-8"


@dataclass(frozen=True)
class Target:
    """Where output goes and the facts of the run a renderer needs.

    ``path`` is ``-o FILE`` (None for stdout; ``-`` is stdout too, but counts as a file
    given: it never gets a table). ``console`` builds the terminal's console, only when
    a table is drawn; ``sheet`` names the sheet of a one-table workbook (the command's);
    ``language`` is the run's (:mod:`brandscan.lang`).
    """

    path: str | None
    stdout_tty: bool
    console: Callable[[], Console]
    options: SpreadsheetOptions = SpreadsheetOptions()
    sheet: str | None = None
    #: The run's language: human formats follow ``language.code``; machine formats'
    #: column names ``language.machine`` (English unless --lang was given).
    language: Language = field(default_factory=Language)


@dataclass(frozen=True)
class Table:
    """A plain table to write, titled on the terminal.

    ``view`` names its terminal view (:data:`brandscan.render.views.VIEWS`): the columns
    a terminal shows first; None shows every column that fits. Files get every column.
    """

    frame: pd.DataFrame
    title: str | None = None
    view: str | None = None


@dataclass(frozen=True)
class ReportOutput:
    """A report and what its renderers need besides it.

    ``posts`` are the scored posts (complaint examples are looked up in them); a streamed
    run has only the posts behind the examples, so ``every_post`` is False and the
    workbook gets no posts sheet (its input may be millions of rows).
    """

    report: Report
    posts: pd.DataFrame | None
    timezone: str
    generated: datetime
    every_post: bool = True


#: ``payload, target -> output``: text or bytes to send, or None when it drew on the console.
Renderer = Callable[[Any, Target], "str | bytes | None"]


@dataclass(frozen=True)
class Format:
    """One output format of one kind of output."""

    name: str
    #: None: the command writes the file itself (the store's export, through DuckDB).
    render: Renderer | None = None
    #: Bytes no terminal can show (xlsx, parquet): refused when stdout is one.
    binary: bool = False
    #: Drawn on the terminal (the rich table): refused with ``-o``.
    terminal: bool = False
    #: Ends in a spreadsheet: text cells get the formula guard unless ``--raw``.
    spreadsheet: bool = False
    #: CSV/TSV text, whose bytes ``--bom`` and ``--encoding`` shape.
    encodable: bool = False


@dataclass(frozen=True)
class OutputKind:
    """The formats one kind of output can be written in (``--format``'s choices, in order)."""

    name: str
    formats: Mapping[str, Format]
    #: The format off a terminal when neither ``--format`` nor ``-o``'s extension says.
    default: str
    #: The formats suggested when a table is asked for with ``-o`` (default: all but table).
    file_formats: tuple[str, ...] = ()
    #: Formats that win over ``--bom``/``--encoding`` and ignore them. Only the alert list
    #: has them: its terminal page and Markdown digest were always chosen that way.
    ignore_csv_options: tuple[str, ...] = ()
    #: ``-o -`` writes to stdout. The store's export cannot: DuckDB writes the file.
    stdout: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.formats)

    @property
    def terminal(self) -> str | None:
        """The format drawn on a terminal (the default there), if the kind has one."""
        return next((n for n, f in self.formats.items() if f.terminal), None)

    @property
    def takes_raw(self) -> bool:
        """Some format ends in a spreadsheet: the command has ``--raw``."""
        return any(f.spreadsheet for f in self.formats.values())

    @property
    def takes_csv_bytes(self) -> bool:
        """Some format is CSV/TSV text: the command has ``--bom`` and ``--encoding``."""
        return any(f.encodable for f in self.formats.values())

    def suggested(self) -> tuple[str, ...]:
        return self.file_formats or tuple(n for n, f in self.formats.items() if not f.terminal)

    @property
    def writable(self) -> tuple[str, ...]:
        """Every format that can go into a file (all but the terminal's table)."""
        return tuple(n for n, f in self.formats.items() if not f.terminal)

    def describe(self) -> str:
        """The file formats with their extensions: ``csv (.csv), json (.json) or …``."""
        return _either(tuple(f"{n} ({extension(n)})" for n in self.writable))


# --- deciding -----------------------------------------------------------------------------

def suffix_of(path: str) -> str | None:
    """``path``'s extension in lower case, or None when it has none (``report``, ``-``,
    ``2026.11.05``)."""
    if path == "-":
        return None
    suffix = Path(path).suffix
    return suffix.lower() if _SUFFIX.fullmatch(suffix) else None


def extension(fmt: str) -> str:
    """The usual extension of ``fmt`` (``.md`` for markdown)."""
    return next((s for s, f in SUFFIXES.items() if f == fmt), f".{fmt}")


def format_of_path(path: str, kind: OutputKind, *, fmt: str | None = None,
                   command: str | None = None) -> str | None:
    """The format ``path``'s extension names, or None when it has no extension.

    Raises :class:`UsageError` when the extension names a format ``kind`` cannot write,
    names no format at all (unless ``fmt``, ``--format``, says what to write), or
    contradicts ``fmt``. ``command`` names the command in the message.
    """
    suffix = suffix_of(path)
    if suffix is None:
        return None
    named = SUFFIXES.get(suffix)
    who = command or "this command"
    if named is None:
        if fmt:
            return None  # -o notes.txt --format markdown: the user said what to write
        raise UsageError(f"-o {path}: {suffix} names no format; {who} writes "
                         f"{kind.describe()}",
                         hint=f"e.g. -o {Path(path).stem}{extension(kind.default)}, "
                              "or give --format")
    if named not in kind.formats:
        raise UsageError(f"-o {path}: {who} cannot write {named}; it writes "
                         f"{kind.describe()}")
    if fmt and fmt != named:
        raise UsageError(f"-o {path} is {named} but --format is {fmt}",
                         hint=f"name the file {extension(fmt)}, or drop --format")
    return named


def choose_format(kind: OutputKind, fmt: str | None, path: str | None, *, stdout_tty: bool,
                  options: SpreadsheetOptions | None = None,
                  command: str | None = None) -> str:
    """The format asked for, else the one ``path``'s extension names, else table/default.

    ``-o``'s extension and ``--format`` must agree (:func:`format_of_path`); a terminal
    table is never written to ``-o``. ``--bom`` and ``--encoding`` only make sense for
    CSV/TSV: given alone on a terminal they mean CSV, given with another format they are
    a :class:`UsageError`.
    """
    csv_bytes = options is not None and options.csv_bytes
    if path == "-" and not kind.stdout:
        raise UsageError(f"-o -: {command or 'this command'} writes a file, not stdout",
                         hint=f"give -o FILE, as {kind.describe()}")
    if path and fmt:
        _refuse_table_file(kind, fmt, path)
    named = format_of_path(path, kind, fmt=fmt, command=command) if path else None
    fmt = fmt or named
    if not fmt:
        terminal = kind.terminal if stdout_tty and not path else None
        if csv_bytes and "csv" in kind.formats and terminal not in kind.ignore_csv_options:
            fmt = "csv"
        else:
            fmt = terminal or kind.default
    if csv_bytes and not kind.formats[fmt].encodable and fmt not in kind.ignore_csv_options:
        encodable = " and ".join(n for n, f in kind.formats.items() if f.encodable)
        raise UsageError(f"--bom and --encoding are for {encodable}, not {fmt}",
                         hint=f"leave them out, or write {encodable.replace(' and ', ' or ')}")
    return fmt


def check_target(kind: OutputKind, fmt: str, target: Target) -> None:
    """Refuse a table for a file and binary bytes for a terminal (before any work is done)."""
    if target.path:
        _refuse_table_file(kind, fmt, target.path)
    if kind.formats[fmt].binary:
        refuse_terminal(fmt, target)


def _refuse_table_file(kind: OutputKind, fmt: str, path: str) -> None:
    """A table drawn for the terminal is never written to ``-o``."""
    if kind.formats[fmt].terminal:
        raise UsageError(f"--format {fmt} is for the terminal, not -o {path}",
                         hint=f"use {_either(kind.suggested())} with -o")


def refuse_terminal(fmt: str, target: Target) -> None:
    """Binary output goes to ``-o`` or a pipe, never onto a terminal."""
    if not target.path and target.stdout_tty:
        raise BrandscanError(f"--format {fmt} writes a binary file",
                             hint=f"give -o FILE.{fmt}, or redirect stdout to a file")


def _either(names: tuple[str, ...]) -> str:
    return f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else "".join(names)


# --- writing ------------------------------------------------------------------------------

def write(kind: OutputKind, fmt: str, payload: Any, target: Target) -> None:
    """Render ``payload`` as ``fmt`` and send it to the terminal, stdout or the file.

    A table refuses a file before it is drawn; binary bytes refuse a terminal once they
    are made, so a workbook too big for Excel says that first. Files are replaced
    atomically (:func:`brandscan.render.output.emit`).
    """
    from brandscan.render.output import emit

    spec = kind.formats[fmt]
    if spec.render is None:
        raise ValueError(f"{kind.name} output in {fmt} is written by its command")
    if spec.terminal:
        check_target(kind, fmt, target)
    data = spec.render(payload, target)
    if data is None:
        return
    if spec.binary:
        refuse_terminal(fmt, target)
    emit(data, target.path)


# --- renderers ------------------------------------------------------------------------------

def _frame_table(table: Table, target: Target) -> None:
    """Headers, coded values, title and captions in the run's language."""
    from brandscan import lang
    from brandscan.render.table import frame_table

    code = target.language.code
    target.console().print(frame_table(lang.frame_values(table.frame, code),
                                       title=lang.title(table.title, code), view=table.view,
                                       lang=code))


def _frame_text(fmt: str) -> Renderer:
    """JSON, JSON lines, Markdown: the frame as it is (no spreadsheet opens them).

    JSON keys are a contract: English unless --lang zh was given. Markdown is read by
    people: its headers and coded values (negative, opinion…) follow the language.
    """
    def render(table: Table, target: Target) -> str:
        from brandscan import lang
        from brandscan.render.tabular import render_frame

        if fmt == "markdown":
            frame = lang.for_people(table.frame, target.language.code)
        else:
            frame = lang.frame_headers(table.frame, target.language.machine)
        return render_frame(frame, fmt)

    return render


def _frame_delimited(fmt: str) -> Renderer:
    """CSV/TSV for spreadsheets: formula guard unless --raw, then --bom/--encoding; the
    column names stay English for scripts unless --lang zh was given."""
    def render(table: Table, target: Target) -> bytes:
        from brandscan import lang
        from brandscan.render.spreadsheet import encode_text, safe_frame
        from brandscan.render.tabular import render_frame

        opts = target.options
        frame = lang.frame_headers(table.frame, target.language.machine)
        text = render_frame(safe_frame(frame, raw=opts.raw), fmt)
        return encode_text(text, encoding=opts.encoding, bom=opts.bom)

    return render


def _frame_xlsx(table: Table, target: Target) -> bytes:
    """One sheet, named after the command; headers and coded values in the language."""
    from brandscan.render.xlsx import frame_workbook

    return frame_workbook(table.frame, sheet=target.sheet or table.title or "data",
                          raw=target.options.raw, lang=target.language.code)


def _frame_formats(**own: Renderer) -> dict[str, Format]:
    """The formats of a plain table, with some renderers replaced by ``own``."""
    specs = [
        Format("table", _frame_table, terminal=True),
        Format("csv", _frame_delimited("csv"), spreadsheet=True, encodable=True),
        Format("tsv", _frame_delimited("tsv"), spreadsheet=True, encodable=True),
        Format("json", _frame_text("json")),
        Format("jsonl", _frame_text("jsonl")),
        Format("markdown", _frame_text("markdown")),
        Format("xlsx", _frame_xlsx, binary=True, spreadsheet=True),
    ]
    return {f.name: replace(f, render=own.get(f.name, f.render)) for f in specs}


def _alerts_table(table: Table, target: Target) -> None:
    from brandscan.lang import data_note, text
    from brandscan.render import alerts

    console = target.console()
    code = target.language.code
    alerts.to_rich(table.frame, console, lang=code)
    for note in table.frame.attrs.get("notes") or []:
        console.print(f"{text('note_label', code)} {data_note(note, code)}", style="dim",
                      markup=False)


def _alerts_markdown(table: Table, target: Target) -> str:
    """The digest a cron mail or group chat gets: a summary line, then each alert."""
    from brandscan.lang import data_note, text
    from brandscan.render import alerts

    found = table.frame
    notes = found.attrs.get("notes") or []
    lang = target.language.code
    return (f"{text('alerts_title', lang)}\n\n"
            f"**{alerts.escape(alerts.summary(found, lang=lang))}**\n\n"
            + alerts.to_markdown(found, lang=lang)
            + (f"\n## {text('data_notes', lang)}\n\n"
               + "".join(f"- {alerts.escape(data_note(n, lang))}\n" for n in notes)
               if notes else ""))


def _evaluation_json(result: Evaluation, target: Target) -> str:
    """One object, with the data and the model it was measured on."""
    import json

    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


def _evaluation_as(spec: Format) -> Renderer:
    """The figures as a table in ``spec``'s format, titled with the model and accuracy."""
    render_table = spec.render
    assert render_table is not None

    def render(result: Evaluation, target: Target) -> str | bytes | None:
        from brandscan.analyze.evaluate import class_report

        # 33 columns do not fit a terminal: a classification report (a row per class,
        # the confusion row beside it) does; files keep every figure.
        frame = (class_report(result) if result.three_class and spec.terminal
                 else result.frame())
        if spec.terminal and "model" in frame:  # the title names the model already
            frame = frame.drop(columns="model")
        if result.three_class:
            m = result.overall
            binary = (f"; binary accuracy {m['binary']['accuracy']:.3f} on the "
                      f"{m['binary']['n']:,} not labelled neutral" if m["binary"] else "")
            title = (f"{result.model}: three-class accuracy {m['accuracy']:.3f}, macro-F1 "
                     f"{m['macro_f1']:.3f} on {m['n']:,} texts{binary}")
        else:
            title = (f"{result.model}: accuracy {result.overall['accuracy']:.3f} on "
                     f"{result.overall['n']:,} texts")
        view = "evaluation-classes" if result.three_class else "evaluation"
        return render_table(Table(frame, title, view=view if spec.terminal else None), target)

    return render


def _report_table(out: ReportOutput, target: Target) -> None:
    from brandscan.render.report import to_rich

    to_rich(out.report, target.console(), lang=target.language.code)


def _report_markdown(out: ReportOutput, target: Target) -> str:
    from brandscan.render.report import to_markdown

    return to_markdown(out.report, posts=out.posts, lang=target.language.code)


def _report_json(out: ReportOutput, target: Target) -> str:
    from brandscan.render.report import to_json

    return to_json(out.report, lang=target.language.machine)


def _report_xlsx(out: ReportOutput, target: Target) -> bytes:
    from brandscan.render.xlsx import report_workbook

    return report_workbook(out.report, posts=out.posts if out.every_post else None,
                           raw=target.options.raw, timezone=out.timezone,
                           generated=out.generated, lang=target.language.code)


def _report_html(out: ReportOutput, target: Target) -> str:
    from brandscan.render.html import to_html

    return to_html(out.report, posts=out.posts, generated=out.generated,
                   timezone=out.timezone, lang=target.language.code)


#: Any DataFrame: timeline, complaints, posts, inspect, influencers, sov.
FRAME = OutputKind("frame", _frame_formats(), default="csv")

#: The report: a terminal page, a Markdown digest, JSON, a workbook, an HTML page.
REPORT = OutputKind("report", {
    "table": Format("table", _report_table, terminal=True),
    "markdown": Format("markdown", _report_markdown),
    "json": Format("json", _report_json),
    "xlsx": Format("xlsx", _report_xlsx, binary=True, spreadsheet=True),
    "html": Format("html", _report_html),
}, default="markdown")

#: The alert list: pages for people on a terminal and in Markdown, else a plain table.
ALERTS = OutputKind("alerts", _frame_formats(table=_alerts_table, markdown=_alerts_markdown),
                    default="csv", file_formats=("csv", "tsv", "json", "jsonl", "markdown"),
                    ignore_csv_options=("table", "markdown"))

#: ``evaluate``: the figures as a table per group, or one JSON object.
EVALUATION = OutputKind("evaluation", {
    name: replace(f, render=_evaluation_json if name == "json" else _evaluation_as(f))
    for name, f in FRAME.formats.items()}, default="csv")

#: ``db export``: the stored posts, written by the store itself (DuckDB streams the rows).
EXPORT = OutputKind("export", {
    "parquet": Format("parquet", binary=True),
    "csv": Format("csv"),  # every column as stored: no formula guard, UTF-8
}, default="parquet", stdout=False)

KINDS = (FRAME, REPORT, ALERTS, EVALUATION, EXPORT)
