"""Helpers for the desk's Pilot tests: wait for the folder to be read, read the table, wait for a
condition (a worker, a refresh) with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from app_helpers import showing
from tui_report.tui.screens.review import ReviewScreen

SIZE = (80, 24)


async def loaded(
    pilot: Pilot[Any], screen: ReviewScreen, rows: int | None = None, timeout: float = 10.0
) -> None:
    deadline = time.monotonic() + timeout
    while screen.review is None or (rows is not None and len(screen.review.rows) != rows):
        assert time.monotonic() < deadline, "the review did not load in time"
        await pilot.pause(0.05)
    await pilot.pause()


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 15.0, what: str = ""
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not in time: {what}"
        await pilot.pause(0.05)


def cells(screen: ReviewScreen) -> list[list[str]]:
    table = screen.query_one("#desk", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def headers(screen: ReviewScreen) -> list[str]:
    return [str(c.label) for c in screen.query_one("#desk", DataTable).columns.values()]


async def choose(pilot: Pilot[Any], screen: ReviewScreen, unit_part: str) -> None:
    """Move the cursor (by keys) to the row whose unit shows ``unit_part``."""
    units = [r[headers(screen).index("单位")] for r in cells(screen)]
    target = next(i for i, u in enumerate(units) if unit_part in u)
    table = screen.query_one("#desk", DataTable)
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")


async def open_from_desk(pilot: Pilot[Any], screen: ReviewScreen, unit_part: str) -> None:
    """Choose the unit's row and open its report (Enter: read-only), waiting for the editor."""
    from tui_report.tui.screens.editor import EditorScreen

    await choose(pilot, screen, unit_part)
    await pilot.press("enter")
    await until(pilot, showing(screen.app, EditorScreen), what="the report opens")
