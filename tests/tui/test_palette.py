"""The command palette: every command with 帮助 and 退出, a top-level heading first when the query
is its number, and a frame drawn in ASCII around the results."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from tui_report.tui.app import make_app
from tui_report.tui.commands import heading_rank

from .conftest import SIZE
from .helpers import editor


async def palette_names(pilot: Pilot[Any], app: App[Any], query: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause(0.2)
    for ch in query:
        await pilot.press(ch)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    commands = palette.query_one(CommandList)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5
    names: list[str] = []
    while loop.time() < deadline:
        await pilot.pause(0.1)
        names = [
            str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)
        ]
        if names and (not query or all(query in n or heading_rank(n, query) for n in names[:1])):
            break
    return names


async def test_every_command_with_help_and_quit(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        expected = [name for name, _, _ in editor(app).palette_commands()]
        expected += ["环境检查", "帮助", "退出", "重绘屏幕"]
        names = await palette_names(pilot, app)
        assert sorted(names) == sorted(expected)
        # The frame: ASCII sides around the input and the results (no ambiguous-width glyphs).
        palette = app.screen
        box = palette.query_one("#--input").styles
        results = palette.query_one(CommandList).styles
        assert box.border_top[0] == box.border_left[0] == "ascii"
        assert results.border_bottom[0] == results.border_left[0] == results.border_right[0] == "ascii"


async def test_a_heading_number_ranks_its_heading_first(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        names = await palette_names(pilot, app, "五")
        assert names[0].startswith("跳到：五、"), names
        assert any("（五）" in n for n in names[1:])


async def test_help_from_the_palette(full_copy: Path) -> None:
    from tui_report.tui.screens.help import HelpScreen

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        names = await palette_names(pilot, app, "帮助")
        assert names[0] == "帮助"
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)


async def test_a_table_by_its_name(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        names = await palette_names(pilot, app, "表三")
        assert names[0].startswith("跳到：表三 三、"), names
