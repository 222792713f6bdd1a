"""Pilot tests at 80×24 that drive the app by keys and assert on the report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import OptionList

from app_helpers import controller
from tui_report.model.report import format_value
from tui_report.storage.reportfile import load_report
from tui_report.tui.app import make_app
from tui_report.tui.screens.dialogs import QuitDialog
from tui_report.tui.screens.findings import FindingsScreen
from tui_report.tui.widgets.sections import SectionList

from .conftest import EXAMPLES, SIZE
from .helpers import editor, go_to_step, grid, type_text


async def test_fill_every_table_by_keys_equals_the_full_example(empty_report: Path) -> None:
    source = load_report(EXAMPLES / "full-2024.toml")

    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        for table_key in source.tpl.compiled:
            await go_to_step(pilot, app, f"table:{table_key}")
            g = grid(app)
            assert g.glayout is not None
            for r, row in enumerate(g.glayout.rows):
                for c, cell_id in enumerate(row.cells):
                    if g.compiled.cells[cell_id].computed:
                        continue  # Tab skips totals
                    assert (g.row, g.col) == (r, c), (table_key, cell_id)
                    value = source.entered(table_key, cell_id)
                    if value is not None:
                        await type_text(pilot, format_value(value))
                    await pilot.press("tab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not controller(app).session.dirty
    saved = load_report(empty_report)
    assert saved.values == source.values
    assert isinstance(saved.values["proactive"]["fees.amount"], Decimal)


async def test_full_width_digits_and_separators_are_normalised(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("１", "２", "enter")
        await type_text(pilot, "1,234")
        await pilot.press("enter")
        report = controller(app).report
        assert report.entered("requests", "new.natural") == 12
        assert report.entered("requests", "carried_over.natural") == 1234


async def test_a_letter_is_refused_with_a_message_and_never_stored(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        await pilot.press("a")
        assert g.problem is not None and "只能填写数字" in g.problem
        assert g.mode is None
        await pilot.press("1", "a", "enter")
        assert g.problem is not None and "不是件数" in g.problem
        assert g.mode is not None  # still editing, the bad text kept for correction
        report = controller(app).report
        assert report.entered("requests", "new.natural") is None
        await pilot.press("escape")
        assert g.mode is None
        assert report.entered("requests", "new.natural") is None
        assert not controller(app).session.dirty


async def test_computed_cell_refuses_edits_and_explains(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        await pilot.press("end")  # 总计 column
        assert g.cell_id == "new.total"
        for key in ("5", "enter", "f2", "delete"):
            await pilot.press(key)
            assert g.mode is None
            assert g.problem is not None and "自动计算" in g.problem
        report = controller(app).report
        assert report.entered("requests", "new.total") is None
        assert report.cell("requests", "new.total") == 3119
        assert not controller(app).session.dirty


async def test_undo_and_redo_across_tables(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        report = controller(app).report
        await go_to_step(pilot, app, "table:proactive")
        await pilot.press("3", "enter")
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("7", "enter")
        assert report.entered("requests", "new.natural") == 7
        await pilot.press("ctrl+z")
        assert report.entered("requests", "new.natural") is None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert report.entered("proactive", "regulations.issued") is None
        assert editor(app).current == "table:proactive"  # undo shows where it happened
        await pilot.press("ctrl+y", "ctrl+y")
        assert report.entered("proactive", "regulations.issued") == 3
        assert report.entered("requests", "new.natural") == 7


async def test_fill_zero_fills_only_empty_input_cells(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        report = controller(app).report
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("4", "enter")
        await pilot.press("f4")
        table = report.tpl.table("requests")
        entered = report.values["requests"]
        assert set(entered) == set(table.input_cells())
        assert entered["new.natural"] == 4
        assert all(v == 0 for k, v in entered.items() if k != "new.natural")
        assert report.cell("requests", "results.total.total") == 0
        await pilot.press("ctrl+z")
        assert report.values["requests"] == {"new.natural": 4}


async def test_enter_on_a_finding_jumps_to_its_cell(full_copy: Path) -> None:
    report = load_report(full_copy)
    report.set_cell("requests", "results.disclosed.commercial", 21)  # breaks R1 for 商业企业
    from tui_report.storage.reportfile import save_report

    save_report(report, full_copy)

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        assert isinstance(app.screen, FindingsScreen)
        first = app.screen.findings[0]
        assert first.severity == "error"
        await pilot.press("enter")
        await pilot.pause()
        screen = editor(app)
        assert screen.current == f"table:{first.locations[0].table}"
        g = grid(app)
        # No edit in this session to go by: the column's total, where the slip most likely is.
        assert first.spot is not None and g.cell_id == first.spot.cell == "results.total.commercial"
        # The section shows its error state, by a character, not colour alone.
        sections = app.screen.query_one(SectionList)
        assert any("[错]三、" in prompt for prompt in sections._shown)


async def test_quit_with_unsaved_changes_asks(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("9", "enter")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("escape")  # 取消
        assert not isinstance(app.screen, QuitDialog)
        assert app.is_running
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("s")  # 保存
        await pilot.pause()
    assert load_report(full_copy).entered("requests", "new.natural") == 9


async def test_quit_without_saving_keeps_the_file(full_copy: Path) -> None:
    before = full_copy.read_bytes()

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("9", "enter", "f10")
        assert isinstance(app.screen, QuitDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not app.is_running

    assert full_copy.read_bytes() == before


async def test_escape_never_quits(full_copy: Path) -> None:
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "escape", "escape")
        assert app.is_running
        # The start screen lists the report in the current folder: open it by keys.
        options = app.screen.query_one("#reports", OptionList)
        wanted = f"file:{full_copy.resolve()}"
        for _ in range(options.option_count):
            if options.highlighted_option is not None and options.highlighted_option.id == wanted:
                break
            await pilot.press("down")
        assert options.highlighted_option is not None and options.highlighted_option.id == wanted
        await pilot.press("enter")
        await pilot.pause()
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("5", "escape", "escape", "escape", "escape")
        assert app.is_running
        assert isinstance(app.focused, SectionList)
        await pilot.press("f3", "escape", "f1", "escape", "escape")
        assert app.is_running
        editor(app)
        assert controller(app).report.entered("requests", "new.natural") == 3001
