"""New report (N on the start screen) and new from last year's (L): the dialog, then the report is
created — unless the folder already has a report of that unit and year. A second one would count
the unit twice on the desk; the operator is told which file it is and offered to open it instead
(``review.workflow.existing_report``, the same check as ``tui-report new``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.model.report import Report, new_report
from tui_report.model.template import TemplateError, template_for_year
from tui_report.session import EditSession
from tui_report.storage.errors import ReportFileError

if TYPE_CHECKING:
    from tui_report.tui.app import ReportApp


def new_report_dialog(app: ReportApp, folder: Path, last: Report | None = None) -> None:
    """Ask for unit, year, level and file; with ``last``, start from last year's report."""
    from tui_report.tui.screens.dialogs import NewReportDialog

    def done(answer: dict[str, str] | None) -> None:
        if answer is not None:
            create(app, answer, last)

    if last is None:
        app.push_screen(NewReportDialog(folder, date.today().year - 1), done)
    else:
        dialog = NewReportDialog(
            folder, last.year + 1, last.unit, last.level or "", f"从{last.year}年报告新建"
        )
        app.push_screen(dialog, done)


def create(app: ReportApp, answer: dict[str, str], last: Report | None) -> None:
    from tui_report.review.workflow import existing_report

    path = Path(answer["path"]).expanduser()
    year = int(answer["year"])
    existing = existing_report(path, answer["unit"], year)
    if existing is not None:
        offer_existing(app, existing, answer["unit"], year)
        return
    try:
        if last is not None:
            from tui_report.model.carryover import start_from

            report = start_from(last, year)
            report.unit, report.level = answer["unit"], answer["level"]  # type: ignore[assignment]
        else:
            report = new_report(answer["unit"], year, answer["level"], template_for_year(year))  # type: ignore[arg-type]
        session = EditSession.create(path, report)
    except (ReportFileError, TemplateError) as exc:
        app.notify(str(exc), title="无法创建", severity="error", timeout=10, markup=False)
        return
    app.edit_session(session)


def offer_existing(app: ReportApp, existing: Path, unit: str, year: int) -> None:
    """The folder has this unit's report of the year: name it and offer to open it."""
    from tui_report.tui.screens.dialogs import ConfirmDialog

    question = (
        f"本文件夹已有{unit}{year}年度的报告：{existing}\n"
        "同一单位同一年度只能有一份报告（两份会在汇总审核中重复计算），所以没有新建。要打开已有的报告吗？"
    )

    def answered(yes: bool | None) -> None:
        if yes:
            app.open_path(existing)

    app.push_screen(ConfirmDialog(question, "打开已有的报告"), answered)
