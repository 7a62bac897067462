"""Decoding and record reading: encodings, formats by content, ragged rows, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brandscan.errors import BrandscanError
from brandscan.load.read import decode, read_table, sniff_format

TEXT = "id,text,time\n1,鲜果坊的山竹烂了,2026-11-05 06:00\n2,客服不回复,2026-11-05 07:00\n"


@pytest.mark.parametrize("encoding,name", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_encodings_are_read_without_options(tmp_path: Path, encoding: str, name: str) -> None:
    p = tmp_path / "posts.csv"
    p.write_bytes(TEXT.encode(encoding))
    table = read_table(p)
    assert table.encoding == name
    assert table.frame["text"].tolist() == ["鲜果坊的山竹烂了", "客服不回复"]
    assert table.frame["__line__"].tolist() == [2, 3]


def test_crlf_and_bom_in_first_field(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8-sig"))
    assert read_table(p).frame.columns[0] == "id"


def test_format_is_decided_by_content_not_extension(tmp_path: Path) -> None:
    p = tmp_path / "posts.txt"
    p.write_text('{"text": "a", "time": 1}\n{"text": "b", "time": 2}\n', encoding="utf-8")
    assert read_table(p).format == "jsonl"
    p.write_text(json.dumps([{"text": "a"}, {"text": "b"}]), encoding="utf-8")
    assert read_table(p).format == "json"
    p.write_text("text\ttime\na\t1\n", encoding="utf-8")
    assert read_table(p).format == "tsv"


def test_sniff_format_pretty_printed_object_is_json() -> None:
    assert sniff_format('{\n "user": {}, "weibo": []\n}', "x") == "json"


def test_json_object_holding_posts_keeps_top_level_user(tmp_path: Path) -> None:
    p = tmp_path / "backup.json"
    p.write_text(json.dumps({"user": {"screen_name": "甲", "followers_count": 10},
                             "weibo": [{"text": "a"}, {"text": "b"}]}, ensure_ascii=False),
                 encoding="utf-8")
    table = read_table(p)
    assert len(table.frame) == 2
    assert table.meta == {"user.screen_name": "甲", "user.followers_count": 10}


def test_json_array_items_know_their_line(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text('[\n{"text": "a"},\n3,\n{"text": "b"}\n]', encoding="utf-8")
    table = read_table(p)
    assert table.frame["__line__"].tolist() == [2, 4]
    assert [(s.line, s.reason) for s in table.skipped] == [(3, "not a JSON object")]
    assert table.rows_read == 3


def test_ragged_rows_and_repeated_header_are_accounted(tmp_path: Path) -> None:
    p = tmp_path / "ragged.csv"
    p.write_text("id,text,time\n1,a,2026-01-01\n2,b\nid,text,time\n3,c,2026-01-01,extra\n",
                 encoding="utf-8")
    table = read_table(p)
    assert table.rows_read == 4
    assert table.frame["id"].tolist() == ["1", "2"]
    assert table.frame.loc[1, "time"] == ""  # a short row is padded, never shifted
    assert [(s.line, s.reason) for s in table.skipped] == [
        (4, "repeated header line"), (5, "too many fields: 4, the header has 3")]


def test_jsonl_bad_line_is_skipped_with_its_line(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "a"}\n{"text": "b\n{"text": "c"}\n', encoding="utf-8")
    table = read_table(p)
    assert table.frame["text"].tolist() == ["a", "c"]
    assert table.skipped[0].line == 2 and table.skipped[0].reason.startswith("invalid JSON")


def test_huge_field(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    p.write_text("text,time\n" + "长" * 300_000 + ",2026-01-01\n", encoding="utf-8")
    assert len(read_table(p).frame.loc[0, "text"]) == 300_000


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"   \n", "empty file"),
    (b"id,text,time\n", "header only"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" * 20, "binary file"),
    (b'[{"text": "a"}, {"text": "b"', "invalid JSON"),
])
def test_bad_files_are_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(content)
    with pytest.raises(BrandscanError) as err:
        read_table(p)
    assert message in str(err.value)
    assert str(p) in str(err.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(BrandscanError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(BrandscanError, match="is a directory"):
        read_table(tmp_path)


def test_decode_prefers_utf8_then_gb18030() -> None:
    assert decode("好".encode(), "x") == ("好", "utf-8")
    assert decode("好评".encode("gbk"), "x") == ("好评", "gb18030")
