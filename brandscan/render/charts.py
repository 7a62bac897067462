"""Charts as inline SVG, drawn with matplotlib, for the self-contained HTML report.

Why matplotlib's SVG: the chart is markup inside the page, so the report opens with no
network and no JavaScript (Plotly would inline ~3.5 MB of JS, Vega-Lite needs its runtime
and a renderer to embed offline); it scales to a phone's width; and matplotlib is the most
widely kept plotting library in Python. Text stays text (``svg.fonttype: none``), so the
browser draws labels in the page's Chinese font stack instead of matplotlib baking in
whatever font this machine happens to have.

Only the ``Figure`` API is used (no pyplot): no GUI backend, no global figure state.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

#: Fonts matplotlib may measure Chinese labels with; the browser uses the page's stack.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
             "Microsoft YaHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
             "Noto Sans CJK JP", "Droid Sans Fallback", "Arial Unicode MS")
COLORS = {"mentions": "#4C78A8", "negative": "#E45756", "neutral": "#BAB0AC",
          "positive": "#54A24B", "watch": "#F2A93B", "spike": "#E45756", "crisis": "#9D1C20",
          "grid": "#DDDDDD", "text": "#333333"}


@dataclass(frozen=True)
class Marker:
    """A point in time to flag on the timeline (an alert firing)."""

    at: pd.Timestamp
    label: str
    severity: str = "watch"


def _quiet_matplotlib() -> None:
    # Font-cache and missing-font chatter goes to stderr through logging's last-resort
    # handler; a nightly cron job must stay silent on success.
    logging.getLogger("matplotlib").setLevel(logging.ERROR)


@lru_cache(maxsize=1)
def _font_family() -> tuple[str, ...]:
    _quiet_matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    # One CJK family is enough to measure labels; each extra one is another font to load.
    return (*[f for f in CJK_FONTS if f in installed][:1], "DejaVu Sans")


def _rc() -> dict[str, Any]:
    return {
        "svg.fonttype": "none",  # labels stay <text>, drawn by the browser's CJK fonts
        "svg.hashsalt": "brandscan",  # stable ids: the same data gives the same file
        # Brand names and post text are data, not TeX: "$x^$" is a name, not mathtext.
        "text.parse_math": False,
        "font.family": list(_font_family()),
        "font.size": 10,
        "axes.spines.top": False,
        "axes.edgecolor": "#999999",
        "axes.labelcolor": COLORS["text"],
        "xtick.color": COLORS["text"],
        "ytick.color": COLORS["text"],
        "axes.grid": True,
        "grid.color": COLORS["grid"],
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
    }


def _svg(fig: Any, label: str) -> str:
    """The figure as an <svg> element sized by its container (no fixed width/height)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(fig)
    buf = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    head, rest = text.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    from html import escape

    head += f' role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet"'
    return head + ">" + rest


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _naive(s: pd.Series) -> pd.Series:
    # Wall-clock times of the configured zone: what the reader expects on the axis.
    return s.dt.tz_localize(None) if isinstance(s.dtype, pd.DatetimeTZDtype) else s


def timeline_svg(timeline: pd.DataFrame, interval: str, *,
                 markers: Sequence[Marker] = (), lang: str = "en") -> str:
    """Mentions per period as bars, negative share as a line (right axis), alert markers;
    labelled in ``lang``."""
    from brandscan.lang import text

    mentions, negative = text("chart_mentions", lang), text("chart_negative", lang)
    _quiet_matplotlib()
    import matplotlib
    import matplotlib.dates as mdates
    import matplotlib.ticker

    with matplotlib.rc_context(_rc()):
        fig = _figure(9, 3.4)
        ax = fig.add_subplot()
        x = _naive(timeline["period"])
        step = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4}.get(interval, 1.0)
        ax.bar(x, timeline["mentions"], width=step * 0.85, align="edge",
               color=COLORS["mentions"], label=mentions)
        ax.set_ylabel(mentions)
        ax.set_ylim(bottom=0)
        ax2 = ax.twinx()
        ax2.grid(False)
        ax2.spines["top"].set_visible(False)
        # NaN in a period without voices: the line breaks there rather than drop to 0 %.
        share = timeline["negative_share"].astype(float)
        ax2.plot(x + pd.Timedelta(days=step / 2), share, color=COLORS["negative"],
                 linewidth=1.6, marker="o" if len(x) <= 40 else None, markersize=3,
                 label=negative)
        ax2.set_ylim(0, 1.05)
        ax2.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax2.set_ylabel(negative, color=COLORS["negative"])
        seen: set[str] = set()
        for m in markers:
            at = pd.Timestamp(m.at)
            at = at.tz_localize(None) if at.tzinfo is not None else at
            color = COLORS.get(m.severity, COLORS["watch"])
            label = f"alert: {m.severity}" if m.severity not in seen else None
            seen.add(m.severity)
            ax.axvline(at, color=color, linewidth=1.2, linestyle="--", label=label)
            ax.plot([at], [1.0], marker="v", color=color, markersize=8,
                    transform=ax.get_xaxis_transform(), clip_on=False)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter(
            {"hour": "%m-%d %H:%M", "month": "%Y-%m"}.get(interval, "%Y-%m-%d")))
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
        handles = ax.get_legend_handles_labels()
        more = ax2.get_legend_handles_labels()
        fig.legend(handles[0] + more[0], handles[1] + more[1], loc="outside upper left",
                   frameon=False, fontsize=9, ncols=5)
        ax.margins(x=0.01)
        return _svg(fig, f"mentions and negative share per {interval}")


def mix_svg(mix: pd.DataFrame, lang: str = "en") -> str:
    """The sentiment mix as one 100% bar: positive, neutral, negative (named in ``lang``)."""
    from brandscan.lang import value

    _quiet_matplotlib()
    import matplotlib
    import matplotlib.ticker

    with matplotlib.rc_context({**_rc(), "axes.grid": False}):
        fig = _figure(9, 1.1)
        ax = fig.add_subplot()
        left = 0.0
        total = float(mix["posts"].sum()) or 1.0
        for r in mix.itertuples(index=False):
            share = r.posts / total
            ax.barh([0], [share], left=left, color=COLORS.get(r.label, "#888888"), height=0.6)
            if share >= 0.06:
                ax.text(left + share / 2, 0, f"{value(r.label, lang)} {share:.0%}", ha="center",
                        va="center", color="white", fontsize=10, fontweight="bold")
            left += share
        ax.set_xlim(0, 1)
        ax.set_axis_off()
        return _svg(fig, "sentiment mix")


def share_svg(totals: pd.DataFrame) -> str:
    """Share of voice per brand as horizontal bars, coloured by net sentiment."""
    _quiet_matplotlib()
    import matplotlib
    import matplotlib.ticker

    df = totals.sort_values("share_of_voice")
    with matplotlib.rc_context(_rc()):
        fig = _figure(9, 0.5 + 0.45 * max(len(df), 1))
        ax = fig.add_subplot()
        net = df["net_sentiment"].fillna(0.0) if "net_sentiment" in df else pd.Series(
            0.0, index=df.index)
        colors = [COLORS["negative"] if v < -0.1 else COLORS["positive"] if v > 0.1
                  else COLORS["mentions"] for v in net]
        names = [str(b) for b in df["brand"]]
        # No mentions at all in the window: no shares (NaN), so no bars and no percent.
        shares = df["share_of_voice"].astype(float)
        ax.barh(names, shares.fillna(0.0), color=colors, height=0.6)
        for i, (v, n) in enumerate(zip(shares, df["mentions"])):
            label = f"({int(n):,})" if pd.isna(v) else f"{v:.0%} ({int(n):,})"
            ax.text(0.01 if pd.isna(v) else v + 0.01, i, label, va="center", fontsize=9)
        ax.set_xlim(0, 1.15)
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        ax.grid(axis="y", visible=False)
        return _svg(fig, "share of voice")
