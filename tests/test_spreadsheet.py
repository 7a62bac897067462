"""Spreadsheet safety: formula injection, control characters, BOM and GB18030 CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from brandscan.cli import cli
from brandscan.render.spreadsheet import (
    FORMULA_TRIGGERS,
    encode_text,
    neutralise,
    safe_frame,
    safe_text,
)
from tests.conftest import CONFIG_EXAMPLE

#: Posts a spreadsheet would run as formulas, next to harmless ones (generic JSONL layout).
EVIL = [
    ("1", '=HYPERLINK("http://evil.example/x","点我") 鲜果坊太差了，山竹烂了', "@攻击者",
     "2026-11-05T08:00:00+08:00"),
    ("2", "-1+1 鲜果坊的山竹烂了，客服不回复，失望", "-负号", "2026-11-05T09:00:00+08:00"),
    ("3", "+86 鲜果坊的车厘子很好吃，很新鲜，推荐", "甲", "2026-11-04T12:00:00+08:00"),
    ("4", "鲜果坊 =1+1 写在中间不算公式", "乙", "2026-11-04T13:00:00+08:00"),
]


def evil_jsonl(path: Path) -> Path:
    lines = [json.dumps({"post_id": pid, "content": text, "published_at": when,
                         "author": author, "author_id": pid, "followers": 10, "reposts": 1,
                         "comments": 0, "likes": 2, "url": f"https://weibo.com/{pid}/x",
                         "platform": "weibo"}, ensure_ascii=False)
             for pid, text, author, when in EVIL]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    return evil_jsonl(tmp_path / "evil.jsonl")


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, ["-q", *map(str, args)], catch_exceptions=False)


# --- the rules -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-5", "@SUM(A1)", "\tx", "\rx",
                                  '=cmd|" /C calc"!A0'])
def test_formula_like_text_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["鲜果坊 =1+1", " =1", "'=1", "", "５", "＝1", "#话题#"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_control_characters_go_before_the_formula_check() -> None:
    assert safe_text("\x00=1+1") == "'=1+1"
    assert safe_text("a\x07b\x1bc\x0bd\ufffee") == "abcde"
    # TAB, LF and CR inside a cell are text spreadsheets can hold
    assert safe_text("行一\n行二\tx") == "行一\n行二\tx"
    assert safe_text("\x00=1", raw=True) == "=1"


@given(st.text())
def test_safe_text_never_starts_a_formula_nor_keeps_control_chars(text: str) -> None:
    out = safe_text(text)
    assert not out.startswith(FORMULA_TRIGGERS)
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in out)
    stripped = safe_text(text, raw=True)
    assert out in (stripped, "'" + stripped)


def test_only_text_cells_are_neutralised() -> None:
    df = pd.DataFrame({
        "text": ["=1+1", "-5", "ok", None],
        "likes": [-5, 3, 0, 1],
        "score": [-0.5, 0.1, float("nan"), 1.0],
        "followers": pd.array([-1, None, 2, 3], dtype="Int64"),
        "when": pd.to_datetime(["2026-11-05"] * 4).tz_localize("Asia/Shanghai"),
    })
    out = safe_frame(df)
    assert out["text"].tolist()[:3] == ["'=1+1", "'-5", "ok"]
    assert pd.isna(out["text"].iloc[3])
    assert out["likes"].tolist() == [-5, 3, 0, 1]
    assert out["likes"].dtype == df["likes"].dtype
    assert out["score"].iloc[0] == -0.5
    assert out["followers"].iloc[0] == -1
    assert out["when"].equals(df["when"])
    assert safe_frame(df, raw=True) is df


def test_encodings() -> None:
    text = "作者,正文\n林夕说书,山竹烂了😭\n"
    assert encode_text(text, bom=True) == b"\xef\xbb\xbf" + text.encode("utf-8")
    assert encode_text(text) == text.encode("utf-8")
    gb = encode_text(text, encoding="gb18030")
    assert gb.decode("gb18030") == text  # emoji included: GB18030 covers all of Unicode
    with pytest.raises(ValueError):
        encode_text(text, encoding="latin-1")


# --- through the command line ------------------------------------------------------------

def _rows(data: bytes, encoding: str = "utf-8-sig", sep: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding)), delimiter=sep))


def test_csv_is_neutralised_by_default_and_raw_on_request(evil: Path) -> None:
    result = run("posts", evil, "--config", CONFIG_EXAMPLE)
    rows = {r["id"]: r for r in _rows(result.stdout_bytes)}
    assert rows["1"]["text"].startswith("'=HYPERLINK(")
    assert rows["1"]["author"] == "'@攻击者"
    assert rows["2"]["text"].startswith("'-1+1") and rows["2"]["author"] == "'-负号"
    assert rows["3"]["text"].startswith("'+86")
    assert rows["4"]["text"] == "鲜果坊 =1+1 写在中间不算公式"
    assert rows["1"]["likes"] == "2" and rows["1"]["sentiment"][0] in "01"
    raw = {r["id"]: r for r in _rows(run("posts", evil, "--config", CONFIG_EXAMPLE,
                                         "--raw").stdout_bytes)}
    assert raw["1"]["text"].startswith("=HYPERLINK(")
    assert raw["2"]["author"] == "-负号"


def test_json_is_never_changed(evil: Path) -> None:
    rows = json.loads(run("posts", evil, "--config", CONFIG_EXAMPLE, "--format",
                          "json").stdout)
    assert {r["text"] for r in rows} == {text for _, text, _, _ in EVIL}
    assert {r["author"] for r in rows} >= {"@攻击者", "-负号"}


def test_bom_and_gb18030(evil: Path, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    assert run("posts", evil, "--config", CONFIG_EXAMPLE, "--bom", "-o", out).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfplatform,")
    assert {r["author"] for r in _rows(data)} >= {"甲", "乙"}
    tsv = run("timeline", evil, "--config", CONFIG_EXAMPLE, "--encoding", "GB18030",
              "--format", "tsv").stdout_bytes
    assert not tsv.startswith(b"\xef\xbb\xbf")
    assert _rows(tsv, "gb18030", "\t")[0]["period"] == "2026-11-04"
    posts = run("posts", evil, "--config", CONFIG_EXAMPLE, "--encoding", "gb18030").stdout_bytes
    with pytest.raises(UnicodeDecodeError):
        posts.decode("utf-8")
    assert "乙" in {r["author"] for r in _rows(posts, "gb18030")}


def test_bom_alone_means_csv_and_is_refused_with_other_formats(evil: Path) -> None:
    assert run("timeline", evil, "--bom").stdout_bytes.startswith(b"\xef\xbb\xbfperiod,")
    for fmt in ("json", "markdown", "xlsx"):
        result = CliRunner().invoke(cli, ["timeline", str(evil), "--bom", "--format", fmt])
        assert result.exit_code == 2, fmt
        assert "--bom and --encoding are for csv and tsv" in result.stderr
    bad = CliRunner().invoke(cli, ["timeline", str(evil), "--encoding", "latin-1"])
    assert bad.exit_code == 2
