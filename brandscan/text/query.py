"""Boolean brand queries, as listening suites write them: ``(小米 OR 雷军) AND NOT 小米粥``.

Grammar (operators are upper case; anything else is a term)::

    query   := or
    or      := and ( "OR" and )*
    and     := unary ( ( "AND" | "NOT" ) unary )*      -- "A NOT B" means "A AND NOT B"
    unary   := "NOT" unary | near
    near    := atom ( "NEAR/" n atom )*
    atom    := "(" or ")" | '"' phrase '"' | term

Terms and phrases match case-insensitively as substrings, like aliases: Chinese has no
spaces between words, so a word boundary would miss every real mention. Two terms side by
side with no operator are an error rather than a silent AND, because in practice that is a
forgotten ``OR`` or an unquoted phrase. ``A NEAR/n B`` holds when an occurrence of A and
one of B are at most ``n`` characters apart (the gap between them, in either order); its
operands are terms, phrases, OR-groups of them, or other NEARs.

A malformed query raises :class:`QueryError` with the 1-based character position, so the
config loader can name the brand and point at the mistake.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

_NEAR = re.compile(r"NEAR/(\d+)")


class QueryError(ValueError):
    """A malformed query; ``position`` is 1-based, counted in characters."""

    def __init__(self, message: str, position: int):
        self.message = message
        self.position = position
        super().__init__(f"{message} at position {position}")


# --- the tree ---------------------------------------------------------------------------

Span = tuple[int, int]


@dataclass(frozen=True)
class Node:
    """A clause of a query; ``source`` is its text as written, for ``inspect``."""

    source: str

    def matches(self, text: str) -> bool:
        """Whether the clause holds for ``text`` (which must already be lower-cased)."""
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, Node]]:
        """Every clause, parents before children, with its depth."""
        yield depth, self
        for child in self.children():
            yield from child.walk(depth + 1)

    def terms(self) -> tuple[str, ...]:
        """The terms and phrases the query looks for, NOT-ed ones excluded."""
        return tuple(dict.fromkeys(t for c in self.children() for t in c.terms()))


@dataclass(frozen=True)
class Term(Node):
    """A word or a quoted phrase: a case-insensitive substring."""

    value: str

    def matches(self, text: str) -> bool:
        return self.value in text

    def spans(self, text: str) -> list[Span]:
        out, start = [], text.find(self.value)
        while start >= 0:
            out.append((start, start + len(self.value)))
            start = text.find(self.value, start + 1)
        return out

    def terms(self) -> tuple[str, ...]:
        return (self.value,)


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return any(i.matches(text) for i in self.items)

    def spans(self, text: str) -> list[Span]:
        return sorted(s for i in self.items for s in _spans(i, text))

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]

    def matches(self, text: str) -> bool:
        return all(i.matches(text) for i in self.items)

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Not(Node):
    item: Node

    def matches(self, text: str) -> bool:
        return not self.item.matches(text)

    def children(self) -> tuple[Node, ...]:
        return (self.item,)

    def terms(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Near(Node):
    left: Node
    right: Node
    distance: int

    def matches(self, text: str) -> bool:
        return bool(self.spans(text))

    def spans(self, text: str) -> list[Span]:
        """Per occurrence of the left operand with a close right one, the span covering
        all its close pairs, so NEARs chain: ``A NEAR/3 B NEAR/3 C``. (That span is the
        union of the pairs' spans, which all contain the left occurrence: a third term is
        as near to it as to the nearest pair.) Linear in the occurrences, not quadratic:
        a text repeating both terms thousands of times stays cheap."""
        left, right = _spans(self.left, text), sorted(_spans(self.right, text))
        if not left or not right:
            return []
        starts = [b0 for b0, _ in right]
        longest = max(b1 - b0 for b0, b1 in right)
        d = self.distance
        out = set()
        for a0, a1 in left:
            # close: b0 <= a1 + d and b1 >= a0 - d (b1 <= b0 + longest)
            lo = bisect.bisect_left(starts, a0 - d - longest)
            hi = bisect.bisect_right(starts, a1 + d)
            mid = bisect.bisect_left(starts, a0 - d, lo, hi)
            first = next((i for i in range(lo, mid) if right[i][1] >= a0 - d),
                         mid if mid < hi else None)
            if first is None:
                continue
            tail = bisect.bisect_left(starts, starts[hi - 1] - longest, first, hi)
            ends = [b1 for _, b1 in right[tail:hi] if b1 >= a0 - d] or [
                b1 for _, b1 in right[first:hi] if b1 >= a0 - d]
            out.add((min(a0, right[first][0]), max(a1, max(ends))))
        return sorted(out)

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


def _spans(node: Node, text: str) -> list[Span]:
    return node.spans(text)  # type: ignore[attr-defined]  # Term, Or, Near only (parser)


def _has_spans(node: Node) -> bool:
    if isinstance(node, Or):
        return all(_has_spans(i) for i in node.items)
    return isinstance(node, (Term, Near))


# --- tokens -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # TERM, PHRASE, AND, OR, NOT, NEAR, LPAREN, RPAREN, END
    value: str
    start: int  # 0-based offsets into the query
    end: int
    distance: int = 0


_OPERATORS = {"AND", "OR", "NOT"}
_BREAK = set("()\"“”")


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Token("LPAREN" if ch == "(" else "RPAREN", ch, i, i + 1))
            i += 1
        elif ch in "\"“”":
            close = _closing_quote(query, i + 1, ch)
            if close < 0:
                raise QueryError("unclosed quote", i + 1)
            phrase = query[i + 1:close]
            if not phrase.strip():
                raise QueryError("empty phrase", i + 1)
            out.append(_Token("PHRASE", phrase, i, close + 1))
            i = close + 1
        else:
            j = i
            while j < n and query[j] not in _BREAK and not query[j].isspace():
                j += 1
            word = query[i:j]
            near = _NEAR.fullmatch(word)
            if word in _OPERATORS:
                out.append(_Token(word, word, i, j))
            elif near:
                out.append(_Token("NEAR", word, i, j, int(near[1])))
            elif word.upper().startswith("NEAR/") or word == "NEAR":
                raise QueryError(f"'{word}' needs a distance in characters, like NEAR/5", i + 1)
            else:
                out.append(_Token("TERM", word, i, j))
            i = j
    out.append(_Token("END", "", n, n))
    return out


def _closing_quote(query: str, start: int, opening: str) -> int:
    closers = "\"”" if opening in "\"“" else "\""
    for k in range(start, len(query)):
        if query[k] in closers:
            return k
    return -1


# --- parser -----------------------------------------------------------------------------

#: Deepest nesting of parentheses and NOTs a query may have (a brand's query is a few
#: levels deep; thousands would exhaust the stack).
MAX_QUERY_DEPTH = 50


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.pos = 0
        self.depth = 0

    def deeper(self, at: int) -> None:
        self.depth += 1
        if self.depth > MAX_QUERY_DEPTH:
            raise QueryError(f"nested more than {MAX_QUERY_DEPTH} levels deep (parentheses "
                             "or NOTs)", at + 1)

    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def take(self) -> _Token:
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def src(self, start: int) -> str:
        return self.query[start:self.tokens[self.pos - 1].end].strip()

    def parse(self) -> Node:
        if self.tok.kind == "END":
            raise QueryError("empty query", 1)
        node = self.parse_or()
        t = self.tok
        if t.kind == "RPAREN":
            raise QueryError("')' without a matching '('", t.start + 1)
        if t.kind != "END":
            raise QueryError(f"expected AND, OR, NOT or NEAR/n before '{t.value}' (quote "
                             "phrases that contain spaces)", t.start + 1)
        return node

    def parse_or(self) -> Node:
        start = self.tok.start
        items = [self.parse_and()]
        while self.tok.kind == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(self.src(start), tuple(items))

    def parse_and(self) -> Node:
        start = self.tok.start
        items = [self.parse_unary()]
        while self.tok.kind in ("AND", "NOT"):
            if self.take().kind == "NOT":  # "A NOT B" reads as "A AND NOT B"
                item_start = self.tokens[self.pos - 1].start
                inner = self.parse_unary()
                items.append(Not(self.src(item_start), inner))
            else:
                items.append(self.parse_unary())
        return items[0] if len(items) == 1 else And(self.src(start), tuple(items))

    def parse_unary(self) -> Node:
        if self.tok.kind == "NOT":
            start = self.take().start
            self.deeper(start)
            inner = self.parse_unary()
            self.depth -= 1
            return Not(self.src(start), inner)
        return self.parse_near()

    def parse_near(self) -> Node:
        start = self.tok.start
        node = self.parse_atom()
        while self.tok.kind == "NEAR":
            if not _has_spans(node):
                raise QueryError(f"{self.tok.value} joins terms, phrases or OR-groups of "
                                 "them, not AND/NOT clauses", start + 1)
            op = self.take()
            right_start = self.tok.start
            right = self.parse_atom()
            if not _has_spans(right):
                raise QueryError(f"{op.value} joins terms, phrases or OR-groups of them, "
                                 "not AND/NOT clauses", right_start + 1)
            node = Near(self.src(start), node, right, op.distance)
        return node

    def parse_atom(self) -> Node:
        t = self.tok
        if t.kind == "LPAREN":
            self.take()
            self.deeper(t.start)
            if self.tok.kind == "RPAREN":
                raise QueryError("empty parentheses", t.start + 1)
            node = self.parse_or()
            if self.tok.kind != "RPAREN":
                raise QueryError("'(' is never closed", t.start + 1)
            self.take()
            self.depth -= 1
            return node
        if t.kind in ("TERM", "PHRASE"):
            self.take()
            return Term(self.query[t.start:t.end], t.value.lower())
        if t.kind == "END":
            raise QueryError("query ends where a term was expected", t.start + 1)
        raise QueryError(f"expected a term, a quoted phrase or '(' but found '{t.value}'",
                         t.start + 1)


def parse_query(query: str) -> Node:
    """Parse a query into its clause tree; raises :class:`QueryError` with a position."""
    return _Parser(query).parse()


def matches(node: Node, text: str) -> bool:
    """Whether ``text`` satisfies the query (case-insensitive)."""
    return node.matches(text.lower())
