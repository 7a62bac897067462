"""``posts --label/--genre/--brand`` narrow the rows listed, and say how many of how many."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from brandscan.analyze.listing import list_posts, parse_labels
from brandscan.cli import cli
from brandscan.errors import UsageError
from tests.conftest import CONFIG_EXAMPLE, EXAMPLES

EXAMPLE = EXAMPLES / "crisis_weibo_search.csv"
CFG = ("--config", str(CONFIG_EXAMPLE))


def listing(*args: str) -> tuple[pd.DataFrame, str]:
    result = CliRunner().invoke(cli, ["posts", str(EXAMPLE), *CFG, "--format", "csv", *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False), \
        result.stderr


@pytest.fixture(scope="module")
def every() -> pd.DataFrame:
    return listing()[0]


def test_label_keeps_only_those_labels(every: pd.DataFrame) -> None:
    negative, err = listing("--label", "negative")
    expected = every[every["label"] == "negative"]
    assert set(negative["label"]) == {"negative"}
    assert negative["id"].tolist() == expected["id"].tolist()
    assert f"{len(expected):,} of {len(every):,} posts listed (label negative)" in err
    assert 0 < len(expected) < len(every)


def test_labels_repeated_or_comma_separated_are_the_same(every: pd.DataFrame) -> None:
    comma, _ = listing("--label", "negative,positive")
    repeated, _ = listing("--label", "positive", "--label", "negative")
    assert comma.equals(repeated)
    assert set(comma["label"]) == {"negative", "positive"}
    assert len(comma) == int(every["label"].isin(["negative", "positive"]).sum())


def test_genre_and_brand_narrow_the_rows_together(every: pd.DataFrame) -> None:
    got, err = listing("--genre", "news", "--brand", "果多多", "--label", "negative")
    mentions = every["brands"].str.split(";").map(lambda b: "果多多" in b)
    expected = every[mentions & (every["genre"] == "news") & (every["label"] == "negative")]
    assert got["id"].tolist() == expected["id"].tolist()
    brand_rows = int(mentions.sum())
    assert (f"{len(expected):,} of {brand_rows:,} posts listed (brand 果多多; label negative; "
            "genre news)") in err


def test_brand_alone_lists_only_its_posts(every: pd.DataFrame) -> None:
    got, _ = listing("--brand", "鲜果坊")
    assert len(got) and all("鲜果坊" in b.split(";") for b in got["brands"])
    assert len(got) < len(every)


def test_an_unknown_label_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["posts", str(EXAMPLE), *CFG, "--label", "angry"])
    assert result.exit_code == 2
    assert "--label: unknown label 'angry' (use positive, neutral, negative)" in result.stderr


def test_the_library_filter() -> None:
    scored = pd.DataFrame({"id": ["a", "b", "c"], "label": ["negative", "positive", "negative"],
                           "genre": ["opinion", "opinion", "news"]})
    assert list_posts(scored, labels=["negative"], genres=["opinion"])["id"].tolist() == ["a"]
    assert list_posts(scored)["id"].tolist() == ["a", "b", "c"]
    assert parse_labels(["neutral, negative"]) == ("neutral", "negative")
    with pytest.raises(UsageError):
        parse_labels([","])


def test_posts_help_says_what_genre_does_here() -> None:
    out = " ".join(CliRunner().invoke(cli, ["posts", "--help"]).stdout.split())
    assert "--label LABEL Only posts with this sentiment label" in out
    assert "--genre GENRE Only posts of these genres" in out
