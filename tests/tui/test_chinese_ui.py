"""An operator never meets English: a walk over every screen and focus that collects what is drawn
(footer included), the F1 help and the palette, and fails on an English word (key names excepted)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tui_report.safety.lock import LockedError
from tui_report.session import EditSession
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.screens.help import HelpScreen
from tui_report.tui.screens.safety import LockDialog

from .conftest import SIZE
from .helpers import editor

# Key names and file kinds may stay as they are printed on the keyboard or in a file name.
KEY_NAMES = {
    "tab", "shift", "ctrl", "home", "end", "enter", "esc", "escape", "up", "down", "left", "right",
    "pgup", "pgdn", "pageup", "pagedown", "del", "delete", "backspace", "ins", "insert", "space",
    "toml", "docx", "pdf", "html", "json", "word", "utf", "putty", "xshell", "ssh", "kill", "term",
    "fuser",  # the administrator's command in the lock dialog
    "libreoffice",  # a program's name (环境检查)
    "excel", "wps",  # the spreadsheets clerks paste from (F1 of a table)
    "xx",  # the template's placeholder year, 20XX
}  # fmt: skip


def english(text: str) -> set[str]:
    # The report's own data may be Latin: paths, file names, web addresses, user names.
    text = re.sub(r"\S*/\S*|\S+\.(toml|docx|pdf|html|json)\b|\S*www\S*|由 \S+ 保存", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in KEY_NAMES}


def drawn(app: ReportApp) -> str:
    """Every character on the screen (public API: the SVG screenshot's text)."""
    svg = app.export_screenshot(title="截图")
    return html.unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


class Walk:
    def __init__(self, app: ReportApp, pilot: Pilot[Any]) -> None:
        self.app = app
        self.pilot = pilot
        self.found: dict[str, set[str]] = {}

    def note(self, where: str, text: str) -> None:
        words = english(text)
        if words:
            self.found[where] = words

    async def look(self, where: str) -> None:
        """What is drawn, then the F1 help for the focus."""
        await self.pilot.pause()
        self.note(f"{where}: screen", drawn(self.app))
        await self.pilot.press("f1")
        await self.pilot.pause()
        help_screen = self.app.screen
        assert isinstance(help_screen, HelpScreen), (where, help_screen)
        text = " ".join(
            [help_screen.title_text, *help_screen.notes, *(" ".join(k) for k in help_screen.keys)]
        )
        assert help_screen.keys, where
        self.note(f"{where}: F1", text + drawn(self.app))
        await self.pilot.press("escape")
        await self.pilot.pause()

    async def palette(self, where: str) -> None:
        await self.pilot.press("ctrl+p")
        await self.pilot.pause(0.3)
        palette = self.app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        prompts = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert prompts, where
        self.note(f"{where}: palette", " ".join(prompts) + drawn(self.app))
        await self.look(f"{where}: palette")
        await self.pilot.press("escape")
        await self.pilot.pause()

    async def focus_walk(self, where: str, presses: int = 6) -> None:
        """F1 on each focus reached with Tab."""
        for i in range(presses):
            focused = type(self.app.focused).__name__
            await self.look(f"{where} [{i} {focused}]")
            await self.pilot.press("tab")


async def test_start_screen_and_new_report_dialog_speak_chinese(full_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "报告"
    folder.mkdir()
    full_copy.rename(folder / "示例.toml")

    app = make_app(None, cwd=folder)
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(app, pilot)
        await walk.look("start")
        await walk.palette("start")
        await pilot.press("n")
        await walk.focus_walk("new report", 7)
        await pilot.press("escape")
        assert not walk.found, walk.found


async def test_every_page_and_dialog_of_the_editor_speaks_chinese(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(app, pilot)
        screen = editor(app)
        for step in list(screen.steps):
            await screen.show_step(step.key)
            await walk.look(f"page {step.key}")
            if step.kind in ("meta", "preamble"):
                await walk.focus_walk(f"page {step.key}", 3)
        await pilot.press("escape")  # to the section list
        await walk.look("section list")
        await walk.palette("editor")
        await pilot.press("f3")
        await walk.look("findings")
        await pilot.press("escape")
        await pilot.press("f9")
        await walk.look("export")
        await pilot.press("escape")
        await screen.show_step("table:requests")
        await pilot.press("1", "enter")
        await pilot.press("ctrl+q")
        await walk.look("quit dialog")
        await pilot.press("escape")
        app.push_screen(LockDialog(LockedError(full_copy, None)))
        await walk.look("lock dialog")
        await pilot.press("escape")
        assert not walk.found, walk.found


async def test_recovery_and_outside_change_dialogs_speak_chinese(full_copy: Path) -> None:
    session = EditSession.open(full_copy)
    session.report.unit = "改过的单位"
    session.mark_edited()
    session.flush()
    session.close()  # the edit stays in the recovery journal

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(app, pilot)
        await pilot.pause(0.3)
        await walk.look("recovery dialog")
        await pilot.press("d")
        await walk.look("changes list")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        text = full_copy.read_text(encoding="utf-8").replace("示例市人民政府", "别人改的单位")
        full_copy.write_text(text, encoding="utf-8")
        app.check_files()
        await walk.look("outside change dialog")
        await pilot.press("escape")
        assert not walk.found, walk.found
