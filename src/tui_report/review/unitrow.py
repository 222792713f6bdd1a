"""One unit's row of the review desk (what ``review --json``, the workbook's 状态 sheet and the desk
screen show of it) and the filling states the desk sorts by, worst first. Its own module so that the
desk (:mod:`tui_report.review.desk`), its workflow (:mod:`tui_report.review.deskflow`) and the
columns (:mod:`tui_report.review.columns`) share it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from tui_report.model.copiedrule import copied_text_rule
from tui_report.model.indicators import Figure
from tui_report.model.report import CellValue
from tui_report.model.rules import Finding
from tui_report.model.workflow import Workflow
from tui_report.review.files import Editor

STATES: dict[str, str] = {
    "unreadable": "无法读取",
    "not_submitted": "未提交",
    "not_started": "未开始",
    "in_progress": "填报中",
    "has_errors": "有错误",
    "needs_attention": "待完善",
    "complete": "已完成",
}
STATE_ORDER = {code: i for i, code in enumerate(STATES)}


@dataclass(slots=True)
class UnitRow:
    unit: str
    level: str = ""
    path: Path | None = None
    year: int | None = None
    template: str = ""
    state: str = "not_submitted"
    in_roster: bool = False
    contact: str = ""
    problem: str = ""
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, CellValue | None] = field(default_factory=dict)
    baseline: dict[str, CellValue | None] | None = None
    last_figures: dict[str, CellValue | None] | None = None
    indicators: dict[str, Figure | None] = field(default_factory=dict)
    editor: Editor | None = None
    saved_at: datetime | None = None
    saved_by: str = ""
    exported: list[str] = field(default_factory=list)
    base: Path | None = None  # the reviewed folder: file names are shown relative to it
    # The review workflow (review/deskflow.py): state and comments, another file of the same unit
    # and year, the roster's deadline and how many days past it, this year's and last year's figures.
    fingerprint: str | None = None
    workflow: Workflow = field(default_factory=Workflow)
    duplicate_of: str = ""
    deadline: date | None = None
    overdue_days: int | None = None
    year_over_year: dict[str, tuple[Figure | None, Figure | None]] = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def copied_text(self) -> int:
        """Copied-text findings (the rule of ``schemas/checks/copied-text.toml``)."""
        rule = copied_text_rule().id
        return sum(1 for f in self.findings if f.rule == rule)

    @property
    def file_name(self) -> str:
        """The report's path within the reviewed folder: ``某某乡/2025年报.toml`` in a unit's folder."""
        if self.path is None:
            return ""
        if self.base is not None:
            try:
                return self.path.relative_to(self.base).as_posix()
            except ValueError:
                pass
        return self.path.name
