"""brandscan.load.dedupe: one rule for duplicates — same (platform, kind, id), the last
occurrence in input order is kept — whether the files are held in memory or read in chunks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from brandscan.load import dedupe
from brandscan.load.chunks import ChunkedLoad
from brandscan.load.inspection import files_table
from brandscan.load.posts import LoadOptions, load_posts
from tests.conftest import weibo_search_csv

NOW = datetime(2026, 11, 26, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def two_crawls(tmp_path: Path) -> list[Path]:
    first = weibo_search_csv(tmp_path / "a.csv", [
        ("1", "甲", "鲜果坊的山竹烂了", "1", "0", "0", "2026-11-05 06:00"),
        ("2", "乙", "客服不回复", "0", "0", "0", "2026-11-05 07:00"),
        ("", "丙", "没有id的帖子", "0", "0", "0", "2026-11-05 07:30")])
    second = weibo_search_csv(tmp_path / "b.csv", [
        ("1", "甲", "鲜果坊的山竹烂了", "9", "9", "9", "2026-11-05 06:00"),
        ("", "丙", "没有id的帖子", "0", "0", "0", "2026-11-05 07:30")])
    return [first, second]


def test_the_last_occurrence_is_kept_and_posts_without_id_are_never_duplicates(
        two_crawls: list[Path]) -> None:
    loaded = load_posts(two_crawls, LoadOptions(now=NOW))
    assert sorted(loaded.posts["id"]) == ["", "", "1", "2"]
    assert loaded.posts.loc[loaded.posts["id"] == "1", "reposts"].tolist() == [9]
    assert [f.duplicates for f in loaded.report.files] == [1, 0]


def test_a_file_given_twice_is_accounted_once_per_entry(two_crawls: list[Path]) -> None:
    paths = [two_crawls[0], two_crawls[0]]
    loaded = load_posts(paths, LoadOptions(now=NOW))
    for f in loaded.report.files:
        assert f.rows_read == f.used + len(f.skipped) + f.duplicates
    assert [f.used for f in loaded.report.files] == [1, 3]  # the id-less post stays twice
    chunked = ChunkedLoad(paths, LoadOptions(now=NOW), small_file_bytes=0)
    rows = pd.concat(list(chunked), ignore_index=True)
    pd.testing.assert_frame_equal(rows, loaded.posts)
    pd.testing.assert_frame_equal(files_table(chunked.report), files_table(loaded.report))


def test_in_memory_keys_are_exact_not_hashed(two_crawls: list[Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # Every hash the same: chunked reading would take all keyed posts for one.
    monkeypatch.setattr(dedupe, "hash_values",
                        lambda values: np.zeros(len(values), dtype=np.uint64))
    loaded = load_posts(two_crawls, LoadOptions(now=NOW))
    assert sorted(loaded.posts["id"]) == ["", "", "1", "2"]


def test_exact_keys_number_equal_keys_alike_across_frames() -> None:
    def posts(ids: list[str], kind: str = "post") -> pd.DataFrame:
        return pd.DataFrame({"platform": "weibo", "kind": kind, "id": ids})

    (r1, k1), (r2, k2), (r3, k3) = dedupe.exact_keys(
        [posts(["1", "", "2"]), posts(["2", "1"]), posts(["1"], kind="comment")])
    assert r1.tolist() == [0, 2] and r2.tolist() == [0, 1] and r3.tolist() == [0]
    assert k1[0] == k2[1] and k1[1] == k2[0] and k1[0] != k1[1]
    assert k3[0] not in (k1[0], k1[1])
