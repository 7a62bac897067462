"""What a command asks for, typed and frozen, built once from its options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from brandscan.errors import BrandscanError, UsageError

if TYPE_CHECKING:
    from brandscan.config import Config
    from brandscan.load.posts import LoadOptions

COLUMN_OPTIONS = ("text", "time", "id", "author", "author_id", "followers", "reposts",
                  "comments", "likes", "url", "platform")


@dataclass(frozen=True)
class Request:
    """The input, the selection and the engine of one analysis command.

    ``store`` is whether the store is read (``--db`` given, or no FILE with a command
    that can read it); ``db`` its path (None: ``$BRANDSCAN_DB`` or the default).
    """

    files: tuple[str, ...] = ()
    config_path: str | None = None
    tz: str | None = None
    now_text: str | None = None
    kind: str = "all"
    keep_chain: bool = False
    date_text: str | None = None
    users: tuple[str, ...] = ()
    strict: bool = False
    columns: tuple[tuple[str, str], ...] = ()
    brands: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    jobs: int | None = None
    model: str | None = None
    genres: tuple[str, ...] = ()
    own_mentions: bool = False
    db: str | None = None
    store: bool = False
    lock_timeout: float = 30.0
    engine: str = "auto"
    scheduler: str | None = None
    chunk_rows: int | None = None
    parquet_dir: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> Request:
        """From a command's Click parameters (options it does not have keep defaults)."""
        has_db = "db" in params
        files = tuple(params.get("files") or ())
        columns = tuple((name, params[f"col_{name}"]) for name in COLUMN_OPTIONS
                        if params.get(f"col_{name}"))
        return cls(
            files=files, config_path=params.get("config_path"), tz=params.get("tz"),
            now_text=params.get("now_text"), kind=params.get("kind") or "all",
            keep_chain=bool(params.get("keep_chain")), date_text=params.get("date_text"),
            users=tuple(params.get("users") or ()), strict=bool(params.get("strict")),
            columns=columns, brands=tuple(params.get("brands") or ()),
            since=params.get("since"), until=params.get("until"), jobs=params.get("jobs"),
            model=params.get("model"), genres=tuple(params.get("genres") or ()),
            own_mentions=bool(params.get("own_mentions")), db=params.get("db"),
            store=has_db and (bool(params.get("db")) or not files),
            lock_timeout=float(params.get("lock_timeout", 30.0)),
            engine=params.get("engine") or "auto", scheduler=params.get("scheduler"),
            chunk_rows=params.get("chunk_rows"), parquet_dir=params.get("parquet_dir"),
        )

    def with_brands(self, brands: tuple[str, ...]) -> Request:
        return replace(self, brands=brands)

    def job_count(self) -> int:
        from brandscan.parallel import default_jobs

        return int(self.jobs or default_jobs())

    def expanded_files(self) -> list[str]:
        """Globs are expanded here too, for shells (and cron lines) that pass them quoted."""
        import glob

        out: list[str] = []
        for f in self.files:
            hits = sorted(glob.glob(f)) if any(ch in f for ch in "*?[") else []
            out.extend(hits or [f])
        return out


def resolve_config(request: Request) -> Config:
    """The config file with --tz, --model, --genre and --own-mentions applied on top.

    ``timezone`` of the result is the zone times are shown in (--tz, else the config's);
    naive times in files are read in the config's own zone (see :func:`settings`).
    """
    return _resolve(request)[0]


def _resolve(request: Request) -> tuple[Config, str]:
    from zoneinfo import ZoneInfo

    from brandscan.config import load_config

    config = load_config(request.config_path)
    data_zone = config.timezone
    if request.tz:
        try:
            ZoneInfo(request.tz)
        except Exception:
            raise BrandscanError(f"unknown timezone '{request.tz}'",
                                 hint="use an IANA name such as Asia/Shanghai") from None
        config = replace(config, timezone=request.tz)
    if request.model:
        # --model wins over sentiment.model: set here, every consumer of the config (the
        # scorer, the report's "model" line, the store's rescoring check) sees the same.
        config = replace(config, sentiment=replace(config.sentiment, model=request.model))
    if request.genres:
        from brandscan.config import parse_genres

        try:
            genres = parse_genres(request.genres)
        except BrandscanError as exc:
            raise UsageError(exc.message, hint=exc.hint) from None
        config = replace(config, sentiment=replace(config.sentiment, genres=genres))
    if request.own_mentions:
        config = replace(config, own_mentions=True)
    return config, data_zone


@dataclass(frozen=True)
class Settings:
    """How the files are to be read: the config, the load options, and the times."""

    config: Config
    options: LoadOptions
    now: datetime | None  # --now
    clock: datetime  # the time the run started, in the config's timezone

    @property
    def moment(self) -> datetime:
        """``--now``, else the clock: what ``--since 24h`` counts back from."""
        return self.now or self.clock


def settings(request: Request, *, check_model: bool = True) -> Settings:
    """(config, LoadOptions, --now, the clock) of a request."""
    from brandscan.load.posts import LoadOptions
    from brandscan.window import parse_moment

    config, data_zone = _resolve(request)
    if check_model and config.sentiment.model:
        # A missing or damaged model file fails now, not after minutes of reading posts
        # (the scorer is cached, so scoring does not load it again).
        from brandscan.text.sentiment import get_scorer

        get_scorer(config.sentiment.model)
    tz = config.tz
    clock = datetime.now(tz)
    now = (parse_moment(request.now_text, tz=tz, now=clock, option="--now")
           if request.now_text else None)
    day = None
    if request.date_text:
        day = parse_moment(request.date_text, tz=tz, now=clock, option="--date").date()
    columns = dict(config.columns)
    columns.update(dict(request.columns))
    # Times typed on the command line (--now, --date, like --since/--until) are read in
    # --tz; naive times in the files in the config's zone, then shown in --tz.
    opts = LoadOptions(tz=config.timezone, file_tz=data_zone, columns=columns, now=now,
                       kind=request.kind, keep_chain=request.keep_chain, date=day,
                       users=request.users)
    return Settings(config, opts, now, clock)


def check_brands(config: Config, brands: tuple[str, ...]) -> None:
    known = {b.name for b in config.brands}
    for name in brands:
        if name not in known:
            where = str(config.source) if config.source else "no config file"
            raise BrandscanError(
                f"--brand {name}: not a configured brand ({where})",
                hint=f"configured: {', '.join(sorted(known)) or 'none'}; add it under brands:")
