"""Configuration: YAML file + defaults -> a typed, validated :class:`Config`.

Lookup order for the file: ``--config FILE``, ``$BRANDSCAN_CONFIG``, ``./brandscan.yaml``,
the XDG config dir (``~/.config/brandscan/config.yaml``); no file means defaults.
Unknown keys are an error naming the key and its line, because a typo such as
``exlude:`` would otherwise silently let excluded posts through.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from brandscan.errors import BrandscanError, shorten
from brandscan.schema import GENRES, VOICE_GENRES

#: Canonical fields a column mapping may name (see ``brandscan.schema``).
MAPPABLE_FIELDS = (
    "text", "time", "id", "author", "author_id", "followers", "reposts", "comments",
    "likes", "url", "platform", "kind", "parent_id", "verified",
)

#: Built-in complaint categories: what negative posts about a consumer brand are about.
DEFAULT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "质量": ("质量", "烂了", "烂掉", "腐烂", "烂果", "坏了", "坏果", "发霉", "霉变", "长毛", "变质",
            "不新鲜", "次品", "劣质", "破损", "故障", "异味", "发臭", "过期", "假货", "瑕疵",
            "掉色", "开裂", "质量差", "异响", "失灵", "死机", "黑屏", "闪退", "卡顿", "漏水",
            "漏油"),
    "物流/配送": ("物流", "快递", "配送", "发货", "送货", "延迟", "太慢", "很慢", "丢件", "运输",
               "没收到", "漏发", "错发", "迟迟"),
    "客服": ("客服", "不回复", "不回", "不理", "联系不上", "失联", "推脱", "踢皮球", "投诉", "售后",
           "没人回", "已读不回", "机器人客服"),
    "退款/退货": ("退款", "退货", "退钱", "不给退", "拒绝退款", "换货", "赔偿", "包赔", "理赔",
              "仅退款", "退换", "拒退"),
    "价格": ("价格", "太贵", "好贵", "很贵", "涨价", "坑钱", "溢价", "割韭菜", "不值", "乱收费",
           "差价"),
    "虚假宣传": ("虚假", "虚假宣传", "骗人", "欺骗", "忽悠", "货不对板", "夸大", "图片仅供参考",
             "假的", "套路", "欺诈", "骗子"),
    "安全/过敏": ("过敏", "安全", "中毒", "拉肚子", "腹泻", "致癌", "超标", "红肿", "受伤", "隐患",
              "食品安全", "不安全", "自燃", "起火", "着火", "爆炸", "冒烟", "失控", "断轴"),
    "态度/歧视": ("态度", "态度差", "傲慢", "歧视", "辱骂", "敷衍", "冷漠", "甩锅", "不尊重",
              "删帖", "删评", "嚣张"),
}


@dataclass(frozen=True)
class Brand:
    """A brand to watch: any alias in a post counts as a mention.

    ``exclude`` phrases are masked out of the text before matching, so a post saying
    only 小米米米 is no mention of 小米, while "小米米米 and my 小米 phone" still is.
    """

    name: str
    aliases: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    official_accounts: tuple[str, ...] = ()
    query: str | None = None

    @property
    def terms(self) -> tuple[str, ...]:
        """The name and all aliases, longest first so longer aliases win."""
        return tuple(sorted({self.name, *self.aliases}, key=len, reverse=True))


@dataclass(frozen=True)
class SentimentConfig:
    """Scores below ``negative_below`` are negative, at or above ``positive_from`` positive;
    None takes the thresholds fitted into the model (0.4/0.6 for snownlp's)."""

    negative_below: float | None = None
    positive_from: float | None = None
    model: str | None = None
    #: A neutral post holding a complaint term is labelled negative when its score is
    #: within this much of ``negative_below`` (0 turns the rule off); None: 0.1 for
    #: three-class models, whose neutral class already holds much of their doubt, 0.2
    #: for snownlp's and other binary models.
    complaint_shift: float | None = None
    #: The genres whose posts carry the sentiment mix, complaints and negative posts.
    genres: tuple[str, ...] = VOICE_GENRES


@dataclass(frozen=True)
class VolumeRule:
    """Hourly unique mentions against a robust seasonal baseline (see ``analyze.alerts``)."""

    baseline_days: int = 7  # baseline: median of the same hour over the last <= N days
    min_baseline_days: int = 2  # fewer same-hour days: median of the trailing fallback_hours
    fallback_hours: int = 24
    weeks: int = 4  # also the same hour of the week over <= N weeks (0: no weekly check)
    spread_hours: int = 72  # spread: 1.4826 * MAD of residuals over these hours
    z_watch: float = 4.0
    z_spike: float = 6.0
    min_ratio: float = 2.0  # count >= min_ratio * baseline ...
    min_excess: float = 10.0  # ... and >= baseline + min_excess ...
    min_count: int = 10  # ... and >= min_count, so 0 -> 3 posts never alarms
    crisis_negative_rise: float = 0.2  # spike + negative share up this much = crisis


@dataclass(frozen=True)
class NegativeRule:
    """An hour's negative share (Wilson lower bound) against the trailing days' share."""

    rise: float = 0.2
    min_posts: int = 20
    days: int = 7
    confidence_z: float = 1.96


@dataclass(frozen=True)
class InfluenceRule:
    """A negative post that matters even while volume is still tiny."""

    followers: int = 1_000_000
    verified: tuple[str, ...] = ("金V", "红V")
    reposts: int = 1000


@dataclass(frozen=True)
class TruncationRule:
    """Search exports that hit their page cap bunch an hour's posts at its last minutes."""

    from_minute: int = 58
    share: float = 0.5
    min_posts: int = 10


@dataclass(frozen=True)
class AlertConfig:
    """Everything the crisis radar decides with; the ``alerts:`` section of the config."""

    volume: VolumeRule = field(default_factory=VolumeRule)
    negative: NegativeRule = field(default_factory=NegativeRule)
    influential: InfluenceRule = field(default_factory=InfluenceRule)
    truncated: TruncationRule = field(default_factory=TruncationRule)
    cooldown_hours: int = 3  # an alert ends after this many hours without its condition
    refire_factor: float = 2.0  # while it lasts, it fires again only when the count doubles
    min_history_hours: int = 24  # volume/negative baselines need this much data first
    response_target_hours: float = 24.0  # how fast the brand should answer a negative spike
    dominant_share: float = 0.4  # one post with this share of a spike's engagement drove it


@dataclass(frozen=True)
class Config:
    """Everything that shapes an analysis, validated."""

    brands: tuple[Brand, ...] = ()
    timezone: str = "Asia/Shanghai"
    sentiment: SentimentConfig = field(default_factory=SentimentConfig)
    categories: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_CATEGORIES))
    user_words: tuple[str, ...] = ()
    stopwords: tuple[str, ...] = ()
    min_term_length: int = 2
    #: Count only posts and comments that name a brand themselves (``--own-mentions``):
    #: no comment counts for the brands of the post it answers.
    own_mentions: bool = False
    #: A complaint term needs this many negative opinions (near copies once) …
    min_term_posts: int = 3
    #: … by this many accounts.
    min_term_authors: int = 2
    columns: Mapping[str, str] = field(default_factory=dict)
    alerts: AlertConfig = field(default_factory=AlertConfig)
    #: ``lang:`` — the language of reports and messages (zh or en); None: the locale's.
    #: ``--lang`` wins over it; only ``--lang`` renames the columns of CSV/JSON output.
    lang: str | None = None
    source: Path | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def brand_terms(self) -> tuple[str, ...]:
        """Brand names, aliases and official accounts: kept whole, never complaint terms."""
        return tuple(t for b in self.brands for t in (*b.terms, *b.official_accounts))


# --- schema of the YAML file ------------------------------------------------------------
# Each entry: key -> None (a scalar or list) or a nested schema dict. "*" means any key.
_BRAND_SCHEMA: dict[str, Any] = {
    "name": None, "aliases": None, "exclude": None, "official_accounts": None, "query": None,
}
_SCHEMA: dict[str, Any] = {
    "timezone": None,
    "lang": None,
    "brands": [_BRAND_SCHEMA],
    "sentiment": {"negative_below": None, "positive_from": None, "model": None,
                  "complaint_shift": None, "genres": None},
    "complaints": {"categories": {"*": None}, "replace_builtin": None, "min_term_length": None,
                   "min_posts": None, "min_authors": None},
    "segmentation": {"user_words": None, "stopwords": None},
    "columns": dict.fromkeys(MAPPABLE_FIELDS),
    "alerts": {
        "volume": dict.fromkeys(VolumeRule.__dataclass_fields__),
        "negative": dict.fromkeys(NegativeRule.__dataclass_fields__),
        "influential": dict.fromkeys(InfluenceRule.__dataclass_fields__),
        "truncated": dict.fromkeys(TruncationRule.__dataclass_fields__),
        **{k: None for k in AlertConfig.__dataclass_fields__
           if k not in ("volume", "negative", "influential", "truncated")},
    },
}


def default_config_path() -> Path | None:
    """The config file used when ``--config`` is not given, or None."""
    env = os.environ.get("BRANDSCAN_CONFIG")
    if env:
        return Path(env)
    local = Path("brandscan.yaml")
    if local.is_file():
        return local
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    xdg = base / "brandscan" / "config.yaml"
    return xdg if xdg.is_file() else None


#: A config is a few KB; anything past this is not one.
MAX_CONFIG_BYTES = 16 * 2**20


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate a config file; ``None`` looks in the default places."""
    p = Path(path) if path is not None else default_config_path()
    if p is None:
        return Config()
    try:
        if p.exists() and not p.is_file():  # a folder, /dev/zero, a FIFO
            raise BrandscanError("not a config file (a folder, device or FIFO)",
                                 where=str(p), hint="give the YAML file")
        if p.exists() and p.stat().st_size > MAX_CONFIG_BYTES:
            raise BrandscanError(f"larger than {MAX_CONFIG_BYTES // 2**20} MB: not a config",
                                 where=str(p), hint="give the YAML file")
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BrandscanError("config file not found", where=str(p),
                             hint="check the path given to --config or $BRANDSCAN_CONFIG") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandscanError(f"cannot read config: {exc}", where=str(p)) from None
    return parse_config(text, source=p)


class _NoAliases(yaml.SafeLoader):
    """YAML's safe loader without anchors and aliases: a config never needs them, and
    nested aliases (a "billion laughs") take minutes and gigabytes to expand."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a brandscan config",
                event.start_mark)
        return super().compose_node(parent, index)


def parse_config(text: str, *, source: Path | None = None) -> Config:
    """Validate YAML text against the schema and build a :class:`Config`."""
    where = str(source) if source else "<config>"
    try:
        node = yaml.compose(text, Loader=_NoAliases)
        data = yaml.load(text, Loader=_NoAliases)
    except RecursionError:
        raise BrandscanError("invalid YAML: nested too deeply", where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise BrandscanError(f"invalid YAML: {problem}", where=f"{where}{line}") from None
    if data is None:
        return Config(source=source)
    if not isinstance(data, dict):
        raise BrandscanError("the config must be a mapping of keys", where=where)
    _check_keys(node, _SCHEMA, where, "")
    config = _build(data, where, source)
    _check_queries(config, node, where)
    return config


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _check_keys(node: yaml.Node, schema: Any, where: str, path: str) -> None:
    if schema is None:
        return
    name = path.rstrip(".") or "the config"
    line = f"{where}:{node.start_mark.line + 1}"
    if isinstance(schema, list):
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    continue  # a shorthand item (brands: [鲜果坊]): the builder checks it
                _check_keys(item, schema[0], where, path)
        elif not _is_null(node):
            raise BrandscanError(f"'{name}' must be a list ('- ' items)", where=line,
                                 hint="see config.example.yaml")
        return
    if not isinstance(node, yaml.MappingNode):
        if not _is_null(node):
            raise BrandscanError(f"'{name}' must be a mapping of keys ('key: value' lines)",
                                 where=line, hint="see config.example.yaml")
        return
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in schema:
            _check_keys(value_node, schema[key], where, f"{path}{key}.")
        elif "*" in schema:
            _check_keys(value_node, schema["*"], where, f"{path}{key}.")
        else:
            known = ", ".join(k for k in schema if k != "*")
            raise BrandscanError(
                f"unknown key '{path}{key}'",
                where=f"{where}:{key_node.start_mark.line + 1}",
                hint=f"known keys here: {known}",
            )


def _strings(value: Any, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int, float)):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v) for v in value if str(v).strip())
    raise BrandscanError(f"'{what}' must be a string or a list of strings", where=where)


def _number(value: Any, what: str, where: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
            value):
        raise BrandscanError(f"'{what}' must be a (finite) number", where=where)
    return float(value)


def parse_genres(values: Sequence[str], *, where: str | None = None,
                 what: str = "--genre") -> tuple[str, ...]:
    """Genre names (comma-separated allowed; ``all`` = every genre) in :data:`GENRES`
    order; an unknown name is an error naming the known ones."""
    names = [v.strip() for value in values for v in str(value).split(",") if v.strip()]
    if "all" in names:
        return GENRES
    unknown = [n for n in names if n not in GENRES]
    if unknown or not names:
        raise BrandscanError(f"{what}: unknown genre '{unknown[0] if unknown else ''}'",
                             where=where, hint=f"use {', '.join(GENRES)} or all")
    return tuple(g for g in GENRES if g in names)


def _count(value: Any, what: str, where: str, default: int) -> int:
    """A whole number of at least 1."""
    number = _number(value, what, where, default)
    if number < 1 or number != int(number):
        raise BrandscanError(f"'{what}' must be a whole number of at least 1, not {value!r}",
                             where=where)
    return int(number)


def _optional_number(value: Any, what: str, where: str) -> float | None:
    return None if value is None else _number(value, what, where, 0.0)


def _build(data: dict[str, Any], where: str, source: Path | None) -> Config:
    tz = str(data.get("timezone") or "Asia/Shanghai")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise BrandscanError(f"unknown timezone '{tz}'", where=where,
                             hint="use an IANA name such as Asia/Shanghai") from None

    brands: list[Brand] = []
    for i, raw in enumerate(data.get("brands") or []):
        if isinstance(raw, str):
            raw = {"name": raw}
        if not isinstance(raw, dict) or not raw.get("name"):
            raise BrandscanError(f"brand #{i + 1} needs a 'name'", where=where)
        brands.append(Brand(
            name=str(raw["name"]),
            aliases=_strings(raw.get("aliases"), "aliases", where),
            exclude=_strings(raw.get("exclude"), "exclude", where),
            official_accounts=_strings(raw.get("official_accounts"), "official_accounts", where),
            query=str(raw["query"]) if raw.get("query") else None,
        ))

    s = data.get("sentiment") or {}
    sentiment = SentimentConfig(
        negative_below=_optional_number(s.get("negative_below"), "sentiment.negative_below",
                                        where),
        positive_from=_optional_number(s.get("positive_from"), "sentiment.positive_from",
                                       where),
        model=str(s["model"]) if s.get("model") else None,
        complaint_shift=_optional_number(s.get("complaint_shift"),
                                         "sentiment.complaint_shift", where),
        genres=parse_genres(_strings(s.get("genres"), "sentiment.genres", where) or VOICE_GENRES,
                            where=where, what="sentiment.genres"),
    )
    if sentiment.complaint_shift is not None and not 0 <= sentiment.complaint_shift <= 1:
        raise BrandscanError("sentiment.complaint_shift must be between 0 and 1", where=where)
    low = 0.0 if sentiment.negative_below is None else sentiment.negative_below
    high = 1.0 if sentiment.positive_from is None else sentiment.positive_from
    if not 0 <= low <= high <= 1:
        raise BrandscanError(
            "sentiment thresholds must satisfy 0 <= negative_below <= positive_from <= 1",
            where=where)

    c = data.get("complaints") or {}
    categories: dict[str, tuple[str, ...]] = (
        {} if c.get("replace_builtin") else dict(DEFAULT_CATEGORIES))
    for name, words in (c.get("categories") or {}).items():
        extra = _strings(words, f"complaints.categories.{name}", where)
        categories[str(name)] = tuple(dict.fromkeys((*categories.get(str(name), ()), *extra)))

    lang = None
    if data.get("lang") is not None:
        from brandscan.lang import check

        try:
            lang = check(data["lang"])
        except ValueError as exc:
            raise BrandscanError(str(exc), where=where, hint="use zh or en") from None
    seg = data.get("segmentation") or {}
    columns = {k: str(v) for k, v in (data.get("columns") or {}).items() if v}
    return Config(
        brands=tuple(brands),
        timezone=tz,
        sentiment=sentiment,
        categories=categories,
        user_words=_strings(seg.get("user_words"), "segmentation.user_words", where),
        stopwords=_strings(seg.get("stopwords"), "segmentation.stopwords", where),
        min_term_length=int(_number(c.get("min_term_length"), "complaints.min_term_length",
                                    where, 2)),
        min_term_posts=_count(c.get("min_posts"), "complaints.min_posts", where, 3),
        min_term_authors=_count(c.get("min_authors"), "complaints.min_authors", where, 2),
        columns=columns,
        alerts=_alerts(data.get("alerts") or {}, where),
        lang=lang,
        source=source,
    )


def _check_queries(config: Config, node: yaml.Node, where: str) -> None:
    """A malformed brand query fails at start, naming the brand, its line and the position."""
    from brandscan.text.query import QueryError, parse_query

    lines: dict[int, int] = {}
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == "brands" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                for k, v in item.value if isinstance(item, yaml.MappingNode) else ():
                    if k.value == "query":
                        lines[i] = v.start_mark.line + 1
    for i, brand in enumerate(config.brands):
        if not brand.query:
            continue
        try:
            parse_query(brand.query)
        except QueryError as exc:
            line = f":{lines[i]}" if i in lines else ""
            raise BrandscanError(
                f"brand '{brand.name}': query: {exc.message} at position {exc.position} "
                f"in {shorten(brand.query)!r}", where=f"{where}{line}",
                hint="operators are AND, OR, NOT, NEAR/n and parentheses; quote phrases"
            ) from None


def _rule_max(name: str) -> int:
    """The largest value an alert setting takes: spans of time at most a year (larger is
    a typo, would overflow time arithmetic, and would make the baselines' lag tables huge);
    counts and thresholds may be large."""
    if "hours" in name:
        return 366 * 24
    if "days" in name:
        return 366
    if "weeks" in name:
        return 52
    return 10**12


def _rule(cls: Any, raw: Any, where: str, prefix: str) -> Any:
    """A rule dataclass from its YAML mapping: numbers stay numbers, lists stay lists."""
    if not isinstance(raw, dict):
        raise BrandscanError(f"'{prefix}' must be a mapping of keys", where=where)
    values: dict[str, Any] = {}
    for name, f in cls.__dataclass_fields__.items():
        if name not in raw or raw[name] is None:
            continue
        default = f.default if f.default is not MISSING else f.default_factory()
        if isinstance(default, tuple):
            values[name] = _strings(raw[name], f"{prefix}.{name}", where)
            continue
        number = _number(raw[name], f"{prefix}.{name}", where, float(default))
        if number < 0:
            raise BrandscanError(f"'{prefix}.{name}' must not be negative", where=where)
        limit = _rule_max(name)
        if number > limit:
            # anything larger is a typo, and would overflow the time arithmetic it feeds
            raise BrandscanError(f"'{prefix}.{name}' must be at most {limit:,}",
                                 where=where)
        values[name] = int(number) if isinstance(default, int) else number
    return cls(**values)


def _alerts(raw: Any, where: str) -> AlertConfig:
    if not isinstance(raw, dict):
        raise BrandscanError("'alerts' must be a mapping of keys", where=where)
    parts = {"volume": VolumeRule, "negative": NegativeRule, "influential": InfluenceRule,
             "truncated": TruncationRule}
    top = _rule(AlertConfig, {k: v for k, v in raw.items() if k not in parts}, where, "alerts")
    cfg = replace(top, **{k: _rule(cls, raw.get(k) or {}, where, f"alerts.{k}")
                          for k, cls in parts.items()})
    if cfg.volume.z_spike < cfg.volume.z_watch:
        raise BrandscanError("alerts.volume.z_spike must be at least z_watch", where=where)
    for name, value in (("alerts.negative.rise", cfg.negative.rise),
                        ("alerts.volume.crisis_negative_rise", cfg.volume.crisis_negative_rise),
                        ("alerts.truncated.share", cfg.truncated.share),
                        ("alerts.dominant_share", cfg.dominant_share)):
        if value > 1:
            raise BrandscanError(f"'{name}' is a share: between 0 and 1", where=where)
    if cfg.refire_factor < 1:
        raise BrandscanError("alerts.refire_factor must be at least 1", where=where)
    return cfg
