"""The desk's columns, declared once: each unit row's state, counts, editor and saves as
``review --json`` names them (key and value), as the workbook's 状态 sheet and the desk screen head
them, and how wide the screen shows them. :func:`row_json` (``review --json``),
``workbook._state_sheet`` and ``ReviewScreen.fill`` all read :data:`COLUMNS`: a new column is one
entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tui_report.model.indicators import Figure
from tui_report.model.template import LEVEL_LABELS
from tui_report.model.timetext import local_moment, time_text

if TYPE_CHECKING:
    from tui_report.review.unitrow import UnitRow

JsonValue = str | int | bool | list[str] | None


@dataclass(frozen=True)
class Column:
    key: str  # the --json field
    value: Callable[[UnitRow], JsonValue | datetime]  # as --json gives it (a time: ISO 8601)
    # (a time is a datetime here: ISO 8601 with its zone in --json, model/timetext elsewhere)
    header: str = ""  # the workbook's 状态 sheet and the desk screen; "" = --json only
    # As people read it, where that differs from the value made readable (:func:`readable`).
    text: Callable[[UnitRow], str] | None = None
    width: int = 0  # cells on the desk screen; 0 = not on the screen
    short: str = ""  # the screen's narrower header
    screen: Callable[[UnitRow], str] | None = None  # the screen's narrower text
    # Shown (sheet, screen) only in a folder that uses the review workflow; --json always has it.
    workflow_only: bool = False


def readable(value: JsonValue | datetime) -> str | int:
    """A value as the workbook shows it: numbers stay numbers, a list joined with 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return time_text(value)
    if isinstance(value, list):
        return "、".join(value)
    return value


# The desk screen's narrower words for a workflow state (the sheet and --json say it whole).
WORKFLOW_SHORT = {"changed_after_approval": "通过后修改"}


def _count_if_read(count: Callable[[UnitRow], int]) -> Callable[[UnitRow], str]:
    """A count on the screen: blank for a file that could not be read (nothing was checked)."""
    return lambda row: str(count(row)) if row.template else ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "unit",
        lambda r: r.unit,
        "单位",
        text=lambda r: r.unit or "（无法读取）",
        width=18,
        screen=lambda r: r.unit or r.file_name,
    ),
    Column("level", lambda r: r.level or None),  # null: not chosen in the report nor the roster
    Column("level_label", lambda r: LEVEL_LABELS.get(r.level, ""), "层级"),
    Column("state", lambda r: r.state_label, "状态", width=8),
    Column("state_code", lambda r: r.state),
    Column(
        "errors", lambda r: r.errors, "错误", width=3, short="错", screen=_count_if_read(lambda r: r.errors)
    ),
    Column(
        "warnings",
        lambda r: r.warnings,
        "警告",
        width=3,
        short="警",
        screen=_count_if_read(lambda r: r.warnings),
    ),
    Column(
        "copied_text",
        lambda r: r.copied_text,
        "雷同文字",
        width=4,
        short="雷同",
        screen=lambda r: str(r.copied_text) if r.copied_text else "",
    ),
    Column("editing_by", lambda r: r.editor.who if r.editor else None, "正在编辑", width=8, short="编辑中"),
    Column("editing_since", lambda r: local_moment(r.editor.since) if r.editor else None, "编辑开始"),
    Column(
        "last_saved",
        lambda r: r.saved_at,
        "最后保存",
        width=11,
        screen=lambda r: time_text(r.saved_at, year=False),
    ),
    Column("last_saved_by", lambda r: r.saved_by or None, "保存人"),
    Column("exported", lambda r: bool(r.exported)),
    Column("exported_files", lambda r: list(r.exported), "已导出"),
    Column("file", lambda r: r.file_name or None, "文件"),
    Column("year", lambda r: r.year),
    Column("in_roster", lambda r: r.in_roster, "在名册中"),
    Column("contact", lambda r: r.contact, "联系人"),
    Column("problem", lambda r: r.problem or None, "说明"),
    Column(
        "workflow",
        lambda r: r.workflow.label,
        "审核状态",
        width=10,
        short="审核",
        screen=lambda r: WORKFLOW_SHORT.get(r.workflow.code, r.workflow.label) if r.path else "",
        workflow_only=True,
    ),
    Column("workflow_code", lambda r: r.workflow.code),
    Column(
        "comments_open",
        lambda r: r.workflow.comments_open,
        "未处理意见",
        width=4,
        short="意见",
        screen=lambda r: str(r.workflow.comments_open) if r.workflow.comments_open else "",
        workflow_only=True,
    ),
    Column("duplicate_of", lambda r: r.duplicate_of or None, "重复"),
    Column("deadline", lambda r: r.deadline.isoformat() if r.deadline else None),
    Column(
        "overdue_days",
        lambda r: r.overdue_days,
        "逾期",
        text=lambda r: f"逾期 {r.overdue_days} 天" if r.overdue_days else "",
        width=6,
        screen=lambda r: f"{r.overdue_days}天" if r.overdue_days else "",
    ),
)
COLUMN = {column.key: column for column in COLUMNS}
# The desk screen's columns, in its order (the states first, to scan down), before the indicator;
# those of the workflow only in a folder that uses it, 逾期 only where a deadline is set.
SCREEN_COLUMNS: tuple[Column, ...] = tuple(
    COLUMN[key]
    for key in (
        "workflow",
        "state",
        "unit",
        "errors",
        "warnings",
        "comments_open",
        "overdue_days",
        "copied_text",
        "editing_by",
        "last_saved",
    )
)
# What a narrow screen leaves out first (the line under the table still says it of the row chosen).
SCREEN_FIRST_DROPPED = ("last_saved", "editing_by", "copied_text")
# The workbook's 状态 sheet: every column with a header, in the order above.
SHEET_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.header)


def state_sheet_columns(*, uses_workflow: bool) -> tuple[Column, ...]:
    """The 状态 sheet's columns for a folder: the workflow's only where the folder uses it."""
    return tuple(c for c in SHEET_COLUMNS if uses_workflow or not c.workflow_only)


def json_value(column: Column, row: UnitRow) -> JsonValue:
    value = column.value(row)
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def sheet_value(column: Column, row: UnitRow) -> str | int:
    return column.text(row) if column.text is not None else readable(column.value(row))


def screen_text(column: Column, row: UnitRow) -> str:
    if column.screen is not None:
        return column.screen(row)
    return str(sheet_value(column, row))


def json_number(value: Figure | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def row_json(row: UnitRow) -> dict[str, Any]:
    """One unit as ``review --json`` prints it: every column's field, then the indicators."""
    fields: dict[str, Any] = {column.key: json_value(column, row) for column in COLUMNS}
    fields["indicators"] = {key: json_number(value) for key, value in row.indicators.items()}
    fields["year_over_year"] = {
        key: {"this_year": json_number(this), "last_year": json_number(last)}
        for key, (this, last) in row.year_over_year.items()
    }
    return fields
