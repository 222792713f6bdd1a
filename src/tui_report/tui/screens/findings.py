"""Every finding of the checks with its message; Enter jumps to the cell or text part."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui_report.model.linebreak import wrap
from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location, describe_location
from tui_report.model.severities import SEVERITY_LABELS, SEVERITY_MARKS
from tui_report.tui.plain import line_text, plain_line, plain_lines
from tui_report.tui.widgets.wrapped import WrappedText


def describe(report: Report, loc: Location) -> str:
    """Where a finding points, in words: 表三 三(七)·自然人, （二）依申请公开情况, 单位名称."""
    return describe_location(report.tpl, loc)


class FindingsScreen(Screen[Finding | None]):
    """The findings list.

    | Key(s) | Description |
    | :- | :- |
    | enter | jump to where the finding points |
    | escape | back to the report |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f3", "close", "返回", id="findings.close"),
        Binding("enter", "jump", "跳到该处", id="findings.jump"),
    ]
    HELP = "问题列表：↑ ↓ 选择，Enter 跳到出问题的单元格或文字部分，Esc 返回。! 错误，? 警告。"

    def __init__(self, report: Report, findings: list[Finding]) -> None:
        super().__init__()
        self.report = report
        self.findings = findings
        self._width = 78

    def compose(self) -> ComposeResult:
        errors = sum(1 for f in self.findings if f.severity == "error")
        warnings = sum(1 for f in self.findings if f.severity == "warning")
        yield Static(
            plain_line(f"问题列表：{errors}个错误，{warnings}个警告（Enter 跳到该处，Esc 返回）"),
            classes="title-bar",
        )
        if not self.findings:
            yield WrappedText("没有发现问题。", classes="guidance")
        yield OptionList(*self._options(78), id="findings")
        yield Footer(compact=True)

    def _options(self, width: int) -> list[Option]:
        """One option per finding, its message wrapped whole (Chinese line breaking) to ``width``;
        a message may quote a file (a unit, a reviewer's comment): shown as it is, on its lines."""
        options = []
        for index, finding in enumerate(self.findings):
            where = describe(self.report, finding.locations[0]) if finding.locations else ""
            more = f" 等{len(finding.locations)}处" if len(finding.locations) > 1 else ""
            message = line_text(finding.message, keep_lines=True)  # a comment's own lines kept
            text = f"{SEVERITY_MARKS[finding.severity]} [{SEVERITY_LABELS[finding.severity]}] {message}"
            lines = wrap(text, width)
            if len(lines) > 1:  # continuation lines indented under the message
                rest = text[len(lines[0]) :].lstrip()
                lines[1:] = ["  " + line for line in wrap(rest, width - 2)]
            if where:
                lines += ["    " + line for line in wrap(f"位置：{line_text(where)}{more}", width - 4)]
            options.append(Option(plain_lines(lines), id=str(index)))
        return options

    def on_mount(self) -> None:
        self.query_one("#findings", OptionList).focus()
        self.call_after_refresh(self.on_resize)

    def on_resize(self) -> None:
        options = self.query_one("#findings", OptionList)
        width = max(10, options.scrollable_content_region.width - 1)
        if width != self._width:
            self._width = width
            highlighted = options.highlighted
            options.clear_options()
            options.add_options(self._options(width))
            options.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.findings[int(event.option.id or 0)])

    def highlighted(self) -> Finding | None:
        """The finding under the cursor (options are found by id: a list may have headings)."""
        options = self.query_one("#findings", OptionList)
        if options.highlighted is None or not self.findings:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return self.findings[int(option_id)] if option_id and option_id.isdigit() else None

    def action_jump(self) -> None:
        finding = self.highlighted()
        if finding is not None:
            self.dismiss(finding)

    def action_close(self) -> None:
        self.dismiss(None)
