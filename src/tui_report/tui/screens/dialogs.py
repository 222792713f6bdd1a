"""Small modal questions: unsaved changes on quit, export, a new report."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_report.model.report import SubheadingStyle, year_text_problem
from tui_report.model.template import LEVEL_LABELS
from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.wrapped import WrappedText


def _button(label: str, name: str, variant: str = "default") -> Button:
    return Button(plain_line(label), id=f"btn-{name}", variant=variant)  # type: ignore[arg-type]


class QuitDialog(ModalScreen[str]):
    """保存 / 不保存 / 取消 when leaving with unsaved changes. Returns save, discard or cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,y", "choose('save')", "保存", id="quit.save"),
        Binding("n", "choose('discard')", "不保存", id="quit.discard"),
        Binding("escape,c", "choose('cancel')", "取消", id="quit.cancel"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]
    HELP = "有未保存的修改：S 保存后退出，N 不保存直接退出，Esc 取消（回到填报）。"

    def __init__(self, what: str = "退出") -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield WrappedText(f"报告有未保存的修改。{self.what}前要保存吗？", classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield _button("保存(S)", "save", "primary")
                yield _button("不保存(N)", "discard")
                yield _button("取消(Esc)", "cancel")

    def on_mount(self) -> None:
        self.query_one("#btn-save", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "btn-cancel").removeprefix("btn-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question. Enter or Y = yes, Esc or N = no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "是", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "否", id="confirm.no"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, question: str, yes: str, no: str = "取消") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield WrappedText(self.question, classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield _button(f"{self.yes}(Y)", "yes", "primary")
                yield _button(f"{self.no}(Esc)", "no")

    def on_mount(self) -> None:
        self.query_one("#btn-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "btn-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PathDialog(ModalScreen[Path | None]):
    """Ask for a file name (export, save as). Enter = OK, Esc = cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="path.cancel"),
    ]

    def __init__(self, title: str, default: Path) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield WrappedText(self.title_text, classes="dialog-text")
            field = Input(str(self.default), id="path")
            field.cursor_blink = False
            yield field
            yield WrappedText("Enter 确定，Esc 取消", classes="guidance")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewReportDialog(ModalScreen[dict[str, str] | None]):
    """Unit, year, level and file name of a new report."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="new.cancel"),
    ]
    HELP = "新建报告：填写单位名称、年度，选择层级，确认文件名后按 Enter 创建。Esc 取消。"

    def __init__(
        self, folder: Path, year: int, unit: str = "", level: str = "township", title: str = "新建报告"
    ) -> None:
        super().__init__()
        self.folder = folder
        self.year = year
        self._suggested = self.file_name(unit, str(year))
        # Prefilled when starting from last year's report (从上年报告新建).
        self.unit = unit
        self.level = level if level in LEVEL_LABELS else "township"
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain_line(self.heading), classes="page-title")
            yield Static("单位名称", classes="field-label")
            unit = Input(self.unit, id="new-unit", placeholder="如：尉氏县大马乡人民政府")
            yield unit
            yield Static("报告年度", classes="field-label")
            yield Input(str(self.year), id="new-year")
            yield Static("单位层级（↑ ↓ 选择）", classes="field-label")
            levels = OptionList(
                *[Option(plain_line(label), id=key) for key, label in LEVEL_LABELS.items()], id="new-level"
            )
            yield levels
            yield Static("文件名", classes="field-label")
            yield Input(self._suggested, id="new-file")
            yield Static("", id="new-problem", classes="error")
            with Horizontal(classes="buttons"):
                yield _button("创建", "create", "primary")
                yield _button("取消(Esc)", "cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#new-level", OptionList).highlighted = list(LEVEL_LABELS).index(self.level)
        self.query_one("#new-unit", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "new-file":
            self._create()
        else:
            self.focus_next()

    @staticmethod
    def file_name(unit: str, year: str) -> str:
        """The name a clerk expects: 某某乡人民政府2025年报.toml (in the folder shown)."""
        unit = "".join(ch for ch in unit.strip() if ch not in '/\\:*?"<>|') or "某某单位"
        return f"{unit}{year.strip()}年报.toml"

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id not in ("new-unit", "new-year"):
            return
        file_input = self.query_one("#new-file", Input)
        if file_input.value != self._suggested:
            return  # the operator chose a name: keep it
        unit = self.query_one("#new-unit", Input).value
        year = self.query_one("#new-year", Input).value
        self._suggested = self.file_name(unit, year)
        file_input.value = self._suggested

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "btn-create":
            self._create()
        else:
            self.dismiss(None)

    def _create(self) -> None:
        unit = self.query_one("#new-unit", Input).value.strip()
        year = self.query_one("#new-year", Input).value.strip()
        year = year.translate({0xFF10 + i: ord("0") + i for i in range(10)})
        levels = self.query_one("#new-level", OptionList)
        index = levels.highlighted or 0
        level = levels.get_option_at_index(index).id or "township"
        path = self.query_one("#new-file", Input).value.strip()
        if path and not Path(path).expanduser().is_absolute():
            path = str(self.folder / path)  # a bare name is created in the folder shown
        problem = ""
        if not unit:
            problem = "请填写单位名称"
        elif year_text_problem(year):
            problem = year_text_problem(year) or ""
        elif not path.endswith(".toml"):
            problem = "文件名应以 .toml 结尾"
        elif Path(path).expanduser().exists():
            problem = f"文件 {path} 已存在，请换一个文件名（或在开始页打开它）"
        if problem:
            self.query_one("#new-problem", Static).update(plain_line(problem))  # may name a file
            return
        self.dismiss({"unit": unit, "year": year, "level": level, "path": path})

    def action_cancel(self) -> None:
        self.dismiss(None)


SUBHEADING_STYLE_LABELS: dict[SubheadingStyle, str] = {
    "own-line": "单独成行",
    "run-in": "与正文接排（“（一）主动公开情况。正文…”）",
}


class ExportDialog(ModalScreen[tuple[Path, SubheadingStyle] | None]):
    """F9: the file name, and how part 一's （一） sub-headings are printed (F2 switches: own line
    or run in; saved in the report's [export] table). Enter = export, Esc = cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="export.cancel"),
        Binding("f2", "toggle_subheadings", "小标题格式", id="export.subheadings"),
    ]

    def __init__(self, title: str, default: Path, subheadings: SubheadingStyle) -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.subheadings: SubheadingStyle = subheadings

    def _style_line(self) -> str:
        return f"第一部分小标题：{SUBHEADING_STYLE_LABELS[self.subheadings]}（F2 切换）"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield WrappedText(self.title_text, classes="dialog-text")
            field = Input(str(self.default), id="path")
            field.cursor_blink = False
            yield field
            yield Static(plain_line(self._style_line()), id="export-subheadings")
            yield WrappedText("Enter 导出，F2 切换小标题格式，Esc 取消", classes="guidance")

    def action_toggle_subheadings(self) -> None:
        self.subheadings = "run-in" if self.subheadings == "own-line" else "own-line"
        self.query_one("#export-subheadings", Static).update(plain_line(self._style_line()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss((Path(value).expanduser(), self.subheadings) if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
