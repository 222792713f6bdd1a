"""The start screen: new report, the bundled example, recent reports and the reports here."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui_report.model.linebreak import clip
from tui_report.tui.appapi import report_app
from tui_report.tui.plain import line_text, plain, plain_line
from tui_report.tui.recent import Summary, example_path, load_recent, reports_in, summarize
from tui_report.tui.widgets.wrapped import WrappedText


def describe(summary: Summary, width: int, cwd: Path) -> str:
    """Two lines (unit and state; file name), the file's text as it will be shown (escaped)."""
    try:
        shown = line_text(str(summary.path.relative_to(cwd)))
    except ValueError:
        shown = line_text(str(summary.path))
    if summary.problem:
        return clip(f"{shown}  无法读取：{line_text(summary.problem)}", width)
    state = f"完成{summary.percent:>3}%  " + (f"错误{summary.errors}" if summary.errors else "无错误")
    unit = line_text(summary.unit) or "（未填单位）"
    first = clip(f"{unit} {summary.year}年", width - len(state) - 2)
    return f"{first}  {state}\n  {clip(shown, width - 2)}"


def desk_offered(folder: Path, reports_here: int) -> bool:
    """V (the review desk of this folder): when the folder holds reports to review (two, or a
    roster) and the desk would show them — every unit folder readable, or this user in the
    roster's reviewers' group. An operator in the strict layout's year folder reads only their own
    unit's folder: the desk would show every other unit as 无法读取."""
    from tui_report.review.discovery import unit_folders_readable
    from tui_report.review.roster import in_reviewers_group

    roster = folder / "roster.toml"
    if reports_here < 2 and not os.path.isfile(roster):
        return False
    return unit_folders_readable(folder) or in_reviewers_group(roster)


class StartScreen(Screen[None]):
    """The start screen; its keys are the BINDINGS below."""

    DEFAULT_CSS = """
    StartScreen #notices { height: auto; max-height: 5; padding: 0 1; color: $warning; }
    StartScreen #notices.-hidden { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "新建", id="start.new"),
        Binding("l", "new_from", "从上年新建", id="start.new_from", show=False),
        Binding("e", "example", "示例", id="start.example"),
        Binding("r", "rescan", "刷新", id="start.rescan", show=False),
        Binding("v", "review", "汇总审核", id="start.review", show=False),
        Binding("escape", "stay", show=False, id="start.escape"),
    ]
    HELP = "开始页：↑ ↓ 选择，Enter 打开；N 新建报告；L 从选中的上年报告新建；E 打开示例报告（只读）。"

    def __init__(self, cwd: Path, banner: str = "") -> None:
        super().__init__()
        self.cwd = cwd
        self.banner = banner
        self.actions: list[Callable[[], None]] = []
        self.desk = False  # V offered (desk_offered)

    def compose(self) -> ComposeResult:
        yield Static("政府信息公开工作年度报告 填报", classes="title-bar")
        yield WrappedText(self.banner, id="banner", classes="banner" if self.banner else "banner -hidden")
        yield WrappedText("", id="notices", classes="-hidden")
        yield Static("请选择要打开的报告（↑ ↓ 选择，Enter 打开）：", classes="field-label")
        yield OptionList(id="reports")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        options = self.query_one("#reports", OptionList)
        options.clear_options()
        self.actions = []
        width = max(30, (self.size.width or 80) - 4)

        def add(prompt: str, action: Callable[[], None], option_id: str) -> None:
            options.add_option(Option(plain(prompt), id=option_id))
            self.actions.append(action)

        add("新建报告 (N)", self.action_new, "new")
        add("从上年报告新建：先选中上年的报告，再按 L", self.action_new_from, "new-from")
        if example_path() is not None:
            add("打开示例报告（示例市 2024 年，只读）(E)", self.action_example, "example")
        seen: set[Path] = set()
        recent = [p for p in load_recent() if p.is_file()]
        here = [p.resolve() for p in reports_in(self.cwd)]
        self.desk = desk_offered(self.cwd, len(here))
        if self.desk:
            add("汇总审核：本文件夹各单位的报告 (V)", self.action_review, "review")
        self.show_notices([*recent, self.cwd])
        for group, paths in (("最近打开", recent), ("当前文件夹", here)):
            fresh = [p for p in paths if p.resolve() not in seen]
            if not fresh:
                continue
            options.add_option(Option(plain_line(f"-- {group} --"), disabled=True))
            self.actions.append(lambda: None)
            for path in fresh:
                seen.add(path.resolve())
                summary = summarize(path)
                add(describe(summary, width, self.cwd), partial(self._open, path), f"file:{path}")
        options.highlighted = 0
        options.focus()

    def show_notices(self, paths: list[Path]) -> None:
        """The county office's notices for the folders of the recent reports and this one."""
        from tui_report.review.workflow import notices_for_user
        from tui_report.tui.workflowview import notice_lines

        lines = notice_lines(notices_for_user(paths))
        box = self.query_one("#notices", WrappedText)
        box.update("\n".join(f"通知 {line}" for line in lines))
        box.set_class(not lines, "-hidden")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.actions):
            self.actions[index]()

    def _open(self, path: Path) -> None:
        report_app(self).open_path(path)

    def action_new(self) -> None:
        report_app(self).new_report_dialog(self.cwd)

    def action_new_from(self) -> None:
        """从上年报告新建: the highlighted report is last year's."""
        from tui_report.storage.errors import ReportFileError
        from tui_report.storage.reportfile import load_report

        options = self.query_one("#reports", OptionList)
        index = options.highlighted
        option = options.get_option_at_index(index) if index is not None else None
        if option is None or not (option.id or "").startswith("file:"):
            self.notify("请先用 ↑ ↓ 选中上一年的报告，再按 L", severity="warning", timeout=5)
            return
        try:
            last = load_report(Path((option.id or "")[5:]))
        except ReportFileError as exc:
            self.notify(str(exc), title="无法读取上年报告", severity="error", timeout=10)
            return
        report_app(self).new_report_dialog(self.cwd, last)

    def action_example(self) -> None:
        path = example_path()
        if path is None:
            self.notify("没有找到示例报告", severity="warning")
            return
        report_app(self).open_path(path, read_only=True)

    def action_review(self) -> None:
        from tui_report.tui.screens.review import ReviewScreen

        if not self.desk:
            self.notify("这里没有可以汇总审核的各单位报告（或没有读取各单位文件夹的权限）", timeout=4)
            return
        self.app.push_screen(ReviewScreen(self.cwd))

    def action_rescan(self) -> None:
        self.fill()

    def action_stay(self) -> None:
        self.notify("按 Ctrl+Q 或 F10 退出；Esc 不会退出。", timeout=3)

    def palette_commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        return [
            ("新建报告", "N：填写单位、年度，创建新报告", self.action_new),
            (
                "从上年报告新建",
                "L：沿用选中报告的单位和层级，预填上年结转，保存上年数据供跨年核对",
                self.action_new_from,
            ),
            ("打开示例报告", "E：只读打开示例报告", self.action_example),
            ("刷新列表", "R：重新查找当前文件夹中的报告", self.action_rescan),
            ("汇总审核", "V：本文件夹各单位报告的状态、问题和指标", self.action_review),
        ]

    def focus_chain_help(self) -> tuple[str, list[str]]:
        return "开始页", [self.HELP]
