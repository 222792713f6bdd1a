"""Helpers for Pilot tests: typing text as key presses, reaching a page by keys."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tui_report.tui.app import ReportApp
from tui_report.tui.grid.widget import TableGrid
from tui_report.tui.screens.editor import EditorScreen

KEY_NAMES = {".": "full_stop", "-": "minus", "+": "plus", " ": "space", ",": "comma"}


def keys_for(text: str) -> list[str]:
    return [KEY_NAMES.get(ch, ch) for ch in text]


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*keys_for(text))


def editor(app: ReportApp) -> EditorScreen:
    screen = app.screen
    assert isinstance(screen, EditorScreen), screen
    return screen


async def go_to_step(pilot: Pilot[Any], app: ReportApp, key: str) -> None:
    """Press PgDn/PgUp until the page of ``key`` is shown (keys only, like an operator)."""
    screen = editor(app)
    keys = [s.key for s in screen.steps]
    for _ in range(len(keys) * 2):
        if screen.current == key:
            break
        await pilot.press("pagedown" if keys.index(screen.current) < keys.index(key) else "pageup")
    await pilot.pause()
    assert screen.current == key


def grid(app: ReportApp) -> TableGrid:
    focused = app.focused
    assert isinstance(focused, TableGrid), focused
    return focused
