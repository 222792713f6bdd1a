"""The app: opens a report (or the start screen), owns the global keys, quitting and export.

``main(argv)`` is what ``tui-report [FILE]`` runs. Files are touched only through
:class:`tui_report.session.EditSession`, which holds the edit lock and the recovery journal; the
app asks the operator what to do when the report is locked, when unsaved edits are found, and when
the file changed outside (``screens/safety.py``), and leaves cleanly on a hang-up
(:mod:`tui_report.safety.hangup`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui_report.host.terminal import escape_controls, escape_line, utf8_terminal_problem
from tui_report.model.linebreak import cells
from tui_report.model.report import Report
from tui_report.safety.folder import CannotEditError
from tui_report.safety.hangup import HangupGuard, install_hangup_handlers
from tui_report.safety.lock import LockedError
from tui_report.session import EditSession, OutsideChange, OutsideChangeError
from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import UnsafeFileError
from tui_report.tui import recent, textual_compat
from tui_report.tui.commands import ScreenCommands
from tui_report.tui.controller import Controller
from tui_report.tui.keynames import key_label
from tui_report.tui.safety_flows import SafetyFlows
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.home import HomeScreen
from tui_report.tui.widgets.wrapped import toast_text, toast_width

# The start screen, dialogs, help and findings are imported when first needed: start-up time.


textual_compat.install()


def is_typed_space(character: str | None) -> bool:
    """A space character an operator may type or paste that ``str.isprintable`` refuses."""
    return (
        character is not None
        and len(character) == 1
        and not character.isprintable()
        and unicodedata.category(character) == "Zs"
    )


# The banner is one line of an 80-column screen (its padding aside).
BANNER_CELLS = 78


def locale_warning(environ: Mapping[str, str]) -> str:
    """One Chinese line, with the fix, when the session's locale does not declare UTF-8 (the
    terminal may then show Chinese as garbage): the command in it stays readable either way."""
    name = environ.get("LC_ALL") or environ.get("LANG") or ""
    if "utf" in name.lower().replace("-", "").replace("_", ""):
        return ""
    fix = "中文乱码时：终端字符集设为 UTF-8，再运行 export LANG=C.UTF-8"
    now = f"（现为 {escape_controls(name)}）" if name else "（现未设置）"
    return fix + now if cells(fix + now) <= BANNER_CELLS else fix


class ReportApp(App[int]):
    """tui-report.

    The keys are the BINDINGS below (F1 lists them, the README table is checked against them).
    """

    CSS_PATH = "app.tcss"
    TITLE = "tui-report"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar[set[type[ScreenCommands]]] = {ScreenCommands}  # type: ignore[assignment]
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: F1 also works in dialogs and the palette (nothing types F1).
        Binding(
            "f1",
            "help",
            "帮助",
            id="app.help",
            priority=True,
            tooltip="当前位置能用的按键（对话框和命令面板里也能用）",
        ),
        Binding(
            "ctrl+q",
            "request_quit",
            "退出",
            id="app.quit",
            tooltip="有未保存的修改时会问 保存 / 不保存 / 取消",
        ),
        Binding("f10", "request_quit", "退出", id="app.quit_f10", show=False, priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "命令",
            id="app.palette",
            show=False,
            priority=True,
            tooltip="跳到任一部分、执行任一命令",
        ),
        Binding(
            "f12",
            "redraw",
            "重绘屏幕",
            id="app.redraw",
            show=False,
            tooltip="屏幕上出现乱码或别的程序（如系统广播）留下的文字时按一下",
        ),
    ]

    # How often the report file (outside changes) and, when viewing read-only, its lock are checked.
    CHECK_SECONDS = 10.0

    def __init__(
        self,
        session: EditSession | None = None,
        *,
        cwd: Path | None = None,
        banner: str = "",
        locked: LockedError | None = None,
        note: str = "",
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        self.cwd = cwd or Path.cwd()
        self.banner = banner
        self.controller: Controller | None = Controller(session) if session is not None else None
        self._locked_at_start = locked
        # Shown above the editor of the first session (why it is read-only, for instance).
        self._note = note
        self.guard: HangupGuard | None = None
        # The lock, recovery and outside-change flows (dialogs over the session's answers).
        self.safety = SafetyFlows(self, self)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text, whatever the caller asks (``markup`` is ignored): toasts name
        files, units and reasons read from files (``tui/plain.py``). Control characters escaped;
        its lines broken as the messages' are (``widgets/wrapped.toast_text``)."""
        super().notify(
            toast_text(escape_controls(message), toast_width(self.size.width)),
            title=escape_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # ------------------------------------------------------------------ screens
    def get_default_screen(self) -> Screen[None]:
        if self.controller is not None:
            self.remember(self.controller.session.path)
            return EditorScreen(self.controller, (self._note + " " + self.banner).strip())
        from tui_report.tui.screens.start import StartScreen

        return StartScreen(self.cwd, self.banner)

    def _replace_top(self, screen: Screen[None]) -> None:
        """Show a screen instead of the current one (the default screen cannot be switched away);
        above the desk (a :class:`HomeScreen`), so that closing the report comes back to it."""
        if len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def home_below(self) -> HomeScreen | None:
        """The desk the report on top was opened from, if any."""
        for screen in reversed(self.screen_stack[:-1]):
            if isinstance(screen, HomeScreen):
                return screen
        return None

    def from_desk(self) -> bool:
        """Whether the report shown was opened from the desk (closing it goes back there)."""
        return self.controller is not None and self.home_below() is not None

    def remember(self, path: Path) -> None:
        if self.controller is None or not self.controller.read_only:
            recent.remember(path)

    def open_path(self, path: Path, read_only: bool = False) -> None:
        note = ""
        try:
            session = EditSession.open(path, read_only=read_only)
        except LockedError as exc:
            self.safety.ask_locked(exc)
            return
        except CannotEditError as exc:
            # Saving there would fail: say why before any typing, and show the report read-only.
            self.notify(exc.reason, title="只能只读打开", severity="warning", timeout=15)
            note = exc.reason
            try:
                session = EditSession.open(path, read_only=True)
            except ReportFileError as error:
                self.notify(str(error), title="无法打开", severity="error", timeout=10)
                return
        except UnsafeFileError as exc:  # a link, FIFO, device or huge file: no version can help
            self.notify(str(exc), title="无法打开", severity="error", timeout=15)
            return
        except ReportFileError as exc:
            self.safety.offer_restore(path, exc)
            return
        self.edit_session(session, note)

    def edit_session(self, session: EditSession, note: str = "", step: str | None = None) -> None:
        if self.controller is not None and self.controller.session is not session:
            self.controller.session.close()
        self.controller = Controller(session)
        if not session.read_only:
            recent.remember(session.path)
            self.safety.offer_edit_when_free = None
        for problem in session.warnings:
            self.notify(problem, title="注意", severity="warning", timeout=15)
        screen = EditorScreen(self.controller, (note + " " + self.banner).strip())
        if step is not None and any(s.key == step for s in screen.steps):
            screen.current = step
        self._replace_top(screen)
        if not session.read_only:
            self.call_after_refresh(self.safety.offer_recovery, session)

    def rebuild_session(self, session: EditSession) -> None:
        """Show the session again after its report object was replaced (recover, reload, merge)."""
        step = self.screen.current if isinstance(self.screen, EditorScreen) else None
        self.controller = Controller(session)
        screen = EditorScreen(self.controller, self.banner)
        if step is not None:
            screen.current = step
        self._replace_top(screen)

    def new_report_dialog(self, folder: Path, last: Report | None = None) -> None:
        """New report; with ``last``, started from last year's report (carry-over, baseline)."""
        from tui_report.tui.newreport import new_report_dialog

        new_report_dialog(self, folder, last)

    def close_report(self, controller: Controller) -> None:
        """关闭报告: ask about unsaved edits, close the session, forget it, then
        :meth:`after_close` shows what comes next."""

        def leave() -> None:
            controller.session.close()
            self.controller = None
            self.safety.offer_edit_when_free = None  # no offer to edit a report no longer open
            self.after_close()

        self._ask_unsaved(controller, "关闭", leave)

    def after_close(self) -> None:
        """Where the app goes once a report is closed: back to the desk it was opened from, else
        the start screen. An app with another home (the review desk, ``tui/reviewapp.py``)
        overrides this, and only this."""
        from tui_report.tui.screens.start import StartScreen

        home = self.home_below() if not isinstance(self.screen, HomeScreen) else self.screen
        if home is not None:
            while self.screen is not home and len(self.screen_stack) > 1:
                self.pop_screen()
            return
        self._replace_top(StartScreen(self.cwd, self.banner))

    # ------------------------------------------------------------------ quitting
    def action_request_quit(self) -> None:
        """Ctrl+Q / F10: quit, asking first when there are unsaved changes (never at once); in a
        report opened from the desk, close it and go back to the desk."""
        controller = self.controller
        if controller is None:
            self.exit(0)
            return
        screen = self.screen
        if isinstance(screen, EditorScreen):
            screen.flush()
        if self.home_below() is not None:
            self.close_report(controller)
            return

        def leave() -> None:
            controller.session.close()
            self.exit(0)

        self._ask_unsaved(controller, "退出", leave)

    async def action_quit(self) -> None:
        self.action_request_quit()

    def _ask_unsaved(self, controller: Controller, what: str, then: Callable[[], None]) -> None:
        from tui_report.tui.screens.dialogs import QuitDialog

        if not controller.session.dirty or controller.read_only:
            then()
            return
        if isinstance(self.screen, QuitDialog):
            return

        def answered(choice: str | None) -> None:
            if choice == "save":
                try:
                    controller.session.save()
                except OutsideChangeError as exc:
                    self.resolve_outside_change(controller, exc.change)
                    return
                except ReportFileError as exc:
                    self.notify(str(exc), title="保存失败，未退出", severity="error", timeout=10)
                    return
                then()
            elif choice == "discard":
                controller.session.close(discard=True)  # 不保存: the recovery journal goes too
                then()

        self.push_screen(QuitDialog(what), answered)

    # ------------------------------------------------------------------ locks, recovery, hang-ups
    def on_mount(self) -> None:
        if not self.is_headless:
            # Textual handles no SIGHUP/SIGTERM and spins on a dead terminal: journal, unlock, leave.
            self.guard = install_hangup_handlers(
                lambda code: self.exit(return_code=code), self.emergency_save
            )
        self.call_after_refresh(self._after_first_paint)
        self.set_interval(1.0, self._flush_journal)
        self.set_interval(self.CHECK_SECONDS, self.safety.check_files)
        if self._locked_at_start is not None:
            error, self._locked_at_start = self._locked_at_start, None
            self.call_after_refresh(self.safety.ask_locked, error)
        elif self.controller is not None:
            self.call_after_refresh(self.safety.offer_recovery, self.controller.session)

    async def on_event(self, event: events.Event) -> None:
        # A space Python does not call printable (U+3000 ideographic space, U+00A0 no-break space)
        # arrives as a key when the terminal does not bracket pastes (PuTTY, some settings), and
        # Textual's text boxes ignore keys that are not printable: hand it on as text.
        if isinstance(event, events.Key) and is_typed_space(event.character) and not event.is_forwarded:
            event = events.Paste(event.character or "")
        await super().on_event(event)

    def _after_first_paint(self) -> None:
        # cli.run_app pauses the cyclic collector for start-up. Start-up's garbage goes in one
        # collection now; what it built lives as long as the app: kept out of later collections
        # (frozen), so that none of them rescans it.
        if not gc.isenabled():
            gc.collect()
            gc.freeze()
            gc.enable()

    def on_unmount(self) -> None:
        if self.guard is not None:
            self.guard.uninstall()

    def emergency_save(self) -> None:
        """The hang-up path: commit what is being typed, journal it, release the lock."""
        controller = self.controller
        if controller is None:
            return
        if threading.current_thread() is threading.main_thread():
            for screen in self.screen_stack:
                if isinstance(screen, EditorScreen):
                    with contextlib.suppress(Exception):
                        screen.flush()
        controller.session.emergency_close()

    def _flush_journal(self) -> None:
        if self.controller is not None:
            self.controller.session.flush()

    def resolve_outside_change(
        self, controller: Controller, change: OutsideChange, then: Callable[[], None] | None = None
    ) -> None:
        self.safety.resolve_outside_change(controller, change, then)

    def check_files(self) -> None:
        self.safety.check_files()

    def show_journal_problem(self, session: EditSession) -> None:
        self.safety.show_journal_problem(session)

    # ------------------------------------------------------------------ help and palette
    def action_help(self) -> None:
        from tui_report.tui.keyhelp import help_keys
        from tui_report.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)  # F1 again closes it
            return
        screen = self.screen
        getter = getattr(screen, "focus_chain_help", None)
        title, notes = getter() if callable(getter) else ("", [])
        if not notes:
            text = getattr(screen, "HELP", "")
            notes = [text] if text else []
        keys = help_keys(screen)
        self.push_screen(HelpScreen(title, notes, keys))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                textual_compat.ChinesePalette(
                    placeholder="输入命令或部分名称，如：保存、表三、问题", id="--command-palette"
                )
            )

    def get_key_display(self, binding: Binding) -> str:
        """Every key on the screen (the footer, Textual's own widgets) named the one way
        (``tui/keynames.py``): ``Ctrl+S``, ``PgDn``, ``↑``."""
        return key_label(binding.key)

    def get_system_commands(self, screen: Screen[object]) -> list[SystemCommand]:  # type: ignore[override]
        return [
            SystemCommand("帮助", "F1：当前位置的按键说明", self.action_help),
            SystemCommand("退出", "Ctrl+Q 或 F10（有未保存的修改时会询问）", self.action_request_quit),
            SystemCommand(
                "重绘屏幕", "F12：屏幕上有乱码或别的程序留下的文字时，整屏重新显示", self.action_redraw
            ),
        ]

    def action_redraw(self) -> None:
        """Send the whole screen again. Partial updates leave out what the terminal already shows
        (textual_compat.SentPieces), so text another program wrote over the screen (a ``wall``
        broadcast on the shared server) would otherwise stay until the window is resized."""
        self.screen.refresh()

    # ------------------------------------------------------------------ export
    def start_export(self, controller: Controller) -> None:
        """F9: export to Word (tui/exportflow.py)."""
        from tui_report.tui.exportflow import start_export

        start_export(self, controller)


def make_app(
    path: Path | None = None, *, cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> ReportApp:
    """Build the app as the command line does (also used by tests and the benchmark).

    A report someone else is editing opens on the lock question; one that could not be saved
    where it is opens read-only with the reason. Raises :class:`ReportFileError` when the file
    cannot be read."""
    banner = locale_warning(os.environ if environ is None else environ)
    if path is None:
        return ReportApp(None, cwd=cwd, banner=banner)
    try:
        session = EditSession.open(path)
    except LockedError as exc:
        return ReportApp(None, cwd=cwd, banner=banner, locked=exc)
    except CannotEditError as exc:
        return ReportApp(EditSession.open(path, read_only=True), cwd=cwd, banner=banner, note=exc.reason)
    return ReportApp(session, cwd=cwd, banner=banner)


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
    problem = utf8_terminal_problem(sys.stdout.encoding)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    path = Path(argv[0]) if argv else None
    try:
        app = make_app(path)
    except ReportFileError as exc:
        print(escape_controls(str(exc)), file=sys.stderr)
        if path is not None and not isinstance(exc, UnsafeFileError):
            _print_versions_hint(path)  # a broken report, not a link or FIFO: a version may help
        return 2
    try:
        result = app.run()
    finally:
        if app.controller is not None:
            app.controller.session.close()  # unsaved edits stay in the recovery journal
    return app.return_code or int(result or 0)


def _print_versions_hint(path: Path) -> None:
    from tui_report.model.timetext import time_text
    from tui_report.storage.versions import list_versions

    versions = list_versions(path)
    if versions:
        newest = versions[0]
        print(
            f"文件未被改动。该报告有 {len(versions)} 个历史版本，最近的是 "
            f"{time_text(newest.saved_at)} {newest.user} 保存的：\n"
            f"  tui-report history {path}      查看历史版本\n"
            f"  tui-report restore {path} {newest.number}    恢复最近的版本（出错的文件也会保留）",
            file=sys.stderr,
        )
