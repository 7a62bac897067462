"""Boolean brand queries: parsing, matching, errors with positions, config validation."""

from __future__ import annotations

import pytest

from brandscan.config import parse_config
from brandscan.errors import BrandscanError
from brandscan.text.query import And, Near, Not, Or, QueryError, Term, matches, parse_query

XIAOMI = '(小米 OR 雷军 OR "Redmi") AND NOT (小米米米 OR 小米粥)'


def test_the_issue_example() -> None:
    q = parse_query(XIAOMI)
    assert isinstance(q, And)
    assert [type(c).__name__ for _, c in q.walk()] == [
        "And", "Or", "Term", "Term", "Term", "Not", "Or", "Term", "Term"]
    assert matches(q, "新买的REDMI手机") and matches(q, "雷军又发布会了")
    assert not matches(q, "早餐喝小米粥") and not matches(q, "小米米米今天好可爱")
    assert not matches(q, "小米粥配小米手机")  # NOT excludes the post, unlike exclude:
    assert q.terms() == ("小米", "雷军", "redmi")


def test_precedence_and_sugar() -> None:
    # NOT binds tighter than AND, AND tighter than OR.
    q = parse_query("a OR b AND NOT c")
    assert isinstance(q, Or) and isinstance(q.items[1], And)
    assert matches(q, "a c") and matches(q, "b") and not matches(q, "b c")
    # "A NOT B" reads as "A AND NOT B", the way Brandwatch writes it.
    q2 = parse_query("鲜果坊 NOT 坊间")
    assert isinstance(q2, And) and isinstance(q2.items[1], Not)
    assert matches(q2, "鲜果坊的山竹") and not matches(q2, "新鲜果坊间")


def test_quoted_phrases_keep_spaces_and_operators() -> None:
    q = parse_query('"Redmi Note" OR "AND"')
    assert isinstance(q, Or) and q.items[0] == Term('"Redmi Note"', "redmi note")
    assert matches(q, "my redmi note 12") and not matches(q, "redmi 12 note")
    assert matches(q, "black AND white")
    assert matches(parse_query("“山竹 烂了”"), "山竹 烂了")  # Chinese quotes too


def test_near_counts_characters_between_in_either_order() -> None:
    q = parse_query("山竹 NEAR/3 烂")
    assert isinstance(q, Near) and q.distance == 3
    assert matches(q, "山竹全烂了")  # 1 character apart
    assert matches(q, "烂掉的山竹")  # 2 apart, other order
    assert matches(q, "山竹一半都烂了")  # exactly 3
    assert not matches(q, "山竹看着很好但是烂")  # 6 apart
    assert matches(parse_query("(山竹 OR 芒果) NEAR/2 发霉"), "芒果都发霉")
    chain = parse_query("鲜果坊 NEAR/5 山竹 NEAR/2 烂")
    assert matches(chain, "鲜果坊的山竹烂了") and not matches(chain, "鲜果坊的山竹很好，就是烂")


@pytest.mark.parametrize(("query", "message", "position"), [
    ("", "empty query", 1),
    ("(小米 OR 雷军", "'(' is never closed", 1),
    ("小米 OR 雷军)", "')' without a matching '('", 9),
    ("小米 雷军", "expected AND, OR, NOT or NEAR/n before '雷军'", 4),
    ("小米 OR", "query ends where a term was expected", 6),
    ("小米 AND OR 雷军", "expected a term, a quoted phrase or '(' but found 'OR'", 8),
    ('小米 AND "Redmi', "unclosed quote", 8),
    ('小米 OR ""', "empty phrase", 7),
    ("小米 NEAR 手机", "'NEAR' needs a distance", 4),
    ("小米 NEAR/x 手机", "'NEAR/x' needs a distance", 4),
    ("()", "empty parentheses", 1),
    ("(小米 AND 手机) NEAR/3 坏", "NEAR/3 joins terms, phrases or OR-groups", 1),
    ("小米 NEAR/3 NOT 坏", "expected a term, a quoted phrase or '(' but found 'NOT'", 11),
])
def test_errors_name_the_position(query: str, message: str, position: int) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(query)
    assert message in err.value.message
    assert err.value.position == position


def test_a_bad_query_fails_at_config_load_naming_the_brand() -> None:
    text = "brands:\n  - name: 小米\n  - name: 华为\n    query: (华为 OR 荣耀 AND\n"
    with pytest.raises(BrandscanError) as err:
        parse_config(text)
    msg = str(err.value)
    assert msg.startswith("<config>:4: brand '华为': query:")
    assert "query ends where a term was expected at position 14" in msg
    assert "(华为 OR 荣耀 AND" in msg


def test_a_good_query_loads() -> None:
    cfg = parse_config(f"brands:\n  - name: 小米\n    query: '{XIAOMI}'\n")
    assert cfg.brands[0].query == XIAOMI


def test_query_examples_in_the_example_config_parse() -> None:
    from tests.conftest import CONFIG_EXAMPLE

    examples = [line.split("query:", 1)[1].strip()
                for line in CONFIG_EXAMPLE.read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("# query:")]
    assert len(examples) == 2
    for q in examples:
        assert isinstance(parse_query(q), (And, Near))
    assert matches(parse_query(examples[1]), "果多多的山竹")
