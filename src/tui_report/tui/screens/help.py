"""F1: the keys of what has the focus, then the page's and the app's keys."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_report.model.linebreak import clip
from tui_report.tui.plain import plain, plain_line
from tui_report.tui.widgets.wrapped import WrappedText


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,enter", "close", "关闭帮助", id="help.close"),
    ]

    def __init__(self, title: str, notes: list[str], keys: list[tuple[str, str, str]]) -> None:
        """``keys`` are (group, key, description) in the order of the focus chain."""
        super().__init__()
        self.title_text = title
        self.notes = notes
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(plain_line(f"帮助：{self.title_text}（Esc 关闭）"), classes="page-title")
            for note in self.notes:
                yield WrappedText(note, classes="guidance")
            group = None
            lines: list[str] = []
            for key_group, key, description in self.keys:
                if key_group != group:
                    if lines:
                        yield Static(plain("\n".join(lines)), classes="help-keys")
                        lines = []
                    yield Static(plain_line(key_group), classes="field-label")
                    group = key_group
                lines.append(f"  {clip(key, 14):<14} {description}")
            if lines:
                yield Static(plain("\n".join(lines)), classes="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)
