"""Messages shown whole: the status line and the findings list wrap Chinese by character (no line
starts with closing punctuation), grow as needed, are redrawn after dialogs and cleared when stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_report.model.linebreak import NO_LINE_START, cells
from tui_report.tui.app import make_app
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE
from .helpers import editor, go_to_step, grid, type_text


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def shown_lines(widget: WrappedText) -> list[str]:
    """The lines as painted on the screen (not the model's text)."""
    width = widget.content_size.width
    return [
        "".join(segment.text for segment in widget.render_line(y)).rstrip()
        for y in range(widget.content_size.height)
    ][: len(widget.lines(width))]


def test_a_whole_r1_message_in_the_status_line_at_80x24(full_copy: Path) -> None:
    async def scenario() -> None:
        app = make_app(full_copy)
        async with app.run_test(size=SIZE) as pilot:
            await go_to_step(pilot, app, "table:requests")
            g = grid(app)
            assert g.glayout is not None
            await pilot.press("9", "9", "9", "enter", "up")  # 一·自然人 off by 999 - old: R1 breaks
            await pilot.pause()
            page = editor(app).page
            assert isinstance(page, TablePage)
            findings = [f for f in app.controller.findings if f.rule == "R1"]  # type: ignore[union-attr]
            assert findings, "the typed value should break R1"
            info = page.query_one("#cell-info", WrappedText)
            message = next(f.message for f in findings if "自然人" in f.message)
            assert message in info.text
            lines = shown_lines(info)
            assert "".join(lines).replace(" ", "") == info.text.replace(" ", "")
            assert all(cells(line) <= info.content_size.width for line in lines)
            assert not any(line[:1] in NO_LINE_START for line in lines[1:])
            # After a dialog (the palette) the status is whole again, and a fix clears it.
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert message in info.text
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert "[错误]" not in info.text

    run(scenario())


def test_line_breaking_keeps_punctuation_off_line_starts() -> None:
    from tui_report.model.linebreak import wrap

    text = "自然人列：一+二=3035，三(七)+四=3036，相差1。本年新收申请数量与上年结转之和，应等于办理结果总数。（请核对）"
    for width in range(8, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(cells(line) <= width for line in lines)
        assert not any(line[:1] in NO_LINE_START for line in lines[1:]), (width, lines)
        assert not any(line.endswith(("（", "“")) for line in lines), (width, lines)
    assert wrap("金额 1,234.56 万元", 9) == ["金额", "1,234.56", "万元"]


def test_the_findings_list_shows_each_message_whole(full_copy: Path) -> None:
    from textual.widgets import OptionList

    from tui_report.tui.screens.findings import FindingsScreen

    async def scenario() -> None:
        app = make_app(full_copy)
        async with app.run_test(size=(60, 20)) as pilot:
            await go_to_step(pilot, app, "table:requests")
            await type_text(pilot, "999")
            await pilot.press("enter", "f3")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, FindingsScreen)
            options = screen.query_one("#findings", OptionList)
            width = options.scrollable_content_region.width
            for index, finding in enumerate(screen.findings):
                prompt = str(options.get_option_at_index(index).prompt)
                lines = prompt.split("\n")
                assert all(cells(line) <= width for line in lines), lines
                assert finding.message in "".join(line.strip() for line in lines)
                assert not any(line.strip()[:1] in NO_LINE_START for line in lines[1:]), lines

    run(scenario())
