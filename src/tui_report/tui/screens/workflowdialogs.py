"""Dialogs of the review workflow: a short form (a comment, a reply with 已修改, a reason, a notice,
where to write the workbook or the batch export), a list to read (why a report cannot be submitted,
what batch export held back, the notices), and the notices of a year folder (the desk's N).

Every text from a file (a comment, a notice, a unit's name) is shown as plain text: the widgets here
render ``Content`` / ``WrappedText``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_report.tui.plain import plain, plain_line
from tui_report.tui.widgets.wrapped import WrappedText


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: str
    value: str = ""
    placeholder: str = ""


@dataclass(slots=True)
class FormChoice:
    """One choice the form switches with F2 (已修改 是/否, the export's format …)."""

    key: str
    label: str
    options: list[tuple[str, str]]  # (value, words)
    index: int = 0

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    def line(self) -> str:
        return f"{self.label}：{self.options[self.index][1]}（F2 切换）"


FormAnswer = dict[str, str]
# Checks an answer before the dialog closes: a Chinese problem keeps it open, "" lets it close.
FormCheck = Callable[[FormAnswer], str]


@dataclass
class FormSpec:
    title: str
    fields: list[FormField]
    choice: FormChoice | None = None
    check: FormCheck | None = None
    note: str = ""
    required: set[str] = field(default_factory=set)


class FormDialog(ModalScreen[FormAnswer | None]):
    """A few text fields (and one F2 choice). Enter goes to the next field, and on the last one
    answers; Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消", id="form.cancel"),
        Binding("f2", "switch", "切换", id="form.switch"),
    ]
    HELP = "填写后按 Enter（有几项时 Enter 到下一项，最后一项 Enter 确定）；F2 切换选项；Esc 取消。"
    AUTO_FOCUS = "Input"  # the first field (as ReadDialog: nothing queried before it is mounted)

    def __init__(self, spec: FormSpec) -> None:
        super().__init__()
        self.spec = spec

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield WrappedText(self.spec.title, classes="dialog-text")
            for item in self.spec.fields:
                yield Static(plain_line(item.label), classes="field-label")
                box = Input(item.value, id=f"form-{item.key}", placeholder=item.placeholder)
                box.cursor_blink = False
                yield box
            if self.spec.choice is not None:
                yield Static(plain_line(self.spec.choice.line()), id="form-choice", classes="field-label")
            yield Static("", id="form-problem", classes="error")
            yield WrappedText(self.spec.note or "Enter 确定，Esc 取消", classes="guidance")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch":
            return self.spec.choice is not None
        return True

    def action_switch(self) -> None:
        choice = self.spec.choice
        if choice is None:
            return
        choice.index = (choice.index + 1) % len(choice.options)
        self.query_one("#form-choice", Static).update(plain_line(choice.line()))

    def answer(self) -> FormAnswer:
        values = {
            item.key: self.query_one(f"#form-{item.key}", Input).value.strip() for item in self.spec.fields
        }
        if self.spec.choice is not None:
            values[self.spec.choice.key] = self.spec.choice.value
        return values

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        boxes = list(self.query(Input))
        if event.input is not boxes[-1]:
            boxes[boxes.index(event.input) + 1].focus()
            return
        values = self.answer()
        missing = [f.label for f in self.spec.fields if f.key in self.spec.required and not values[f.key]]
        problem = f"请填写：{'、'.join(missing)}" if missing else ""
        if not problem and self.spec.check is not None:
            problem = self.spec.check(values)
        if problem:
            self.query_one("#form-problem", Static).update(plain(problem))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReadDialog(ModalScreen[None]):
    """Lines to read (a refusal's reasons, what batch export held back, notices); Enter or Esc closes."""

    # Focused by Textual when the lines are there: a dialog closed by a key typed ahead, before it
    # was mounted, has nothing to focus (an on_mount query ended the app with NoMatches).
    AUTO_FOCUS = "#read-lines"

    DEFAULT_CSS = """
    ReadDialog #read-lines { height: auto; max-height: 14; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "关闭", id="read.close"),
    ]

    def __init__(self, title: str, lines: Sequence[str], note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide read"):
            yield WrappedText(self.title_text, classes="dialog-text")
            with VerticalScroll(id="read-lines"):
                for line in self.lines:
                    yield WrappedText(line, classes="read-line")
            yield WrappedText(self.note or "Enter 或 Esc 关闭", classes="guidance")

    def action_close(self) -> None:
        self.dismiss(None)
