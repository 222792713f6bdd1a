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

from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.wrapped import WrappedText

RUNNING = "正在检查 Python、终端、字体、LibreOffice 和共享文件夹（PDF 试转换需要几秒钟）……"


def _line_class(line: str) -> str:
    """A CSS class per kind of line: section heading, ✓ / ! / ✗ line, fix, conclusion."""
    stripped = line.lstrip()
    if line.startswith("      "):
        return "doctor-fix"
    if line.startswith("  "):
        return {"✓": "doctor-ok", "!": "doctor-warn", "✗": "doctor-fail"}.get(stripped[:1], "doctor-ok")
    return "doctor-heading"


class DoctorScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    DoctorScreen .doctor-heading { text-style: bold; }
    DoctorScreen .doctor-ok { margin-left: 2; }
    DoctorScreen .doctor-warn { margin-left: 2; color: $warning; }
    DoctorScreen .doctor-fail { margin-left: 2; color: $error; text-style: bold; }
    DoctorScreen .doctor-fix { margin-left: 6; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "关闭", id="doctor.close"),
    ]

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.output = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(
                plain_line(f"环境检查：{self.folder or '未打开报告'}（Esc 关闭）"), classes="page-title"
            )
            yield WrappedText(RUNNING, id="doctor-output")

    def on_mount(self) -> None:
        self.run_worker(self._check, thread=True, exit_on_error=False)

    def _check(self) -> None:
        from tui_report.admin.doctor import run_checks
        from tui_report.admin.results import render

        text = render(run_checks(self.folder))
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        """One widget per line, so that a wrapped line keeps its indent and its colour."""
        self.output = text
        if not self.is_attached:
            return
        running = self.query_one("#doctor-output", WrappedText)
        lines = [WrappedText(line.strip(), classes=_line_class(line)) for line in text.splitlines()]
        self.query_one(VerticalScroll).mount_all(lines, after=running)
        running.remove()

    def action_close(self) -> None:
        self.dismiss(None)
