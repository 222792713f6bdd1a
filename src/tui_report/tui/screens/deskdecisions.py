"""The reviewer's decisions on the desk's chosen report (a base class of ``ReviewScreen``, kept
apart for size): open it read-only (Enter) or for editing (E, when nobody edits it, after a
confirmation), its findings with 审核意见 first and 核实 of copied text (F3, V there), a comment on
the whole report (C), 退回修改 (T) and 审核通过 (A). Each calls ``review/workflow.py``; a refusal is
shown with its reasons, and the desk reads the folder again.
"""

from __future__ import annotations

from pathlib import Path

from tui_report.model.report import Report
from tui_report.model.rules import Finding
from tui_report.model.workflow import apply_verified
from tui_report.review.desk import Review
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.review.unitrow import UnitRow
from tui_report.review.workflow import (
    RecordError,
    WorkflowRefused,
    approve,
    comment,
    return_report,
    verify,
    workflow_of_report,
)
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import decode_report_bytes, loads_report
from tui_report.tui.appapi import report_app
from tui_report.tui.screens.home import HomeScreen
from tui_report.tui.screens.reviewfindings import FindingActions, ReviewFindingsScreen
from tui_report.tui.screens.workflowdialogs import FormDialog, FormField, FormSpec, ReadDialog
from tui_report.tui.workflowview import ReviewedFindings, reviewed_findings


class DeskDecisions(HomeScreen):
    """The desk's actions on one report; ``ReviewScreen`` provides the rows."""

    folder: Path
    review: Review | None = None

    def selected(self) -> UnitRow | None:
        raise NotImplementedError

    def load(self) -> None:
        raise NotImplementedError

    def _report_row(self) -> UnitRow | None:
        """The chosen row when it has a report file, else None (and why, said)."""
        row = self.selected()
        if row is None:
            return None
        if row.path is None:
            self.notify(f"{row.unit}尚未提交报告", severity="warning", timeout=4, markup=False)
            return None
        return row

    def _refused(self, what: str, exc: Exception) -> None:
        if isinstance(exc, WorkflowRefused) and exc.reasons:
            self.app.push_screen(ReadDialog(f"{what}：{exc.message}", exc.reasons))
        else:
            self.notify(str(exc), title=what, severity="error", timeout=10, markup=False)

    # ------------------------------------------------------------------ open, edit
    def action_open(self) -> None:
        """Enter: the report, read-only (a reviewer reads; E edits)."""
        row = self._report_row()
        if row is not None and row.path is not None:
            report_app(self).open_path(row.path, read_only=True)

    def action_edit(self) -> None:
        """E: the report for editing, when nobody edits it, after a confirmation."""
        from tui_report.tui.screens.dialogs import ConfirmDialog

        row = self._report_row()
        if row is None or row.path is None:
            return
        if row.editor is not None:
            self.notify(
                f"{row.editor.who}正在编辑这份报告，现在只能只读打开（Enter）",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return
        path = row.path
        question = (
            f"编辑{row.unit or row.file_name}的报告？编辑期间单位不能修改它；保存后单位会看到您的修改"
            "（每次保存都保留上一版）。只提意见请按 C，不必编辑。"
        )
        self.app.push_screen(
            ConfirmDialog(question, "编辑"), lambda yes: report_app(self).open_path(path) if yes else None
        )

    # ------------------------------------------------------------------ F3 and 核实
    def _read_report(self, row: UnitRow) -> Report | None:
        assert row.path is not None
        try:
            return loads_report(decode_report_bytes(read_plain_file(row.path), row.path), row.path)
        except (UnsafeFile, ReportFileError) as exc:
            self.notify(str(exc), title="无法读取", severity="error", timeout=8, markup=False)
            return None

    def action_findings(self) -> None:
        row = self._report_row()
        if row is None or row.path is None:
            return
        if row.problem and not row.unit:
            self.notify(row.problem, title="无法读取", severity="error", timeout=8, markup=False)
            return
        report = self._read_report(row)
        if report is None:
            return
        path, findings = row.path, list(row.findings)

        def reload() -> ReviewedFindings:
            workflow = workflow_of_report(path, report)
            # Verified already when the desk read them; a verification since applies to warnings.
            fresh = [apply_verified([f], workflow)[0] if f.severity == "warning" else f for f in findings]
            return reviewed_findings(path, report, fresh, workflow)

        def verified(finding: Finding, reason: str) -> str:
            at = next((loc.path for loc in finding.locations if loc.text is not None), "")
            try:
                verify(path, at, reason)
            except (WorkflowRefused, RecordError) as exc:
                return str(exc)
            return ""

        actions = FindingActions(reload, verify=verified)
        self.app.push_screen(ReviewFindingsScreen(report, reload(), actions), self._jump)

    def _jump(self, finding: Finding | None) -> None:
        """Enter on a finding: open the report there, read-only (as F3 in the editor does)."""
        from tui_report.tui.screens.editor import EditorScreen

        if finding is None:
            return
        self.action_open()
        screen = self.app.screen
        if isinstance(screen, EditorScreen):
            self.app.call_after_refresh(screen.jump_to_finding, finding)

    # ------------------------------------------------------------------ comment, return, approve
    def action_comment(self) -> None:
        """C: a comment on the whole report (in the report itself, F11 comments on a cell)."""
        row = self._report_row()
        if row is None or row.path is None:
            return
        path = row.path
        spec = FormSpec(
            f"对{row.unit or row.file_name}的报告提审核意见（整份报告；要指向某个单元格或文字部分，"
            "请按 Enter 打开报告，在那里按 F11）",
            [FormField("text", "意见", placeholder="如：第五部分请写明本年度的具体问题")],
            required={"text"},
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            try:
                comment(path, answer["text"])
            except (WorkflowRefused, RecordError) as exc:
                self._refused("未能记录意见", exc)
                return
            self.notify("已记录审核意见", timeout=3)
            self.load()

        self.app.push_screen(FormDialog(spec), answered)

    def action_return(self) -> None:
        """T: 退回修改, with an optional comment on the whole report."""
        row = self._report_row()
        if row is None or row.path is None:
            return
        path = row.path
        spec = FormSpec(
            f"退回修改：{row.unit or row.file_name}（单位改好后重新报送）",
            [
                FormField(
                    "text", "意见（可不填；已提的意见都会列给单位）", placeholder="如：请按意见修改后重新报送"
                )
            ],
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            try:
                return_report(path, answer["text"])
            except (WorkflowRefused, RecordError) as exc:
                self._refused("不能退回", exc)
                return
            self.notify("已退回修改", timeout=3)
            self.load()

        self.app.push_screen(FormDialog(spec), answered)

    def action_approve(self) -> None:
        """A: 审核通过 (names the content approved), after a confirmation."""
        from tui_report.tui.screens.dialogs import ConfirmDialog

        row = self._report_row()
        if row is None or row.path is None:
            return
        path = row.path

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                approve(path)
            except (WorkflowRefused, RecordError) as exc:
                self._refused("不能通过", exc)
                return
            self.notify("已审核通过", timeout=3)
            self.load()

        question = f"审核通过{row.unit or row.file_name}的报告？通过后报告再有修改，需要单位重新报送。"
        self.app.push_screen(ConfirmDialog(question, "通过"), answered)
