"""Coverage: baselines count only the hours an input covered a brand; coverage jumps and
late-starting inputs are data notes, not alarms."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from brandscan.analyze.hourly import HourlyPartial
from brandscan.cli import cli
from brandscan.config import Brand, Config
from tests.conftest import weibo_search_csv

TZ = "Asia/Shanghai"


def rows(brand: str, times: list[datetime], start_id: int) -> list[tuple[str, ...]]:
    return [(str(start_id + i), f"用户{start_id + i}", f"{brand}今天的新品不错{i}", "0", "0",
             "1", t.strftime("%Y-%m-%d %H:%M")) for i, t in enumerate(times)]


def quiet_days(start: datetime, days: int) -> list[datetime]:
    """Two posts a day at 10:00 and 20:00."""
    return [start + timedelta(days=d, hours=h) for d in range(days) for h in (10, 20)]


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


CONFIG = "timezone: Asia/Shanghai\nbrands:\n  - name: 鲜果坊\n  - name: 橙心\n"


def test_a_file_from_another_year_gives_no_baseline_of_zeros(tmp_path: Path) -> None:
    config = tmp_path / "brands.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    # 鲜果坊: an export that opens with a busy hour (15 posts) then two a day;
    # 橙心: an export from three years before.
    start = datetime(2024, 3, 1, 9, 0)
    busy = [start + timedelta(minutes=3 * i) for i in range(15)]
    a = weibo_search_csv(tmp_path / "鲜果坊.csv",
                         rows("鲜果坊", busy + quiet_days(start + timedelta(days=1), 5), 1000))
    b = weibo_search_csv(tmp_path / "橙心.csv",
                         rows("橙心", quiet_days(datetime(2021, 3, 1), 10), 5000))
    for engine in ("local", "stream"):
        code, out, _err = run("alerts", a, b, "--config", config, "--format", "json",
                             "--engine", engine, "--chunk-rows", "100")
        assert code == 0
        # the 2021 file says nothing about 鲜果坊 in 2021-2024: those hours are unknown,
        # so its first busy hour has no baseline to be a spike against
        assert not [r for r in json.loads(out or "[]") if r["brand"] == "鲜果坊"], out
    # the same hour, with 鲜果坊 covered (quiet) for the week before, is a spike
    early = quiet_days(start - timedelta(days=7), 7)
    c = weibo_search_csv(tmp_path / "鲜果坊2.csv",
                         rows("鲜果坊", early + busy + quiet_days(start + timedelta(days=1), 5),
                              1000))
    code, out, _ = run("alerts", c, b, "--config", config, "--format", "json")
    fired = [r for r in json.loads(out) if r["brand"] == "鲜果坊"]
    assert fired and fired[0]["kind"] == "volume" and fired[0]["value"] == 15


def test_covered_hours_are_the_spans_of_the_files_holding_the_brand() -> None:
    config = Config(brands=(Brand("鲜果坊"),))
    t = pd.to_datetime(["2026-11-01 10:20", "2026-11-01 12:50", "2026-11-03 08:10"]).tz_localize(TZ)
    frame = pd.DataFrame({"created_at": t, "source_file": ["a.csv", "a.csv", "b.csv"]})
    from tests.test_alerts import timeline_frame

    posts = timeline_frame([0], extra=[{"created_at": x, "source_file": f, "label": "neutral",
                                        "reposts": 0, "author": "甲", "engagement": 1}
                                       for x, f in zip(frame["created_at"],
                                                       frame["source_file"])])
    posts = posts[posts["source_file"].isin(["a.csv", "b.csv"])]
    whole = HourlyPartial.of(posts, config)
    # one chunk per file, merged: the same spans
    parts = [HourlyPartial.of(posts[posts["source_file"] == f], config) for f in ("b.csv",
                                                                                   "a.csv")]
    merged = parts[0].merge(parts[1])
    assert merged.spans == whole.spans
    index = whole.hour_index()
    covered = whole.covered("鲜果坊", index)
    hours = [f"{h:%d %H}" for h, c in zip(index, covered) if c]
    assert hours == ["01 10", "01 11", "01 12", "03 08"]  # a: 10:00-12:59, b: 08:00
    assert not covered[np.flatnonzero(index == pd.Timestamp("2026-11-02 00:00", tz=TZ))].any()


def test_a_coverage_jump_is_a_data_note_not_an_alarm(tmp_path: Path) -> None:
    config = tmp_path / "brands.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    # three weeks of two posts a day, then a week of 300 a day: the export's depth
    # grows (search results thin out into the past), not the conversation
    start = datetime(2024, 3, 1)
    thin = quiet_days(start, 21)
    thick = [start + timedelta(days=21 + d, minutes=5 * i) for d in range(7)
             for i in range(300)]
    data = weibo_search_csv(tmp_path / "鲜果坊.csv", rows("鲜果坊", thin + thick, 1000))
    code, out, err = run("alerts", data, "--config", config, "--format", "json")
    assert code == 0
    assert "note: 鲜果坊: the week from" in err and "the export's coverage grew" in err
    assert not json.loads(out or "[]"), out  # no volume alert for the jump itself
    code, md, _ = run("report", data, "--config", config, "--format", "markdown")
    assert "## Data notes" in md and "coverage grew" in md
    # -q keeps a cron job quiet
    assert run("-q", "alerts", data, "--config", config, "--format", "json")[2] == ""


def test_an_input_starting_late_and_a_gap_are_noted(tmp_path: Path) -> None:
    config = tmp_path / "brands.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    a = weibo_search_csv(tmp_path / "first.csv",
                         rows("鲜果坊", quiet_days(datetime(2024, 3, 1), 3), 1000))
    b = weibo_search_csv(tmp_path / "second.csv",
                         rows("鲜果坊", quiet_days(datetime(2024, 3, 10), 3), 2000))
    _code, out, _err = run("report", a, b, "--config", config, "--format", "json")
    notes = json.loads(out)["data_notes"]
    assert any("second.csv starts at 2024-03-10 10:00" in n for n in notes), notes
    assert any("no input covers 2024-03-03 21:00 to 2024-03-10 10:00" in n for n in notes), notes
