"""The findings list (F3) of a report in a review: 审核意见 first — open ones, then those marked
已修改 or closed by an approval — each with where it points (Enter goes there), then the check's
findings with the reviewer's 已核实 applied. The operator answers a comment (R: a reply and/or
已修改); the reviewer marks a copied-text finding 已核实 with a reason (V).

What R and V do is given by the screen that opens the list (the editor, the desk), as
:class:`FindingActions`; each returns "" when done or the Chinese reason it was not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_report.model.report import Report
from tui_report.model.rules import Finding
from tui_report.model.workflow import CommentThread
from tui_report.tui.plain import plain_line
from tui_report.tui.screens.findings import FindingsScreen
from tui_report.tui.screens.workflowdialogs import FormChoice, FormDialog, FormField, FormSpec
from tui_report.tui.workflowview import ReviewedFindings, verifiable


@dataclass
class FindingActions:
    reload: Callable[[], ReviewedFindings]
    reply: Callable[[CommentThread, str, bool], str] | None = None
    verify: Callable[[Finding, str], str] | None = None


class ReviewFindingsScreen(FindingsScreen):
    """The findings list with the review's comments first (keys: the BINDINGS below)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FindingsScreen.BINDINGS,
        Binding(
            "r",
            "reply",
            "答复",
            id="findings.reply",
            tooltip="答复选中的审核意见，标记已修改",
        ),
        Binding(
            "v",
            "verify",
            "核实",
            id="findings.verify",
            tooltip="雷同文字经核实无误：写明理由",
        ),
    ]
    HELP = (
        "问题列表：审核意见在最前面（Enter 跳到意见所指的单元格或文字部分），然后是检查结果。"
        "填报单位选中一条审核意见按 R 答复，并可标记为已修改；审核人员选中雷同文字的提示按 V 核实。"
    )

    def __init__(self, report: Report, reviewed: ReviewedFindings, actions: FindingActions) -> None:
        super().__init__(report, reviewed.all)
        self.reviewed = reviewed
        self.actions = actions

    def _options(self, width: int) -> list[Option]:
        options = super()._options(width)
        count = len(self.reviewed.comments)
        if not count:
            return options
        opened = sum(1 for thread, _ in self.reviewed.comments if thread.open)
        how = "，R 答复" if self.actions.reply is not None else ""
        head = Option(plain_line(f"-- 审核意见：{opened}条待处理，共{count}条{how} --"), disabled=True)
        rest = [Option("-- 检查结果 --", disabled=True)] if self.reviewed.findings else []
        return [head, *options[:count], *rest, *options[count:]]

    def on_mount(self) -> None:
        super().on_mount()
        options = self.query_one("#findings", OptionList)
        first = next(
            (i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), None
        )
        options.highlighted = first

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reply":  # (shown only where there is a comment to answer)
            return self.actions.reply is not None and bool(self.reviewed.comments)
        if action == "verify":
            return self.actions.verify is not None
        return True

    def refill(self) -> None:
        """Read the comments and findings again (after a reply or a verification)."""
        self.reviewed = self.actions.reload()
        self.findings = self.reviewed.all
        options = self.query_one("#findings", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options(self._options(self._width))
        options.highlighted = highlighted
        errors = sum(1 for f in self.findings if f.severity == "error")
        warnings = sum(1 for f in self.findings if f.severity == "warning")
        self.query_one(".title-bar", Static).update(
            plain_line(f"问题列表：{errors}个错误，{warnings}个警告（Enter 跳到该处，Esc 返回）")
        )

    def action_reply(self) -> None:
        reply = self.actions.reply
        finding = self.highlighted()
        thread = self.reviewed.thread_of(finding) if finding is not None else None
        if reply is None:
            return
        if thread is None:
            self.notify("请先选中一条审核意见（列在最前面），再按 R 答复", timeout=4)
            return

        def check(answer: dict[str, str]) -> str:
            if answer["text"] or answer["done"] == "yes":
                return ""
            return "请写答复，或按 F2 把“标记为已修改”切换为“是”"

        spec = FormSpec(
            f"答复审核意见{thread.number}：{thread.comment.text}",
            [FormField("text", "答复（可不填）", placeholder="如：已按意见改正表三")],
            FormChoice("done", "标记为已修改", [("yes", "是"), ("no", "否")]),
            check=check,
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            problem = reply(thread, answer["text"], answer["done"] == "yes")
            if problem:
                self.notify(problem, title="未能答复", severity="error", timeout=10, markup=False)
                return
            done = "，已标记为已修改" if answer["done"] == "yes" else ""
            self.notify(f"已答复审核意见{thread.number}{done}", timeout=4)
            self.refill()

        self.app.push_screen(FormDialog(spec), answered)

    def action_verify(self) -> None:
        verify = self.actions.verify
        finding = self.highlighted()
        if verify is None:
            return
        if finding is None or not verifiable(finding):
            self.notify("只有雷同文字的提示（R15，未核实的）可以核实：请先选中它，再按 V", timeout=4)
            return
        spec = FormSpec(
            f"核实雷同文字：{finding.message}",
            [FormField("reason", "理由（必填）", placeholder="如：县里统一的改进措施，各单位相同")],
            required={"reason"},
        )

        def answered(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            problem = verify(finding, answer["reason"])
            if problem:
                self.notify(problem, title="未能核实", severity="error", timeout=10, markup=False)
                return
            self.notify("已核实：这条提示不再计为警告", timeout=4)
            self.refill()

        self.app.push_screen(FormDialog(spec), answered)
