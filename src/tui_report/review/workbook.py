"""The summary workbook (.xlsx) of a review: 状态, 表三汇总, 表二汇总, 问题, 指标.

Numbers are written as numbers, headers are frozen, columns are as wide as their contents; the
summary sheets' columns and the indicators come from ``schemas/review/`` (labels from the template).
The 合计 row of a summary sheet is the sum of the units' figures — the same as ``tui-report rollup``.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tui_report.model.indicators import Figure, ReviewSpec, column_value, review_spec
from tui_report.model.report import CellValue
from tui_report.model.rules import SEVERITY_LABELS, Finding, describe_location
from tui_report.model.template import LEVEL_LABELS, Template, get_template
from tui_report.review.desk import Review, UnitRow
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError

SHEET_STATE = "状态"
SHEET_FINDINGS = "问题"
SHEET_INDICATORS = "指标"
SHEET_CHARTS = "图表"
TOTAL_LABEL = "合计"
MAX_WIDTH = 48


class WorkbookError(Exception):
    """The workbook could not be written; ``str()`` is the Chinese reason."""


def _cells(text: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _number(value: CellValue | Figure | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value) if isinstance(value, (Decimal, float)) else None


class _Sheet:
    """A sheet filled row by row, with a bold frozen header and widths fitted to the contents."""

    def __init__(self, workbook: Any, title: str, header: Sequence[str], header_rows: int = 1) -> None:
        from openpyxl.styles import Alignment, Font

        self.ws = workbook.create_sheet(title)
        self.widths = [_cells(h) for h in header]
        self.ws.append(list(header))
        for cell in self.ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        self.header_rows = header_rows

    def append(
        self, values: Sequence[object], number_format: dict[int, str] | None = None, bold: bool = False
    ) -> None:
        from openpyxl.styles import Font

        self.ws.append(list(values))
        row = self.ws.max_row
        for index, value in enumerate(values):
            if index >= len(self.widths):
                self.widths.append(0)
            shown = (
                f"{value:.1%}" if number_format and index in number_format and value is not None else value
            )
            self.widths[index] = max(self.widths[index], _cells(shown if shown is not None else ""))
            cell = self.ws.cell(row=row, column=index + 1)
            if number_format and index in number_format:
                cell.number_format = number_format[index]
            if bold:
                cell.font = Font(bold=True)

    def finish(self, freeze_first_column: bool = True) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(6, width + 2))
        column = "B" if freeze_first_column else "A"
        self.ws.freeze_panes = f"{column}{self.header_rows + 1}"


def _state_sheet(workbook: Any, review: Review) -> None:
    flow = ["审核状态", "未处理意见"] if review.uses_workflow else []  # the review workflow (#22)
    sheet = _Sheet(
        workbook,
        SHEET_STATE,
        [
            "单位",
            "层级",
            "状态",
            "错误",
            "警告",
            "雷同文字",
            "正在编辑",
            "编辑开始",
            "最后保存",
            "保存人",
            "已导出",
            "文件",
            "在名册中",
            "联系人",
            "说明",
            *flow,
            "重复",
            "逾期",
        ],
    )
    for row in review.rows:
        sheet.append(
            [
                row.unit or "（无法读取）",
                LEVEL_LABELS.get(row.level, ""),
                row.state_label,
                row.errors,
                row.warnings,
                row.copied_text,
                row.editor.who if row.editor else "",
                row.editor.since if row.editor else "",
                row.saved_at.strftime("%Y-%m-%d %H:%M") if row.saved_at else "",
                row.saved_by,
                "、".join(row.exported),
                row.file_name,
                "是" if row.in_roster else "否",
                row.contact,
                row.problem,
                *([row.workflow.label, row.workflow.comments_open] if flow else []),
                row.duplicate_of,
                f"逾期 {row.overdue_days} 天" if row.overdue_days else "",
            ]
        )
    sheet.finish()


def _figure_rows(review: Review) -> list[UnitRow]:
    """The rows whose figures the summary sheets add up (the roll-up's inputs)."""
    return [r for r in review.rows if r.template == review.template and not r.problem]


def _summary_sheets(workbook: Any, review: Review, spec: ReviewSpec) -> None:
    rows = _figure_rows(review)
    for summary in spec.summaries:
        sheet = _Sheet(workbook, summary.sheet, ["单位", *(c.label for c in summary.columns)])
        for row in rows:
            sheet.append([row.unit, *(_number(column_value(c, row.figures)) for c in summary.columns)])
        totals = [_number(column_value(c, review.county_figures)) for c in summary.columns]
        sheet.append([TOTAL_LABEL, *totals], bold=True)
        sheet.finish()


def _findings_sheet(workbook: Any, review: Review) -> None:
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


def _indicator_sheet(workbook: Any, review: Review, spec: ReviewSpec) -> None:
    indicators = spec.indicators
    compared = [f"{i.name}（{year}）" for i in spec.year_over_year for year in ("本年", "上年")]
    header = ["单位", *(i.name for i in indicators), *compared]
    sheet = _Sheet(workbook, SHEET_INDICATORS, header, header_rows=2)
    sheet.append(
        [
            "公式",
            *(i.formula.text for i in indicators),
            *(i.formula.text for i in spec.year_over_year for _ in "12"),
        ]
    )
    formats = {n + 1: "0.0%" for n, i in enumerate(indicators) if i.format == "percent"}
    rows = _figure_rows(review)
    for row in rows:
        values = [_number(row.indicators.get(i.id)) for i in indicators]
        sheet.append([row.unit, *values, *_compared_values(row, spec)], formats)
    county = [_number(review.county_indicators.get(i.id)) for i in indicators]
    sheet.append([TOTAL_LABEL, *county, *_county_compared(rows, spec)], formats, bold=True)
    for cell in sheet.ws[2]:
        from openpyxl.styles import Alignment, Font

        cell.font = Font(italic=True, color="666666")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.widths = [min(w, 24) if n else w for n, w in enumerate(sheet.widths)]
    sheet.finish()


def _compared_values(row: UnitRow, spec: ReviewSpec) -> list[int | float | None]:
    """This year's and last year's value of each ``[[year_over_year]]`` figure, side by side."""
    values: list[int | float | None] = []
    for item in spec.year_over_year:
        this_year, last_year = row.year_over_year.get(item.id, (None, None))
        values += [_number(this_year), _number(last_year)]
    return values


def _county_compared(rows: list[UnitRow], spec: ReviewSpec) -> list[int | float | None]:
    """The county's: each year's sum over the units (last year's only when every unit has one)."""
    totals: list[int | float | None] = []
    for index in range(2 * len(spec.year_over_year)):
        column = [_compared_values(r, spec)[index] for r in rows]
        present = [v for v in column if v is not None]
        complete = len(present) == len(column) if index % 2 else bool(present)
        totals.append(sum(present) if present and complete else None)
    return totals


def _chart_sheet(workbook: Any, review: Review, spec: ReviewSpec) -> None:
    """图表: each ``[[charts]]`` of ``schemas/review/`` as a bar chart over the 指标 sheet's columns
    (one bar group per unit)."""
    from openpyxl.chart import BarChart, Reference, Series

    units = len(_figure_rows(review))
    if not spec.charts or not units:
        return
    columns = {i.id: n + 2 for n, i in enumerate(spec.indicators)}
    first = len(spec.indicators) + 2
    for n, item in enumerate(spec.year_over_year):
        columns[item.id], columns["last:" + item.id] = first + 2 * n, first + 2 * n + 1
    source = workbook[SHEET_INDICATORS]
    sheet = workbook.create_sheet(SHEET_CHARTS)
    names = Reference(source, min_col=1, min_row=3, max_row=units + 2)
    for n, chart_spec in enumerate(spec.charts):
        chart = BarChart()
        chart.title = chart_spec.title
        chart.width, chart.height = max(16.0, 0.9 * units + 6), 9.0
        for name in chart_spec.series:
            column = columns[name]
            values = Reference(source, min_col=column, min_row=3, max_row=units + 2)
            chart.series.append(Series(values, title=str(source.cell(row=1, column=column).value)))
        chart.set_categories(names)
        if chart_spec.format == "percent":
            chart.y_axis.numFmt = "0%"
        sheet.add_chart(chart, f"A{1 + n * 20}")


def build_workbook(review: Review) -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    spec = review_spec(review.template) if review.template else None
    _state_sheet(workbook, review)
    if spec is not None:
        _summary_sheets(workbook, review, spec)
    _findings_sheet(workbook, review)
    if spec is not None:
        _indicator_sheet(workbook, review, spec)
        _chart_sheet(workbook, review, spec)
    return workbook


def write_workbook(review: Review, path: Path) -> None:
    """Write the workbook atomically; :class:`WorkbookError` when it cannot."""
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(f"汇总表请用 .xlsx 扩展名（而不是“{path.suffix or '无扩展名'}”）")
    buffer = io.BytesIO()
    build_workbook(review).save(buffer)
    try:
        atomic_write(path, buffer.getvalue())
    except ReportFileError as exc:
        raise WorkbookError(str(exc)) from exc
