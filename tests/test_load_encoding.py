"""brandscan.load.encoding: one encoding decision, whether the bytes are in memory or read
from a big file block by block — the same label, and the same error at the same byte."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from brandscan.errors import BrandscanError
from brandscan.load import files
from brandscan.load.encoding import decode, detect_encoding

TEXT = "id,微博正文,发布时间\n" + "1,鲜果坊的山竹烂了,2026-11-05 06:00\n" * 50
UTF8, UTF16 = TEXT.encode(), TEXT.encode("utf-16")

CASES = {
    "utf-8": UTF8,
    "gbk": TEXT.encode("gbk"),
    "big5": "鮮果坊的山竹爛了，客服不回覆。".encode("big5") * 30,
    "a few broken bytes": UTF8[:-40] + b"\xff\xfe\xe4" + UTF8[-40:],
    "no text encoding": bytes(range(128, 256)) * 40,
    "invalid after a UTF-8 BOM": codecs.BOM_UTF8 + UTF8[:300] + b"\xff" + UTF8[300:],
    "UTF-16 cut mid-character": UTF16 + b"x",
    "UTF-16 lone surrogate": UTF16[:200] + b"\x00\xd8\x41\x00" + UTF16[200:],
}


def _outcome(decide) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    try:
        return "ok", decide()
    except BrandscanError as exc:
        return "error", exc.format()


@pytest.mark.parametrize("block", [7, files.BLOCK])  # many blocks, or one
@pytest.mark.parametrize("case", list(CASES))
def test_a_file_read_in_blocks_is_decided_as_its_bytes(tmp_path: Path, case: str, block: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "BLOCK", block)
    data = CASES[case]
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    whole = _outcome(lambda: decode(data, str(path))[1])
    assert _outcome(lambda: detect_encoding(str(path))[0]) == whole
    if case in ("invalid after a UTF-8 BOM", "UTF-16 cut mid-character"):
        # the mark names the encoding: one broken byte is replaced and said
        assert whole[0] == "ok" and "undecodable byte(s) replaced" in whole[1]
    elif case.startswith(("invalid", "no text")):
        assert whole[0] == "error"  # the errors compared above are errors indeed


def test_decode_returns_the_text_of_the_encoding_it_names() -> None:
    data = CASES["a few broken bytes"]
    text, label = decode(data, "x")
    assert label == "gb18030 (1 undecodable byte(s) replaced)"
    assert text == data.decode("gb18030", "replace")
