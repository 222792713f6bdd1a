"""What the review desk shows of each unit row, without Textual: the columns that fit the screen
(from ``review/columns.py``: the workflow's only in a folder that uses it, 逾期 only where a
deadline is set), unit names by their distinguishing part, this year beside last year (Y), and the
line under the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui_report.host.terminal import escape_line
from tui_report.model.indicators import Indicator, format_figure, review_spec
from tui_report.model.linebreak import cells
from tui_report.model.timetext import time_text
from tui_report.review.columns import SCREEN_COLUMNS, SCREEN_FIRST_DROPPED, Column, screen_text
from tui_report.review.desk import Review
from tui_report.review.deskflow import distinguishing_names, publish_hold_reason
from tui_report.review.unitrow import UnitRow

DUPLICATE_MARK = "（重复）"  # after the name of a unit with two reports of the year (duplicate_of)
CELL_PADDING = 2  # a DataTable cell's padding, both sides
SCROLLBAR = 2
INDICATOR_WIDTH = 8


@dataclass(frozen=True, slots=True)
class ScreenColumn:
    key: str
    header: str
    width: int
    text: Callable[[UnitRow], str]


def _from_column(column: Column, names: UnitNames, unit_width: int | None = None) -> ScreenColumn:
    if column.key == "unit":
        return ScreenColumn("unit", column.header, unit_width or column.width, names.text)
    return ScreenColumn(
        column.key, column.short or column.header, column.width, lambda r: screen_text(column, r)
    )


def _wanted(column: Column, review: Review) -> bool:
    if column.workflow_only and not review.uses_workflow:
        return False
    if column.key == "overdue_days":
        return any(r.deadline is not None for r in review.rows)
    return True


def _span(columns: list[ScreenColumn]) -> int:
    return sum(c.width + CELL_PADDING for c in columns) + SCROLLBAR


def _fit(columns: list[ScreenColumn], width: int) -> list[ScreenColumn]:
    """Leave out the columns :data:`SCREEN_FIRST_DROPPED` names, in order, until the rest fit."""
    for key in SCREEN_FIRST_DROPPED:
        if _span(columns) <= width:
            break
        columns = [c for c in columns if c.key != key]
    return columns


@dataclass(frozen=True, slots=True)
class UnitNames:
    """The unit column's text: the name by its distinguishing part in the column's width (measured
    as the screen shows it: control characters escaped), and a unit with a second report of the
    year marked （重复） on both rows, its name shortened to leave room for the mark."""

    names: dict[str, str]
    duplicates: dict[str, str]

    def text(self, row: UnitRow) -> str:
        key = escape_line(row.unit)
        if row.duplicate_of:
            return (self.duplicates.get(key) or row.file_name) + DUPLICATE_MARK
        return self.names.get(key) or row.file_name


NO_NAMES = UnitNames({}, {})


def unit_names(review: Review, width: int) -> UnitNames:
    units = [escape_line(r.unit) for r in review.rows]
    doubled = any(r.duplicate_of for r in review.rows)
    return UnitNames(
        distinguishing_names(units, width),
        distinguishing_names(units, width - cells(DUPLICATE_MARK)) if doubled else {},
    )


def indicator_column(indicator: Indicator) -> ScreenColumn:
    return ScreenColumn(
        "indicator",
        indicator.short,
        INDICATOR_WIDTH,
        lambda r: format_figure(r.indicators.get(indicator.id), indicator.format),
    )


def desk_columns(review: Review, width: int, indicator: Indicator | None) -> list[ScreenColumn]:
    """The desk's columns at ``width`` terminal cells: the states, unit, counts, and the indicator.
    A terminal wider than they need gives the spare cells to the unit names (up to the longest)."""
    room = width - (INDICATOR_WIDTH + CELL_PADDING if indicator else 0)
    wanted = [c for c in SCREEN_COLUMNS if _wanted(c, review)]
    kept = {c.key for c in _fit([_from_column(c, NO_NAMES) for c in wanted], room)}
    fitted = [c for c in wanted if c.key in kept]
    unit_width = next(c.width for c in SCREEN_COLUMNS if c.key == "unit")
    spare = room - _span([_from_column(c, NO_NAMES) for c in fitted])
    longest = max((cells(escape_line(r.unit)) for r in review.rows), default=0)
    unit_width = max(unit_width, min(unit_width + spare, longest))
    names = unit_names(review, unit_width)
    columns = [_from_column(c, names, unit_width) for c in fitted]
    return columns + ([indicator_column(indicator)] if indicator is not None else [])


def _pair(value: tuple[object, object] | None, kind: str) -> str:
    if value is None:
        return ""
    this, last = value
    shown = [format_figure(v, kind) if v is not None else "-" for v in (this, last)]  # type: ignore[arg-type]
    return "" if shown == ["-", "-"] else "/".join(shown)


def compared_columns(review: Review) -> list[ScreenColumn]:
    """Y: the states and unit, then each ``[[year_over_year]]`` figure as ``本年/上年``."""
    state = next(c for c in SCREEN_COLUMNS if c.key == ("workflow" if review.uses_workflow else "state"))
    unit = next(c for c in SCREEN_COLUMNS if c.key == "unit")
    names = unit_names(review, unit.width)
    columns = [_from_column(state, names), _from_column(unit, names)]
    if not review.template:
        return columns
    for item in review_spec(review.template).year_over_year:
        widest = max((len(_pair(r.year_over_year.get(item.id), item.format)) for r in review.rows), default=0)
        columns.append(
            ScreenColumn(
                item.id,
                item.short,
                max(8, widest),
                lambda r, i=item: _pair(r.year_over_year.get(i.id), i.format),  # type: ignore[misc]
            )
        )
    return columns


def detail_text(row: UnitRow, review: Review) -> str:
    """The lines under the table for the row chosen: its file, editor, saves and exports; the
    workflow (submitted by whom and when, why it is not published yet), a second report of the
    unit, the days past the deadline; the contact, and why the file cannot be read."""
    files = [row.file_name or "尚未提交报告"]
    if row.editor:
        since = time_text(row.editor.since)
        files.append(f"{row.editor.who}正在编辑" + (f"（{since}起）" if since else ""))
    if row.saved_at:
        files.append(f"{time_text(row.saved_at)} {row.saved_by}保存")
    if row.exported:
        files.append("已导出 " + "、".join(row.exported))
    flow: list[str] = []
    if review.uses_workflow and row.path is not None:
        submitted = row.workflow.submitted
        flow.append(
            row.workflow.label
            + (f"（{submitted.author} {time_text(submitted.at)} 报送）" if submitted is not None else "")
        )
        reason = publish_hold_reason(row)
        flow.append(f"暂不发布：{reason}" if reason else "可以发布")
    if row.duplicate_of:
        flow.append(f"与 {row.duplicate_of} 重复（同一单位同一年度）")
    if row.overdue_days:
        flow.append(f"逾期 {row.overdue_days} 天" + (f"，联系人 {row.contact}" if row.contact else ""))
    more = [f"联系人 {row.contact}"] if row.contact and not row.overdue_days else []
    if not row.in_roster and review.roster is not None:
        more.append("不在名册中")
    if row.problem:
        more.append(row.problem)
    lines = ["  ".join(files), "；".join(flow), "  ".join(more)]
    return "\n".join(line for line in lines if line)
