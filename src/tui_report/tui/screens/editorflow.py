"""The review workflow in the editor (a base class of ``EditorScreen``, kept apart for size): the
title bar's state (退回修改：3条意见, read on opening, after a save and after a reload), the findings
list F3 with 审核意见 first and the operator's reply, 报送审核 (F11: save, then submit, refusals with
their reasons), the reviewer's comment on the cell or text part under the cursor (F11 in a report
opened from the desk), and the notices of the report's folder, shown once when it opens.
"""

from __future__ import annotations

from pathlib import Path

from tui_report.model.rules import Finding, Location, describe_location
from tui_report.model.workflow import CommentThread
from tui_report.review.workflow import (
    RecordError,
    WorkflowRefused,
    comment,
    mark_notices_seen,
    reply,
    submit,
    unseen_notices,
    workflow_of_report,
)
from tui_report.tui.appapi import report_app
from tui_report.tui.commands import PaletteEntry
from tui_report.tui.controller import Controller
from tui_report.tui.screens.reviewfindings import FindingActions, ReviewFindingsScreen
from tui_report.tui.screens.workflowdialogs import FormDialog, FormField, FormSpec, ReadDialog
from tui_report.tui.textual_compat import QuietFocusScreen
from tui_report.tui.widgets.page import Page
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.workflowview import ReviewedFindings, notice_lines, reviewed_findings, title_state


class WorkflowEditing(QuietFocusScreen):
    """What the editor does for the review workflow; ``EditorScreen`` provides the page, saving
    and jumping (the methods below that raise)."""

    controller: Controller
    workflow_title = ""

    @property
    def page(self) -> Page | None:
        raise NotImplementedError

    def flush(self) -> None:
        raise NotImplementedError

    def refresh_status(self) -> None:
        raise NotImplementedError

    def action_save(self) -> None:
        raise NotImplementedError

    async def jump_to_finding(self, finding: Finding | None) -> None:
        raise NotImplementedError

    @property
    def path(self) -> Path:
        return self.controller.session.path

    # ------------------------------------------------------------------ state
    def read_workflow(self) -> None:
        """The title bar's workflow state, as the records say now."""
        self.workflow_title = title_state(self.path, workflow_of_report(self.path, self.controller.report))

    def workflow_opened(self) -> None:
        """On opening: the state for the title bar, and the folder's notices not shown yet."""
        self.read_workflow()
        if not report_app(self).from_desk():
            self.call_after_refresh(self.show_notices)

    def show_notices(self) -> None:
        notices = unseen_notices(self.path)
        if not notices:
            return
        mark_notices_seen(notices)
        title = f"通知（{len(notices)}条，来自县政务公开办；开始页上也能看到）"
        self.app.push_screen(ReadDialog(title, notice_lines(notices)))

    # ------------------------------------------------------------------ F3
    def action_findings(self) -> None:
        self.flush()
        controller = self.controller
        controller.recheck()
        self.refresh_status()

        def reload() -> ReviewedFindings:
            return reviewed_findings(self.path, controller.report, controller.findings)

        replies = None if report_app(self).from_desk() else self._reply
        screen = ReviewFindingsScreen(controller.report, reload(), FindingActions(reload, reply=replies))
        self.app.push_screen(screen, self.jump_to_finding)

    def _reply(self, thread: CommentThread, text: str, done: bool) -> str:
        try:
            reply(self.path, thread.number, text, done=done)
        except (WorkflowRefused, RecordError) as exc:
            return str(exc)
        self.read_workflow()
        self.refresh_status()
        return ""

    # ------------------------------------------------------------------ 报送审核
    def check_workflow_action(self, action: str) -> bool | None:
        """F11 is 报送审核 for the operator and 提意见 in a report opened from the desk."""
        from_desk = report_app(self).from_desk()
        if action == "submit_for_review":
            return not from_desk
        if action in ("comment_here", "close_to_desk"):
            return from_desk
        return None

    def action_close_to_desk(self) -> None:
        """Ctrl+Q in a report opened from the desk (F10 and Esc at the top level do the same)."""
        self.flush()
        report_app(self).close_report(self.controller)

    def action_submit_for_review(self) -> None:
        from tui_report.tui.screens.dialogs import ConfirmDialog

        self.flush()
        if self.controller.read_only:
            self.notify(
                "报告以只读方式打开，不能报送（请打开可编辑的报告再报送）", severity="warning", timeout=5
            )
            return
        question = "报送县政务公开办审核？会先保存报告；报送后审核人员就能看到并审核它。"
        self.app.push_screen(ConfirmDialog(question, "报送"), lambda yes: self._submit() if yes else None)

    def _submit(self) -> None:
        if self.controller.session.dirty:
            self.action_save()
            if self.controller.session.dirty:
                return  # not saved (the reason is shown): nothing submitted
        try:
            submit(self.path)
        except WorkflowRefused as exc:
            self.app.push_screen(ReadDialog(f"不能报送：{exc.message}", exc.reasons or [exc.message]))
            return
        except RecordError as exc:
            self.notify(str(exc), title="未能报送", severity="error", timeout=10, markup=False)
            return
        self.read_workflow()
        self.refresh_status()
        self.notify("已报送审核。审核意见会列在问题列表（F3）的最前面。", timeout=6)

    # ------------------------------------------------------------------ a reviewer's comment
    def location_here(self) -> Location | None:
        """The cell or text part under the cursor (a preamble field, the unit name); None: the
        page is about the whole report."""
        page = self.page
        if isinstance(page, TablePage):
            return Location(table=page.step.target, cell=page.grid.cell_id)
        if page is not None and page.step.kind == "text":  # (textpage loads the text box: not here)
            return Location(text=page.step.target)
        focused = self.focused
        # A preamble field's box (widgets/preamblepage.py, not imported here: it loads the text box)
        if page is not None and focused is not None and (focused.id or "").startswith("field-preamble-"):
            return Location(field="preamble." + (focused.id or "").removeprefix("field-preamble-"))
        if page is not None and focused is not None and focused.id == "field-unit":
            return Location(field="unit")
        return None

    def action_comment_here(self) -> None:
        self.flush()
        location = self.location_here()
        where = describe_location(self.controller.report.tpl, location) if location else "整份报告"
        spec = FormSpec(
            f"审核意见（{where}）：{self.controller.report.unit}",
            [FormField("text", "意见", placeholder="如：表三新收申请数与正文不一致，请核实")],
            required={"text"},
            note="Enter 记录意见（填报单位在问题列表 F3 中看到，可答复），Esc 取消",
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            try:
                comment(self.path, answer["text"], location.path if location else "")
            except (WorkflowRefused, RecordError) as exc:
                self.notify(str(exc), title="未能记录意见", severity="error", timeout=10, markup=False)
                return
            self.read_workflow()
            self.refresh_status()
            self.notify(f"已记录审核意见（{where}）", timeout=4, markup=False)

        self.app.push_screen(FormDialog(spec), answered)

    def workflow_commands(self) -> list[PaletteEntry]:
        if report_app(self).from_desk():
            return [("提审核意见", "F11：对光标所在的单元格或文字部分提意见", self.action_comment_here)]
        return [("报送审核", "F11：保存后报送县政务公开办审核", self.action_submit_for_review)]
