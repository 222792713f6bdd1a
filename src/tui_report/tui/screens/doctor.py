"""环境检查 (palette): the output of ``tui-report doctor`` for the open report's folder.

The checks run in a thread (the PDF test render takes seconds); the screen shows a line saying
so until the result arrives, and Esc closes it at any time.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_report.tui.widgets.wrapped import WrappedText

RUNNING = "正在检查 Python、终端、字体、LibreOffice 和共享文件夹（PDF 试转换需要几秒钟）……"


class DoctorScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "关闭", key_display="Esc", id="doctor.close"),
    ]

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.output = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(f"环境检查：{self.folder or '未打开报告'}（Esc 关闭）", classes="page-title")
            yield WrappedText(RUNNING, id="doctor-output")

    def on_mount(self) -> None:
        self.run_worker(self._check, thread=True, exit_on_error=False)

    def _check(self) -> None:
        from tui_report.admin.doctor import run_checks
        from tui_report.admin.results import render

        text = render(run_checks(self.folder))
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self.output = text
        if self.is_attached:
            self.query_one("#doctor-output", WrappedText).update(text)

    def action_close(self) -> None:
        self.dismiss(None)
