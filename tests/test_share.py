"""Share of voice per brand and period on a hand-built frame."""

from __future__ import annotations

import pandas as pd
import pytest

from brandscan.analyze.share import SHARE_COLUMNS, share_of_voice, share_totals
from brandscan.config import Brand, Config
from brandscan.errors import BrandscanError

TZ = "Asia/Shanghai"
CONFIG = Config(brands=(Brand("鲜果坊"), Brand("果多多"), Brand("百果园")))


def frame() -> pd.DataFrame:
    rows = [  # (day, brands, label)
        ("2026-11-01 09:00", "鲜果坊", "positive"),
        ("2026-11-01 10:00", "鲜果坊", "negative"),
        ("2026-11-01 11:00", "鲜果坊", "negative"),
        ("2026-11-01 12:00", "果多多", "positive"),
        ("2026-11-03 09:00", "鲜果坊;果多多", "neutral"),  # counts for both
        ("2026-11-03 10:00", "果多多", "positive"),
        ("2026-11-03 11:00", "果多多", "negative"),
    ]
    df = pd.DataFrame(rows, columns=["created_at", "brands", "label"])
    df["created_at"] = pd.to_datetime(df["created_at"]).dt.tz_localize(TZ)
    df["sentiment"] = df["label"].map({"positive": 0.9, "neutral": 0.5, "negative": 0.1})
    df["engagement"] = range(1, len(df) + 1)
    df["kind"], df["author"] = "post", ""
    return df


def test_per_day_numbers() -> None:
    table = share_of_voice(frame(), CONFIG, compare=("鲜果坊", "果多多"))
    assert tuple(table.columns) == SHARE_COLUMNS
    assert len(table) == 6  # three days (the empty one too) x two brands
    d1 = table[table["period"] == pd.Timestamp("2026-11-01", tz=TZ)].set_index("brand")
    assert d1.loc["鲜果坊", "mentions"] == 3 and d1.loc["果多多", "mentions"] == 1
    assert d1.loc["鲜果坊", "share_of_voice"] == 0.75
    assert d1.loc["鲜果坊", "net_sentiment"] == pytest.approx((1 - 2) / 3)
    assert (d1.loc["鲜果坊", ["positive", "neutral", "negative"]].tolist() == [1, 0, 2])
    d2 = table[table["period"] == pd.Timestamp("2026-11-02", tz=TZ)]
    assert d2["mentions"].tolist() == [0, 0] and d2["share_of_voice"].isna().all()
    assert d2["net_sentiment"].isna().all()
    d3 = table[table["period"] == pd.Timestamp("2026-11-03", tz=TZ)].set_index("brand")
    assert d3.loc["果多多", "mentions"] == 3 and d3.loc["鲜果坊", "mentions"] == 1
    assert d3.loc["果多多", "share_of_voice"] == 0.75
    assert d3.loc["果多多", "net_sentiment"] == 0.0
    assert d3.loc["鲜果坊", "engagement"] == 5


def test_totals_and_default_brands() -> None:
    totals = share_totals(frame(), CONFIG).set_index("brand")
    assert totals.index.tolist() == ["鲜果坊", "果多多", "百果园"]
    assert totals["mentions"].tolist() == [4, 4, 0]
    assert totals["share_of_voice"].tolist() == [0.5, 0.5, 0.0]
    assert totals.loc["鲜果坊", "net_sentiment"] == pytest.approx(-0.25)
    assert pd.isna(totals.loc["百果园", "net_sentiment"])


def test_unknown_brand_is_an_error() -> None:
    with pytest.raises(BrandscanError, match="--compare 小米: not a configured brand"):
        share_of_voice(frame(), CONFIG, compare=("小米",))


@pytest.mark.parametrize("cut", [1, 3, 5])
def test_merged_chunks_give_the_same_tables(cut: int) -> None:
    from brandscan.analyze.partial import Chunk, Context
    from brandscan.analyze.run import RunResults
    from brandscan.analyze.share import ShareOfVoice

    df = frame()
    ctx = Context(CONFIG)
    for analysis, want in ((ShareOfVoice(), share_of_voice(df, CONFIG)),
                           (ShareOfVoice(interval=None), share_totals(df, CONFIG))):
        parts = [analysis.partial(Chunk.of(df.iloc[:cut]), ctx),
                 analysis.partial(Chunk.of(df.iloc[cut:]), ctx)]
        merged = analysis.merge(parts[1], parts[0])
        pd.testing.assert_frame_equal(analysis.finish(merged, ctx, RunResults()), want)
