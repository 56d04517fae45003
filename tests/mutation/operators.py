"""Mutation operators for the models' SQL, applied to the model file itself (Jinja and all).

The Jinja of a model (`{{ ref(...) }}`, `{{ valid_at(...) }}`, `{% for %}`) is blanked first, each construct
to an identifier of the same length, so sqlglot's tokenizer reads the SQL around it and every token keeps its
position in the file. A mutation is then one replacement of a span of the original text: the rest of the
file, Jinja included, stays byte for byte what it was, and dbt renders the mutant like the model.

Operators (the faults a card model is likely to carry):
  boundary          `>` <-> `>=`, `<` <-> `<=` (comparison edges)
  window_edge       a call of the `in_window` or `valid_at` macro (macros/business_rules.sql) written out
                    with one edge flipped: (start, end] -> [start, end] or (start, end); [from, to) ->
                    (from, to) or [from, to]
  and_or            `and` <-> `or` (not the `and` of a `between`)
  drop_condition    one conjunct of a `where`, `having` or join `on` dropped; a lone one drops the filter
                    (a join keeps `on 1 = 1`)
  join_kind         `left join` <-> `inner join`
  distinct          `distinct` removed; `union` -> `union all`
  coalesce_default  the last argument of `coalesce`: a literal changed (0 -> 1, other numbers -> 0,
                    true <-> false, text -> '' and '' -> '?'), anything else -> null
  window_order      one `order by` item of a window reversed (asc <-> desc)
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from sqlglot.dialects.duckdb import DuckDB
from sqlglot.tokens import Token, TokenType

OPERATORS = (
    "boundary",
    "window_edge",
    "and_or",
    "drop_condition",
    "join_kind",
    "distinct",
    "coalesce_default",
    "window_order",
)
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
BOUNDARY = {">": ">=", ">=": ">", "<": "<=", "<=": "<"}
COMPARISONS = {TokenType.GT, TokenType.GTE, TokenType.LT, TokenType.LTE}
# The two macros' SQL as macros/business_rules.sql writes it ({0}, {1}, {2}: the call's arguments), and the
# edges a mutant flips: (edge, operator in the macro, flipped operator).
EDGE_MACROS = {
    "in_window": ("({0} > {1} and {0} <= {2})", (("start", ">", ">="), ("end", "<=", "<"))),
    "valid_at": ("({0} <= {2} and ({1} is null or {1} > {2}))", (("from", "<=", "<"), ("to", ">", ">="))),
}
EDGE_CALL = re.compile(r"\{\{-?\s*(in_window|valid_at)\((.*?)\)\s*-?\}\}", re.DOTALL)
CONDITION_KEYWORDS = {TokenType.WHERE, TokenType.HAVING, TokenType.ON}
# Tokens that end a where / having / on condition at its own parenthesis depth.
CLAUSE_ENDS = {
    TokenType.GROUP_BY,
    TokenType.ORDER_BY,
    TokenType.HAVING,
    TokenType.WINDOW,
    TokenType.QUALIFY,
    TokenType.LIMIT,
    TokenType.UNION,
    TokenType.EXCEPT,
    TokenType.INTERSECT,
    TokenType.LEFT,
    TokenType.RIGHT,
    TokenType.INNER,
    TokenType.FULL,
    TokenType.CROSS,
    TokenType.JOIN,
    TokenType.WHERE,
    TokenType.SEMICOLON,
}
LITERALS = {TokenType.NUMBER, TokenType.STRING, TokenType.TRUE, TokenType.FALSE}


@dataclass(frozen=True)
class Mutation:
    """Replace text[start:end] of the model file by `replacement`; reported at `line` and `column` of the
    file, `variant` telling apart two mutations reported at one place."""

    operator: str
    start: int
    end: int
    replacement: str
    line: int
    column: int
    variant: str = ""

    @property
    def id(self) -> str:
        return f"{self.operator}@{self.line}:{self.column}" + (f"/{self.variant}" if self.variant else "")

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end :]

    def describe(self, text: str) -> str:
        before = " ".join(text[self.start : self.end].split())
        after = " ".join(self.replacement.split())
        if self.operator == "window_edge":
            call = EDGE_CALL.match(text, self.start)
            assert call is not None
            operator, flipped = next(edit for edge, *edit in EDGE_MACROS[call.group(1)][1] if edge == self.variant)
            return f"`{before}`: {self.variant} edge `{operator}` -> `{flipped}`"
        if not after:
            return f"drop `{before}`"
        line = " ".join(text.splitlines()[self.line - 1].split())
        if not before:
            return f"insert `{after}` after `{text[: self.start].split()[-1]}` in `{line}`"
        return f"`{before}` -> `{after}` in `{line}`"


def protect_jinja(text: str) -> str:
    """The text with each Jinja construct blanked to an identifier (a comment to spaces), newlines and
    lengths kept, so that a position in it is the same position in the model file."""

    def blank(match: re.Match[str]) -> str:
        first, *rest = match.group().split("\n")
        head = " " * len(first) if first.startswith("{#") else "J" + "_" * (len(first) - 1)
        return "\n".join([head, *(" " * len(line) for line in rest)])

    return JINJA.sub(blank, text)


class Model:
    """One model file: its text, its tokens and each token's parenthesis depth (a `(` and its `)` have the
    depth outside them), and the mutations found so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = DuckDB().tokenize(protect_jinja(text))
        self.depth: list[int] = []
        self.closing: dict[int, int] = {}
        open_at: list[int] = []
        depth = 0
        for index, token in enumerate(self.tokens):
            if token.token_type == TokenType.R_PAREN:
                depth -= 1
                self.closing[open_at.pop()] = index
            self.depth.append(depth)
            if token.token_type == TokenType.L_PAREN:
                depth += 1
                open_at.append(index)
        self.between_ands = {self._next_and(index) for index in self._indexes(TokenType.BETWEEN)}
        self.found: list[Mutation] = []

    def type(self, index: int) -> TokenType | None:
        return self.tokens[index].token_type if 0 <= index < len(self.tokens) else None

    def start(self, index: int) -> int:
        return self.tokens[index].start

    def end(self, index: int) -> int:
        """Where token `index` ends in the text (exclusive)."""
        return self.tokens[index].end + 1

    def add(self, operator: str, start: int, end: int, replacement: str, at: int, variant: str = "") -> None:
        line = self.text.count("\n", 0, at) + 1
        column = at - self.text.rfind("\n", 0, at)
        self.found.append(Mutation(operator, start, end, replacement, line, column, variant))

    def _indexes(self, kind: TokenType) -> list[int]:
        return [index for index, token in enumerate(self.tokens) if token.token_type == kind]

    def _next_and(self, between: int) -> int:
        return next(
            index
            for index in range(between + 1, len(self.tokens))
            if self.type(index) == TokenType.AND and self.depth[index] == self.depth[between]
        )

    def split(self, first: int, last: int, separator: TokenType) -> list[tuple[int, int]]:
        """Token ranges (a, b) from first to last, inclusive, split at `separator` at first's depth."""
        parts, start = [], first
        for index in range(first, last + 1):
            if (
                self.type(index) == separator
                and self.depth[index] == self.depth[first]
                and index not in self.between_ands
            ):
                parts.append((start, index - 1))
                start = index + 1
        parts.append((start, last))
        return parts

    def condition_end(self, keyword: int) -> int:
        """The last token of the condition after a where / having / on keyword."""
        depth = self.depth[keyword]
        for index in range(keyword + 1, len(self.tokens)):
            if self.depth[index] < depth or (self.depth[index] == depth and self.type(index) in CLAUSE_ENDS):
                return index - 1
        return len(self.tokens) - 1


def mutations(text: str) -> list[Mutation]:
    """Every mutation of one model file's text, by operator, then in file order."""
    model = Model(text)
    for index, token in enumerate(model.tokens):
        kind = token.token_type
        if kind in COMPARISONS and token.text in BOUNDARY:
            model.add("boundary", model.start(index), model.end(index), BOUNDARY[token.text], token.start)
        elif kind in {TokenType.AND, TokenType.OR} and index not in model.between_ands:
            flipped = "or" if kind == TokenType.AND else "and"
            model.add("and_or", model.start(index), model.end(index), flipped, token.start)
        elif kind == TokenType.LEFT and model.type(index + 1) in {TokenType.JOIN, TokenType.OUTER}:
            last = index + 1 if model.type(index + 1) == TokenType.OUTER else index
            model.add("join_kind", model.start(index), model.end(last), "inner", token.start)
        elif kind == TokenType.INNER and model.type(index + 1) == TokenType.JOIN:
            model.add("join_kind", model.start(index), model.end(index), "left", token.start)
        elif kind == TokenType.DISTINCT:
            model.add("distinct", model.start(index), model.start(index + 1), "", token.start)
        elif kind == TokenType.UNION and model.type(index + 1) != TokenType.ALL:
            model.add("distinct", model.end(index), model.end(index), " all", token.start)
        elif kind in CONDITION_KEYWORDS:
            _drop_condition(model, index)
        elif token.text.lower() == "coalesce" and model.type(index + 1) == TokenType.L_PAREN:
            _coalesce_default(model, index)
        elif kind == TokenType.L_PAREN and (
            model.type(index - 1) == TokenType.OVER
            or (model.type(index - 1) == TokenType.ALIAS and model.type(index - 3) == TokenType.WINDOW)
        ):
            _window_order(model, index)
    for call in EDGE_CALL.finditer(text):
        _window_edge(model, call)
    return sorted(model.found, key=lambda mutation: (OPERATORS.index(mutation.operator), mutation.start))


def _drop_condition(model: Model, keyword: int) -> None:
    conjuncts = model.split(keyword + 1, model.condition_end(keyword), TokenType.AND)
    at = model.tokens[keyword]
    if len(conjuncts) == 1:
        first, last = conjuncts[0]
        if at.token_type == TokenType.ON:
            model.add("drop_condition", model.start(first), model.end(last), "1 = 1", at.start)
        else:
            model.add("drop_condition", at.start, model.end(last), "", at.start)
        return
    for position, (first, last) in enumerate(conjuncts):
        if position == 0:  # the conjunct and the `and` after it
            model.add("drop_condition", model.start(first), model.start(conjuncts[1][0]), "", model.start(first))
        else:  # the `and` before the conjunct and the conjunct
            previous_last = conjuncts[position - 1][1]
            model.add("drop_condition", model.end(previous_last), model.end(last), "", model.start(first))


def _coalesce_default(model: Model, name: int) -> None:
    arguments = model.split(name + 2, model.closing[name + 1] - 1, TokenType.COMMA)
    if len(arguments) < 2:
        return
    first, last = arguments[-1]
    default = model.tokens[first]
    if first != last or default.token_type not in LITERALS:
        replacement = "null"
    elif default.token_type == TokenType.NUMBER:
        replacement = "1" if default.text == "0" else "0"
    elif default.token_type == TokenType.STRING:
        replacement = "'?'" if default.text == "" else "''"
    else:
        replacement = "false" if default.token_type == TokenType.TRUE else "true"
    model.add("coalesce_default", model.start(first), model.end(last), replacement, default.start)


def _window_order(model: Model, opening: int) -> None:
    closing = model.closing[opening]
    inside = model.depth[opening] + 1
    at_depth = [index for index in range(opening + 1, closing) if model.depth[index] == inside]
    order_by = next((index for index in at_depth if model.type(index) == TokenType.ORDER_BY), None)
    if order_by is None:
        return
    frame = next(
        (index for index in at_depth if index > order_by and model.type(index) in {TokenType.ROWS, TokenType.RANGE}),
        closing,
    )
    for first, last in model.split(order_by + 1, frame - 1, TokenType.COMMA):
        direction = model.tokens[last]
        if direction.token_type == TokenType.DESC:
            model.add("window_order", model.start(last), model.end(last), "asc", model.start(first))
        elif direction.token_type == TokenType.ASC:
            model.add("window_order", model.start(last), model.end(last), "desc", model.start(first))
        else:
            model.add("window_order", model.end(last), model.end(last), " desc", model.start(first))


def _window_edge(model: Model, call: re.Match[str]) -> None:
    """The macro call written out as the macro's SQL with one edge flipped, its arguments left as Jinja."""
    name, source = call.group(1), f"call({call.group(2)})"
    parsed = ast.parse(source, mode="eval").body
    assert isinstance(parsed, ast.Call)
    arguments = [f"{{{{ {ast.get_source_segment(source, argument)} }}}}" for argument in parsed.args]
    template, edges = EDGE_MACROS[name]
    for edge, operator, flipped in edges:
        sql = template.format(*arguments).replace(f" {operator} ", f" {flipped} ", 1)
        model.add("window_edge", call.start(), call.end(), sql, call.start(), variant=edge)
