"""Remembered complaint terms: in the process, and in the store between runs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
from click.testing import CliRunner

import brandscan.text.terms as complaints_module
from brandscan.cli import cli
from brandscan.config import Config, load_config
from brandscan.text.terms import _LRU, cached_terms, complaint_terms, fingerprint
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
CFG = ("--config", str(CONFIG_EXAMPLE))
TEXTS = ["鲜果坊的山竹烂了，客服一直不回复", "果多多配送太慢，退款还没到账", "今天天气不错"]


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


class FakeSource:
    def __init__(self, known: dict[str, list[str]]):
        self.known = known
        self.asked: list[str] = []
        self.remembered: dict[str, list[str]] = {}

    def lookup_pairs(self, fingerprint: str, texts: Sequence[str]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        self.asked.extend(texts)
        found = [i for i, t in enumerate(texts) if t in self.known]
        owner = [i for i in found for _ in self.known[texts[i]]]
        words = [w for i in found for w in self.known[texts[i]]]
        return (np.asarray(found, dtype=np.int64), np.asarray(owner, dtype=np.int64),
                np.asarray(words, dtype=object))

    def remember(self, fingerprint: str, found: dict[str, list[str]]) -> None:
        self.remembered.update(found)


@pytest.fixture()
def config() -> Config:
    _LRU.clear()
    return load_config(CONFIG_EXAMPLE)


def test_a_source_saves_segmenting_and_learns_the_rest(config: Config,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    segmented: list[str] = []
    real = complaints_module.complaint_terms

    def counting(texts: Sequence[str], config: Config, **kw: object) -> list[list[str]]:
        segmented.extend(texts)
        return real(texts, config)

    monkeypatch.setattr(complaints_module, "complaint_terms", counting)
    source = FakeSource({TEXTS[0]: ["remembered"]})
    got = cached_terms([TEXTS[0], TEXTS[1], TEXTS[1]], config, source=source)
    assert got[0] == ["remembered"] and got[1] == got[2] == real([TEXTS[1]], config)[0]
    assert segmented == [TEXTS[1]] and list(source.remembered) == [TEXTS[1]]
    # Known in the process now: neither the source nor jieba is asked again.
    source.asked.clear()
    assert cached_terms([TEXTS[1]], config, source=source) == [got[1]]
    assert source.asked == [] and segmented == [TEXTS[1]]


def test_everything_remembered_builds_no_tokenizer(config: Config,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def no_jieba(*a: object, **k: object) -> None:
        raise AssertionError("segmented")

    monkeypatch.setattr(complaints_module, "complaint_terms", no_jieba)
    assert cached_terms(TEXTS, config, source=FakeSource({t: ["x"] for t in TEXTS})) == (
        [["x"]] * 3)


def test_the_fingerprint_follows_the_word_lists(config: Config) -> None:
    assert fingerprint(config) == fingerprint(load_config(CONFIG_EXAMPLE))
    assert fingerprint(replace(config, user_words=[*config.user_words, "烂山竹"])) != (
        fingerprint(config))
    assert fingerprint(replace(config, min_term_length=3)) != fingerprint(config)


def _terms_rows(db: Path) -> list[tuple[str, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT fingerprint, count(*) FROM terms GROUP BY 1").fetchall()
    finally:
        con.close()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_a_report_over_the_store_remembers_its_terms(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    assert run("ingest", EXAMPLE, "--db", db, *CFG).exit_code == 0
    assert _terms_rows(db) == []
    first = run("complaints", "--db", db, *CFG, "--format", "json")
    [(fp, n)] = _terms_rows(db)
    assert fp == fingerprint(config) and n > 100
    again = run("complaints", "--db", db, *CFG, "--format", "json")
    assert again.stdout == first.stdout and _terms_rows(db) == [(fp, n)]
    # The same table as the file gives (the cache changes no answer).
    from_file = run("complaints", EXAMPLE, *CFG, "--format", "json")
    assert json.loads(from_file.stdout) == json.loads(first.stdout)
    info = run("db", "info", "--db", db, *CFG)
    assert f"complaint terms {n:,} texts remembered" in info.stdout


def test_remembered_terms_are_the_terms_jieba_gives(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    run("report", "--db", db, *CFG, "--format", "json")
    con = duckdb.connect(str(db), read_only=True)
    stored = dict(con.execute("""
        SELECT DISTINCT p.text, t.terms FROM posts p
        JOIN terms t ON t.text_md5 = md5_number(p.text)""").fetchall())
    con.close()
    texts = sorted(stored)[:200]
    assert [list(stored[t]) for t in texts] == complaint_terms(texts, config)


def test_a_read_only_store_is_read_and_left_alone(tmp_path: Path) -> None:
    from tests.test_store_reliability import _read_only

    steps = _read_only(tmp_path)
    folder = next(steps)
    db = folder / "s.duckdb"
    try:
        run("ingest", EXAMPLE, "--db", db, *CFG)
        before = _sha(db)
        next(steps, None)  # the folder becomes read-only
        result = run("complaints", "--db", db, *CFG, "--format", "json")
        assert result.exit_code == 0 and result.stderr == "" and _sha(db) == before
        assert len(json.loads(result.stdout)) == 20
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        else:
            folder.chmod(0o755)


def test_a_busy_store_is_not_waited_for(tmp_path: Path) -> None:
    from brandscan.store.db import StoreLock
    from brandscan.store.terms import StoreTerms

    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    source = StoreTerms(db)
    source.remember("fp", {"某条微博": ["某条"]})
    with StoreLock(db, exclusive=True, timeout=1):  # another run is writing
        assert source.save() == 0
    assert _terms_rows(db) == [] and source.pending  # kept for a later save
    assert source.save() == 1 and _terms_rows(db) == [("fp", 1)]


def test_rescore_fills_the_terms_and_prune_drops_them(tmp_path: Path, config: Config) -> None:
    db = tmp_path / "s.duckdb"
    run("ingest", EXAMPLE, "--db", db, *CFG)
    filled = run("rescore", "--db", db, *CFG)
    assert filled.exit_code == 0 and "nothing to do" not in filled.stderr
    con = duckdb.connect(str(db), read_only=True)
    remembered = con.execute("SELECT count(*) FROM terms").fetchall()[0][0]
    con.close()
    posts = json.loads(run("posts", "--db", db, *CFG, "--format", "json").stdout)
    # every opinion's terms: what complaint terms are ranked over
    assert remembered == len({p["text"] for p in posts if p["voice"]})
    assert "nothing to do" in run("rescore", "--db", db, *CFG).stderr
    assert run("db", "prune", "--db", db, "--before", "2030-01-01", *CFG).exit_code == 0
    assert _terms_rows(db) == []


def test_fragments_feelings_and_names_never_become_terms_but_phrases_do() -> None:
    from brandscan.text.terms import complaint_terms

    (terms,) = complaint_terms(["居然天天开机广告，气死了，无语，周杰伦说第一次遇到"], Config())
    assert "开机" in terms and "广告" in terms and "开机 广告" in terms  # a phrase candidate
    for word in ("居然", "天天", "气死", "无语", "周杰伦", "第一"):  # adverb, time word,
        assert word not in terms, word  # feelings, a person name, a numeral


def test_page_furniture_people_and_time_words_never_become_terms() -> None:
    from brandscan.text.terms import complaint_terms, is_count_word

    cfg = Config()
    text = ("发布了头条文章：《电池自燃原因曝光》 O网页链接 L张三丰的微博视频 @李四 "
            "等了两天 24小时 客服不回复 发了十几条消息 点击查看[微笑]")
    (terms,) = complaint_terms([text], cfg)
    assert "自燃" in terms and "客服" in terms and "不回复" in terms
    for word in ("头条文章", "网页", "链接", "张三丰", "李四", "两天", "小时", "24小时",
                 "十几条", "点击", "查看", "微博视频", "微笑"):
        assert word not in terms, word
    assert [w for w in ("两天", "24小时", "三个月", "十几条", "天气", "一天天")
            if is_count_word(w)] == ["两天", "24小时", "三个月", "十几条"]
