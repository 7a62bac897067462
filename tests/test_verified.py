"""weibo-crawler verification reads as true/false: 是否认证, and 认证类型's Weibo codes
(where 0 is a verified person, not "no")."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from brandscan.cli import cli
from brandscan.load.verified import verified_values


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _files(tmp_path: Path, users_header: str, users_rows: list[str]) -> tuple[Path, Path]:
    users = tmp_path / "users.csv"
    users.write_text("\n".join([users_header, *users_rows]) + "\n", encoding="utf-8-sig")
    posts = tmp_path / "鲜果坊_111.csv"
    posts.write_text("id,用户id,用户昵称,正文,日期\n"
                     "1,111,甲,鲜果坊的橙子很甜,2026-11-05 10:00\n"
                     "2,222,乙,鲜果坊的快递太慢了,2026-11-05 11:00\n"
                     "3,333,丙,鲜果坊还行,2026-11-05 12:00\n"
                     "4,444,丁,鲜果坊到货了,2026-11-05 13:00\n", encoding="utf-8-sig")
    return posts, users


def test_users_csv_flags_are_true_and_false(tmp_path: Path) -> None:
    # As weibo-crawler writes it: 是否认证 True/False beside the type code.
    posts, users = _files(tmp_path, "用户id,昵称,粉丝数,是否认证,认证类型",
                          ["111,甲,1000,True,0", "222,乙,50,False,-1", "333,丙,70,False,220",
                           "444,丁,80,True,3"])
    result = run("posts", posts, "--users", users, "--format", "json")
    assert result.exit_code == 0, result.output
    got = {p["author"]: p["verified"] for p in json.loads(result.stdout)}
    assert got == {"甲": "true", "乙": "false", "丙": "false", "丁": "true"}
    table = run("influencers", posts, "--users", users, "--format", "csv").stdout
    frame = pd.read_csv(io.StringIO(table), dtype=str)
    assert dict(zip(frame["author"], frame["verified"])) == got


def test_the_type_code_alone_is_read_as_weibo_means_it(tmp_path: Path) -> None:
    # 0: a verified person (黄V); 1-7: organisations (蓝V); -1 nobody; 220: 达人, not verified.
    posts, users = _files(tmp_path, "用户id,昵称,粉丝数,认证类型",
                          ["111,甲,1000,0", "222,乙,50,-1", "333,丙,70,220", "444,丁,80,7"])
    result = run("posts", posts, "--users", users, "--format", "json")
    got = {p["author"]: p["verified"] for p in json.loads(result.stdout)}
    assert got == {"甲": "true", "乙": "false", "丙": "false", "丁": "true"}


def test_flags_in_words_and_labels_kept() -> None:
    cells = pd.Series(["是", "否", "1", "0", "TRUE", "", "蓝V"])
    assert verified_values(cells, "是否认证").tolist() == [
        "true", "false", "true", "false", "true", "", "蓝V"]
    # A label column (weibo-search's user_authentication) is shown as written.
    assert verified_values(pd.Series(["金V", "0"]), "user_authentication").tolist() == [
        "金V", "0"]
