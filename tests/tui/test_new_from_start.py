"""从上年报告新建 on the start screen: pick last year's report, press L, confirm the dialog."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from tui_report.storage.reportfile import load_report
from tui_report.tui.app import make_app
from tui_report.tui.screens.dialogs import NewReportDialog
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE


async def test_new_from_last_years_report(full_copy: Path, tmp_path: Path) -> None:
    last = load_report(full_copy)

    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")  # nothing selected yet: a hint, no dialog
        await pilot.pause()
        assert not isinstance(app.screen, NewReportDialog)
        options = app.screen.query_one("#reports", OptionList)
        wanted = f"file:{full_copy.resolve()}"
        for _ in range(options.option_count):
            if options.highlighted_option is not None and options.highlighted_option.id == wanted:
                break
            await pilot.press("down")
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NewReportDialog)
        assert dialog.query_one("#new-unit", Input).value == last.unit
        assert dialog.query_one("#new-year", Input).value == str(last.year + 1)
        file_input = dialog.query_one("#new-file", Input)
        file_input.value = str(tmp_path / "next.toml")
        file_input.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.controller is not None
        report = app.controller.report
        assert (report.unit, report.level, report.year) == (last.unit, last.level, last.year + 1)
        assert report.entered("requests", "carried_over.natural") == last.entered(
            "requests", "carry_forward.natural"
        )
        assert report.last_year is not None and report.last_year.year == last.year

    saved = load_report(tmp_path / "next.toml")
    assert saved.last_year is not None


async def test_last_years_text_beside_the_box(full_copy: Path, tmp_path: Path) -> None:
    from tui_report.storage.reportfile import save_report

    from .helpers import go_to_step

    last = load_report(full_copy)
    last.year -= 1
    last.texts["problems.main"] = "上年的问题和改进措施，供参考。"
    save_report(last, tmp_path / "last.toml")

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "text:problems.main")
        page = app.screen.query_one("#page-text-problems-main")  # every text page has its own panel
        panel = page.query_one("#last-year")
        assert not panel.display
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert panel.display
        shown = page.query_one("#last-year-text", WrappedText).text
        assert "上年的问题和改进措施" in shown and f"{last.year}年" in shown
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert not panel.display
