"""The summary workbook (.xlsx) of a review: 状态, 表三汇总, 表二汇总, 问题, 指标.

Numbers are written as numbers, headers are frozen, columns are as wide as their contents; the
summary sheets' columns and the indicators come from ``schemas/review/`` (labels from the template).
The 合计 row of a summary sheet is the sum of the units' figures — the same as ``tui-report rollup``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from tui_report.model.indicators import Figure, ReviewSpec, column_value, review_spec
from tui_report.model.linebreak import cells
from tui_report.model.report import CellValue
from tui_report.model.rules import SEVERITY_LABELS, Finding, describe_location
from tui_report.model.template import Template, get_template
from tui_report.review.columns import SHEET_COLUMNS, sheet_value
from tui_report.review.desk import Review, UnitRow
from tui_report.review.xlsx import PLAIN, Style, Workbook
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError

SHEET_STATE = "状态"
SHEET_FINDINGS = "问题"
SHEET_INDICATORS = "指标"
TOTAL_LABEL = "合计"
MAX_WIDTH = 48
HEADER = Style(bold=True, wrap=True, vertical="center")
NOTE = Style(italic=True, color="666666", wrap=True, vertical="top")  # the indicators' formulas


class WorkbookError(Exception):
    """The workbook could not be written; ``str()`` is the Chinese reason."""


@functools.lru_cache(maxsize=1 << 16)
def _cells(text: str) -> int:
    """Terminal cells of a text (cached: a unit's name is measured once for all five sheets)."""
    return cells(text)


@functools.lru_cache(maxsize=64)
def _style(bold: bool, number_format: str) -> Style:
    """One Style object per look: the writer finds the cell format of an object it has seen fast."""
    return PLAIN if not bold and not number_format else Style(bold=bold, number_format=number_format)


def _number(value: CellValue | Figure | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value) if isinstance(value, (Decimal, float)) else None


class _Sheet:
    """A sheet filled row by row, with a bold frozen header and widths fitted to the contents.
    Every value goes through :func:`tui_report.review.xlsx.cell_xml`: text is a string cell, never
    a formula."""

    def __init__(self, workbook: Workbook, title: str, header: Sequence[str], header_rows: int = 1) -> None:
        self.ws = workbook.add_sheet(title)
        self.widths = [_cells(h) for h in header]
        self.ws.append(list(header), HEADER)
        self.header_rows = header_rows

    def append(
        self,
        values: Sequence[object],
        number_format: dict[int, str] | None = None,
        bold: bool = False,
        note: bool = False,
    ) -> None:
        widths = self.widths
        if len(widths) < len(values):
            widths.extend([0] * (len(values) - len(widths)))
        for index, value in enumerate(values):
            if value is None:
                continue
            shown = f"{value:.1%}" if number_format and index in number_format else str(value)
            if 2 * len(shown) <= widths[index]:
                continue  # a character is at most two cells wide: it cannot widen the column
            widths[index] = max(widths[index], _cells(shown))
        if note:
            self.ws.append(values, NOTE)
        elif number_format:
            self.ws.append(values, [_style(bold, number_format.get(i, "")) for i in range(len(values))])
        else:
            self.ws.append(values, _style(bold, ""))

    def finish(self, freeze_first_column: bool = True) -> None:
        self.ws.widths = [min(MAX_WIDTH, max(6, width + 2)) for width in self.widths]
        column = "B" if freeze_first_column else "A"
        self.ws.freeze = f"{column}{self.header_rows + 1}"


def _state_sheet(workbook: Workbook, review: Review) -> None:
    sheet = _Sheet(workbook, SHEET_STATE, [column.header for column in SHEET_COLUMNS])
    for row in review.rows:
        sheet.append([sheet_value(column, row) for column in SHEET_COLUMNS])
    sheet.finish()


def _figure_rows(review: Review) -> list[UnitRow]:
    """The rows whose figures the summary sheets add up (the roll-up's inputs)."""
    return [r for r in review.rows if r.template == review.template and not r.problem]


def _summary_sheets(workbook: Workbook, review: Review, spec: ReviewSpec) -> None:
    rows = _figure_rows(review)
    for summary in spec.summaries:
        sheet = _Sheet(workbook, summary.sheet, ["单位", *(c.label for c in summary.columns)])
        for row in rows:
            sheet.append([row.unit, *(_number(column_value(c, row.figures)) for c in summary.columns)])
        totals = [_number(column_value(c, review.county_figures)) for c in summary.columns]
        sheet.append([TOTAL_LABEL, *totals], bold=True)
        sheet.finish()


def _findings_sheet(workbook: Workbook, review: Review) -> None:
    sheet = _Sheet(workbook, SHEET_FINDINGS, ["单位", "文件", "严重程度", "规则", "位置", "键", "说明"])
    templates: dict[str, Template | None] = {}
    for row in review.rows:
        if row.problem and not row.findings:
            sheet.append([row.unit or "（无法读取）", row.file_name, "错误", "FILE", "", "", row.problem])
            continue
        if row.template not in templates:
            try:
                templates[row.template] = get_template(row.template)
            except Exception:
                templates[row.template] = None
        template = templates[row.template]
        for finding in row.findings:
            sheet.append(_finding_cells(row, finding, template))
    sheet.finish()


def _finding_cells(row: UnitRow, finding: Finding, template: Template | None) -> list[object]:
    where = "、".join(describe_location(template, loc) for loc in finding.locations[:3])
    keys = "、".join(loc.path for loc in finding.locations[:3])
    if len(finding.locations) > 3:
        where += f" 等{len(finding.locations)}处"
        keys += " …"
    return [
        row.unit,
        row.file_name,
        SEVERITY_LABELS[finding.severity],
        finding.rule,
        where,
        keys,
        finding.message,
    ]


def _indicator_sheet(workbook: Workbook, review: Review, spec: ReviewSpec) -> None:
    indicators = spec.indicators
    sheet = _Sheet(workbook, SHEET_INDICATORS, ["单位", *(i.name for i in indicators)], header_rows=2)
    sheet.append(["公式", *(i.formula.text for i in indicators)], note=True)
    formats = {n + 1: "0.0%" for n, i in enumerate(indicators) if i.format == "percent"}
    for row in _figure_rows(review):
        sheet.append([row.unit, *(_number(row.indicators.get(i.id)) for i in indicators)], formats)
    county = [_number(review.county_indicators.get(i.id)) for i in indicators]
    sheet.append([TOTAL_LABEL, *county], formats, bold=True)
    sheet.widths = [min(w, 24) if n else w for n, w in enumerate(sheet.widths)]
    sheet.finish()


def build_workbook(review: Review) -> Workbook:
    workbook = Workbook()
    spec = review_spec(review.template) if review.template else None
    _state_sheet(workbook, review)
    if spec is not None:
        _summary_sheets(workbook, review, spec)
    _findings_sheet(workbook, review)
    if spec is not None:
        _indicator_sheet(workbook, review, spec)
    return workbook


def write_workbook(review: Review, path: Path) -> None:
    """Write the workbook atomically; :class:`WorkbookError` when it cannot."""
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(f"汇总表请用 .xlsx 扩展名（而不是“{path.suffix or '无扩展名'}”）")
    try:
        atomic_write(path, build_workbook(review).to_bytes())
    except ReportFileError as exc:
        raise WorkbookError(str(exc)) from exc
