"""Report templates: the official format as data, loaded from ``schemas/*.toml`` and from the
site's own folders named by ``TUI_REPORT_SCHEMAS`` (see :func:`schema_folders`).

A template declares the sections, the text parts with their guidance, and every table as a
column-header tree and a row-label tree. From the trees follow the leaf rows and columns, the
cell ids used in report files (``<row id>.<column id>``), the computed cells and, in
:mod:`tui_report.model.layout`, every merged cell of the printed table.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib

# Re-exported: long imported from here.
from tui_report.model.levels import LEVEL_LABELS as LEVEL_LABELS
from tui_report.model.levels import UnitLevel as UnitLevel
from tui_report.model.severities import Severity as Severity

CellKind = Literal["count", "amount", "change"]

# The report years any template may cover; each template narrows them (first_year, last_year).
MIN_YEAR = 1990
MAX_YEAR = 2200

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


class TemplateError(Exception):
    """A template file that cannot be used; the message is in Chinese and names file and key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HeaderNode(_Strict):
    """One node of a column-header tree or a row-label tree."""

    key: str | None = Field(default=None, pattern=KEY_PATTERN)
    label: str
    short: str | None = None
    kind: CellKind | None = None
    sum: list[str] | None = None
    rule: str | None = None
    children: list[HeaderNode] = []

    @model_validator(mode="after")
    def _leaf_needs_key(self) -> HeaderNode:
        if not self.children and self.key is None:
            raise ValueError(f"叶节点“{self.label}”缺少 key")
        if self.children and self.sum is not None:
            raise ValueError(f"“{self.label}”有下级，不能同时声明 sum")
        return self


class Block(_Strict):
    """A stacked part of a table with its own caption and header (表二 has four)."""

    key: str = Field(pattern=KEY_PATTERN)
    caption: str | None = None
    corner: str = ""
    columns: list[HeaderNode]
    rows: list[HeaderNode]


class KeyLabel(_Strict):
    key: str
    label: str


class EntryLayout(_Strict):
    """An entry grid that differs from the printed one (表四 as 3 × 5)."""

    cell: str
    rows: list[KeyLabel]
    columns: list[KeyLabel]


RuleKind = Literal[
    "equation",
    "zero_implies_zero",
    "zero_implies_text",
    "text_implies_zero",
    "zero_for_levels",
    "text_number",
]


# Text patterns run over whatever an operator typed, possibly 200,000 characters without a full stop:
# every repeat must have an upper bound, so that each start position costs bounded work and a search
# is linear in the text's length (an unbounded ``[^。]*?`` between two words is quadratic or worse).
MAX_PATTERN_REPEAT = 40


_ESCAPE = re.compile(r"\\.")
_CHAR_CLASS = re.compile(r"\[\^?\]?[^\]]*\]")
_REPEAT = re.compile(r"[*+]|\{(\d*)(,?)(\d*)\}")


@lru_cache(maxsize=256)
def rule_regex(pattern: str) -> re.Pattern[str]:
    """A rule's text pattern, compiled as the checks run it (one compile per pattern and process:
    the template's check of the pattern and every later search share it)."""
    return re.compile(pattern, re.MULTILINE)


# After a backslash: escapes whose characters are no literal of the pattern (\x41, \u4e00, \N{…}, a
# back-reference or an octal code): a pattern with one gets no required words (see below).
_NUMBERED_ESCAPES = frozenset("xuUN0123456789")


def _skip_class(pattern: str, start: int) -> int:
    """The index after the character class ``[…]`` opening at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":  # a leading ] is a literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


@lru_cache(maxsize=256)
def required_words(pattern: str) -> tuple[str, ...]:
    """Plain text that every match of a rule's pattern contains: the runs of literal characters at
    the pattern's top level (outside groups, classes and escapes, not made optional by a
    quantifier); none when the pattern alternates at its top level, has a numbered escape, or its
    flags change what a character matches. Why: sre tries every position of a text when a pattern
    starts with a group or a look-behind (``(?<!不)予以公开…``), and most texts quote none of the
    figures the rules look for; ``word in text`` says so at C speed before any search."""
    if rule_regex(pattern).flags & (re.IGNORECASE | re.VERBOSE):
        return ()
    words: list[str] = []
    run: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char in "?*{" and run:
            run.pop()  # the character before may be absent
        if char == "\\" and pattern[i + 1 : i + 2] in _NUMBERED_ESCAPES:
            return ()
        if char == "|" and depth == 0:
            return ()
        if depth == 0 and char not in "\\[](){}|?*+.^$":
            run.append(char)
        else:
            if run:
                words.append("".join(run))
                run = []
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "[":
                i = _skip_class(pattern, i)
                continue
            if char == "{":
                closing = pattern.find("}", i)
                i = closing + 1 if closing >= 0 else len(pattern)
                continue
            if char == "\\":
                i += 1  # the escaped character: a class (\s) or a literal left out
        i += 1
    if run:
        words.append("".join(run))
    return tuple(words)


def could_match(pattern: str, text: str) -> bool:
    """False when ``text`` lacks a word every match of ``pattern`` has (:func:`required_words`):
    the search would find nothing."""
    return all(word in text for word in required_words(pattern))


def unbounded_repeat(pattern: str) -> str | None:
    """The first repeat in a regular expression without an upper bound up to MAX_PATTERN_REPEAT
    (``*``, ``+``, ``{n,}``, ``{0,500}``), or None when every repeat is bounded."""
    bare = _CHAR_CLASS.sub("", _ESCAPE.sub("", pattern))  # a * inside [...] or after \ is literal
    for found in _REPEAT.finditer(bare):
        if found.group(0) in "*+":
            return found.group(0)
        upper = found.group(3) if found.group(2) else found.group(1)
        if not upper or int(upper) > MAX_PATTERN_REPEAT:
            return found.group(0)
    return None


class Rule(_Strict):
    """An arithmetic rule declared in the template; the code knows only the kinds."""

    id: str
    kind: RuleKind
    severity: Severity = "error"
    message: str
    per: Literal["column", "row"] | None = None
    rows: list[str] | None = None
    left: list[str] = []
    right: list[str] = []
    cells: list[str] = []
    when_zero: list[str] = []
    text: str | None = None
    patterns: list[str] = []
    levels: list[UnitLevel] = []

    @model_validator(mode="after")
    def _check_shape(self) -> Rule:
        if self.kind == "equation" and (self.per is None or not self.left or not self.right):
            raise ValueError(f"规则 {self.id}：equation 需要 per、left 和 right")
        if self.kind in ("zero_implies_text", "text_implies_zero", "text_number") and not (
            self.text and self.patterns
        ):
            raise ValueError(f"规则 {self.id}：{self.kind} 需要 text 和 patterns")
        if self.kind == "text_number" and not (self.cells and all("(?P<n>" in p for p in self.patterns)):
            raise ValueError(f"规则 {self.id}：text_number 需要 cells，且每个正则都要有命名分组 (?P<n>…)")
        for pattern in self.patterns:
            try:
                rule_regex(pattern)
            except re.error as exc:
                raise ValueError(f"规则 {self.id}：正则表达式 {pattern!r} 无效：{exc}") from exc
            repeat = unbounded_repeat(pattern)
            if repeat is not None:
                raise ValueError(
                    f"规则 {self.id}：正则表达式 {pattern!r} 中的“{repeat}”没有上限，"
                    f"请写成 {{0,{MAX_PATTERN_REPEAT}}} 以内的范围（长文字时检查会很慢）"
                )
        return self


class KindSpec(_Strict):
    """What a cell of one kind holds, and the words for it (the format's knowledge, not the code's)."""

    key: CellKind
    noun: str  # the message says “…”不是{noun}
    hint: str  # shown below the grid on an input cell
    refusal: str  # what to type instead, after a refused input
    decimals: int = Field(default=0, ge=0, le=10)
    negative: bool = False


class TableSpec(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    title: str
    name: str = ""  # what operators call it (表三); the command palette finds it by that name
    value_rule: str = "R4"
    blocks: list[Block]
    rules: list[Rule] = []
    entry: EntryLayout | None = None


class TextPart(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    heading: str | None = None
    label: str | None = None
    guidance: str = ""
    required: bool = True
    empty_prints: str | None = None

    @property
    def title(self) -> str:
        return self.heading or self.label or self.key

    @property
    def optional(self) -> bool:
        """May be left empty: not required, or printed as ``empty_prints`` (无) when empty."""
        return not self.required or self.empty_prints is not None


class Messages(_Strict):
    """The findings every report gets from the format itself, beside the declared rules.
    Fields in braces are filled in by the checks."""

    unit_missing: str  # no fields
    # No fields. A site format written before this key existed gets the installed formats' words.
    level_missing: str = "单位层级未填写：请在报告信息中选择（省级、设区的市级、县级、乡镇级或部门）。"
    unit_too_long: str  # {count} {limit}
    text_empty: str  # {heading} {part}
    table_incomplete: str  # {table} {count}
    total_mismatch: str  # {cell} {entered} {computed} {diff}
    value_problem: str  # {table} {cell} {problem}
    unknown_cell: str  # {table} {cell}


class Section(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    heading: str
    texts: list[TextPart] = []
    tables: list[str] = []


class PreambleField(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    label: str
    default: str | None = None
    guidance: str = ""


# ----------------------------------------------------------------------------- compiled views


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf row or column: its id in report files and its labels from outermost to innermost."""

    id: str
    labels: tuple[str, ...]
    short: str
    kind: CellKind | None
    sum: tuple[str, ...] | None
    rule: str | None
    block: str


@dataclass(frozen=True, slots=True)
class CellDef:
    id: str
    row: Leaf
    col: Leaf
    kind: CellKind
    computed: bool
    # For a computed cell: the input cells it adds up (flattened, never computed themselves).
    operands: tuple[str, ...] = ()
    rule: str | None = None

    @property
    def name(self) -> str:
        """A short Chinese name for messages: ``三(七)·自然人``."""
        parts = [p for p in (self.row.short, self.col.short) if p]
        return "·".join(parts)


@dataclass(slots=True)
class CompiledTable:
    spec: TableSpec
    rows: list[Leaf] = field(default_factory=list)
    cols_by_block: dict[str, list[Leaf]] = field(default_factory=dict)
    cells: dict[str, CellDef] = field(default_factory=dict)
    # Cells in printed order: block by block, row by row, column by column.
    order: list[str] = field(default_factory=list)
    # Derived once in compile_table, for the checks that run over every cell of every report read
    # (the review desk reads hundreds): the input cells in order, and each computed cell with the
    # input cells it adds up.
    inputs: tuple[str, ...] = ()
    input_set: frozenset[str] = frozenset()
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # What model/rules derives once per rule of this table (an equation's cells), keyed by the
    # rule's id(): the rules are the table spec's own and live as long as this table.
    plans: dict[int, tuple[object, ...]] = field(default_factory=dict)
    _matches: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return self.spec.title

    def cols_of(self, row: Leaf) -> list[Leaf]:
        return self.cols_by_block[row.block]

    def input_cells(self) -> list[str]:
        return list(self.inputs)

    def match(self, pattern: str) -> list[str]:
        """Cell ids matching a glob such as ``regulations.*`` or ``*`` (cached: rules ask often)."""
        found = self._matches.get(pattern)
        if found is None:
            if pattern in self.cells:
                found = [pattern]
            else:
                found = [cid for cid in self.order if fnmatch.fnmatchcase(cid, pattern)]
            self._matches[pattern] = found
        return found

    def row(self, row_id: str) -> Leaf:
        for leaf in self.rows:
            if leaf.id == row_id:
                return leaf
        raise KeyError(row_id)


def _walk(nodes: list[HeaderNode], prefix: str, labels: tuple[str, ...], block: str, out: list[Leaf]) -> None:
    for node in nodes:
        node_id = f"{prefix}.{node.key}" if prefix and node.key else (node.key or prefix)
        node_labels = labels + ((node.label,) if node.label else ())
        if node.children:
            _walk(node.children, node_id, node_labels, block, out)
        else:
            out.append(
                Leaf(
                    id=node_id,
                    labels=node_labels,
                    short=node.short or node.label,
                    kind=node.kind,
                    sum=tuple(node.sum) if node.sum is not None else None,
                    rule=node.rule,
                    block=block,
                )
            )


_GLOB_CHARS = frozenset("*?[")


def _expand(patterns: tuple[str, ...], ids: list[str], what: str) -> list[str]:
    result: list[str] = []
    for pattern in patterns:
        if _GLOB_CHARS.isdisjoint(pattern):
            found = [pattern] if pattern in ids else []
        else:
            found = fnmatch.filter(ids, pattern)
        if not found:
            raise ValueError(f"sum 引用了不存在的{what} {pattern!r}")
        result.extend(found)
    return result


def _collect_leaves(spec: TableSpec, table: CompiledTable) -> None:
    """The leaf rows of every block and each block's leaf columns; a key used twice is refused."""
    for block in spec.blocks:
        rows: list[Leaf] = []
        cols: list[Leaf] = []
        _walk(block.rows, "", (block.caption,) if block.caption else (), block.key, rows)
        _walk(block.columns, "", (), block.key, cols)
        table.rows.extend(rows)
        table.cols_by_block[block.key] = cols
    if len({r.id for r in table.rows}) != len(table.rows):
        raise ValueError(f"表 {spec.key} 的行 key 重复")
    for block_key, cols in table.cols_by_block.items():
        if len({c.id for c in cols}) != len(cols):
            raise ValueError(f"表 {spec.key} 的 {block_key} 列 key 重复")


_PENDING = ("",)  # marks a cell whose operands are being worked out (a sum that reaches itself)


class _Operands:
    """The input cells a computed cell adds up, nested sums flattened; None for an input cell."""

    def __init__(self, table: CompiledTable) -> None:
        self.table = table
        self.block_rows = {b: [r for r in table.rows if r.block == b] for b in table.cols_by_block}
        self.row_by_id = {r.id: r for r in table.rows}
        self.col_by_id = {(b, c.id): c for b, cols in table.cols_by_block.items() for c in cols}
        self.memo: dict[tuple[str, str], tuple[str, ...] | None] = {}

    def __call__(self, row: Leaf, col: Leaf) -> tuple[str, ...] | None:
        key = (row.id, col.id)
        if key not in self.memo:
            self.memo[key] = _PENDING
            self.memo[key] = self._flatten(row, col)
        elif self.memo[key] is _PENDING:
            raise ValueError(f"表 {self.table.key} 的合计 {row.id}.{col.id} 引用了自身")
        return self.memo[key]

    def _parts(self, row: Leaf, col: Leaf) -> list[tuple[Leaf, Leaf]] | None:
        """The cells the sum declared on the column (or else on the row) names, or None."""
        if col.sum is not None:
            col_ids = [c.id for c in self.table.cols_by_block[row.block]]
            return [(row, self.col_by_id[(row.block, cid)]) for cid in _expand(col.sum, col_ids, "列")]
        if row.sum is not None:
            row_ids = [r.id for r in self.block_rows[row.block]]
            return [(self.row_by_id[rid], col) for rid in _expand(row.sum, row_ids, "行")]
        return None

    def _flatten(self, row: Leaf, col: Leaf) -> tuple[str, ...] | None:
        parts = self._parts(row, col)
        if parts is None:
            return None
        flat: list[str] = []
        for r, c in parts:
            inner = self(r, c)
            flat.extend(inner if inner is not None else (f"{r.id}.{c.id}",))
        return tuple(flat)


def compile_table(spec: TableSpec) -> CompiledTable:
    """Leaf rows and columns, every cell with its kind, and for computed cells what they add up."""
    table = CompiledTable(spec=spec)
    _collect_leaves(spec, table)
    operands = _Operands(table)
    for row in table.rows:
        for col in table.cols_of(row):
            cid = f"{row.id}.{col.id}"
            ops = operands(row, col)
            table.cells[cid] = CellDef(
                id=cid,
                row=row,
                col=col,
                kind=col.kind or row.kind or "count",
                computed=ops is not None,
                operands=ops or (),
                rule=(col.rule if col.sum is not None else row.rule) if ops is not None else None,
            )
            table.order.append(cid)
    table.inputs = tuple(cid for cid in table.order if not table.cells[cid].computed)
    table.input_set = frozenset(table.inputs)
    table.sums = tuple((cid, cell.operands) for cid, cell in table.cells.items() if cell.computed)
    return table


def _check_rule_references(rule: Rule, table: CompiledTable, text_keys: set[str]) -> None:
    for pattern in (*rule.cells, *rule.when_zero):
        if not table.match(pattern):
            raise ValueError(f"表 {table.key} 规则 {rule.id} 引用了不存在的单元格 {pattern!r}")
    if rule.text is not None and rule.text != "*" and rule.text not in text_keys:
        raise ValueError(f"表 {table.key} 规则 {rule.id} 引用了不存在的文字部分 {rule.text!r}")


def _check_entry_references(table: CompiledTable) -> None:
    entry = table.spec.entry
    if entry is None:
        return
    for r in entry.rows:
        for c in entry.columns:
            cid = entry.cell.format(row=r.key, col=c.key)
            if cid not in table.cells:
                raise ValueError(f"表 {table.key} 的录入布局引用了不存在的单元格 {cid!r}")


class Template(_Strict):
    id: str
    version: int
    name: str
    basis: str = ""
    title: str
    title_second_line: str | None = None
    # The longest unit name accepted (characters): it goes into titles and file names.
    unit_max_chars: int = Field(ge=10, le=200)
    # Report years this format applies to (the 2019 format served the 2019 and 2020 reports).
    first_year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    last_year: int | None = Field(default=None, ge=MIN_YEAR, le=MAX_YEAR)
    kinds: list[KindSpec]
    messages: Messages
    preamble: list[PreambleField] = []
    sections: list[Section]
    tables: list[TableSpec]
    _compiled: dict[str, CompiledTable] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_kinds(self) -> Template:
        missing = sorted(set(get_args(CellKind)) - {k.key for k in self.kinds})
        if missing:
            raise ValueError(f"kinds 缺少单元格类型 {'、'.join(missing)}")
        return self

    @model_validator(mode="after")
    def _check_references(self) -> Template:
        table_keys = {t.key for t in self.tables}
        for section in self.sections:
            for key in section.tables:
                if key not in table_keys:
                    raise ValueError(f"部分 {section.key} 引用了不存在的表 {key!r}")
        text_keys = set(self.text_keys())
        for table in self.tables:
            compiled = compile_table(table)
            # Kept: the tables are compiled once, here, and reused by every report.
            self._compiled[table.key] = compiled
            for rule in table.rules:
                _check_rule_references(rule, compiled, text_keys)
            _check_entry_references(compiled)
        return self

    def kind(self, key: CellKind) -> KindSpec:
        """What a cell of this kind holds (precision, sign, hint)."""
        return next(k for k in self.kinds if k.key == key)

    @property
    def years(self) -> tuple[int, int]:
        """The first and last report year this format applies to."""
        return self.first_year, self.last_year if self.last_year is not None else MAX_YEAR

    def text_keys(self) -> list[str]:
        return [f"{s.key}.{t.key}" for s in self.sections for t in s.texts]

    def text_part(self, key: str) -> TextPart:
        section_key, _, part_key = key.partition(".")
        for section in self.sections:
            if section.key == section_key:
                for part in section.texts:
                    if part.key == part_key:
                        return part
        raise KeyError(key)

    # Cached in the instance (a frozen model's cached_property writes its __dict__): the model asks
    # for the compiled tables on every cell access, and a private attribute is read through
    # pydantic's __getattr__ (~5 µs each, a tenth of checking a report).
    @cached_property
    def compiled(self) -> dict[str, CompiledTable]:
        if not self._compiled:
            self._compiled.update({t.key: compile_table(t) for t in self.tables})
        return self._compiled

    @cached_property
    def text_key_order(self) -> tuple[str, ...]:
        """:meth:`text_keys`, computed once (the checks ask for every report)."""
        return tuple(self.text_keys())

    @cached_property
    def kinds_by_key(self) -> dict[CellKind, KindSpec]:
        """:meth:`kind` of every kind, looked up once (the checks ask for every cell)."""
        return {k.key: k for k in self.kinds}

    def table(self, key: str) -> CompiledTable:
        return self.compiled[key]

    def report_title(self, unit: str, year: int) -> str:
        return self.title.format(unit=unit, year=year)


# ----------------------------------------------------------------------------- loading


def _data_dir(name: str) -> Path:
    """A data folder shipped inside the package (wheel) or beside ``src/`` (a checkout)."""
    package = Path(__file__).resolve().parent.parent  # src/tui_report (or site-packages/tui_report)
    for candidate in (package / name, package.parent.parent / name):
        if candidate.is_dir():
            return candidate
    return package / name


def schemas_dir() -> Path:
    """The installed ``schemas/`` folder: one TOML file per report format."""
    return _data_dir("schemas")


# A site's own formats: folders laid out like ``schemas/`` (``<id>.toml``, optional
# ``review/<id>.toml`` and ``mappings/carry-over.toml``), separated by ``os.pathsep``.
SITE_SCHEMAS_VARIABLE = "TUI_REPORT_SCHEMAS"


def schema_folders() -> tuple[Path, ...]:
    """Where formats are looked for: the installed ``schemas/``, then each folder named by
    ``TUI_REPORT_SCHEMAS`` (a new format is one file there, nothing to install)."""
    site = os.environ.get(SITE_SCHEMAS_VARIABLE, "")
    return (schemas_dir(), *(Path(part) for part in site.split(os.pathsep) if part))


def schema_files(*relative: str) -> list[Path]:
    """The file ``relative`` (e.g. ``review``, ``x.toml``) in each schema folder that has it."""
    return [path for folder in schema_folders() if (path := folder.joinpath(*relative)).is_file()]


_forget_hooks: list[Callable[[], None]] = []


def on_forget_templates(hook: Callable[[], None]) -> None:
    """Register a cache of something read from the schema folders, cleared by
    :func:`forget_templates`."""
    _forget_hooks.append(hook)


def forget_templates() -> None:
    """Read the schema folders afresh (after ``TUI_REPORT_SCHEMAS`` changed in this process)."""
    _loaded.clear()
    _template_paths.cache_clear()
    for hook in _forget_hooks:
        hook()


def examples_dir() -> Path:
    """The bundled example reports."""
    return _data_dir("examples")


def _format_loc(loc: tuple[object, ...], data: object) -> str:
    """Turn a Pydantic error location into a readable key path using keys found in the data."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            node = node[item]
            key = node.get("key") if isinstance(node, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}{f' key={key}' if key else ''}]"]
        elif isinstance(item, str):
            node = node.get(item) if isinstance(node, dict) else None
            parts.append(item)
    return ".".join(parts)


def load_template_file(path: Path) -> Template:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"模板文件 {path} 无法读取：{os_error_text(exc)}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise TemplateError(f"模板文件 {path} 不是 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"模板文件 {path} 不是有效的 TOML：{exc}") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _format_loc(tuple(first["loc"]), data) or "(顶层)"
        raise TemplateError(f"模板文件 {path} 的 {where} 有误：{first['msg']}") from exc


_loaded: dict[str, Template] = {}


def template_paths() -> dict[str, Path]:
    """Template id → file, for every ``*.toml`` in the schema folders (id taken from the file
    name). A site's file may add a format, never replace an installed one."""
    return _template_paths(schema_folders())


@lru_cache(maxsize=4)
def _template_paths(folders: tuple[Path, ...]) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.toml")):
            if path.stem in paths:
                raise TemplateError(
                    f"模板 {path.stem} 在 {paths[path.stem]} 和 {path} 中都有：{SITE_SCHEMAS_VARIABLE} "
                    "中的文件只能增加新的格式，不能替换已安装的格式，请改用新的 id 和文件名"
                )
            paths[path.stem] = path
    return paths


def get_template(template_id: str) -> Template:
    # Cached: the model asks for its template on every cell access.
    template = _loaded.get(template_id)
    if template is not None:
        return template
    paths = template_paths()
    if template_id not in paths:
        known = "、".join(paths) or "（无）"
        raise TemplateError(f"找不到模板 {template_id}，已安装的模板：{known}")
    path = paths[template_id]
    template = load_template_file(path)
    if template.id != template_id:
        raise TemplateError(f"模板文件 {path} 的 id 是 {template.id}，应与文件名 {template_id} 一致")
    _loaded[template_id] = template
    return template


def list_templates() -> list[Template]:
    return [get_template(tid) for tid in template_paths()]


def template_for_year(year: int) -> str:
    """The template id whose format applies to a report year (the newest that covers it)."""
    fitting = [
        t for t in list_templates() if t.first_year <= year and (t.last_year is None or year <= t.last_year)
    ]
    if not fitting:
        raise TemplateError(f"没有适用于{year}年度报告的模板")
    return max(fitting, key=lambda t: t.first_year).id
