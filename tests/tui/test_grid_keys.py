"""Grid keys at 80×24: entry keys skip totals, arrows do not, and the keys can be remapped."""

from __future__ import annotations

from pathlib import Path

from textual import events

from app_helpers import controller
from tui_report.tui.app import make_app

from .conftest import SIZE
from .helpers import go_to_step, grid

INPUT_COLUMNS = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]


async def test_tab_crosses_a_table_three_row_and_skips_totals(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        assert g.cell_id == "new.natural"
        seen = [g.cell_id]
        for _ in range(len(INPUT_COLUMNS)):
            await pilot.press("tab")
            seen.append(g.cell_id)
        # The 总计 column is skipped; Tab at the row's last input cell goes to the next row.
        assert seen == [f"new.{c}" for c in INPUT_COLUMNS] + ["carried_over.natural"]
        await pilot.press("shift+tab")
        assert g.cell_id == "new.other"
        # Arrows still reach a total, to read how it is computed.
        await pilot.press("right")
        assert g.cell_id == "new.total"
        assert g.compiled.cells[g.cell_id].computed


async def test_tab_and_enter_pass_the_all_computed_total_row(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        g.go_to_cell("results.other_handling.other.other")  # the last input cell above （七）
        await pilot.press("tab")
        assert g.cell_id == "carry_forward.natural"  # （七）总计 skipped
        await pilot.press("shift+tab")
        assert g.cell_id == "results.other_handling.other.other"
        g.go_to_cell("results.other_handling.other.natural")
        await pilot.press("4", "enter")
        assert g.cell_id == "carry_forward.natural"
        report = controller(app).report
        assert report.entered("requests", "results.other_handling.other.natural") == 4
        await pilot.press("up")  # arrows land on the total row
        assert g.cell_id == "results.total.natural"


async def test_grid_keys_follow_the_keymap(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"grid.clear": "x"})
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        report = controller(app).report
        assert report.entered("requests", "new.natural") is not None
        await pilot.press("delete")  # no longer bound in the grid
        assert report.entered("requests", "new.natural") is not None
        await pilot.press("x")
        assert g.cell_id == "new.natural"
        assert report.entered("requests", "new.natural") is None


async def test_keys_typed_fast_stay_in_order(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        # Posted at once, as a paste or a slow link delivers them: bindings and digits interleave.
        driver = app._driver  # as the terminal driver delivers keys, without waiting between
        assert driver is not None
        for key, char in (
            ("1", "1"),
            ("tab", "\t"),
            ("2", "2"),
            ("tab", "\t"),
            ("3", "3"),
            ("enter", "\r"),
        ):
            event = events.Key(key, char)
            event.set_sender(app)
            driver.send_message(event)
        await pilot.pause(0.2)
        report = controller(app).report
        assert [report.entered("requests", f"new.{c}") for c in INPUT_COLUMNS[:3]] == [1, 2, 3]
        assert g.cell_id == "carried_over.research"


async def test_row_labels_stay_distinct_at_80_columns(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        for table in ("requests", "appeals", "proactive"):
            await go_to_step(pilot, app, f"table:{table}")
            layout = grid(app).glayout
            assert layout is not None
            shown = [row.label for row in layout.rows]
            assert len(set(shown)) == len(shown), shown
            if table == "requests":
                by_code = {label.split(" ")[0]: label for label in shown}
                # What tells the rows apart survives the cut, not only the number.
                assert by_code["三(三)7"].split(" ")[1][:2] != by_code["三(三)8"].split(" ")[1][:2]
                assert by_code["三(六)1"].split(" ")[1][:2] != by_code["三(六)2"].split(" ")[1][:2]
                assert "执法" in by_code["三(三)7"] and "查询" in by_code["三(三)8"]
