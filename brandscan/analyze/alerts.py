"""The crisis radar: volume spikes, negative-share shifts and influential negative posts.

Three detectors run per brand over closed hours, each a pure function of the scored posts:

- **volume**: unique mentions per hour (pure reposts left out) against a robust seasonal
  baseline. The baseline is the median of the same hour of day over the last <= 7 days (it
  needs >= 2 such days, else the median of the trailing 24 h), cross-checked against the
  same hour of the week (so a regular busy Saturday does not alarm once a week has been
  seen). The spread is ``max(1.4826·MAD of the residuals over 72 h, √max(b, 1))``: the MAD
  is not inflated by the spike itself as a standard deviation is, and the Poisson floor
  keeps quiet brands from alarming on noise. An hour alerts when ``z >= 4`` and the count
  is at least ``max(2·b, b + 10)`` and at least 10 — the ratio and absolute guards stop a
  brand with 0–1 posts an hour from alarming on 3. ``z >= 6`` is a spike; a spike whose
  negative share is 20 points above the trailing week's is a crisis.
- **negative**: the Wilson lower bound of the hour's negative share (n >= 20) above the
  trailing 7-day share by 0.2; the same test on the engagement-weighted share (weights
  1 + engagement, Kish effective n), so one loud post cannot trip it on its own.
- **influential**: any negative post by an author with >= 1M followers, a 金V/红V
  account, or a post with >= 1,000 reposts — the case where volume is still tiny.

Alerts fire on state changes: when a condition starts, when its severity rises, or when
its count doubles since the last firing. An alert ends after ``cooldown_hours`` without its
condition, so a long crisis is one alert, not one per hour. Every number is in
:class:`brandscan.config.AlertConfig`.

Hours where a search export hit its page cap (most posts at :58–:59) are flagged: their
counts are lower bounds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from brandscan.config import AlertConfig, Config
from brandscan.text.brands import has_brand

SEVERITIES = ("watch", "spike", "crisis")
KINDS = ("volume", "negative", "influential")
ALL_POSTS = "(all posts)"

_POST_FIELDS = ("time", "author", "followers", "reposts", "comments", "likes", "text", "url")
ALERT_COLUMNS = (
    "brand", "kind", "severity", "event", "fired", "start", "end", "ongoing", "peak_period",
    "peak_value", "baseline", "z", "negative_share", "baseline_negative_share", "lower_bound",
    "detail", *(f"first_{f}" for f in _POST_FIELDS), *(f"top_{f}" for f in _POST_FIELDS),
    "terms",
)


def severity_rank(severity: str) -> int:
    """0 for watch, 1 for spike, 2 for crisis."""
    return SEVERITIES.index(severity)


def wilson_lower(successes: np.ndarray, n: np.ndarray, z: float) -> np.ndarray:
    """Wilson score interval lower bound; 0 where n is 0."""
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        denom = 1 + z * z / n
        centre = p + z * z / (2 * n)
        margin = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        out = (centre - margin) / denom
    return np.where(n > 0, np.clip(out, 0.0, 1.0), 0.0)


# --- hourly series ----------------------------------------------------------------------

def hour_index(scored: pd.DataFrame, until: datetime | None = None) -> pd.DatetimeIndex:
    """Every hour from the first post's to the last post's (or the one before ``until``)."""
    times = scored["created_at"]
    start = times.min().floor("h")
    end = times.max().floor("h")
    if until is not None:
        last = (pd.Timestamp(until).tz_convert(times.dt.tz) - pd.Timedelta(microseconds=1))
        end = min(end, last.floor("h"))
    return pd.date_range(start, end, freq="h")


def hourly(posts: pd.DataFrame, index: pd.DatetimeIndex, config: Config) -> pd.DataFrame:
    """Per hour: mentions (pure reposts left out), negatives, weighted sums, truncation.

    ``truncated`` marks hours whose posts bunch at the hour's last minutes, which is what a
    weibo-search export looks like when the query hit its 50-page cap: the count is then a
    lower bound.
    """
    out = pd.DataFrame(index=index)
    hour = posts["created_at"].dt.floor("h")
    own = ~posts["is_repost"].astype(bool)
    neg = (posts["label"] == "negative") & own
    weight = (1.0 + posts["engagement"].astype(float)).where(own, 0.0)

    def per_hour(values: pd.Series) -> np.ndarray:
        return values.groupby(hour).sum().reindex(index, fill_value=0).to_numpy(dtype=float)

    out["mentions"] = per_hour(own.astype(int))
    out["negative"] = per_hour(neg.astype(int))
    out["w"] = per_hour(weight)
    out["w_neg"] = per_hour(weight.where(neg, 0.0))
    out["w2"] = per_hour(weight * weight)
    out["engagement"] = per_hour(posts["engagement"].astype(float))
    rule = config.alerts.truncated
    late = posts["created_at"].dt.minute >= rule.from_minute
    rows = per_hour(pd.Series(1, index=posts.index))
    late_rows = per_hour(late.astype(int))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["truncated"] = (rows >= rule.min_posts) & (late_rows / rows >= rule.share)
    return out


def volume_baseline(x: np.ndarray, alerts: AlertConfig) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and spread per hour (NaN where there is not enough history yet).

    Hours are positions in a regular hourly index, so "the same hour yesterday" is 24
    positions back (off by one hour across a daylight-saving change, which Chinese
    timezones do not have).
    """
    rule = alerts.volume
    n = len(x)
    base = np.full(n, np.nan)
    for i in range(min(alerts.min_history_hours, n), n):
        days = [x[i - 24 * k] for k in range(1, rule.baseline_days + 1) if i - 24 * k >= 0]
        if len(days) >= max(rule.min_baseline_days, 1):
            b = float(np.median(days))
        else:
            b = float(np.median(x[max(0, i - rule.fallback_hours):i]))
        weeks = [x[i - 168 * k] for k in range(1, rule.weeks + 1) if i - 168 * k >= 0]
        if weeks:  # Meltwater-style cross-check: usual for this hour of the week too?
            b = max(b, float(np.median(weeks)))
        base[i] = b
    resid = x - base
    spread = np.full(n, np.nan)
    for i in range(n):
        if np.isnan(base[i]):
            continue
        window = resid[max(0, i - rule.spread_hours):i]
        window = window[~np.isnan(window)]
        mad = float(np.median(np.abs(window - np.median(window)))) if len(window) else 0.0
        spread[i] = max(1.4826 * mad, math.sqrt(max(base[i], 1.0)))
    return base, spread


def _trailing(values: np.ndarray, hours: int) -> np.ndarray:
    """Sum over the previous ``hours`` hours, the current one excluded."""
    c = np.concatenate([[0.0], np.cumsum(values)])
    i = np.arange(len(values))
    return c[i] - c[np.maximum(i - hours, 0)]


@dataclass
class Signals:
    """Everything the detectors computed for one brand, hour by hour."""

    hours: pd.DataFrame
    severity: dict[str, np.ndarray] = field(default_factory=dict)  # -1: no alert
    value: dict[str, np.ndarray] = field(default_factory=dict)


def signals(posts: pd.DataFrame, index: pd.DatetimeIndex, config: Config,
            brand: str = ALL_POSTS) -> Signals:
    """Per-hour alert severities for the three detectors of one brand's posts."""
    a = config.alerts
    h = hourly(posts, index, config)
    x = h["mentions"].to_numpy()
    base, spread = volume_baseline(x, a)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x - base) / spread
    history = np.arange(len(x)) >= a.min_history_hours
    span = 24 * a.negative.days
    n7 = _trailing(x, span)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(x > 0, h["negative"].to_numpy() / x, np.nan)
        share7 = _trailing(h["negative"].to_numpy(), span) / n7
        wshare7 = _trailing(h["w_neg"].to_numpy(), span) / _trailing(h["w"].to_numpy(), span)
        w = h["w"].to_numpy()
        wshare = np.where(w > 0, h["w_neg"].to_numpy() / w, np.nan)
        neff = np.where(h["w2"].to_numpy() > 0, w * w / h["w2"].to_numpy(), 0.0)
    h["baseline"], h["z"], h["share"], h["share7"] = base, z, share, share7
    h["wshare"], h["wshare7"] = wshare, wshare7

    v = a.volume
    fires = ((z >= v.z_watch) & (x >= v.min_ratio * base) & (x >= base + v.min_excess)
             & (x >= v.min_count) & ~np.isnan(base))
    sev = np.where(fires, 0, -1)
    sev = np.where(fires & (z >= v.z_spike), 1, sev)
    negative_jump = np.nan_to_num(share - share7, nan=-1.0) >= v.crisis_negative_rise
    sev = np.where(fires & (z >= v.z_spike) & negative_jump, 2, sev)

    nr = a.negative
    base_ok = history & (n7 >= nr.min_posts) & (x >= nr.min_posts)
    lower = wilson_lower(h["negative"].to_numpy(), x, nr.confidence_z)
    wlower = wilson_lower(np.nan_to_num(wshare) * neff, neff, nr.confidence_z)
    by_posts = base_ok & (lower > np.nan_to_num(share7, nan=1.0) + nr.rise)
    by_weight = base_ok & (wlower > np.nan_to_num(wshare7, nan=1.0) + nr.rise)
    h["lower"], h["wlower"] = lower, wlower
    neg_sev = np.where(by_posts & by_weight, 1, np.where(by_posts | by_weight, 0, -1))

    crit = influence_criteria(posts, config, brand)
    hour = posts["created_at"].dt.floor("h")
    count = (crit > 0).groupby(hour).sum().reindex(index, fill_value=0).to_numpy()
    best = crit.groupby(hour).max().reindex(index, fill_value=0).to_numpy()
    inf_sev = np.where(count > 0, np.where(best >= 2, 1, 0), -1)

    return Signals(
        h,
        {"volume": sev, "negative": neg_sev, "influential": inf_sev},
        {"volume": x, "negative": h["negative"].to_numpy(), "influential": count},
    )


def official_mask(posts: pd.DataFrame, accounts: Sequence[str]) -> pd.Series:
    """Posts written by one of the brand's own accounts (matched by name or id)."""
    names = set(accounts)
    return posts["author"].isin(names) | (posts["author_id"].isin(names)
                                         & (posts["author_id"] != ""))


def official_accounts(config: Config, brand: str) -> tuple[str, ...]:
    return next((b.official_accounts for b in config.brands if b.name == brand), ())


def influence_criteria(posts: pd.DataFrame, config: Config, brand: str = ALL_POSTS
                       ) -> pd.Series:
    """For each negative post, how many influence criteria it meets (0 for the rest).

    Meeting one (big account, 金V/红V, or >= 1,000 reposts) is a watch; two — a big
    account whose post is already spreading — a spike. The brand's own accounts never
    count: snownlp reads an apology full of 退款 and 客服 as negative.
    """
    rule = config.alerts.influential
    followers = posts["followers"].astype("Float64").fillna(0).astype(float)
    n = ((followers >= rule.followers).astype(int)
         + posts["verified"].isin(rule.verified).astype(int)
         + (posts["reposts"] >= rule.reposts).astype(int))
    own = official_mask(posts, official_accounts(config, brand))
    return n.where((posts["label"] == "negative") & ~own, 0)


# --- firing -----------------------------------------------------------------------------

@dataclass
class Episode:
    """One alert from the hour its condition started until it ended (or the data did)."""

    start: int
    last: int
    firings: list[tuple[int, str, int]]  # hour position, event, severity rank
    ongoing: bool = False


def episodes(severity: np.ndarray, value: np.ndarray, *, cooldown: int,
             refire: float) -> list[Episode]:
    """Turn per-hour severities into alerts that fire only on state changes.

    An alert fires when its condition starts ("new"), when its severity rises
    ("escalated"), or when the hour's count reaches ``refire`` times the count it last
    fired with ("doubled"). It ends after ``cooldown`` hours without the condition.
    """
    out: list[Episode] = []
    active: Episode | None = None
    fired_sev = fired_val = 0.0
    for i, s in enumerate(severity):
        if s >= 0:
            if active is None:
                active = Episode(i, i, [(i, "new", int(s))])
                fired_sev, fired_val = s, float(value[i])
                continue
            active.last = i
            if s > fired_sev:
                active.firings.append((i, "escalated", int(s)))
                fired_sev, fired_val = s, max(fired_val, float(value[i]))
            elif fired_val > 0 and value[i] >= refire * fired_val:
                active.firings.append((i, "doubled", int(fired_sev)))
                fired_val = float(value[i])
        elif active is not None and i - active.last >= cooldown:
            out.append(active)
            active = None
    if active is not None:
        active.ongoing = len(severity) - 1 - active.last < cooldown
        out.append(active)
    return out


# --- rows -------------------------------------------------------------------------------

def _post_fields(row: pd.Series | None) -> dict[str, Any]:
    if row is None:
        return dict.fromkeys(_POST_FIELDS)
    followers = row["followers"]
    return {
        "time": row["created_at"],
        "author": row["author"],
        "followers": None if pd.isna(followers) else int(followers),
        "reposts": int(row["reposts"]),
        "comments": int(row["comments"]),
        "likes": int(row["likes"]),
        "text": row["text"],
        "url": row["url"],
    }


def top_terms(texts: Sequence[str], config: Config, top: int = 5) -> list[str]:
    """The complaint terms most negative posts of a window use."""
    if not texts:
        return []
    from brandscan.analyze.complaints import complaint_terms

    counts = Counter(t for terms in complaint_terms(list(texts), config) for t in terms)
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _pct(v: float) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"


def _detail(kind: str, sig: Signals, peak: int, lower_bound: bool, first: dict[str, Any],
            config: Config) -> str:
    h = sig.hours.iloc[peak]
    when = sig.hours.index[peak].strftime("%m-%d %H:%M")
    if kind == "volume":
        ge = "≥" if lower_bound else ""
        return (f"{ge}{int(h['mentions'])} mentions in the hour from {when} vs "
                f"{h['baseline']:.0f} expected (z {h['z']:.1f}); {_pct(h['share'])} negative "
                f"vs {_pct(h['share7'])} over the trailing {config.alerts.negative.days} days")
    if kind == "negative":
        return (f"{_pct(h['share'])} negative ({_pct(h['lower'])} or more at 95%) of "
                f"{int(h['mentions'])} posts in the hour from {when} vs {_pct(h['share7'])} "
                f"over the trailing {config.alerts.negative.days} days; engagement-weighted "
                f"{_pct(h['wshare'])} vs {_pct(h['wshare7'])}")
    reach = []
    if first.get("followers") is not None:
        reach.append(f"{first['followers']:,} followers")
    reach.append(f"{first.get('reposts') or 0:,} reposts")
    return f"negative post by {first.get('author') or '?'} ({', '.join(reach)})"


def _episode_rows(brand: str, kind: str, ep: Episode, sig: Signals, posts: pd.DataFrame,
                  config: Config, crit: pd.Series) -> list[dict[str, Any]]:
    idx = sig.hours.index
    start, end = idx[ep.start], idx[ep.last] + pd.Timedelta(hours=1)
    in_window = (posts["created_at"] >= start) & (posts["created_at"] < end)
    win = posts[in_window]
    neg = win[win["label"] == "negative"]
    pool = neg if len(neg) else win  # a positive spike still shows what set it off
    if kind == "influential":
        pool = win[crit[in_window] > 0]
    first = pool.sort_values(["created_at", "id"]).iloc[0] if len(pool) else None
    best = (pool.sort_values(["engagement", "created_at"], ascending=[False, True]).iloc[0]
            if len(pool) else None)
    if kind == "influential":
        cand = win[win["label"] == "negative"]
        best = (cand.sort_values(["engagement", "created_at"], ascending=[False, True]).iloc[0]
                if len(cand) else best)
    hours = sig.hours.iloc[ep.start:ep.last + 1]
    if kind == "negative":
        cond = sig.severity[kind][ep.start:ep.last + 1] >= 0
        peak = ep.start + int(np.argmax(np.where(cond, hours["share"].fillna(0), -1)))
    else:
        peak = ep.start + int(np.argmax(sig.value[kind][ep.start:ep.last + 1]))
    ph = sig.hours.iloc[peak]
    lower_bound = bool(hours["truncated"].any())
    firstd, bestd = _post_fields(first), _post_fields(best)
    terms = "; ".join(top_terms(neg["text"].tolist(), config))
    peak_value: float = {"volume": ph["mentions"], "negative": ph["share"],
                         "influential": sig.value[kind][peak]}[kind]
    baseline = {"volume": ph["baseline"], "negative": ph["share7"],
                "influential": np.nan}[kind]
    detail = _detail(kind, sig, peak, bool(ph["truncated"]), firstd, config)
    rows = []
    for i, event, sev in ep.firings:
        row: dict[str, Any] = {
            "brand": brand, "kind": kind, "severity": SEVERITIES[sev], "event": event,
            "fired": idx[i], "start": start, "end": None if ep.ongoing else end,
            "ongoing": ep.ongoing, "peak_period": idx[peak], "peak_value": float(peak_value),
            "baseline": float(baseline), "z": float(ph["z"]) if kind == "volume" else np.nan,
            "negative_share": float(ph["share"]), "baseline_negative_share": float(ph["share7"]),
            "lower_bound": lower_bound, "detail": detail,
        }
        row.update({f"first_{k}": v for k, v in firstd.items()})
        row.update({f"top_{k}": v for k, v in bestd.items()})
        row["terms"] = terms
        rows.append(row)
    return rows


def brand_names(config: Config, brands: Sequence[str] | None = None) -> list[str]:
    """The brands to watch: those asked for, else all configured, else all posts as one."""
    if brands:
        return list(brands)
    return [b.name for b in config.brands] or [ALL_POSTS]


def brand_rows(scored: pd.DataFrame, brand: str) -> pd.DataFrame:
    """The scored posts that mention ``brand`` (every post for :data:`ALL_POSTS`)."""
    if brand == ALL_POSTS:
        return scored
    return scored[has_brand(scored["brands"], brand)]


def detect_alerts(scored: pd.DataFrame, config: Config, *, brands: Sequence[str] | None = None,
                  since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """Alerts per brand, one row per firing, oldest first (see the module docstring).

    ``scored`` should hold the history before ``since`` too: baselines are computed from
    it, and only firings in ``[since, until)`` are returned. Posts at or after ``until``
    are ignored, so a run with ``--until`` says what a cron job would have said then.
    """
    empty = pd.DataFrame({c: [] for c in ALERT_COLUMNS})
    if until is not None and len(scored):
        scored = scored[scored["created_at"] < pd.Timestamp(until)]
    if scored.empty:
        return empty
    index = hour_index(scored, until)
    rows: list[dict[str, Any]] = []
    a = config.alerts
    for brand in brand_names(config, brands):
        posts = brand_rows(scored, brand)
        if posts.empty:
            continue
        sig = signals(posts, index, config, brand)
        crit = influence_criteria(posts, config, brand)
        for kind in KINDS:
            for ep in episodes(sig.severity[kind], sig.value[kind], cooldown=a.cooldown_hours,
                               refire=a.refire_factor):
                rows.extend(_episode_rows(brand, kind, ep, sig, posts, config, crit))
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=list(ALERT_COLUMNS))
    if since is not None:
        out = out[out["fired"] + pd.Timedelta(hours=1) > pd.Timestamp(since)]
    out = out.assign(_k=out["kind"].map(KINDS.index)).sort_values(
        ["fired", "brand", "_k"], kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)


def at_least(alerts: pd.DataFrame, severity: str) -> pd.DataFrame:
    """Alerts at or above a severity."""
    keep = alerts["severity"].map(severity_rank) >= severity_rank(severity)
    return alerts[keep].reset_index(drop=True)


def signal_table(scored: pd.DataFrame, config: Config, brand: str) -> pd.DataFrame:
    """The hourly series behind the alerts of one brand, for checking a decision."""
    index = hour_index(scored)
    sig = signals(brand_rows(scored, brand), index, config, brand)
    h = sig.hours
    out = pd.DataFrame({
        "period": h.index, "mentions": h["mentions"].astype(int),
        "baseline": h["baseline"], "z": h["z"], "negative_share": h["share"],
        "baseline_negative_share": h["share7"], "truncated": h["truncated"].astype(bool),
    })
    for kind in KINDS:
        out[kind] = [SEVERITIES[s] if s >= 0 else "" for s in sig.severity[kind]]
    return out.reset_index(drop=True)
