"""F3 lands on the spot (issue #23 item 3), Pilot at 80×24: a text finding selects the number it
quotes; a balance finding lands on the cell most likely to hold the slip (the last edited cell of
the equation's column, else the column's total) and marks the rest of the equation until the next
move or edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from app_helpers import controller
from tui_report.model.linebreak import cells
from tui_report.model.rules import Finding
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.grid.widget import TableGrid
from tui_report.tui.screens.findings import FindingsScreen
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE
from .helpers import editor, go_to_step, grid, type_text

R1_NATURAL = {"new.natural", "carried_over.natural", "results.total.natural", "carry_forward.natural"}


async def choose(pilot: Pilot[Any], app: ReportApp, wanted: Any) -> Finding:
    """F3, then the arrows to the first finding ``wanted(finding)`` accepts, then Enter."""
    await pilot.press("f3")
    screen = app.screen
    assert isinstance(screen, FindingsScreen)
    index = next(i for i, f in enumerate(screen.findings) if wanted(f))
    options = screen.query_one("#findings", OptionList)
    while options.highlighted != index:
        await pilot.press("down")
    finding = screen.findings[index]
    await pilot.press("enter")
    await pilot.pause()
    return finding


async def test_f3_on_r11_selects_the_number_the_text_quotes(dama_copy: Path) -> None:
    report = load_report(dama_copy)
    text = "本年度我乡共收到政府信息公开申请98件，均已按时答复。" + "全年主动公开各类信息。" * 30
    report.texts["overview.on_request"] = text
    save_report(report, dama_copy)

    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app, lambda f: f.rule == "R11" and "98件" in f.message)
        assert editor(app).current == "text:overview.on_request"
        box = app.focused
        assert isinstance(box, TextArea)
        assert box.selected_text == "98件"
        assert box.cursor_location == (0, text.index("98件") + 3)
        await type_text(pilot, "0")  # typing replaces the selection
        assert box.text.startswith("本年度我乡共收到政府信息公开申请0，")


async def test_f3_on_r1_lands_on_the_last_edited_cell_of_the_column_and_marks_the_equation(
    full_copy: Path,
) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        g.go_to_cell("results.disclosed.natural")
        await type_text(pilot, "1300")  # was 1288: 自然人 no longer balances
        await pilot.press("enter")
        g.go_to_cell("new.commercial")  # the cursor elsewhere, as after more work
        await pilot.pause()
        finding = await choose(pilot, app, lambda f: f.rule == "R1" and "自然人" in f.message)
        g = grid(app)
        assert g.cell_id == "results.disclosed.natural"  # the last edited cell behind 三(七)
        assert g.marked == frozenset(R1_NATURAL)
        page = editor(app).page
        assert isinstance(page, TablePage)
        # The cell has no mark of its own: the status line says what the finding says.
        assert finding.message in page.query_one("#cell-info", WrappedText).text
        painted = {cid: style for cid in R1_NATURAL if (style := style_of(g, cid)) is not None}
        assert len(painted) >= 2, painted  # 三(七) may be scrolled out of the 80×24 view
        assert all(style == g._painter.style("marked") for style in painted.values()), painted
        await pilot.press("down")  # the next move clears the marks
        await pilot.pause()
        assert g.marked == frozenset()
        assert style_of(g, "new.natural") != g._painter.style("marked")


async def test_f3_on_r1_without_an_edit_lands_on_the_columns_total(full_copy: Path) -> None:
    report = load_report(full_copy)
    report.set_cell("requests", "carried_over.natural", 40)  # was 34: an imported slip
    save_report(report, full_copy)

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, app, lambda f: f.rule == "R1" and "自然人" in f.message)
        g = grid(app)
        assert g.cell_id == "results.total.natural"
        assert g.marked == frozenset(R1_NATURAL - {"results.total.natural"})
        await type_text(pilot, "5")  # a total refuses typing: no edit, the marks stay
        await pilot.pause()
        assert g.marked == frozenset(R1_NATURAL - {"results.total.natural"})
        g.go_to_cell("carried_over.natural")  # the next move clears them
        await pilot.pause()
        assert g.marked == frozenset()
        assert controller(app).report.entered("requests", "carried_over.natural") == 40


def style_of(g: TableGrid, cell_id: str) -> Any:
    """The style the grid paints ``cell_id`` in, None when it is scrolled out of view."""
    region = g._cell_region(cell_id)
    if region is None:
        return None
    x = 0
    for segment in g.render_line(region.y):
        if x == region.x:
            return segment.style
        x += cells(segment.text)
    raise AssertionError(f"no segment starts at {region.x} for {cell_id}")
