"""The summary workbook (.xlsx) of a review: 状态, 表三汇总, 表二汇总, 问题, 指标, 图表.

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
from tui_report.model.rules import SEVERITY_LABELS, Finding
from tui_report.model.template import Template, get_template
from tui_report.model.where import SHOWN_LOCATIONS, describe_locations
from tui_report.review.columns import sheet_value, state_sheet_columns
from tui_report.review.desk import Review
from tui_report.review.unitrow import UnitRow
from tui_report.review.xlsx import PLAIN, Style, Workbook, column_letter
from tui_report.review.xlsxchart import BarChart, ChartSeries, cell_range
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError

SHEET_STATE = "状态"
SHEET_FINDINGS = "问题"
SHEET_INDICATORS = "指标"
SHEET_CHARTS = "图表"
TOTAL_LABEL = "合计"
MAX_WIDTH = 48
HEADER = Style(bold=True, wrap=True, vertical="center")
NOTE = Style(italic=True, color="666666", wrap=True, vertical="top")  # the indicators' formulas
NOTE_HEADER = ("指标", "公式")  # the 指标 sheet's note column: each formula as written


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


# _FITS[k]: the smallest whole number k cells do not hold (10**k).
_FITS = [10**k for k in range(19)]


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
        note_from: int | None = None,
    ) -> None:
        """One row; ``note``: the whole row as a note (grey, wrapped); ``note_from``: the cells
        from that index on (a note column beside the data)."""
        widths = self.widths
        if len(widths) < len(values):
            widths.extend([0] * (len(values) - len(widths)))
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is int and 0 <= value < _FITS[min(widths[index], 18)]:
                continue  # at most as many digits as the column is wide: cannot widen it
            shown = f"{value:.1%}" if number_format and index in number_format else str(value)
            if 2 * len(shown) <= widths[index]:
                continue  # a character is at most two cells wide: it cannot widen the column
            widths[index] = max(widths[index], _cells(shown))
        if note:
            self.ws.append(values, NOTE)
        elif number_format or note_from is not None:
            formats = number_format or {}
            styles = [_style(bold, formats.get(i, "")) for i in range(len(values))]
            if note_from is not None:
                styles[note_from:] = [NOTE] * (len(values) - note_from)
            self.ws.append(values, styles)
        else:
            self.ws.append(values, _style(bold, ""))

    def finish(self, freeze_first_column: bool = True) -> None:
        self.ws.widths = [min(MAX_WIDTH, max(6, width + 2)) for width in self.widths]
        column = "B" if freeze_first_column else "A"
        self.ws.freeze = f"{column}{self.header_rows + 1}"


def _state_sheet(workbook: Workbook, review: Review) -> None:
    sheet_columns = state_sheet_columns(uses_workflow=review.uses_workflow)
    sheet = _Sheet(workbook, SHEET_STATE, [column.header for column in sheet_columns])
    for row in review.rows:
        sheet.append([sheet_value(column, row) for column in sheet_columns])
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
    # The people's columns first; the rule id and the key paths (as check --json names them) last.
    sheet = _Sheet(workbook, SHEET_FINDINGS, ["单位", "文件", "严重程度", "位置", "说明", "规则", "键"])
    templates: dict[str, Template | None] = {}
    for row in review.rows:
        if row.problem and not row.findings:
            sheet.append([row.unit or "（无法读取）", row.file_name, "错误", "", row.problem, "FILE", ""])
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
    where = describe_locations(template, finding.locations)
    keys = "、".join(loc.path for loc in finding.locations[:SHOWN_LOCATIONS])
    if len(finding.locations) > SHOWN_LOCATIONS:
        keys += " …"
    return [
        row.unit,
        row.file_name,
        SEVERITY_LABELS[finding.severity],
        where,
        finding.message,
        finding.rule,
        keys,
    ]


def _indicator_sheet(workbook: Workbook, review: Review, spec: ReviewSpec) -> None:
    """One column per indicator (and per year of each year-over-year figure), its formula in words
    under the name (算法); the formulas as written in ``schemas/review/`` in a note column at the
    right (指标, 公式), for whoever checks them."""
    indicators = spec.indicators
    compared = [f"{i.name}（{year}）" for i in spec.year_over_year for year in ("本年", "上年")]
    header = ["单位", *(i.name for i in indicators), *compared]
    note_from = len(header) + 1  # one empty column between the figures and the note
    notes = [(i.name, i.formula.text) for i in (*indicators, *spec.year_over_year)]
    gap = [""] * (note_from - len(header))
    sheet = _Sheet(workbook, SHEET_INDICATORS, [*header, *gap, *NOTE_HEADER], header_rows=2)
    words = [i.words for i in spec.year_over_year for _ in ("本年", "上年")]
    formats = {n + 1: "0.0%" for n, i in enumerate(indicators) if i.format == "percent"}
    rows = _figure_rows(review)
    lines: list[list[object]] = [["算法", *(i.words for i in indicators), *words]]
    lines += [
        [row.unit, *(_number(row.indicators.get(i.id)) for i in indicators), *_compared_values(row, spec)]
        for row in rows
    ]
    county = [_number(review.county_indicators.get(i.id)) for i in indicators]
    lines.append([TOTAL_LABEL, *county, *_county_compared(rows, spec)])
    lines += [[] for _ in range(len(notes) - len(lines))]  # the note column goes on below
    for n, line in enumerate(lines):
        note = list(notes[n]) if n < len(notes) else []
        cells = [*line, *([None] * (note_from - len(line))), *note] if note else line
        if n == 0:
            sheet.append(cells, note=True)
        else:
            sheet.append(cells, formats, bold=n == len(rows) + 1, note_from=note_from if note else None)
    sheet.widths = [min(w, 24) if 0 < n < note_from else w for n, w in enumerate(sheet.widths)]
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
    columns = list(zip(*(_compared_values(r, spec) for r in rows), strict=True)) if rows else []
    totals: list[int | float | None] = []
    for index, column in enumerate(columns):
        present = [v for v in column if v is not None]
        complete = len(present) == len(column) if index % 2 else bool(present)
        totals.append(sum(present) if present and complete else None)
    return totals


def _chart_sheet(workbook: Workbook, review: Review, spec: ReviewSpec) -> None:
    """图表: each ``[[charts]]`` of ``schemas/review/`` as a bar chart over the 指标 sheet's columns
    (one bar group per unit; the data stays in the cells, the charts refer to them)."""
    units = len(_figure_rows(review))
    if not spec.charts or not units:
        return
    header = ["单位", *(i.name for i in spec.indicators)]
    header += [f"{i.name}（{year}）" for i in spec.year_over_year for year in ("本年", "上年")]
    columns = {i.id: n + 2 for n, i in enumerate(spec.indicators)}
    first = len(spec.indicators) + 2
    for n, item in enumerate(spec.year_over_year):
        columns[item.id], columns["last:" + item.id] = first + 2 * n, first + 2 * n + 1
    last_row = units + 2  # row 1 the header, row 2 the formulas in words
    sheet = workbook.add_sheet(SHEET_CHARTS)
    for n, chart in enumerate(spec.charts):
        series = tuple(
            ChartSeries(
                header[columns[name] - 1],
                cell_range(SHEET_INDICATORS, column_letter(columns[name]), 3, last_row),
            )
            for name in chart.series
        )
        sheet.charts.append(
            BarChart(
                chart.title,
                cell_range(SHEET_INDICATORS, "A", 3, last_row),
                series,
                percent=chart.format == "percent",
                width_cm=max(16.0, 0.9 * units + 6),
                row=n * 20,
            )
        )


def build_workbook(review: Review) -> Workbook:
    workbook = Workbook()
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
    try:
        atomic_write(path, build_workbook(review).to_bytes())
    except ReportFileError as exc:
        raise WorkbookError(str(exc)) from exc
