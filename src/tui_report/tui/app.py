"""The app: opens a report (or the start screen), owns the global keys, quitting and export.

``main(argv)`` is what ``tui-report [FILE]`` runs. Files are touched only through
:class:`tui_report.session.EditSession`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.scrollbar import ScrollBar, ScrollBarRender

from tui_report.report import new_report
from tui_report.rules import has_errors
from tui_report.session import EditSession
from tui_report.store import ReportFileError
from tui_report.template import TemplateError, template_for_year
from tui_report.tui import recent
from tui_report.tui.commands import ScreenCommands
from tui_report.tui.controller import Controller
from tui_report.tui.screens.editor import EditorScreen

# The start screen, dialogs, help and findings are imported when first needed: start-up time.


class PlainScrollBarRender(ScrollBarRender):
    """Scroll bars of whole cells: the default thumb ends are block glyphs of ambiguous width."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


ScrollBar.renderer = PlainScrollBarRender


def locale_warning(environ: Mapping[str, str]) -> str:
    """A plain note when the session's locale does not declare UTF-8 (the terminal may then show
    Chinese as garbage). Written in ASCII first, so that it is readable either way."""
    name = environ.get("LC_ALL") or environ.get("LANG") or ""
    if "utf" in name.lower().replace("-", "").replace("_", ""):
        return ""
    shown = name or "unset"
    return (
        f"LANG={shown}: if Chinese looks garbled, set the terminal to UTF-8 "
        "(PuTTY: Window > Translation > UTF-8) and run: export LANG=C.UTF-8  "
        "如果中文显示为乱码，请把终端字符集设为 UTF-8。"
    )


class ReportApp(App[int]):
    """tui-report.

    | Key(s) | Description |
    | :- | :- |
    | f1 | help for what has the focus |
    | ctrl+p | command palette |
    | ctrl+q, f10 | quit (asks when there are unsaved changes) |
    """

    CSS_PATH = "app.tcss"
    TITLE = "tui-report"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar[set[type[ScreenCommands]]] = {ScreenCommands}  # type: ignore[assignment]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "帮助", key_display="F1", id="app.help"),
        Binding("ctrl+q", "request_quit", "退出", key_display="^Q", id="app.quit"),
        Binding(
            "f10", "request_quit", "退出", key_display="F10", id="app.quit_f10", show=False, priority=True
        ),
        Binding(
            "ctrl+p", "command_palette", "命令", key_display="^P", id="app.palette", show=False, priority=True
        ),
    ]

    def __init__(
        self,
        session: EditSession | None = None,
        *,
        cwd: Path | None = None,
        banner: str = "",
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        self.cwd = cwd or Path.cwd()
        self.banner = banner
        self.controller: Controller | None = Controller(session) if session is not None else None

    # ------------------------------------------------------------------ screens
    def get_default_screen(self) -> Screen[None]:
        if self.controller is not None:
            self.remember(self.controller.session.path)
            return EditorScreen(self.controller, self.banner)
        from tui_report.tui.screens.start import StartScreen

        return StartScreen(self.cwd, self.banner)

    def _replace_top(self, screen: Screen[None]) -> None:
        """Show a screen instead of the current one (the default screen cannot be switched away)."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def remember(self, path: Path) -> None:
        if self.controller is None or not self.controller.read_only:
            recent.remember(path)

    def open_path(self, path: Path, read_only: bool = False) -> None:
        try:
            session = EditSession.open(path)
        except ReportFileError as exc:
            self.notify(str(exc), title="无法打开", severity="error", timeout=10)
            return
        if read_only:
            session.read_only = True
        self._edit(session)

    def _edit(self, session: EditSession) -> None:
        self.controller = Controller(session)
        if not session.read_only:
            recent.remember(session.path)
        self._replace_top(EditorScreen(self.controller, self.banner))

    def new_report_dialog(self, folder: Path) -> None:
        from datetime import date

        from tui_report.tui.screens.dialogs import NewReportDialog

        def done(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            year = int(answer["year"])
            try:
                report = new_report(answer["unit"], year, answer["level"], template_for_year(year))  # type: ignore[arg-type]
                session = EditSession.create(Path(answer["path"]).expanduser(), report)
            except (ReportFileError, TemplateError) as exc:
                self.notify(str(exc), title="无法创建", severity="error", timeout=10)
                return
            self._edit(session)

        self.push_screen(NewReportDialog(folder, date.today().year - 1), done)

    def close_report(self, controller: Controller) -> None:
        from tui_report.tui.screens.start import StartScreen

        def leave() -> None:
            controller.session.close()
            self.controller = None
            self._replace_top(StartScreen(self.cwd, self.banner))

        self._ask_unsaved(controller, "关闭", leave)

    # ------------------------------------------------------------------ quitting
    def action_request_quit(self) -> None:
        """Ctrl+Q / F10: quit, asking first when there are unsaved changes (never at once)."""
        controller = self.controller
        if controller is None:
            self.exit(0)
            return
        screen = self.screen
        if isinstance(screen, EditorScreen):
            screen.flush()

        def leave() -> None:
            controller.session.close()
            self.exit(0)

        self._ask_unsaved(controller, "退出", leave)

    async def action_quit(self) -> None:
        self.action_request_quit()

    def _ask_unsaved(self, controller: Controller, what: str, then: object) -> None:
        from tui_report.tui.screens.dialogs import QuitDialog

        assert callable(then)
        if not controller.session.dirty or controller.read_only:
            then()
            return
        if isinstance(self.screen, QuitDialog):
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                try:
                    controller.session.save()
                except ReportFileError as exc:
                    self.notify(str(exc), title="保存失败，未退出", severity="error", timeout=10)
                    return
                then()
            elif choice == "discard":
                then()

        self.push_screen(QuitDialog(what), answered)

    # ------------------------------------------------------------------ help and palette
    def action_help(self) -> None:
        from tui_report.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        getter = getattr(screen, "focus_chain_help", None)
        title, notes = getter() if callable(getter) else ("", [])
        if not notes:
            text = getattr(screen, "HELP", "")
            notes = [text] if text else []
        keys: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for namespace, bindings in screen._modal_binding_chain:
            group = _group_name(namespace)
            for key, binding_list in bindings.key_to_bindings.items():
                for binding in binding_list:
                    if not binding.description or (binding.id or key) in seen:
                        continue
                    seen.add(binding.id or key)
                    keys.append((group, self.get_key_display(binding), binding.description))
        self.push_screen(HelpScreen(title, notes, keys))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(placeholder="输入命令或部分名称，如：保存、表三、问题", id="--command-palette")
            )

    def get_system_commands(self, screen: Screen[object]) -> list[SystemCommand]:  # type: ignore[override]
        return [
            SystemCommand("帮助", "F1：当前位置的按键说明", self.action_help),
            SystemCommand("退出", "Ctrl+Q 或 F10（有未保存的修改时会询问）", self.action_request_quit),
        ]

    # ------------------------------------------------------------------ export
    def start_export(self, controller: Controller) -> None:
        """F9: export to Word through the export module, if this installation has it."""
        from tui_report.tui.screens.dialogs import ConfirmDialog, PathDialog

        try:
            from tui_report.export import office  # type: ignore[attr-defined,unused-ignore]
        except ImportError:
            self.notify(
                "本版本没有安装 Word 导出功能（tui_report.export.office）。",
                title="无法导出",
                severity="warning",
                timeout=6,
            )
            return
        controller.recheck()
        errors = has_errors(controller.findings)
        default = controller.session.path.with_suffix(".docx")

        def write(path: Path | None, draft: bool) -> None:
            if path is None:
                return
            try:
                office.export_document(controller.report, path, draft=draft)
            except office.ExportError as exc:
                self.notify(str(exc), title="导出失败", severity="error", timeout=10)
                return
            self.notify(f"已导出{'草稿' if draft else ''}：{path}", timeout=8)

        def ask_path(draft: bool) -> None:
            title = "导出草稿（每页标注“草稿”），文件名：" if draft else "导出 Word，文件名："
            self.push_screen(PathDialog(title, default), lambda path: write(path, draft))

        if errors:
            question = (
                f"报告有{controller.error_count}个错误，正式版不能导出。要导出草稿吗？（F3 可查看问题）"
            )
            self.push_screen(ConfirmDialog(question, "导出草稿"), lambda yes: ask_path(True) if yes else None)
        else:
            ask_path(False)


def _group_name(namespace: object) -> str:
    from textual.widgets import TextArea

    from tui_report.tui.widgets.grid import TableGrid
    from tui_report.tui.widgets.sections import SectionList

    if isinstance(namespace, TableGrid):
        return "表格"
    if isinstance(namespace, TextArea):
        return "文字编辑框"
    if isinstance(namespace, SectionList):
        return "目录"
    if isinstance(namespace, App):
        return "全局"
    if isinstance(namespace, Screen):
        return "本页"
    return type(namespace).__name__


def make_app(
    path: Path | None = None, *, cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> ReportApp:
    """Build the app as the command line does (also used by tests and the benchmark).
    Raises :class:`ReportFileError` when the file cannot be opened."""
    session = EditSession.open(path) if path is not None else None
    return ReportApp(session, cwd=cwd, banner=locale_warning(os.environ if environ is None else environ))


def main(argv: list[str]) -> int:
    """``tui-report [FILE]``: open a report, or the start screen."""
    if len(argv) > 1:
        print("用法：tui-report [报告文件.toml]", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "tui-report needs a terminal / 填报界面需要在终端中运行（检查报告请用 tui-report check）",
            file=sys.stderr,
        )
        return 2
    encoding = (sys.stdout.encoding or "").lower().replace("-", "")
    if encoding != "utf8":
        print(
            f"tui-report needs a UTF-8 terminal (now {sys.stdout.encoding}): export LANG=C.UTF-8 and set the "
            "terminal's character set to UTF-8.",
            file=sys.stderr,
        )
        return 2
    path = Path(argv[0]) if argv else None
    try:
        app = make_app(path)
    except ReportFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    result = app.run()
    return int(result or 0)
