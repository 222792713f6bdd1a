"""Progress as the operator sees it at 80×24 (#23 item 5): a blank report reads 完成 0/9 0% with its
optional parts marked [可选]; writing one counts it; the start page's recent list says 0%."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from tui_report.tui.app import make_app
from tui_report.tui.screens.start import StartScreen
from tui_report.tui.widgets.sections import SectionList

from .conftest import SIZE
from .helpers import editor, go_to_step, type_text


def progress_line(app: object) -> str:
    from tui_report.tui.app import ReportApp

    assert isinstance(app, ReportApp)
    return str(editor(app).query_one("#progress", Static).render())


def section_lines(app: object) -> list[str]:
    from tui_report.tui.app import ReportApp

    assert isinstance(app, ReportApp)
    sections = editor(app).query_one(SectionList)
    return [str(sections.get_option_at_index(i).prompt) for i in range(sections.option_count)]


async def test_a_blank_report_reads_zero_and_marks_optional_parts(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert progress_line(app).startswith("完成 0/9 0%")
        lines = section_lines(app)
        assert any("[可选]前言" in line for line in lines), lines
        assert any("[可选]总体情" in line for line in lines), lines
        assert any("[无]六、" in line for line in lines), lines  # empty 六 prints 无
        await go_to_step(pilot, app, "text:overview.summary")
        await type_text(pilot, "本年度工作总体平稳")
        await go_to_step(pilot, app, "text:overview.proactive")
        assert progress_line(app).startswith("完成 1/10 10%")
        assert any("[完]总体情" in line for line in section_lines(app))


async def test_the_start_page_says_zero_for_a_blank_report(empty_report: Path) -> None:
    from tui_report.tui import recent

    recent.remember(empty_report)
    app = make_app(None, cwd=empty_report.parent)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        listing = app.screen.query_one(OptionList)
        shown = " ".join(str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count))
        assert "完成  0%" in shown, shown
