"""The report: unit metadata, preamble, texts and the entered table values.

Computed cells (totals) are derived from the entered cells and never stored. A value for a computed
cell is kept only when a file brings one that disagrees with the sum (an imported or hand-edited
report): the checks then point at it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tui_report.model.template import (
    DEFAULT_TEMPLATE,
    CellDef,
    CellKind,
    CompiledTable,
    Template,
    UnitLevel,
    get_template,
)

CellValue = int | Decimal

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
    year: int = Field(ge=1990, le=2200)
    unit: str = ""
    # table key → cell id of last year's template → value
    values: dict[str, dict[str, CellValue]] = {}

    def as_report(self) -> Report:
        """Last year's report as far as it is known: the baseline cells, nothing else."""
        return Report(template=self.template, year=self.year, unit=self.unit, values=self.values)


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    template: str = DEFAULT_TEMPLATE
    template_version: int = 1
    unit: str = ""
    level: UnitLevel = "township"
    year: int = Field(default=2025, ge=1990, le=2200)
    preamble: dict[str, str] = {}
    # "section.part" → text
    texts: dict[str, str] = {}
    # table key → cell id ("row.col") → value
    values: dict[str, dict[str, CellValue]] = {}
    export: ExportSettings = ExportSettings()
    # Last year's baseline for R7/R8 (``tui-report new --from``); None when not known.
    last_year: LastYear | None = None

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
        row = self.values.setdefault(table, {})
        if value is None:
            row.pop(cell_id, None)
        else:
            row[cell_id] = value

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
        compiled = self.tpl.table(table)
        entered = self.values.get(table, {})
        return {cid: cell_value(compiled, entered, compiled.cells[cid]) for cid in compiled.order}


def cell_value(table: CompiledTable, entered: dict[str, CellValue], cell: CellDef) -> CellValue | None:
    if not cell.computed:
        return entered.get(cell.id)
    total: CellValue = 0
    any_filled = False
    for operand in cell.operands:
        value = entered.get(operand)
        if value is not None:
            any_filled = True
            total += value
    return total if any_filled else None


def new_report(
    unit: str, year: int, level: UnitLevel = "township", template_id: str = DEFAULT_TEMPLATE
) -> Report:
    template = get_template(template_id)
    preamble = {f.key: f.default.format(year=year, unit=unit) for f in template.preamble if f.default}
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
_COUNT = re.compile(r"^\d+$")
_CHANGE = re.compile(r"^[+-]?\d+$")
_AMOUNT = re.compile(r"^\d+(\.\d+)?$")


def normalise_number_text(text: str) -> str:
    """Full-width digits and punctuation from a Chinese input method become ASCII; thousands
    separators and surrounding spaces go."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.replace("。", ".").replace("－", "-").replace("−", "-").replace("＋", "+")
    return _THOUSANDS.sub("", text)


def parse_cell_input(text: str, kind: CellKind) -> CellValue | None:
    """Parse what an operator typed into a cell. Empty means "not filled". Raises
    :class:`CellInputError` with a Chinese message for anything that is not a number of the kind."""
    cleaned = normalise_number_text(text)
    if cleaned == "":
        return None
    if kind == "count":
        if _COUNT.match(cleaned):
            return int(cleaned)
        if _CHANGE.match(cleaned):
            raise CellInputError(f"“{text}”是负数，件数不能为负")
        raise CellInputError(f"“{text}”不是件数，请输入0或正整数")
    if kind == "change":
        if _CHANGE.match(cleaned):
            return int(cleaned)
        raise CellInputError(f"“{text}”不是整数，本年增/减请输入整数（减少用负号）")
    if _AMOUNT.match(cleaned):
        try:
            amount = Decimal(cleaned)
        except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
            raise CellInputError(f"“{text}”不是金额") from exc
        if -amount.as_tuple().exponent > 2:  # type: ignore[operator]
            raise CellInputError(f"“{text}”小数位过多，金额（万元）最多保留两位小数")
        return amount
    raise CellInputError(f"“{text}”不是金额，请输入以万元为单位的数字，如 96171.6")


def parse_published_cell(text: str, kind: CellKind) -> CellValue | None:
    """Read a cell of a published report: ``/ - — 无`` and blanks mean "not filled"."""
    if normalise_number_text(text) in BLANK_MARKS or text.strip() in BLANK_MARKS:
        return None
    return parse_cell_input(text, kind)


def format_value(value: CellValue | None) -> str:
    """A cell value as printed: explicit 0, money as written (``96171.6``), blank when not filled."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text
    return str(value)


def value_problem(value: object, kind: CellKind) -> str | None:
    """Why a stored value does not fit its cell kind, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return "不是数字"
    if kind == "count":
        if isinstance(value, Decimal) and value != value.to_integral_value():
            return f"{format_value(value)} 不是整数，件数应为非负整数"
        if value < 0:
            return f"{format_value(value)} 是负数，件数应为非负整数"
    elif kind == "change":
        if isinstance(value, Decimal) and value != value.to_integral_value():
            return f"{format_value(value)} 不是整数"
    else:
        if value < 0:
            return f"{format_value(value)} 是负数，金额不能为负"
        if isinstance(value, Decimal) and -value.as_tuple().exponent > 2:  # type: ignore[operator]
            return f"{format_value(value)} 小数位过多，金额（万元）最多保留两位小数"
    return None
