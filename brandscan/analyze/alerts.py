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

The detectors need only integer sums per brand and hour, so they run on a mergeable
:class:`HourlyPartial` (``HourlyPartial.of(chunk)``, ``.merge()``): a streamed or Dask run
adds up its chunks' partials and calls :func:`detect_alerts_from`, which asks for the posts
of each alert's window only (:func:`alert_windows` lists them, for one targeted second
read). :func:`detect_alerts` is that same path over one chunk, so every engine gives the
same alerts, number for number; the posts an alert names are chosen by a total order, never
by row position.
"""


from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from brandscan.analyze.coverage import coverage, coverage_notes
from brandscan.analyze.hourly import (
    HourlyPartial,
    brand_mask,
    brand_names,
    hour_settings,
    hourly_frame,
    hours_of,
    influence_criteria,
    post_sums,
)
from brandscan.analyze.partial import (
    POST_ORDER,
    Chunk,
    Context,
    Finished,
    WindowPosts,
    alarming,
    join_ranges,
    utc_ns,
)
from brandscan.analyze.severity import SEVERITIES, severity_rank
from brandscan.config import AlertConfig, Config
from brandscan.schema import ALL_POSTS, empty_scored

KINDS = ("volume", "negative", "influential")

_POST_FIELDS = ("time", "author", "followers", "reposts", "comments", "likes", "text", "url")
ALERT_COLUMNS = (
    "brand", "kind", "severity", "event", "fired", "start", "end", "ongoing", "value",
    "baseline", "z", "negative_share", "baseline_negative_share", "peak_period", "peak_value",
    "peak_baseline", "lower_bound", "detail",
    *(f"first_{f}" for f in _POST_FIELDS), *(f"top_{f}" for f in _POST_FIELDS),
    "terms",
)

#: The posts an alert names are chosen by a total order (column, ascending), so the choice
#: never depends on the order rows arrive in: the first post by time, then where it came
#: from (the rest of POST_ORDER); the top post in POST_ORDER. The count columns come last:
#: two posts equal in all of these show the same fields, so either may be named.
_TIES = (("followers", True), ("reposts", True), ("comments", True), ("likes", True))
FIRST_ORDER: tuple[tuple[str, bool], ...] = (
    ("created_at", True), ("id", True),
    *((c, asc) for c, asc in POST_ORDER if c not in ("created_at", "id", "engagement")),
    ("engagement", False), *_TIES)
TOP_ORDER: tuple[tuple[str, bool], ...] = (*POST_ORDER, *_TIES)

def baseline_span(alerts: AlertConfig) -> timedelta:
    """How far before ``--since`` the alert baselines look (weekly check and MAD window)."""
    v = alerts.volume
    days = max(v.baseline_days, 7 * v.weeks, alerts.negative.days, v.fallback_hours / 24,
               alerts.min_history_hours / 24)
    return timedelta(days=days + math.ceil(v.spread_hours / 24) + 1)


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


def _row_medians(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of the non-NaN values of each row (NaN for none), and how many there were.

    The same numbers ``np.median`` gives on each row's values: the middle one, or the mean
    of the middle two computed as ``(a + b) / 2``.
    """
    n, width = values.shape
    count = np.count_nonzero(~np.isnan(values), axis=1)
    if width == 0:
        return np.full(n, np.nan), count
    s = np.sort(values, axis=1)  # NaN sorts last
    rows = np.arange(n)
    lo = s[rows, np.maximum((count - 1) // 2, 0)]
    hi = s[rows, np.minimum(count // 2, width - 1)]
    with np.errstate(invalid="ignore", over="ignore"):
        med = np.where(count % 2 == 1, lo, (lo + hi) / 2)
    return np.where(count > 0, med, np.nan), count


def _lagged(x: np.ndarray, step: int, count: int) -> np.ndarray:
    """Column ``k - 1`` holds ``x[i - step·k]`` (NaN before the start), k = 1..count."""
    n = len(x)
    out = np.full((n, max(count, 0)), np.nan)
    for k in range(1, count + 1):
        if step * k < n:
            out[step * k:, k - 1] = x[:n - step * k]
    return out


def _trailing_medians(x: np.ndarray, rows: np.ndarray, hours: int,
                      centre: bool = False) -> np.ndarray:
    """For each position in ``rows``: the median of the non-NaN ``x[max(0, i-hours):i]``
    (NaN when there is none), or with ``centre`` the median absolute deviation from it
    (0 when there is none). Blocks of rows keep the windows' memory bounded."""
    out = np.full(len(rows), np.nan if not centre else 0.0)
    if hours <= 0 or not len(rows):
        return out
    padded = np.concatenate([np.full(hours, np.nan), np.asarray(x, dtype=float)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, hours)  # [i] = x[i-hours:i]
    block = max(1, (1 << 20) // hours)
    for lo in range(0, len(rows), block):
        w = windows[rows[lo:lo + block]]
        med, count = _row_medians(w)
        if centre:
            mad, _ = _row_medians(np.abs(w - med[:, None]))
            med = np.where(count > 0, mad, 0.0)
        out[lo:lo + block] = med
    return out


def volume_baseline(x: np.ndarray, alerts: AlertConfig) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and spread per hour (NaN where there is not enough history yet).

    Hours are positions in a regular hourly index, so "the same hour yesterday" is 24
    positions back (off by one hour across a daylight-saving change, which Chinese
    timezones do not have). ``x`` holds counts (no NaN). Vectorised: every hour's
    same-hour days, weeks and trailing windows are rows of one matrix, whose medians are
    the numbers ``np.median`` gives hour by hour.
    """
    rule = alerts.volume
    x = np.asarray(x, dtype=float)
    n = len(x)
    base = np.full(n, np.nan)
    hours = np.arange(min(alerts.min_history_hours, n), n)
    if len(hours):
        days, have = _row_medians(_lagged(x, 24, rule.baseline_days)[hours])
        b = days.copy()
        short = have < max(rule.min_baseline_days, 1)  # too few days: the trailing hours
        b[short] = _trailing_medians(x, hours[short], rule.fallback_hours)
        weeks, seen = _row_medians(_lagged(x, 168, rule.weeks)[hours])
        # Meltwater-style cross-check: usual for this hour of the week too? (max(b, week),
        # which keeps b when either is NaN, as Python's max does)
        base[hours] = np.where((seen > 0) & (weeks > b), weeks, b)
    resid = x - base
    spread = np.full(n, np.nan)
    ok = np.flatnonzero(~np.isnan(base))
    if len(ok):
        mad = _trailing_medians(resid, ok, rule.spread_hours, centre=True)
        first = 1.4826 * mad
        b = base[ok]
        floor = np.sqrt(np.where(b < 1.0, 1.0, b))
        spread[ok] = np.where(floor > first, floor, first)
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
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def at(self, i: int) -> dict[str, Any]:
        """Hour ``i``'s values, by column of :attr:`hours` (read per alert, so the columns
        are turned into arrays once)."""
        if not self._arrays:
            self._arrays.update({c: self.hours[c].to_numpy() for c in self.hours.columns})
        return {c: v[i] for c, v in self._arrays.items()}


def _signals(c: pd.DataFrame, index: pd.DatetimeIndex, config: Config,
             covered: np.ndarray | None = None) -> Signals:
    """The detectors over one brand's hourly sums (``c``: :data:`HOUR_COLUMNS` on
    ``index``). Integer sums become floats here, as the float path summed them.
    ``covered``: the hours an input covered the brand (:meth:`HourlyPartial.covered`);
    the others are unknown — no baseline counts them as zeros, no alert fires in them."""
    a = config.alerts
    h = hourly_frame(c, index, config)
    x = h["mentions"].to_numpy()
    if covered is None:
        covered = np.ones(len(x), dtype=bool)
    base, spread = volume_baseline(np.where(covered, x, np.nan), a)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (x - base) / spread
    # History: covered hours before this one (a new input starts without any).
    seen = np.concatenate([[0], np.cumsum(covered)[:-1]])
    history = covered & (seen >= a.min_history_hours)
    h["covered"] = covered
    span = 24 * a.negative.days
    # The negative share counts the voices and the news (not ads, spam, own posts).
    xv = h["voiced"].to_numpy()
    n7 = _trailing(xv, span)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(xv > 0, h["negative"].to_numpy() / xv, np.nan)
        share7 = _trailing(h["negative"].to_numpy(), span) / n7
        wshare7 = _trailing(h["w_neg"].to_numpy(), span) / _trailing(h["w"].to_numpy(), span)
        w = h["w"].to_numpy()
        wshare = np.where(w > 0, h["w_neg"].to_numpy() / w, np.nan)
        neff = np.where(h["w2"].to_numpy() > 0, w * w / h["w2"].to_numpy(), 0.0)
    h["baseline"], h["z"], h["share"], h["share7"] = base, z, share, share7
    h["wshare"], h["wshare7"] = wshare, wshare7

    v = a.volume
    fires = ((z >= v.z_watch) & (x >= v.min_ratio * base) & (x >= base + v.min_excess)
             & (x >= v.min_count) & ~np.isnan(base) & covered)
    sev = np.where(fires, 0, -1)
    sev = np.where(fires & (z >= v.z_spike), 1, sev)
    negative_jump = np.nan_to_num(share - share7, nan=-1.0) >= v.crisis_negative_rise
    sev = np.where(fires & (z >= v.z_spike) & negative_jump, 2, sev)

    nr = a.negative
    base_ok = history & (n7 >= nr.min_posts) & (xv >= nr.min_posts)
    lower = wilson_lower(h["negative"].to_numpy(), xv, nr.confidence_z)
    wlower = wilson_lower(np.nan_to_num(wshare) * neff, neff, nr.confidence_z)
    by_posts = base_ok & (lower > np.nan_to_num(share7, nan=1.0) + nr.rise)
    by_weight = base_ok & (wlower > np.nan_to_num(wshare7, nan=1.0) + nr.rise)
    h["lower"], h["wlower"] = lower, wlower
    neg_sev = np.where(by_posts & by_weight, 1, np.where(by_posts | by_weight, 0, -1))

    count = c["influential"].to_numpy(dtype=np.int64)
    best = c["influence_best"].to_numpy(dtype=np.int64)
    inf_sev = np.where(count > 0, np.where(best >= 2, 1, 0), -1)

    return Signals(
        h,
        {"volume": sev, "negative": neg_sev, "influential": inf_sev},
        {"volume": x, "negative": h["negative"].to_numpy(), "influential": count},
    )


def signals(posts: pd.DataFrame, index: pd.DatetimeIndex, config: Config,
            brand: str = ALL_POSTS) -> Signals:
    """Per-hour alert severities for the three detectors of one brand's posts."""
    return _signals(hours_of(post_sums(posts, config, brand), index), index, config)


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

def _post_fields(posts: pd.DataFrame, at: int | None) -> dict[str, Any]:
    """The alert's fields of the post at position ``at`` (all None for no post)."""
    if at is None:
        return dict.fromkeys(_POST_FIELDS)

    def cell(col: str) -> Any:
        return posts.iat[at, posts.columns.get_loc(col)]

    followers = cell("followers")
    return {
        "time": cell("created_at"),
        "author": cell("author"),
        "followers": None if pd.isna(followers) else int(followers),
        "reposts": int(cell("reposts")),
        "comments": int(cell("comments")),
        "likes": int(cell("likes")),
        "text": cell("text"),
        "url": cell("url"),
    }


def top_terms(texts: Sequence[str], config: Config, top: int = 5) -> list[str]:
    """The complaint terms most negative posts of a window use."""
    if not texts:
        return []
    # Cached: the windows of a brand's volume, negative and influential alerts overlap, and
    # jieba is the costliest step; terms are a pure function of the text and the config.
    from brandscan.text.terms import cached_terms, is_phrase

    counts = Counter(t for terms in cached_terms(list(texts), config) for t in terms
                     if not is_phrase(t))
    return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]


def _value(kind: str, sig: Signals, i: int) -> tuple[float, float]:
    """(value, baseline) of hour ``i`` for an alert kind: mentions and expected mentions,
    negative share and the trailing share, influential posts (no baseline)."""
    h = sig.at(i)
    if kind == "volume":
        return float(h["mentions"]), float(h["baseline"])
    if kind == "negative":
        return float(h["share"]), float(h["share7"])
    return float(sig.value[kind][i]), float("nan")


def _amount(kind: str, value: float) -> str:
    return {"volume": f"{value:.0f} mentions", "negative": f"{_pct(value)} negative"}.get(
        kind, f"{value:.0f}")


def _pct(v: float) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"


def _detail(kind: str, sig: Signals, peak: int, lower_bound: bool, first: dict[str, Any],
            config: Config) -> str:
    h = sig.at(peak)
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
    what = "news post" if first.get("genre") == "news" else "opinion"
    return (f"negative {what} by {first.get('author') or '?'} "
            f"({first.get('criteria') or 'no influence criterion'})")


def _criteria(win: pd.DataFrame, at: int | None, config: Config) -> str:
    """Which influence criteria the post at row ``at`` meets, with the thresholds."""
    if at is None:
        return ""
    rule = config.alerts.influential
    post = win.iloc[at]
    met = []
    followers = post.get("followers")
    if followers is not None and not pd.isna(followers) and followers >= rule.followers:
        met.append(f"{int(followers):,} followers ≥ {rule.followers:,}")
    if post.get("verified") in rule.verified:
        met.append(f"verified {post['verified']}")
    if int(post.get("reposts") or 0) >= rule.reposts:
        met.append(f"{int(post['reposts']):,} reposts ≥ {rule.reposts:,}")
    return "; ".join(met)


def _orderable(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(numbers in the column's order, missing) of a time or numeric column; None for
    others."""
    dtype = values.dtype
    missing = values.isna().to_numpy(dtype=bool)
    if isinstance(dtype, pd.DatetimeTZDtype) or dtype.kind == "M":
        return np.asarray(values.array.asi8), missing
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        return values.to_numpy(dtype=np.int64, na_value=0), missing
    if pd.api.types.is_float_dtype(dtype):
        return values.to_numpy(dtype=np.float64, na_value=np.nan), missing
    return None


def _pick(posts: pd.DataFrame, candidates: np.ndarray,
          order: Sequence[tuple[str, bool]]) -> int | None:
    """The position of the first of the ``candidates`` (row positions) in a total order;
    the columns ``posts`` lacks are left out of it.

    Leading time and numeric keys narrow the candidates to those tied on the best value (a
    window may hold thousands of posts, and sorting them on a dozen keys is slow); the few
    left are sorted on the remaining keys, which is the same lexicographic order.
    """
    if not len(candidates):
        return None
    keys = [(c, asc) for c, asc in order if c in posts]
    while keys and len(candidates) > 1:
        col, asc = keys[0]
        found = _orderable(posts[col])
        if found is None or found[1][candidates].any():
            break  # text, or missing values: sorted below
        values = found[0][candidates]
        candidates = candidates[values == (values.min() if asc else values.max())]
        keys = keys[1:]
    if len(candidates) > 1 and keys:
        cols = [c for c, _ in keys]
        tied = posts[cols].iloc[candidates].reset_index(drop=True)
        ranked = tied.sort_values(cols, ascending=[asc for _, asc in keys], kind="stable",
                                  na_position="last")
        return int(candidates[ranked.index[0]])
    return int(candidates[0])


def _episode_rows(brand: str, kind: str, ep: Episode, sig: Signals, win: pd.DataFrame,
                  config: Config) -> list[dict[str, Any]]:
    """The rows of one alert; ``win`` holds the brand's posts of the alert's window."""
    idx = sig.hours.index
    start, end = idx[ep.start], idx[ep.last] + pd.Timedelta(hours=1)
    # Row positions, not sub-frames: taking rows of a wide frame is the slow part here.
    if len(win):
        neg = np.flatnonzero((win["label"] == "negative").to_numpy(dtype=bool)
                            & alarming(win))
    else:
        neg = np.empty(0, dtype=np.int64)
    pool = neg if len(neg) else np.arange(len(win))  # a positive spike: what set it off
    if kind == "influential" and len(win):
        pool = np.flatnonzero(influence_criteria(win, config, brand).to_numpy() > 0)
    first = _pick(win, pool, FIRST_ORDER)
    best = _pick(win, pool, TOP_ORDER)
    if kind == "influential" and len(neg):
        best = _pick(win, neg, TOP_ORDER)
    span = slice(ep.start, ep.last + 1)
    if kind == "negative":
        cond = sig.severity[kind][span] >= 0
        share = np.nan_to_num(sig.hours["share"].to_numpy()[span], nan=0.0)
        peak = ep.start + int(np.argmax(np.where(cond, share, -1)))
    else:
        peak = ep.start + int(np.argmax(sig.value[kind][span]))
    lower_bound = bool(sig.hours["truncated"].to_numpy()[span].any())
    firstd, bestd = _post_fields(win, first), _post_fields(win, best)
    texts = win["text"].iloc[neg].tolist() if len(neg) else []
    terms = "; ".join(top_terms(texts, config))
    peak_value, peak_baseline = _value(kind, sig, peak)
    rows = []
    for i, event, sev in ep.firings:
        # The numbers of the hour that fired the row (a "doubled" row says what doubled),
        # and the incident's peak apart.
        h = sig.at(i)
        value, baseline = _value(kind, sig, i)
        detail = _detail(kind, sig, i, bool(h["truncated"]), {
            **firstd, "criteria": _criteria(win, first, config) if kind == "influential"
            else "", "genre": win["genre"].iloc[first] if first is not None
            and "genre" in win else None}, config)
        if peak != i and kind != "influential":
            detail += f"; peak {_amount(kind, peak_value)} in the hour from " \
                      f"{idx[peak].strftime('%m-%d %H:%M')}"
        row: dict[str, Any] = {
            "brand": brand, "kind": kind, "severity": SEVERITIES[sev], "event": event,
            "fired": idx[i], "start": start, "end": None if ep.ongoing else end,
            "ongoing": ep.ongoing, "value": value, "baseline": baseline,
            "z": float(h["z"]) if kind == "volume" else np.nan,
            "negative_share": float(h["share"]), "baseline_negative_share": float(h["share7"]),
            "peak_period": idx[peak], "peak_value": peak_value, "peak_baseline": peak_baseline,
            "lower_bound": lower_bound, "detail": detail,
        }
        row.update({f"first_{k}": v for k, v in firstd.items()})
        row.update({f"top_{k}": v for k, v in bestd.items()})
        row["terms"] = terms
        rows.append(row)
    return rows


def _until_ns(partial: HourlyPartial, until: datetime | None) -> int | None:
    """The cut-off the partial's sums hold for (checked against ``until`` when given)."""
    if until is None:
        return partial.until
    cut = pd.Timestamp(until).value
    if (partial.last is not None and partial.last >= cut) or (
            partial.until is not None and partial.until < cut):
        raise ValueError("the hourly partial was built with a different until: build it "
                         "with HourlyPartial.of(..., until=until)")
    return cut


def _check(partial: HourlyPartial, config: Config, names: Sequence[str]) -> None:
    missing = [b for b in names if b not in partial.brands]
    if missing:
        raise ValueError(f"the hourly partial was built without brand {missing[0]!r}")
    if partial.settings != hour_settings(config, partial.brands):
        raise ValueError("the hourly partial was built with another alerts config")


def _alert_episodes(partial: HourlyPartial, config: Config, brands: Sequence[str] | None,
                    since: datetime | None, until: datetime | None
                    ) -> list[tuple[str, str, Episode, Signals]]:
    """(brand, kind, episode, signals) of every alert with a firing kept by ``since``."""
    names = brand_names(config, brands)
    _check(partial, config, names)
    cut = _until_ns(partial, until)
    index = partial.hour_index(None if cut is None else pd.Timestamp(cut, tz="UTC"))
    if not len(index):
        return []
    # Firings before since are dropped from the table, so an alert all of whose firings
    # are earlier needs no posts.
    first_kept = (0 if since is None
                  else int(np.searchsorted(index + pd.Timedelta(hours=1), pd.Timestamp(since),
                                           side="right")))
    a = config.alerts
    out = []
    for brand in names:
        counts = partial.counts[brand]
        if counts.empty:
            continue
        sig = _signals(hours_of(counts, index), index, config,
                       coverage(partial, brand, index, config))
        for kind in KINDS:
            for ep in episodes(sig.severity[kind], sig.value[kind], cooldown=a.cooldown_hours,
                               refire=a.refire_factor):
                if any(i >= first_kept for i, _, _ in ep.firings):
                    out.append((brand, kind, ep, sig))
    return out


def _window(ep: Episode, sig: Signals) -> tuple[pd.Timestamp, pd.Timestamp]:
    idx = sig.hours.index
    return idx[ep.start], idx[ep.last] + pd.Timedelta(hours=1)


def alert_windows(partial: HourlyPartial, config: Config, *,
                  brands: Sequence[str] | None = None, since: datetime | None = None,
                  until: datetime | None = None) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The distinct ``(brand, start, end)`` windows :func:`detect_alerts_from` will ask
    posts for, in the order it asks: what a streamed run reads a second time."""
    wins = ((brand, *_window(ep, sig)) for brand, _, ep, sig in
            _alert_episodes(partial, config, brands, since, until))
    return list(dict.fromkeys(wins))


def detect_alerts_from(partial: HourlyPartial, config: Config, *,
                       brands: Sequence[str] | None = None, since: datetime | None = None,
                       until: datetime | None = None,
                       window_posts: WindowPosts) -> pd.DataFrame:
    """:func:`detect_alerts` from merged hourly sums and the posts of the alerts' windows.

    ``partial`` is the merge of ``HourlyPartial.of`` over every chunk of the scored posts
    (history before ``since`` included; built with the same ``until``, which may be left
    out here). ``window_posts(brand, start, end)`` returns the brand's scored posts with
    ``start <= created_at < end``; it is called once per distinct alert window (see
    :func:`alert_windows`), only for alerts with a firing in ``[since, until)``. Posts it
    returns outside the window or at or after ``until`` are ignored (a second read may
    return whole blocks). The rows do not depend on the order of the posts it returns.
    """
    empty = pd.DataFrame({c: [] for c in ALERT_COLUMNS})
    found = _alert_episodes(partial, config, brands, since, until)
    cut = _until_ns(partial, until)
    read: dict[tuple[str, pd.Timestamp, pd.Timestamp], pd.DataFrame] = {}
    rows: list[dict[str, Any]] = []
    for brand, kind, ep, sig in found:
        key = (brand, *_window(ep, sig))
        if key not in read:
            win = window_posts(*key)
            if len(win):
                lo, hi = key[1].value, key[2].value
                ns = utc_ns(win["created_at"])
                inside = (ns >= lo) & (ns < (hi if cut is None else min(hi, cut)))
                win = win if inside.all() else win[inside]
            read[key] = win
        rows.extend(_episode_rows(brand, kind, ep, sig, read[key], config))
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=list(ALERT_COLUMNS))
    if since is not None:
        out = out[out["fired"] + pd.Timedelta(hours=1) > pd.Timestamp(since)]
    out = out.assign(_k=out["kind"].map(KINDS.index)).sort_values(
        ["fired", "brand", "_k"], kind="stable").drop(columns="_k")
    return out.reset_index(drop=True)


def frame_window_posts(scored: pd.DataFrame) -> WindowPosts:
    """A ``window_posts`` for :func:`detect_alerts_from` over posts in memory.

    Each alerting brand's row positions are put in time order once, so a window is found
    by two binary searches and only its own rows are taken from the frame.
    """
    located: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def window_posts(brand: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
        if brand not in located:
            rows = (np.arange(len(scored)) if brand == ALL_POSTS
                    else np.flatnonzero(brand_mask(scored, brand)))
            ns = utc_ns(scored["created_at"])[rows]  # NaT sorts first, before every window
            order = np.argsort(ns, kind="stable")
            located[brand] = (rows[order], ns[order])
        rows, ns = located[brand]
        lo, hi = np.searchsorted(ns, [pd.Timestamp(start).value, pd.Timestamp(end).value])
        return scored.iloc[rows[lo:hi]]

    return window_posts


def detect_alerts(scored: pd.DataFrame, config: Config, *, brands: Sequence[str] | None = None,
                  since: datetime | None = None, until: datetime | None = None) -> pd.DataFrame:
    """Alerts per brand, one row per firing, oldest first (see the module docstring).

    ``scored`` should hold the history before ``since`` too: baselines are computed from
    it, and only firings in ``[since, until)`` are returned. Posts at or after ``until``
    are ignored, so a run with ``--until`` says what a cron job would have said then.
    The frame is one chunk of :func:`detect_alerts_from`, so a streamed run that merges
    partials gets these very rows.
    """
    partial = HourlyPartial.of(scored, config, brands=brands, until=until)
    return detect_alerts_from(partial, config, brands=brands, since=since, until=until,
                              window_posts=frame_window_posts(scored))


def at_least(alerts: pd.DataFrame, severity: str) -> pd.DataFrame:
    """Alerts at or above a severity."""
    keep = alerts["severity"].map(severity_rank) >= severity_rank(severity)
    return alerts[keep].reset_index(drop=True)


def signal_table_from(partial: HourlyPartial, config: Config, brand: str) -> pd.DataFrame:
    """The hourly series behind the alerts of one brand, from merged hourly sums."""
    _check(partial, config, [brand])
    index = partial.hour_index(None if partial.until is None
                               else pd.Timestamp(partial.until, tz="UTC"))
    sig = _signals(hours_of(partial.counts[brand], index), index, config,
                   coverage(partial, brand, index, config))
    h = sig.hours
    out = pd.DataFrame({
        "period": h.index, "mentions": h["mentions"].astype(int),
        "baseline": h["baseline"], "z": h["z"], "negative_share": h["share"],
        "baseline_negative_share": h["share7"], "truncated": h["truncated"].astype(bool),
        "covered": h["covered"].astype(bool),
    })
    for kind in KINDS:
        out[kind] = [SEVERITIES[s] if s >= 0 else "" for s in sig.severity[kind]]
    return out.reset_index(drop=True)


def signal_table(scored: pd.DataFrame, config: Config, brand: str) -> pd.DataFrame:
    """The hourly series behind the alerts of one brand, for checking a decision."""
    return signal_table_from(HourlyPartial.of(scored, config, brands=[brand]), config, brand)


@dataclass(frozen=True)
class Alerts:
    """Alerts fired in the window, per brand and hour, from the hourly sums of the window
    and of the baselines before it (the chunks' ``history``).

    The posts an alert names come from a second read of just its window: :meth:`ranges`
    says which time ranges that read must cover.
    """

    name: str = "alerts"
    needs: tuple[str, ...] = ()

    def _brands(self, ctx: Context) -> list[str] | None:
        return list(ctx.brands) or None

    def empty(self, ctx: Context) -> HourlyPartial:
        return HourlyPartial.of(empty_scored(ctx.tz), ctx.config, brands=self._brands(ctx),
                                until=ctx.until)

    def partial(self, chunk: Chunk, ctx: Context) -> HourlyPartial:
        return HourlyPartial.of(chunk.history, ctx.config, brands=self._brands(ctx),
                                until=ctx.until)

    def merge(self, a: HourlyPartial, b: HourlyPartial) -> HourlyPartial:
        return a.merge(b)

    def ranges(self, partial: HourlyPartial, ctx: Context) -> list[tuple[int, int]]:
        """The time ranges (UTC ns, ``[start, end)``) a second read must cover: each alert
        window, widened by the cooldown (alerts that close ranks form one incident, and an
        ongoing one runs to the end of the data), overlapping ones joined."""
        gap = pd.Timedelta(hours=ctx.config.alerts.cooldown_hours).value
        return join_ranges((pd.Timestamp(s).value, pd.Timestamp(e).value + gap)
                           for _, s, e in alert_windows(partial, ctx.config,
                                                        brands=self._brands(ctx),
                                                        since=ctx.since, until=ctx.until))

    def data_end(self, partial: HourlyPartial) -> int | None:
        """The newest post the sums hold (UTC ns): where an ongoing alert's window ends."""
        return partial.last

    def finish(self, partial: HourlyPartial, ctx: Context, run: Finished) -> pd.DataFrame:
        """The alert rows; ``attrs["notes"]`` holds the data notes (:func:`coverage_notes`)
        a reader needs with them."""
        out = detect_alerts_from(partial, ctx.config, brands=self._brands(ctx),
                                 since=ctx.since, until=ctx.until,
                                 window_posts=run.window_posts())
        cut = _until_ns(partial, ctx.until)
        index = partial.hour_index(None if cut is None else pd.Timestamp(cut, tz="UTC"))
        out.attrs["notes"] = coverage_notes(partial, ctx.config, index, self._brands(ctx))
        return out

