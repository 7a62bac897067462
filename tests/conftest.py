"""Shared fixtures: paths to the real exports, small hand-written inputs, a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared" / "data"
CONFIG_EXAMPLE = ROOT / "config.example.yaml"

realdata = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not here")

WEIBO_SEARCH_HEADER = ("id,bid,user_id,用户昵称,微博正文,头条文章url,发布位置,艾特用户,话题,转发数,"
                       "评论数,点赞数,发布时间,发布工具,微博图片url,微博视频url,retweet_id")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("realdata"):
            item.add_marker(realdata)


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in the C locale: brandscan writes Chinese under a zh_* locale, and
    the tests must not change with the machine's (tests of the language set their own)."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def store_fault(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[[], None]], None]:
    """``store_fault(point, action)``: run ``action`` (e.g. ``faults.disk_full``) at a point
    inside a store write, in this process, for this test only (see tests/faults.py)."""
    from tests.faults import install

    def inject(point: str, action: Callable[[], None]) -> None:
        install(point, action, monkeypatch.setattr)

    return inject


def weibo_search_csv(path: Path, rows: list[tuple[str, ...]], *, encoding: str = "utf-8-sig"
                     ) -> Path:
    """Write rows (id, user, text, reposts, comments, likes, time) in the weibo-search layout."""
    lines = [WEIBO_SEARCH_HEADER]
    for i, (pid, user, text, rep, com, like, when) in enumerate(rows):
        lines.append(f"{pid},B{i:08d},{1000 + i},{user},{text},,,,,{rep},{com},{like},{when},,,,")
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    return path
