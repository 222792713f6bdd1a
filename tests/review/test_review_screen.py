"""The review desk in the app, at 80×24, keys only."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import DataTable

from app_helpers import controller
from tui_report.model.report import new_report
from tui_report.storage.reportfile import save_report
from tui_report.tui.reviewapp import ReviewApp
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.findings import FindingsScreen
from tui_report.tui.screens.review import ReviewScreen
from tui_report.tui.screens.safety import LockDialog
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import County
from .deskhelpers import SIZE, cells, loaded, until


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANG", "C.UTF-8")


async def test_desk_lists_units_sorts_and_counts(county: County) -> None:
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        count = screen.query_one("#count", WrappedText).text
        assert count.startswith("已完成 2/6") and "有错误 1" in count and "未提交 1" in count
        rows = cells(screen)
        assert len(rows) == 8
        # sorted by state, worst first: the unreadable file, then 未提交 ... 已完成 last
        assert rows[0][0] == "无法读取" and rows[-1][0] == "已完成"
        assert [r[1] for r in rows if r[0] == "未提交"] == ["己乡人民政府"]
        held = next(r for r in rows if r[1] == "戊镇人民政府")
        assert held[5]  # who is editing it
        await pilot.press("u")
        units = [r[1] for r in cells(screen)]
        assert units == sorted(units)
        await pilot.press("s")
        assert cells(screen)[0][0] == "无法读取"
        # the indicator column: I switches, O sorts by it (largest first)
        await pilot.press("i")
        header = [str(c.label) for c in screen.query_one("#desk", DataTable).columns.values()]
        assert header[-1] == "增减"
        await pilot.press("i", "i")
        await pilot.press("o")
        shown = [r[-1] for r in cells(screen) if r[-1]]
        assert shown and shown == sorted(shown, key=lambda s: -float(s.rstrip("%")))


async def test_enter_opens_read_only_when_someone_edits_and_f3_lists_findings(county: County) -> None:
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        await pilot.press("u")
        units = [r[1] for r in cells(screen)]
        for _ in range(units.index("丙乡人民政府")):
            await pilot.press("down")
        await pilot.press("f3")
        assert isinstance(app.screen, FindingsScreen)
        assert any(f.rule == "R1" for f in app.screen.findings)
        await pilot.press("escape")
        assert app.screen is screen  # type: ignore[comparison-overlap]  # mypy keeps the narrowing above
        units = [r[1] for r in cells(screen)]
        for _ in range(units.index("戊镇人民政府") - units.index("丙乡人民政府")):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert app.controller is not None and app.controller.read_only
        assert county.holder.poll() is None  # the editor keeps the lock


async def test_enter_on_a_finding_opens_the_report_there(county: County) -> None:
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        await pilot.press("u")
        units = [r[1] for r in cells(screen)]
        for _ in range(units.index("丙乡人民政府")):
            await pilot.press("down")
        await pilot.press("f3")
        await pilot.press("enter")  # the first finding: R1 in 表三
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert app.controller is not None and app.controller.read_only  # the desk reads: E edits
        deadline = time.monotonic() + 5
        while editor.current != "table:requests":
            assert time.monotonic() < deadline, editor.current
            await pilot.pause(0.05)
        await pilot.press("ctrl+q")  # nothing changed: leaves without asking


async def test_desk_follows_the_folder(county: County) -> None:
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen, rows=8)
        save_report(new_report("己乡人民政府", 2024, "township"), county.folder / "h.toml")
        screen.poll()  # the two-second timer, without waiting for it
        await loaded(pilot, screen, rows=8)
        deadline = time.monotonic() + 10
        while next(r for r in cells(screen) if r[1] == "己乡人民政府")[0] != "未开始":
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        assert "未提交" not in screen.query_one("#count", WrappedText).text


async def test_start_screen_offers_the_desk(county: County, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_report.tui.app import ReportApp

    monkeypatch.chdir(county.folder)
    app = ReportApp(None, cwd=county.folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewScreen)


async def test_closing_a_report_returns_to_the_desk_and_forgets_the_offer_to_edit(county: County) -> None:
    """Closing on the desk once left ``app.safety.offer_edit_when_free`` set (it cleared a stale
    attribute of its own): the report opened again later offered 重新载入并编辑 out of nowhere."""
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = app.screen
        assert isinstance(desk, ReviewScreen)
        await loaded(pilot, desk)
        held = county.files["戊镇人民政府"]
        app.open_path(held)  # someone edits it: the lock question
        await pilot.pause()
        assert isinstance(app.screen, LockDialog)
        await pilot.press("r")  # 只读打开: offered to edit once the colleague is gone
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen) and controller(app).read_only
        assert app.safety.offer_edit_when_free == held
        editor.action_close_report()
        await pilot.pause()
        assert app.screen is desk and app.controller is None
        assert app.safety.offer_edit_when_free is None


async def test_the_indicator_toast_says_its_formula_in_words_and_times_read_as_minutes(
    county: County,
) -> None:
    """I names the indicator with its formula in words, not the formula's cell keys; the line under
    the table says since when a colleague edits as 2026-12-06 01:45 (local, no seconds) (#23)."""
    import re

    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        said: list[str] = []
        screen.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign]
        await pilot.press("i")
        assert said == ["新收申请较上年增减（件） = 本年新收申请 − 上年新收申请"]
        await pilot.press("u")
        units = [r[1] for r in cells(screen)]
        for _ in range(units.index("戊镇人民政府")):
            await pilot.press("down")
        await pilot.pause()
        detail = screen.query_one("#detail", WrappedText).text
        assert re.search(r"正在编辑（\d{4}-\d{2}-\d{2} \d{2}:\d{2}起）", detail), detail
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+保存", detail), detail


async def test_the_collector_pauses_until_a_moment_after_the_first_rows(county: County) -> None:
    # ReviewApp pauses the cyclic collector (its start-up and the first reading's results would be
    # scanned again and again) and resumes it a moment after the rows are shown; an app closed
    # before that resumes it as it closes.
    import gc

    assert gc.isenabled()
    app = ReviewApp(county.folder)
    assert not gc.isenabled()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await loaded(pilot, screen)
        await until(pilot, gc.isenabled, what="the collector resumed")
    assert gc.isenabled()
    app = ReviewApp(county.folder)
    async with app.run_test(size=(80, 24)):
        assert not gc.isenabled()
    assert gc.isenabled()


async def test_a_folder_that_cannot_be_read_says_why_on_the_desk(tmp_path: Path) -> None:
    # The first reading starts before the screen (review/deskread.start_reading): a folder that
    # cannot be listed is said on the desk, not raised while the app starts.
    app = ReviewApp(tmp_path / "没有这个文件夹")
    async with app.run_test(size=SIZE) as pilot:
        count = app.screen.query_one("#count", WrappedText)
        await until(pilot, lambda: "无法读取" in str(count.text), what="the reason")
        assert "不存在" in str(count.text)
