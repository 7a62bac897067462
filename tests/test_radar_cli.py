"""The radar commands as a cron job and an analyst run them: alerts, influencers, sov, report."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from brandscan.cli import cli
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES
from tests.test_notify import Hook

CSV = EXAMPLES / "crisis_weibo_search.csv"
JSONL = EXAMPLES / "crisis_posts.jsonl"
JSONL_COLS = ("--text-col", "content", "--time-col", "published_at", "--id-col", "post_id")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@cache
def alerts_run(*extra: str) -> Result:
    return run("-q", "alerts", CSV, "--config", CONFIG_EXAMPLE, *extra)


def test_alerts_csv_on_the_example() -> None:
    result = alerts_run()
    assert result.exit_code == 0 and result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    first = rows[0]
    assert (first["fired"], first["kind"], first["severity"]) == (
        "2026-11-05 07:00:00", "influential", "watch")
    assert first["first_author"] == "林夕说书" and first["first_reposts"] == "2865"
    assert first["first_url"] == "https://weibo.com/1893456721/P0uUf5sVC"
    crisis = [r for r in rows if r["severity"] == "crisis"]
    assert crisis[0]["fired"] == "2026-11-05 08:00:00" and crisis[0]["kind"] == "volume"
    assert all(r["fired"] >= "2026-11-05" for r in rows)


def test_fail_on_alert_exits_3_at_or_above_min_severity() -> None:
    assert alerts_run("--fail-on-alert").exit_code == 3
    crisis = alerts_run("--fail-on-alert", "--min-severity", "crisis", "--format", "json")
    assert crisis.exit_code == 3
    assert {a["severity"] for a in json.loads(crisis.stdout)} == {"crisis"}
    # Before the crisis: nothing fires, nothing is printed, exit 0.
    quiet = alerts_run("--fail-on-alert", "--until", "2026-11-05 07:00")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_since_24h_window_is_relative_to_now() -> None:
    # A cron run at 10:00 on the day of the crisis, looking at the last 3 hours.
    recent = alerts_run("--now", "2026-11-05 10:00", "--since", "3h", "--until", "now",
                        "--format", "json")
    fired = [a["fired"][:16] for a in json.loads(recent.stdout)]
    # (the negative alert fires at 10:00: counted over opinions and news, the share
    # passes its test an hour after the volume's)
    assert fired == ["2026-11-05T07:00", "2026-11-05T08:00", "2026-11-05T09:00"]
    late = alerts_run("--now", "2026-11-09 12:00", "--since", "24h", "--fail-on-alert")
    assert late.exit_code == 0 and late.stdout == ""


def test_markdown_digest_names_the_post() -> None:
    md = alerts_run("--format", "markdown", "--min-severity", "watch").stdout
    # the headline names the latest incident, and the worse one before it
    assert md.startswith("# brandscan alerts\n\n**SPIKE alert for 鲜果坊 from 2026-11-06 15:00")
    assert ("before it, a CRISIS alert from 2026-11-05 07:00, set off by 林夕说书's post at "
            "11-05 07:12") in md.splitlines()[2]
    assert "- **WATCH 鲜果坊 influential, fired 2026-11-05 07:00 (new)**" in md
    assert "([link](https://weibo.com/1893456721/P0uUf5sVC))" in md


def test_notify_posts_to_a_local_webhook() -> None:
    hook = Hook()
    try:
        result = run("alerts", CSV, "--config", CONFIG_EXAMPLE, "--min-severity", "crisis",
                     "--notify", hook.url, "--notify-format", "wecom", "--fail-on-alert")
        assert result.exit_code == 3
        (req,) = hook.requests
        content = req["body"]["markdown"]["content"]
        assert "CRISIS 鲜果坊 volume" in content
        assert "sent to http://127.0.0.1" in result.stderr and "secret" not in result.stderr
        hook.status, hook.answer = 404, "no such robot"
        failed = run("-q", "alerts", CSV, "--config", CONFIG_EXAMPLE, "--notify", hook.url,
                     "--notify-timeout", "5")
        assert failed.exit_code == 1
        assert "--notify: 127.0.0.1" in failed.stderr and "HTTP 404" in failed.stderr
        assert "Traceback" not in failed.stderr
        # Nothing fired: nothing sent.
        run("-q", "alerts", CSV, "--config", CONFIG_EXAMPLE, "--until", "2026-11-05",
            "--notify", hook.url)
        assert len(hook.requests) == 2
    finally:
        hook.close()


def test_influencers_with_follower_counts() -> None:
    result = run("-q", "influencers", JSONL, *JSONL_COLS, "--config", CONFIG_EXAMPLE,
                 "--top", "3", "--format", "json")
    rows = json.loads(result.stdout)
    assert [r["author"] for r in rows] == ["林夕说书", "三更吃瓜君", "新消费日报"]
    assert rows[0]["followers"] == 10_300_000 and rows[0]["reach_basis"] == "followers"
    assert rows[0]["reposted_in_chains"] == 22
    assert rows[1]["drove_spike"].startswith("鲜果坊 2026-11-05 07:00")


def test_influencers_without_follower_counts_rank_by_engagement() -> None:
    result = run("-q", "influencers", CSV, "--config", CONFIG_EXAMPLE, "--format", "json",
                 "--since", "2026-11-05", "--until", "2026-11-06")
    rows = json.loads(result.stdout)
    assert {r["reach_basis"] for r in rows} == {"engagement"}
    assert rows[0]["author"] == "三更吃瓜君" and rows[0]["reach"] == 15657


def test_sov_command() -> None:
    result = run("-q", "sov", CSV, "--config", CONFIG_EXAMPLE, "--format", "json")
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["period", "brand", "mentions", "share_of_voice", "positive",
                             "neutral", "negative", "net_sentiment", "mean_sentiment",
                             "engagement"]
    day5 = {r["brand"]: r for r in rows if r["period"].startswith("2026-11-05")}
    assert day5["鲜果坊"]["mentions"] == 284 and day5["果多多"]["mentions"] == 27
    assert day5["鲜果坊"]["share_of_voice"] == pytest.approx(284 / 311)
    total = run("-q", "sov", CSV, "--config", CONFIG_EXAMPLE, "--interval", "total",
                "--compare", "果多多")
    (row,) = csv.DictReader(io.StringIO(total.stdout))
    assert row["brand"] == "果多多" and row["share_of_voice"] == "1.0"
    bad = run("-q", "sov", CSV, "--config", CONFIG_EXAMPLE, "--compare", "鲜果坊,小米")
    assert bad.exit_code == 1 and "--compare 小米: not a configured brand" in bad.stderr


def test_report_puts_alerts_first_and_the_verdict_mentions_them() -> None:
    md = run("-q", "report", CSV, "--config", CONFIG_EXAMPLE, "--format", "markdown").stdout
    verdict = next(line for line in md.splitlines() if line.startswith("**"))
    assert verdict.startswith("**SPIKE alert for 鲜果坊 from 2026-11-06 15:00")
    assert ("before it, a CRISIS alert from 2026-11-05 07:00, set off by 林夕说书's post at "
            "11-05 07:12, peak 39 mentions/h at 11-05 09:00 vs 1 expected; answered after "
            "32.0 h (target 24 h: missed) (2 earlier incidents since 2026-11-05 07:00)") in verdict
    assert md.index("## Alerts") < md.index("## Top complaints")
    assert md.index(verdict) < md.index("## Alerts")
    assert "## Response time to negative spikes" in md and "## Share of voice" in md
    doc = json.loads(run("-q", "report", CSV, "--config", CONFIG_EXAMPLE, "--format",
                         "json").stdout)
    assert doc["alerts"][0]["first_author"] == "林夕说书"
    resp = doc["response_times"][0]
    assert resp["trigger_author"] == "林夕说书"
    assert resp["delay_hours"] == 32.0 and resp["status"] == "missed"
    assert [r["brand"] for r in doc["share_of_voice"]] == ["鲜果坊", "果多多"]


def test_report_without_alerts_has_no_alert_section() -> None:
    md = run("-q", "report", CSV, "--config", CONFIG_EXAMPLE, "--format", "markdown",
             "--until", "2026-11-05").stdout
    verdict = next(line for line in md.splitlines() if line.startswith("**"))
    assert "## Alerts" not in md and "alert" not in verdict.lower()


def test_inspect_brand_counts_clauses(tmp_path: Path) -> None:
    config = tmp_path / "q.yaml"
    config.write_text("brands:\n  - name: 鲜果坊\n    exclude: [鲜果坊间]\n"
                      "    query: (鲜果坊 OR XianGuoFang) AND NOT 果多多\n", encoding="utf-8")
    result = run("-q", "inspect", CSV, "--config", config, "--brand", "鲜果坊", "--format",
                 "json")
    rows = {r["clause"].strip(): r for r in json.loads(result.stdout)}
    assert rows["鲜果坊 OR XianGuoFang"]["posts"] == 621
    assert rows["果多多"]["kind"] == "term" and rows["鲜果坊间"]["kind"] == "exclude"
    assert rows["鲜果坊间"]["posts"] == 5
    assert rows["鲜果坊"]["kind"] == "brand"
    # The query drops the posts naming both brands; the alias match of config.example keeps
    # them.
    assert rows["鲜果坊"]["posts"] == 621 - _both()


@cache
def _both() -> int:
    result = run("-q", "posts", CSV, "--config", CONFIG_EXAMPLE, "--format", "json")
    both = sum(1 for p in json.loads(result.stdout) if p["brands"] == "鲜果坊;果多多")
    assert both > 0
    return both


def test_bad_query_in_config_is_one_line_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("brands:\n  - name: 鲜果坊\n    query: 鲜果坊 AND (山竹 OR\n",
                      encoding="utf-8")
    result = run("alerts", CSV, "--config", config)
    assert result.exit_code == 1
    assert f"{config}:3: brand '鲜果坊': query:" in result.stderr
    assert "at position" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_radar_commands() -> None:
    out = run("--help").stdout
    for name in ("alerts", "influencers", "sov"):
        assert name in out


def test_hourly_cron_replay_sends_each_alert_once() -> None:
    # What an hourly cron job over the closed hour sees: --since/--until one hour apart.
    sent = []
    for h in range(6, 11):
        result = alerts_run("--since", f"2026-11-05 {h:02d}:00", "--until",
                            f"2026-11-05 {h + 1:02d}:00", "--format", "json")
        sent += [(a["fired"][11:16], a["kind"], a["event"])
                 for a in json.loads(result.stdout or "[]")]
    assert sent == [("07:00", "influential", "new"), ("08:00", "volume", "new"),
                    ("09:00", "volume", "doubled"), ("10:00", "negative", "new")]
