"""The start screen: new report, the bundled example, recent reports and the reports here."""

from __future__ import annotations

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


class StartScreen(Screen[None]):
    """The start screen; its keys are the BINDINGS below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "新建", key_display="N", id="start.new"),
        Binding("l", "new_from", "从上年新建", key_display="L", id="start.new_from", show=False),
        Binding("e", "example", "示例", key_display="E", id="start.example"),
        Binding("r", "rescan", "刷新", key_display="R", id="start.rescan", show=False),
        Binding("v", "review", "汇总审核", key_display="V", id="start.review", show=False),
        Binding("escape", "stay", show=False, id="start.escape"),
    ]
    HELP = "开始页：上下键选择，Enter 打开；N 新建报告；L 从选中的上年报告新建；E 打开示例报告（只读）。"

    def __init__(self, cwd: Path, banner: str = "") -> None:
        super().__init__()
        self.cwd = cwd
        self.banner = banner
        self.actions: list[Callable[[], None]] = []

    def compose(self) -> ComposeResult:
        yield Static("政府信息公开工作年度报告 填报", classes="title-bar")
        yield WrappedText(self.banner, id="banner", classes="banner" if self.banner else "banner -hidden")
        yield Static("请选择要打开的报告（上下键选择，Enter 打开）：", classes="field-label")
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
        if len(here) >= 2 or (self.cwd / "roster.toml").is_file():
            add("汇总审核：本文件夹各单位的报告 (V)", self.action_review, "review")
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
            self.notify("请先用上下键选中上一年的报告，再按 L", severity="warning", timeout=5)
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
