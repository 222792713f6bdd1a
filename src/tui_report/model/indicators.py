"""What the county office looks at across reports, as data: ``schemas/review/<template id>.toml``.

Two kinds of entries, both validated against the template when loaded (errors name file and key):

``[[summaries]]``  a sheet of the summary workbook: one row per unit, one column per listed row of a
                   table in one column (a row with sub-rows is the sum of its sub-rows), or every cell
``[[indicators]]`` a derived figure with a Chinese name and a formula over cell keys
                   (``requests.new.total``; ``last:`` for last year's value), shown with its formula
                   in words (``model/formulawords.py``: 本年新收申请 − 上年新收申请) and as written

A figure is a number or None (not filled). A formula with a blank operand, or dividing by zero,
gives None: an indicator is never made up from cells nobody filled in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui_report.host.toml import tomllib
from tui_report.model.formulawords import figure_names, formula_words
from tui_report.model.report import CellValue, Report, cell_value
from tui_report.model.template import (
    CellDef,
    CompiledTable,
    HeaderNode,
    Template,
    TemplateError,
    get_template,
    on_forget_templates,
    schema_files,
    schemas_dir,
)

Figure = int | Decimal | float
LAST = "last:"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SummarySpec(_Strict):
    sheet: str
    table: str
    column: str | None = None
    rows: list[str] = []


class IndicatorSpec(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    short: str
    formula: str
    format: Literal["count", "percent"] = "count"


class ChartSpec(_Strict):
    title: str
    # Each series: an indicator id, a year_over_year id (this year) or last:<year_over_year id>.
    series: list[str] = Field(min_length=1)
    format: Literal["count", "percent"] = "count"


class ReviewSpecFile(_Strict):
    template: str
    summaries: list[SummarySpec] = []
    indicators: list[IndicatorSpec] = []
    year_over_year: list[IndicatorSpec] = []
    charts: list[ChartSpec] = []


# ---------------------------------------------------------------------- formulas

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<key>(?:last:)?[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)|(?P<op>[-+*/()]))"
)


def tokenize(formula: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = formula.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"公式“{formula}”第{pos + 1}个字符无法识别")
        tokens.append(match.group(match.lastgroup or "op"))
        pos = match.end()
    return tokens


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula: ``+ - * /``, parentheses, numbers and cell keys."""

    text: str
    tokens: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [t for t in self.tokens if t[0].isalpha()]

    def evaluate(self, figures: dict[str, CellValue | None]) -> Figure | None:
        return _compiled(self.tokens, self.text)(figures)


# A formula compiled to nested functions of the figures: the desk evaluates ~13 formulas per unit
# on every reading, and parsing the tokens each time cost more than the arithmetic.
Evaluator = Callable[[dict[str, CellValue | None]], "Figure | None"]


@lru_cache(maxsize=256)
def _compiled(tokens: tuple[str, ...], text: str) -> Evaluator:
    parser = _Parser(tokens)
    evaluator = parser.expression()
    if parser.pos != len(tokens):
        raise ValueError(f"公式“{text}”在“{tokens[parser.pos]}”处多余")
    return evaluator


class _Parser:
    """Recursive descent over the tokens, once per formula; the functions it returns let None (a
    blank cell, a division by zero) propagate."""

    def __init__(self, tokens: tuple[str, ...]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self) -> Evaluator:
        value = self.term()
        while self._peek() in ("+", "-"):
            op = self.tokens[self.pos]
            self.pos += 1
            value = _sum(value, self.term(), op == "-")
        return value

    def term(self) -> Evaluator:
        value = self.factor()
        while self._peek() in ("*", "/"):
            op = self.tokens[self.pos]
            self.pos += 1
            value = _product(value, self.factor(), op == "/")
        return value

    def factor(self) -> Evaluator:
        token = self._peek()
        if token is None:
            raise ValueError("公式不完整")
        self.pos += 1
        if token == "(":
            value = self.expression()
            if self._peek() != ")":
                raise ValueError("公式缺少右括号")
            self.pos += 1
            return value
        if token == "-":
            return _negated(self.factor())
        if token[0].isdigit():
            number: Figure = Decimal(token) if "." in token else int(token)
            return lambda figures: number
        if token[0].isalpha():
            return lambda figures: figures.get(token)
        raise ValueError(f"公式中“{token}”的位置不对")


def _sum(left: Evaluator, right: Evaluator, subtract: bool) -> Evaluator:
    def evaluate(figures: dict[str, CellValue | None]) -> Figure | None:
        a, b = left(figures), right(figures)
        return None if a is None or b is None else _add(a, b, subtract)

    return evaluate


def _product(left: Evaluator, right: Evaluator, divide: bool) -> Evaluator:
    def evaluate(figures: dict[str, CellValue | None]) -> Figure | None:
        a, b = left(figures), right(figures)
        if a is None or b is None:
            return None
        if divide:
            return None if b == 0 else float(a) / float(b)
        return float(a) * float(b)

    return evaluate


def _negated(inner: Evaluator) -> Evaluator:
    def evaluate(figures: dict[str, CellValue | None]) -> Figure | None:
        value = inner(figures)
        return None if value is None else -value

    return evaluate


def _add(a: Figure, b: Figure, subtract: bool) -> Figure:
    if isinstance(a, float) or isinstance(b, float):
        return float(a) - float(b) if subtract else float(a) + float(b)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return Decimal(a) - Decimal(b) if subtract else Decimal(a) + Decimal(b)
    return a - b if subtract else a + b


# ---------------------------------------------------------------------- the loaded spec


@dataclass(frozen=True, slots=True)
class SummaryColumn:
    key: str  # figure key: <table>.<row>.<column>, or a row group's <table>.<row path>.<column>
    label: str
    cells: tuple[str, ...]  # figure keys of the input/computed cells it adds up


@dataclass(frozen=True, slots=True)
class Summary:
    sheet: str
    table: str
    columns: tuple[SummaryColumn, ...]


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str
    short: str
    formula: Formula
    format: str
    # The formula in words for reviewers (本年新收申请 − 上年新收申请); ``formula.text`` as written.
    words: str = ""

    def value(self, figures: dict[str, CellValue | None]) -> Figure | None:
        return self.formula.evaluate(figures)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    series: tuple[str, ...]
    format: str


@dataclass(frozen=True, slots=True)
class ReviewSpec:
    template: str
    summaries: tuple[Summary, ...]
    indicators: tuple[Indicator, ...]
    # Figures shown for this year beside last year (the formula evaluated on each year's figures).
    year_over_year: tuple[Indicator, ...] = ()
    charts: tuple[Chart, ...] = ()

    def __hash__(self) -> int:
        # Equal specs are of one template. The generated hash went through every nested tuple
        # of summaries and formulas on each call, and the desk asks figure_keys (cached by
        # spec) of every report it reads.
        return hash(self.template)

    @property
    def figure_keys(self) -> list[str]:
        """Every cell a summary or an indicator needs (this year's), in a stable order."""
        return list(_figure_keys(self))


@lru_cache(maxsize=16)
def _figure_keys(spec: ReviewSpec) -> tuple[str, ...]:
    """Computed once per spec: the desk asks for every report it reads."""
    keys: dict[str, None] = {}
    for summary in spec.summaries:
        for column in summary.columns:
            keys.update(dict.fromkeys(column.cells))
    for indicator in (*spec.indicators, *spec.year_over_year):
        keys.update(dict.fromkeys(k.removeprefix(LAST) for k in indicator.formula.keys))
    return tuple(keys)


def _node(nodes: list[HeaderNode], path: str) -> HeaderNode | None:
    head, _, rest = path.partition(".")
    for node in nodes:
        if node.key == head:
            return node if not rest else _node(node.children, rest)
    return None


_NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def row_label(table: CompiledTable, row_path: str) -> str:
    """``三(一)予以公开``: the row's short number and its label without the numbering."""
    for block in table.spec.blocks:
        node = _node(block.rows, row_path)
        if node is not None:
            label = _NUMBERING.sub("", node.label).split("（")[0] or node.label
            return f"{node.short}{label}" if node.short and node.short != node.label else node.label
    raise KeyError(row_path)


def _summary(spec: SummarySpec, template: Template) -> Summary:
    if spec.table not in template.compiled:
        raise ValueError(f"表 {spec.table!r} 不存在")
    table = template.table(spec.table)
    columns: list[SummaryColumn] = []
    if not spec.rows:
        for cid in table.order:
            cell = table.cells[cid]
            label = "·".join(x for x in (cell.row.short, "".join(cell.col.labels) or cell.col.short) if x)
            columns.append(SummaryColumn(f"{table.key}.{cid}", label, (f"{table.key}.{cid}",)))
        return Summary(spec.sheet, table.key, tuple(columns))
    for row_path in spec.rows:
        leaves = [r for r in table.rows if r.id == row_path or r.id.startswith(row_path + ".")]
        cells = tuple(f"{table.key}.{r.id}.{spec.column}" for r in leaves)
        if not leaves or any(c.removeprefix(table.key + ".") not in table.cells for c in cells):
            raise ValueError(f"表 {spec.table} 没有行 {row_path!r} 或列 {spec.column!r}")
        columns.append(
            SummaryColumn(f"{table.key}.{row_path}.{spec.column}", row_label(table, row_path), cells)
        )
    return Summary(spec.sheet, table.key, tuple(columns))


def _indicator(spec: IndicatorSpec, template: Template, names: dict[str, str]) -> Indicator:
    formula = Formula(spec.formula, tuple(tokenize(spec.formula)))
    for key in formula.keys:
        table, _, cell = key.removeprefix(LAST).partition(".")
        if table not in template.compiled or cell not in template.table(table).cells:
            raise ValueError(f"指标 {spec.id} 的公式引用了不存在的单元格 {key!r}")
    formula.evaluate({})  # syntax: raises on a malformed formula
    words = formula_words(formula.tokens, template, names)
    return Indicator(spec.id, spec.name, spec.short, formula, spec.format, words)


def review_spec_path(template_id: str) -> Path:
    """The review file of a format: in the first schema folder that has one (a site's own format
    may bring its ``review/<id>.toml`` beside it), else where the installed one would be."""
    found = schema_files("review", f"{template_id}.toml")
    return found[0] if found else schemas_dir() / "review" / f"{template_id}.toml"


@lru_cache(maxsize=16)
def review_spec(template_id: str) -> ReviewSpec:
    """The review spec of a template (an empty one when the template has none)."""
    path = review_spec_path(template_id)
    template = get_template(template_id)
    if not path.is_file():
        return ReviewSpec(template_id, (), ())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = ReviewSpecFile.model_validate(data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"审核配置文件 {path} 无法读取：{exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise TemplateError(f"审核配置文件 {path} 的 {where} 有误：{first['msg']}") from exc
    if spec.template != template_id:
        raise TemplateError(f"审核配置文件 {path} 的 template 应为 {template_id}")
    # A year_over_year entry whose formula is one cell names that cell in the formulas' words.
    names = figure_names([(item.name, item.formula) for item in spec.year_over_year])
    try:
        summaries = tuple(_summary(s, template) for s in spec.summaries)
        indicators = tuple(_indicator(i, template, names) for i in spec.indicators)
        compared = tuple(_compared(i, template, names) for i in spec.year_over_year)
        charts = tuple(_chart(c, indicators, compared) for c in spec.charts)
    except ValueError as exc:
        raise TemplateError(f"审核配置文件 {path}：{exc}") from exc
    return ReviewSpec(template_id, summaries, indicators, compared, charts)


def _compared(spec: IndicatorSpec, template: Template, names: dict[str, str]) -> Indicator:
    indicator = _indicator(spec, template, names)
    if any(k.startswith(LAST) for k in indicator.formula.keys):
        raise ValueError(f"year_over_year {spec.id} 的公式不能用 last:（上年的值按同一公式计算）")
    return indicator


def _chart(spec: ChartSpec, indicators: tuple[Indicator, ...], compared: tuple[Indicator, ...]) -> Chart:
    known = {i.id for i in indicators} | {i.id for i in compared} | {LAST + i.id for i in compared}
    for name in spec.series:
        if name not in known:
            raise ValueError(f"图表“{spec.title}”的数据 {name!r} 不是指标或 year_over_year 的 id")
    return Chart(spec.title, tuple(spec.series), spec.format)


on_forget_templates(review_spec.cache_clear)


# ---------------------------------------------------------------------- figures of a report


def figures_of(report: Report, keys: list[str]) -> dict[str, CellValue | None]:
    """The shown value (entered, or computed) of each ``<table>.<cell>`` key (only those cells are
    computed: the review reads thousands of reports)."""
    result: dict[str, CellValue | None] = {}
    for key, table, cell in _figure_cells(report.template, tuple(keys)):
        if table is None or cell is None:
            result[key] = None
        else:
            result[key] = cell_value(table, report.values.get(table.key, {}), cell)
    return result


@lru_cache(maxsize=16)
def _figure_cells(
    template_id: str, keys: tuple[str, ...]
) -> tuple[tuple[str, CompiledTable | None, CellDef | None], ...]:
    """Each figure key's table and cell (None: the format has no such table or cell), looked up
    once per format and keys: the desk asks for the same keys of every report it reads."""
    compiled = get_template(template_id).compiled
    found: list[tuple[str, CompiledTable | None, CellDef | None]] = []
    for key in keys:
        table_key, _, cell_id = key.partition(".")
        table = compiled.get(table_key)
        found.append((key, table, table.cells.get(cell_id) if table is not None else None))
    return tuple(found)


on_forget_templates(_figure_cells.cache_clear)


def column_value(column: SummaryColumn, figures: dict[str, CellValue | None]) -> CellValue | None:
    """A summary column: the sum of its cells, None when none of them is filled."""
    present = [v for v in (figures.get(c) for c in column.cells) if v is not None]
    if not present:
        return None
    total: CellValue = 0
    for value in present:
        total += value
    return total


def indicator_values(
    spec: ReviewSpec, figures: dict[str, CellValue | None], last: dict[str, CellValue | None] | None
) -> dict[str, Figure | None]:
    """Each indicator's value; ``last`` is last year's figures (None: not known)."""
    merged: dict[str, CellValue | None] = dict(figures)
    if last is not None:
        merged.update({LAST + k: v for k, v in last.items()})
    return {i.id: i.value(merged) for i in spec.indicators}


def sum_figures(many: list[dict[str, CellValue | None]]) -> dict[str, CellValue | None]:
    """Figures of several units added up (a key is None when no unit has it filled)."""
    total: dict[str, CellValue | None] = {}
    for figures in many:
        for key, value in figures.items():
            if value is None:
                total.setdefault(key, None)
                continue
            current = total.get(key)
            total[key] = value if current is None else current + value
    return total


def format_figure(value: Figure | None, kind: str) -> str:
    if value is None:
        return ""
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
