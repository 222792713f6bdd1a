"""The report: unit metadata, preamble, texts and the entered table values.

Computed cells (totals) are derived from the entered cells and never stored. A value for a computed
cell is kept only when a file brings one that disagrees with the sum (an imported or hand-edited
report): the checks then point at it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tui_report.model.template import (
    MAX_YEAR,
    MIN_YEAR,
    CellDef,
    CompiledTable,
    KindSpec,
    Template,
    UnitLevel,
    get_template,
    template_for_year,
)

CellValue = int | Decimal

# The report's own fields (``[report]`` in the file) as an operator names them.
FIELD_LABELS: dict[str, str] = {
    "template": "模板",
    "template_version": "模板版本",
    "unit": "单位名称",
    "level": "单位层级",
    "year": "年度",
}

# Published reports use these for "not filled"; an importer must not read them as 0.
BLANK_MARKS = frozenset({"", "/", "-", "—", "－", "–", "无", "——"})


class CellInputError(ValueError):
    """Input that cannot go into a cell; the message is in Chinese, for the operator."""


SubheadingStyle = Literal["own-line", "run-in"]
SUBHEADING_STYLES: tuple[SubheadingStyle, ...] = ("own-line", "run-in")


class ExportSettings(BaseModel):
    """How the report is printed; stored as ``[export]`` in the report file."""

    model_config = ConfigDict(extra="forbid")

    # Part 一's （一） sub-headings on their own line (published practice) or run in before the text.
    subheadings: SubheadingStyle = "own-line"


class LastYear(BaseModel):
    """Last year's figures the year-to-year rules need (R7: carry-over, R8: documents in force),
    kept in this year's file as ``[last_year]`` so that the rules hold without last year's file."""

    model_config = ConfigDict(extra="forbid")

    template: str
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    unit: str = ""
    # table key → cell id of last year's template → value
    values: dict[str, dict[str, CellValue]] = {}

    def as_report(self) -> Report:
        """Last year's report as far as it is known: the baseline cells, nothing else."""
        return Report(template=self.template, year=self.year, unit=self.unit, values=self.values)


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    # The format's id; left out, the format whose years cover ``year`` (template_for_year): no
    # format is the default, so that a new format's reports never fall back to an older one's.
    template: str = ""
    template_version: int = 1
    unit: str = ""
    # None: not chosen yet (an import that could not tell it); check says so (META), like a
    # missing unit name, and the rules that depend on the level are left out until it is chosen.
    level: UnitLevel | None = None
    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    preamble: dict[str, str] = {}
    # "section.part" → text
    texts: dict[str, str] = {}
    # table key → cell id ("row.col") → value
    values: dict[str, dict[str, CellValue]] = {}
    export: ExportSettings = ExportSettings()
    # Last year's baseline for R7/R8 (``tui-report new --from``); None when not known.
    last_year: LastYear | None = None

    @model_validator(mode="after")
    def _template_of_the_year(self) -> Report:
        if not self.template:
            self.template = template_for_year(self.year)
        return self

    # ------------------------------------------------------------------ template access
    @property
    def tpl(self) -> Template:
        return get_template(self.template)

    @property
    def title(self) -> str:
        return self.tpl.report_title(self.unit, self.year)

    # ------------------------------------------------------------------ cells
    def entered(self, table: str, cell_id: str) -> CellValue | None:
        return self.values.get(table, {}).get(cell_id)

    def cell(self, table: str, cell_id: str) -> CellValue | None:
        """The value shown for a cell: entered, or for a computed cell the sum of its inputs."""
        compiled = self.tpl.table(table)
        return cell_value(compiled, self.values.get(table, {}), compiled.cells[cell_id])

    def set_cell(self, table: str, cell_id: str, value: CellValue | None) -> None:
        compiled = self.tpl.table(table)
        cell = compiled.cells.get(cell_id)
        if cell is None:
            raise KeyError(f"{table}.{cell_id}")
        if cell.computed:
            raise CellInputError(f"{cell.name} 是自动计算的合计，不能直接填写")
        self._store(table, cell_id, value)

    def _store(self, table: str, cell_id: str, value: CellValue | None) -> None:
        # A table whose last value is cleared goes too: a file never has an empty table, so a
        # report read back after a save (the save's own check) or the report as loaded (after
        # undoing back to it) compares equal.
        if value is not None:
            self.values.setdefault(table, {})[cell_id] = value
        elif (row := self.values.get(table)) is not None:
            row.pop(cell_id, None)
            if not row:
                del self.values[table]

    def set_stored_total(self, table: str, cell_id: str, value: CellValue | None) -> None:
        """A computed cell's stored value as a file brought it (an imported or hand-edited report:
        kept so that R2/R3/R5 point at it), or None to drop it and show the sum of the parts again
        (采用自动合计; undone by setting it back)."""
        cell = self.tpl.table(table).cells.get(cell_id)
        if cell is None or not cell.computed:
            raise KeyError(f"{table}.{cell_id}")
        self._store(table, cell_id, value)

    def get(self, path: str) -> object:
        """Value by dotted key path as used in report files: ``tables.requests.new.natural``,
        ``texts.overview.proactive``, ``preamble.phone`` or a metadata field such as ``unit``."""
        head, _, rest = path.partition(".")
        if head == "tables":
            table, _, cell_id = rest.partition(".")
            return self.cell(table, cell_id)
        if head == "texts":
            return self.texts.get(rest, "")
        if head == "preamble":
            return self.preamble.get(rest, "")
        return getattr(self, head)

    def table_values(self, table: str) -> dict[str, CellValue | None]:
        return table_values_of(self.tpl.table(table), self.values.get(table, {}))


def cell_value(table: CompiledTable, entered: dict[str, CellValue], cell: CellDef) -> CellValue | None:
    if not cell.computed:
        return entered.get(cell.id)
    return _sum_of(entered, cell.operands)


def _sum_of(entered: dict[str, CellValue], operands: tuple[str, ...]) -> CellValue | None:
    """The filled operands added up from 0 in order (int, or Decimal once one is), None when none
    is filled."""
    filled = [value for value in map(entered.get, operands) if value is not None]
    return sum(filled, 0) if filled else None


def table_values_of(table: CompiledTable, entered: dict[str, CellValue]) -> dict[str, CellValue | None]:
    """Every cell's shown value (:func:`cell_value`), in printed order. Every input cell is looked
    up at C speed, then only the computed cells are summed: the checks ask this of every table of
    every report the desk reads (241 cells each)."""
    shown: dict[str, CellValue | None] = dict(zip(table.order, map(entered.get, table.order), strict=True))
    for cell_id, operands in table.sums:
        shown[cell_id] = _sum_of(entered, operands)
    return shown


def new_report(
    unit: str, year: int, level: UnitLevel | None = "township", template_id: str | None = None
) -> Report:
    """A blank report; its format is ``template_id`` or, left out, the one for ``year``."""
    template = get_template(template_id or template_for_year(year))
    # No preamble text unless the operator chooses it: the template's default is offered as a
    # suggestion in the app (F2), not written into the report.
    preamble: dict[str, str] = {}
    return Report(
        template=template.id,
        template_version=template.version,
        unit=unit,
        level=level,
        year=year,
        preamble=preamble,
    )


# ---------------------------------------------------------------------- operator input

_THOUSANDS = re.compile(r"(?<=\d)[,，、'’ ](?=\d{3}(\D|$))")
_NUMBER = re.compile(r"^([+-]?)(\d+)(?:\.(\d+))?$")

# Bounds on any cell value, typed or read from a file (see also MIN_YEAR/MAX_YEAR in the template):
# far above any real figure (the largest published amounts are ~10⁶ 万元), low enough that a forged
# file cannot make the sums, the layout or the printed table misbehave.
MAX_CELL_VALUE = 10**10
MAX_CELL_VALUE_TEXT = "100亿"
# Characters in a number as typed (digits, sign, point, separators): a pasted 5,000-digit number is
# refused before any conversion (int() of it would be slow, and Python refuses above 4,300 digits).
MAX_NUMBER_CHARS = 32


def normalise_number_text(text: str) -> str:
    """Full-width digits and punctuation from a Chinese input method become ASCII; thousands
    separators and surrounding spaces go."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("。", ".").replace("－", "-").replace("−", "-").replace("＋", "+")
    return _THOUSANDS.sub("", text)


def parse_cell_input(text: str, spec: KindSpec) -> CellValue | None:
    """Parse what an operator typed into a cell of the kind ``spec`` (from the report's own
    template: ``report.tpl.kind(cell.kind)``). Empty means "not filled". Raises
    :class:`CellInputError` with a Chinese message for anything that is not a number of the kind
    (precision and sign from the template's ``[[kinds]]``) or is out of bounds."""
    shown = text if len(text) <= 20 else text[:20] + "…"
    if len(text) > 4 * MAX_NUMBER_CHARS:
        raise CellInputError(f"输入过长（{len(text)}个字符），不是{spec.noun}")
    cleaned = normalise_number_text(text)
    if cleaned == "":
        return None
    found = _NUMBER.match(cleaned)
    if found is None or (found.group(3) is not None and spec.decimals == 0):
        raise CellInputError(f"“{shown}”不是{spec.noun}，{spec.refusal}")
    if len(cleaned) > MAX_NUMBER_CHARS:
        raise CellInputError(f"“{shown}”位数过多，{spec.noun}最多{MAX_NUMBER_CHARS}位")
    sign, _, fraction = found.groups()
    if sign == "-" and not spec.negative and cleaned.strip("-0.") != "":
        raise CellInputError(f"“{shown}”是负数，{spec.noun}不能为负")
    if fraction is not None and len(fraction) > spec.decimals:
        raise CellInputError(f"“{shown}”小数位过多，{spec.noun}最多保留{spec.decimals}位小数")
    value: CellValue = Decimal(cleaned) if fraction is not None else int(cleaned)
    if not -MAX_CELL_VALUE <= value <= MAX_CELL_VALUE:
        raise CellInputError(f"“{shown}”超出上限，{spec.noun}的绝对值不能超过{MAX_CELL_VALUE_TEXT}")
    return value


def parse_published_cell(text: str, spec: KindSpec) -> CellValue | None:
    """Read a cell of a published report: ``/ - — 无`` and blanks mean "not filled"."""
    if normalise_number_text(text) in BLANK_MARKS or text.strip() in BLANK_MARKS:
        return None
    return parse_cell_input(text, spec)


def format_value(value: CellValue | None) -> str:
    """A cell value as printed: explicit 0, money as written (``96171.6``), blank when not filled."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    return str(value)


def number_problem(value: object) -> str | None:
    """Why a value read from a file is not a usable number at all (any kind), or None: not a number,
    not finite (nan, inf), or beyond ±MAX_CELL_VALUE."""
    if type(value) is int and -MAX_CELL_VALUE <= value <= MAX_CELL_VALUE:
        return None  # the common case, asked for every cell of every file read
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return "不是数字"
    if isinstance(value, Decimal) and not value.is_finite():
        return f"{value} 不是有限的数字"
    if not -MAX_CELL_VALUE <= value <= MAX_CELL_VALUE:
        return f"数值过大，绝对值不能超过{MAX_CELL_VALUE_TEXT}"
    return None


def value_problem(value: object, spec: KindSpec) -> str | None:
    """Why a stored value does not fit its cell kind (bounds, sign, precision), or None."""
    if type(value) is int and 0 <= value <= MAX_CELL_VALUE:
        return None  # the common case, asked after every keystroke for every cell: no more to check
    problem = number_problem(value)
    if problem is not None:
        return problem
    assert isinstance(value, (int, Decimal))
    decimals = -value.as_tuple().exponent if isinstance(value, Decimal) else 0  # type: ignore[operator]
    if spec.decimals == 0 and isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{format_value(value)} 不是整数（{spec.hint}）"
    if value < 0 and not spec.negative:
        return f"{format_value(value)} 是负数，{spec.noun}不能为负"
    if spec.decimals and decimals > spec.decimals:
        return f"{format_value(value)} 小数位过多，{spec.noun}最多保留{spec.decimals}位小数"
    return None


def unit_problem(unit: str, template: Template) -> str | None:
    """Why a unit name cannot be used (longer than the template's ``unit_max_chars``), or None."""
    count = len(unit.strip())
    if count > template.unit_max_chars:
        return template.messages.unit_too_long.format(count=count, limit=template.unit_max_chars)
    return None


def year_problem(year: object, template: Template | None = None) -> str | None:
    """Why a report year is not usable, or None: an integer within MIN_YEAR..MAX_YEAR and, given a
    template, within the years its format applies to."""
    if isinstance(year, bool) or not isinstance(year, int):
        return "年度应为整数，如 2025"
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"{year} 不是合理的年度（{MIN_YEAR}—{MAX_YEAR}）"
    if template is not None:
        first, last = template.years
        if not first <= year <= last:
            span = f"{first}—{last}年" if last != MAX_YEAR else f"{first}年起"
            return f"{template.name}适用于{span}的报告，不适用于{year}年"
    return None


def parse_year(text: str, template: Template | None = None) -> int:
    """The year an operator typed (full-width digits too). Raises :class:`CellInputError`."""
    cleaned = unicodedata.normalize("NFKC", text[: 4 * MAX_NUMBER_CHARS]).strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 4:
        raise CellInputError(f"“{text[:20]}”不是年度，请输入四位数字，如 2025")
    problem = year_problem(int(cleaned), template)
    if problem is not None:
        raise CellInputError(problem)
    return int(cleaned)


def year_text_problem(text: str, template: Template | None = None) -> str | None:
    """Why a typed year is not usable (see :func:`parse_year`), or None."""
    try:
        parse_year(text, template)
    except CellInputError as exc:
        return str(exc)
    return None
