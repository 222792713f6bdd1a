"""A stored total that disagrees with its parts can be cleared (#21 item 7): Delete on the total
cell, or the palette's 采用自动合计, drops the stored value and shows the computed sum; Ctrl+Z brings
it back. At 80×24."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app_helpers import controller
from tui_report.model.rules import check
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import make_app
from tui_report.tui.widgets.tablepage import TablePage

from .conftest import SIZE
from .helpers import editor, go_to_step, grid
from .test_page_keep import screen_text
from .test_palette import palette_names


def run(coro: object) -> None:
    asyncio.run(coro)  # type: ignore[arg-type]


def _imported_with_wrong_totals(path: Path) -> Path:
    """As an import leaves a published report whose printed totals are wrong: kept for R3."""
    report = load_report(path)
    report.set_stored_total("requests", "new.total", 9999)
    report.set_stored_total("requests", "carried_over.total", 1)
    save_report(report, path)
    return path


def _r3(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.message for f in app.controller.findings if f.rule == "R3"]


def test_delete_on_a_wrong_total_takes_the_computed_sum_and_undo_restores_it(full_copy: Path) -> None:
    path = _imported_with_wrong_totals(full_copy)

    async def scenario() -> None:
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await go_to_step(pilot, app, "table:requests")
            g = grid(app)
            g.go_to_cell("new.total")
            await pilot.pause()
            page = editor(app).page
            assert isinstance(page, TablePage)
            assert "按 Delete 采用自动合计" in page.status_of()[1]
            report = app.controller.report  # type: ignore[union-attr]
            assert len(_r3(app)) == 2
            await pilot.press("delete")
            assert report.entered("requests", "new.total") is None
            assert report.cell("requests", "new.total") == sum(
                report.entered("requests", f"new.{c}") or 0
                for c in ("natural", "commercial", "research", "public_interest", "legal_services", "other")
            )
            assert len(_r3(app)) == 1 and "9999" not in _r3(app)[0]
            assert g.problem is None  # no "是自动计算的合计，不能填写"
            await pilot.press("delete")  # nothing stored any more: the refusal as before
            assert g.problem is not None and "不能填写" in g.problem
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert report.entered("requests", "new.total") == 9999
            assert len(_r3(app)) == 2

    run(scenario())


def test_palette_takes_every_wrong_total_of_the_table(full_copy: Path) -> None:
    path = _imported_with_wrong_totals(full_copy)

    async def scenario() -> None:
        app = make_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await go_to_step(pilot, app, "table:requests")
            names = await palette_names(pilot, app, "采用自动合计")
            assert names[0] == "采用自动合计"
            await pilot.press("enter")
            await pilot.pause(0.3)
            report = app.controller.report  # type: ignore[union-attr]
            assert report.entered("requests", "new.total") is None
            assert report.entered("requests", "carried_over.total") is None
            assert [f for f in check(report) if f.severity == "error"] == []
            await pilot.press("ctrl+z")
            await pilot.pause()
            assert report.entered("requests", "new.total") == 9999
            assert report.entered("requests", "carried_over.total") == 1

    run(scenario())


async def test_a_wrong_stored_total_is_shown_as_stored_until_it_is_dropped(full_copy: Path) -> None:
    """The cell shows the stored (wrong) total with its error mark, the message line the computed
    sum: the operator sees what Delete / 采用自动合计 will drop (it showed the sum before)."""
    path = _imported_with_wrong_totals(full_copy)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        g.go_to_cell("new.total")
        await pilot.pause()
        report = controller(app).report
        computed = report.cell("requests", "new.total")
        assert computed is not None and computed != 9999
        line = next(x for x in screen_text(app).splitlines() if "一、本年新收" in x)
        assert line.rstrip().endswith("! 9999"), line  # stored, marked as an error
        page = editor(app).page
        assert isinstance(page, TablePage)
        assert f"各项相加为{computed}" in page.status_of()[1]  # the computed sum in the message line
        assert f"按 Delete 采用自动合计 {computed}" in page.status_of()[1]
        await pilot.press("delete")
        await pilot.pause()
        line = next(x for x in screen_text(app).splitlines() if "一、本年新收" in x)
        assert line.rstrip().endswith(f"= {computed}"), line
        await pilot.press("ctrl+z")
        await pilot.pause()
        line = next(x for x in screen_text(app).splitlines() if "一、本年新收" in x)
        assert line.rstrip().endswith("! 9999"), line


async def test_f3_on_a_wrong_stored_total_says_the_finding_and_how_to_drop_it(full_copy: Path) -> None:
    """F3 on R3 about a stored total (imported as printed) lands on that total: the status line says
    the finding and, as on any wrong stored total, 按 Delete 采用自动合计 with the sum."""
    from .test_finding_spots import choose

    path = _imported_with_wrong_totals(full_copy)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        finding = await choose(pilot, app, lambda f: f.rule == "R3" and "9999" in f.message)
        g = grid(app)
        assert g.cell_id == "new.total"
        page = editor(app).page
        assert isinstance(page, TablePage)
        computed = controller(app).report.cell("requests", "new.total")
        info = page.status_of()[1]
        assert finding.message in info and info.endswith(f"（按 Delete 采用自动合计 {computed}）"), info
