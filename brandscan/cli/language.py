"""The run's language at the command line: set once per command (``--lang``, else the
config's ``lang:``, else the locale), and the error frames that speak it — brandscan's
own errors and Click's option errors, which arrive before the options are parsed."""

from __future__ import annotations

import contextlib
import os
from typing import Any

import click

from brandscan.errors import BrandscanError, ExitStatus


class Failure(click.ClickException):
    """An error line framed in the run's language ("Error: " / "错误：")."""

    exit_code = int(ExitStatus.ERROR)

    def __init__(self, message: str, lang: str):
        super().__init__(message)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        from brandscan.lang import error_prefix

        click.echo(error_prefix(self.lang) + self.format_message(), err=file is None,
                   file=file)


class Usage(click.UsageError):
    """A usage error (exit 2) whose usage line and frame are in the run's language."""

    def __init__(self, message: str, lang: str, ctx: click.Context | None = None):
        super().__init__(message, ctx or click.get_current_context(silent=True))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        from brandscan.lang import EN, error_prefix, usage_frame

        if self.lang == EN or self.ctx is None:
            super().show(file)
            return
        help_names = self.ctx.command.get_help_option_names(self.ctx)
        usage, hint = usage_frame(self.ctx.get_usage(), f"Try '{self.ctx.command_path} "
                                  f"{max(help_names, key=len)}' for help.", self.lang)
        click.echo(f"{usage}\n{hint}\n", err=file is None, file=file)
        click.echo(error_prefix(self.lang) + self.format_message(), err=file is None,
                   file=file)


class LanguageCommand(click.Command):
    """A command whose own option errors (Click's: an unknown option, a bad choice) are
    framed in the language of the run too, read from the arguments before they parse."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given = list(args)  # the parser consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            from brandscan.lang import EN, click_message

            code = _early_language(self, given)
            if code == EN:
                raise
            raise Usage(click_message(exc.format_message(), code), code,
                         exc.ctx or ctx) from None


def _early_language(command: click.Command, args: list[str]) -> str:
    """The run's language before its options are parsed: --lang (or its environment
    variable) among ``args``, else the config's (--config among ``args``, else the
    default one), else the locale."""
    from brandscan.config import load_config
    from brandscan.lang import check, from_locale

    def given(names: tuple[str, ...]) -> str | None:
        for i, arg in enumerate(args):
            for name in names:
                if arg == name and i + 1 < len(args):
                    return args[i + 1]
                if arg.startswith(name + "="):
                    return arg.split("=", 1)[1]
        return None

    param = next((p for p in command.params if p.name == "lang"), None)
    if param is not None:
        envvars = param.envvar if isinstance(param.envvar, list) else [param.envvar]
        value = given(("--lang",)) or next(
            (os.environ[v] for v in envvars if v and os.environ.get(v)), None)
        if value:
            with contextlib.suppress(ValueError):
                return check(value)
    with contextlib.suppress(Exception):  # the command reports a broken config itself
        configured = load_config(given(("--config",))).lang
        if configured:
            return configured
    return from_locale()


def set_run_language(kw: dict[str, Any]) -> Any:
    """The run's language: --lang (or its environment variable), else the config's
    ``lang:``, else the locale. A config that cannot be read leaves it to the locale:
    the command itself reports the config's problem."""
    from brandscan.lang import resolve, set_language

    option = kw.get("lang")
    config_lang = None
    if not option:
        from brandscan.config import load_config

        with contextlib.suppress(BrandscanError):
            config_lang = load_config(kw.get("config_path")).lang
    return set_language(resolve(option, config_lang))
