"""How fast the brand answered: from the first post of a negative spike to its own first post.

PR teams are judged by this number. The cases analysts study show why: brands that
answered within minutes contained the story, one that answered after 32 hours stayed on
hot search for two more days.

An *incident* is a run of alerts of one brand that overlap or follow each other within the
cooldown. It is a *negative spike* when it holds a negative-share alert or a volume alert
of severity crisis; an influential post alone is not a spike, but when it sets one off it
belongs to it. The incident starts with its first triggering post (for the bundled
example, 林夕说书's complaint at 07:12, not the hour the volume caught up). The response
is the first post or reply after that by one of the brand's ``official_accounts`` (name or
id) that *answers* the incident, looked for in every loaded post (a reply need not name
the brand):

- ``reply``: a comment or reply in one of the incident's threads (its parent is one of
  the incident's negative posts);
- ``statement``: a post that says it is one (声明, 致歉, 道歉, 回应, 说明, 通报, 抱歉, 歉意);
- ``terms``: a post naming one of the incident's complaint terms (the alerts' ``terms``).

The brand's other posts in between — a promotion, a lottery — are no answer: they are
counted and listed (``passed_over``), and ``response_rule`` says which rule matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from brandscan.analyze.hourly import official_accounts, official_mask
from brandscan.analyze.partial import Chunk, Context, Finished
from brandscan.config import Config
from brandscan.schema import POST_COLUMNS, empty_posts

RESPONSE_COLUMNS = ("brand", "incident_start", "incident_end", "trigger_author",
                    "trigger_text", "severity", "responded_at", "responder", "response_text",
                    "response_url", "response_rule", "delay_hours", "target_hours", "status",
                    "passed_over", "passed_over_posts")

#: Words that make an official post a statement about the incident.
STATEMENT = re.compile("声明|致歉|道歉|回应|说明|通报|抱歉|歉意")
#: How many passed-over official posts a row quotes (all are counted).
PASSED_OVER_QUOTED = 5


@dataclass
class Incident:
    """Overlapping alerts of one brand, merged."""

    brand: str
    start: pd.Timestamp  # the first triggering post (or the first alert hour)
    end: pd.Timestamp | None  # None while the last alert is still going
    negative: bool
    severity: str
    trigger_author: str
    trigger_text: str
    last_hour: pd.Timestamp  # end of the last alert hour seen, for merging
    first_hour: pd.Timestamp | None = None  # the first alert hour
    terms: set[str] = field(default_factory=set)  # the alerts' complaint terms


def incidents(alerts: pd.DataFrame, config: Config) -> list[Incident]:
    """Merge a brand's alerts that overlap or are less than the cooldown apart."""
    from brandscan.analyze.severity import severity_rank

    gap = pd.Timedelta(hours=config.alerts.cooldown_hours)
    out: list[Incident] = []
    if alerts.empty:
        return out
    for brand, rows in alerts.groupby("brand", sort=False):
        current: Incident | None = None
        for r in rows.sort_values(["start", "fired"]).itertuples(index=False):
            trig = r.first_time if pd.notna(r.first_time) else r.start
            end = r.end if r.end is not None and pd.notna(r.end) else None
            last = end if end is not None else r.fired + pd.Timedelta(hours=1)
            neg = r.kind == "negative" or (r.kind == "volume" and r.severity == "crisis")
            terms = {t for t in str(getattr(r, "terms", "") or "").split("; ") if len(t) >= 2}
            if current is not None and r.start <= current.last_hour + gap:
                current.terms |= terms
                if trig < current.start:
                    current.start, current.trigger_author = trig, r.first_author or ""
                    current.trigger_text = r.first_text or ""
                if current.end is not None:
                    current.end = None if end is None else max(current.end, end)
                current.last_hour = max(current.last_hour, last)
                current.negative |= neg
                if severity_rank(r.severity) > severity_rank(current.severity):
                    current.severity = r.severity
                continue
            current = Incident(str(brand), trig, end, neg, r.severity, r.first_author or "",
                               r.first_text or "", last, r.start, terms)
            out.append(current)
    return out


def answer_rule(post: pd.Series, terms: set[str], threads: set[str]) -> str:
    """Which rule makes an official post an answer to an incident ("" for none)."""
    text = str(post.get("text") or "")
    if post.get("kind", "post") != "post" and str(post.get("parent_id") or "") in threads:
        return "reply"
    if STATEMENT.search(text):
        return "statement"
    if any(t in text for t in terms):
        return "terms"
    return ""


def response_times(alerts: pd.DataFrame, posts: pd.DataFrame, config: Config, *,
                   target_hours: float | None = None,
                   data_end: pd.Timestamp | None = None,
                   threads: Callable[[Incident], set[str]] | None = None) -> pd.DataFrame:
    """One row per negative incident: when the brand first answered, and the delay.

    ``posts`` should be every loaded post (not only brand mentions), or at least those of
    the official accounts with ``data_end`` the time of the newest loaded post;
    ``threads(incident)`` gives the ids of the incident's negative posts (replies under
    them answer it). ``status`` is ``met`` or ``missed`` against the target, ``no
    response`` when no answer came and the target has passed by the end of the data,
    ``waiting`` when it has not yet, and ``no official_accounts`` when the config names
    none for the brand.
    """
    target = config.alerts.response_target_hours if target_hours is None else target_hours
    rows = []
    if data_end is None:  # (a streamed run passes only official posts, and the end)
        data_end = posts["created_at"].max() if len(posts) else None
    for inc in incidents(alerts, config):
        if not inc.negative:
            continue
        accounts = official_accounts(config, inc.brand)
        row = {"brand": inc.brand, "incident_start": inc.start, "incident_end": inc.end,
               "trigger_author": inc.trigger_author, "trigger_text": inc.trigger_text,
               "severity": inc.severity, "responded_at": None, "responder": "",
               "response_text": "", "response_url": "", "response_rule": "",
               "delay_hours": None, "target_hours": float(target), "status": "",
               "passed_over": 0, "passed_over_posts": ""}
        if not accounts:
            row["status"] = "no official_accounts"
            rows.append(row)
            continue
        own = posts[official_mask(posts, accounts) & (posts["created_at"] > inc.start)]
        # Ties broken by where the post came from, not by row position: a streamed run
        # collects official posts in whatever order its chunks finish.
        order = [c for c in ("created_at", "source_file", "source_line", "kind", "id",
                             "text") if c in own]
        own = own.sort_values(order, kind="stable")
        ids = threads(inc) if threads is not None else set()
        rules = [answer_rule(p, inc.terms, ids) for _, p in own.iterrows()]
        answered = [i for i, r in enumerate(rules) if r]
        skipped = own.iloc[:answered[0]] if answered else own
        row["passed_over"] = len(skipped)
        row["passed_over_posts"] = " | ".join(
            f"{t:%m-%d %H:%M} {str(x)[:40]}" for t, x in
            zip(skipped["created_at"].head(PASSED_OVER_QUOTED),
                skipped["text"].head(PASSED_OVER_QUOTED)))
        if answered:
            first = own.iloc[answered[0]]
            delay = (first["created_at"] - inc.start) / pd.Timedelta(hours=1)
            row.update(responded_at=first["created_at"], responder=first["author"],
                       response_text=first["text"], response_url=first["url"],
                       response_rule=rules[answered[0]], delay_hours=float(delay),
                       status="met" if delay <= target else "missed")
        else:
            waited = ((data_end - inc.start) / pd.Timedelta(hours=1)
                      if data_end is not None else 0.0)
            row["status"] = "no response" if waited > target else "waiting"
        rows.append(row)
    return pd.DataFrame(rows, columns=list(RESPONSE_COLUMNS))


@dataclass
class Officials:
    """The posts of every brand's official accounts before ``until`` (few: kept whole) and
    the time of the newest post before it (how long a brand has been silent)."""

    posts: pd.DataFrame
    data_end: int | None = None  # UTC ns

    @classmethod
    def of(cls, posts: pd.DataFrame, config: Config, until: pd.Timestamp | None) -> Officials:
        if until is not None and len(posts):
            posts = posts[posts["created_at"] < pd.Timestamp(until)]
        accounts = [a for b in config.brands for a in b.official_accounts]
        own = posts[official_mask(posts, accounts)] if accounts else posts.iloc[0:0]
        times = posts["created_at"]
        end = None if times.empty or times.isna().all() else int(times.max().value)
        return cls(own.loc[:, list(POST_COLUMNS)].reset_index(drop=True), end)

    def merge(self, other: Officials) -> Officials:
        ends = [t for t in (self.data_end, other.data_end) if t is not None]
        frames = [f for f in (self.posts, other.posts) if len(f)]
        posts = (pd.concat(frames, ignore_index=True) if len(frames) > 1
                 else (frames[0] if frames else self.posts))
        return Officials(posts, max(ends) if ends else None)

    def data_end_time(self, tz: str) -> pd.Timestamp | None:
        if self.data_end is None:
            return None
        return pd.Timestamp(self.data_end, tz="UTC").tz_convert(tz)


@dataclass(frozen=True)
class Response:
    """The brand's response time to each negative incident among the run's alerts.

    Official replies are looked for in every loaded post of a chunk (``Chunk.posts``),
    not only those naming the brand: a reply need not.
    """

    name: str = "response"
    needs: tuple[str, ...] = ("alerts",)

    def empty(self, ctx: Context) -> Officials:
        return Officials(empty_posts(ctx.tz).loc[:, list(POST_COLUMNS)])

    def partial(self, chunk: Chunk, ctx: Context) -> Officials:
        posts = chunk.history if chunk.posts is None else chunk.posts
        return Officials.of(posts, ctx.config, ctx.until)

    def merge(self, a: Officials, b: Officials) -> Officials:
        return a.merge(b)

    def finish(self, partial: Officials, ctx: Context, run: Finished) -> pd.DataFrame:
        window = run.window_posts()

        def threads(inc: Incident) -> set[str]:
            # the incident's negative posts, from the alert windows' second read
            start = (inc.first_hour if inc.first_hour is not None else inc.start).floor("h")
            posts = window(inc.brand, min(start, inc.start.floor("h")), inc.end)
            if not len(posts):
                return set()
            negative = (posts["label"] == "negative").to_numpy(dtype=bool)
            return set(posts.loc[negative, "id"].astype(str))

        return response_times(run.result("alerts"), partial.posts, ctx.config,
                              data_end=partial.data_end_time(ctx.tz), threads=threads)
