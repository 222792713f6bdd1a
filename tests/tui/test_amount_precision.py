"""The amount precision comes from the template: an operator types 4068.208 万元 (as 沭阳县人民政府
printed it in 2025) and it is kept; a figure past the fen is refused with the template's reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app_helpers import controller
from tui_report.tui.app import make_app

from .conftest import SIZE
from .helpers import go_to_step, grid, type_text


async def test_amount_to_the_fen_is_kept_and_more_is_refused(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:proactive")
        g = grid(app)
        for _ in range(40):  # Tab walks the input cells; the amount is the last one
            if g.cell_id == "fees.amount":
                break
            await pilot.press("tab")
        assert g.cell_id == "fees.amount"
        await type_text(pilot, "4068.208")
        await pilot.press("enter")
        report = controller(app).report
        assert report.entered("proactive", "fees.amount") == Decimal("4068.208")
        for _ in range(40):
            if g.cell_id == "fees.amount":
                break
            await pilot.press("shift+tab")
        assert g.cell_id == "fees.amount"
        await type_text(pilot, "1.2345678")
        await pilot.press("enter")
        assert g.problem is not None and "最多保留6位小数" in g.problem
        assert report.entered("proactive", "fees.amount") == Decimal("4068.208")
