"""A folder's roll-up of finished work: which reports are summed (``deskflow.rollup_choice``), the
ones left out and why, and the summed report — what ``tui-report rollup`` and the desk's 汇总 (H)
both do before writing it (each as it writes: the CLI through ``cli/common.write_report_file``,
the desk through ``session.replace_report_file``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui_report.model.report import Report
from tui_report.model.rollup import rollup
from tui_report.model.rules import check
from tui_report.model.template import UnitLevel
from tui_report.review.desk import Review, review_folder
from tui_report.review.deskflow import rollup_choice
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import decode_report_bytes, loads_report


@dataclass
class LeftOut:
    name: str  # the unit, or the file when it has none
    reason: str
    counts: bool = True  # whether it makes the roll-up incomplete (exit 1)


@dataclass
class RolledUp:
    review: Review
    report: Report
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # 注意：a summed report has errors
    summed: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in check(self.report) if f.severity == "error")


def rollup_folder(
    folder: Path,
    unit: str,
    level: UnitLevel,
    *,
    year: int | None = None,
    include_all: bool = False,
    output: Path | None = None,
    processes: int | None = None,
) -> RolledUp:
    """Sum the finished reports of ``folder`` into a report of ``unit``. Raises
    ``desk.ReviewError`` (the folder cannot be read) and ``rollup.RollupError`` (nothing to sum,
    mixed formats or years)."""
    review = review_folder(folder, year=year, processes=processes)
    chosen_rows, left = rollup_choice(review.rows, include_all=include_all, output=output)
    left_out = [
        LeftOut(row.unit or row.file_name, reason, counts=row.path is not None or not include_all)
        for row, reason in left
    ]
    chosen: list[Report] = []
    for row in chosen_rows:
        assert row.path is not None
        try:
            chosen.append(loads_report(decode_report_bytes(read_plain_file(row.path), row.path), row.path))
        except (UnsafeFile, ReportFileError) as exc:
            left_out.append(LeftOut(row.unit, str(exc)))
    notes = [f"注意：{row.unit}的报告有错误，汇总结果可能也有错误" for row in chosen_rows if row.errors]
    total = rollup(chosen, unit, level)
    return RolledUp(review, total, left_out, notes, len(chosen))
