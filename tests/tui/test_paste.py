"""A block of cells copied in Excel/WPS and pasted on the grid (a bracketed paste: tab-separated
fields, CR LF lines): the values land as they lay in the sheet, totals and cells outside the table
are left out with a count, a refused value stops the paste at its cell, and one Ctrl+Z undoes the paste."""

from __future__ import annotations

from pathlib import Path

from textual import events

from app_helpers import controller
from tui_report.model.template import get_template
from tui_report.session import EditSession
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.grid.layout import build_layout
from tui_report.tui.grid.paste import outcome, pasted_rows, plan_paste
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE
from .helpers import editor, go_to_step, grid

TEMPLATE = get_template("gov-info-disclosure-2021")
REQUESTS = TEMPLATE.table("requests")
COLUMNS = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]


def _plan(start: str, text: str) -> tuple[tuple[tuple[str, str], ...], int, int]:
    layout = build_layout(REQUESTS, 78)
    position = layout.position(start)
    assert position is not None
    plan = plan_paste(layout, REQUESTS, position, pasted_rows(text))
    return plan.cells, plan.on_totals, plan.outside


def test_excel_text_is_read_as_rows_of_fields() -> None:
    # Excel on Windows: CR LF between rows and at the end; an empty cell is two tabs in a row.
    assert pasted_rows("1\t2\t\t4\r\n5\t6\t7\t8\r\n") == [["1", "2", None, "4"], ["5", "6", "7", "8"]]
    # WPS may end a row with an empty cell; a terminal may send each line break as CR.
    assert pasted_rows("1\t2\t\r3\t4\t\r") == [["1", "2"], ["3", "4"]]
    # tmux (paste-buffer without -r) turns each LF into CR: Excel's CR LF arrives as CR CR.
    assert pasted_rows("1\t2\r\r3\t4\r\r") == [["1", "2"], ["3", "4"]]
    assert pasted_rows("1\r\r\r\r3\r\r") == [["1"], [], ["3"]]  # an empty cell of one column
    assert pasted_rows("1\r\r3\r") == [["1"], [], ["3"]]  # CR per line: the runs are not all even
    # A line copied from a text: any spaces, ideographic and no-break ones too.
    assert pasted_rows("１２\u3000３４\u00a0 56\n") == [["１２", "３４", "56"]]
    assert pasted_rows("12\t\r\n") == [["12"]]
    assert pasted_rows("\r\n\r\n") == []


def test_a_row_with_its_total_keeps_every_value_in_its_column() -> None:
    cells, on_totals, outside = _plan("new.natural", "1\t2\t3\t4\t5\t6\t21\r\n7\t8\t9\t10\t11\t12\t57\r\n")
    assert cells == tuple(
        (f"{row}.{column}", str(value))
        for row, first in (("new", 1), ("carried_over", 7))
        for value, column in enumerate(COLUMNS, start=first)
    )
    assert (on_totals, outside) == (2, 0)  # the two 总计 values: computed, not stored


def test_the_total_row_of_the_sheet_lands_on_the_total_row_of_the_grid() -> None:
    # Rows 三(六)3, （七）总计 and 四 of a sheet laid out as the printed table.
    cells, on_totals, _ = _plan("results.other_handling.other.natural", "1\t1\r\n9\t9\r\n3\t4\r\n")
    assert cells == (
        ("results.other_handling.other.natural", "1"),
        ("results.other_handling.other.commercial", "1"),
        ("carry_forward.natural", "3"),
        ("carry_forward.commercial", "4"),
    )
    assert on_totals == 2


def test_values_beyond_the_table_are_counted_not_placed() -> None:
    cells, on_totals, outside = _plan("carry_forward.other", "5\t6\t7\r\n8\r\n")
    assert cells == (("carry_forward.other", "5"),)
    assert (on_totals, outside) == (1, 2)  # 6 on 四·总计; 7 right of the table, 8 below it


def test_a_refused_value_stops_the_paste_at_its_cell() -> None:
    layout = build_layout(REQUESTS, 78)
    start = layout.position("new.natural")
    assert start is not None
    plan = plan_paste(layout, REQUESTS, start, pasted_rows("１，２３４\t5\tabc\t7\r\n"))
    result = outcome(TEMPLATE, REQUESTS, plan, "new.natural")
    assert result.refused and result.values == (("new.natural", 1234), ("new.commercial", 5))
    assert result.cursor == "new.research"
    assert result.message.startswith("一·科研机构：“abc”不是件数")
    assert result.message.endswith("已粘贴2格（一·自然人 至 一·商业企业），粘贴停在这一格，其后2个值未填入")


def test_full_width_digits_and_thousands_separators_are_read_as_typed() -> None:
    layout = build_layout(REQUESTS, 78)
    start = layout.position("new.natural")
    assert start is not None
    plan = plan_paste(layout, REQUESTS, start, pasted_rows("１，２３４\t5,678\t\t7\t\t\t12919\r\n"))
    result = outcome(TEMPLATE, REQUESTS, plan, "new.natural")
    assert not result.refused
    assert result.values == (("new.natural", 1234), ("new.commercial", 5678), ("new.public_interest", 7))
    assert result.cursor == "new.public_interest"
    assert result.message == (
        "已粘贴3格（一·自然人 至 一·社会公益组织），Ctrl+Z 撤销整次粘贴；"
        "1个值落在自动计算的合计格上，未填入（合计由各项相加）"
    )


def test_nothing_to_fill_is_said() -> None:
    layout = build_layout(REQUESTS, 78)
    start = layout.position("new.total")
    assert start is not None
    plan = plan_paste(layout, REQUESTS, start, pasted_rows("21\t22\r\n"))
    result = outcome(TEMPLATE, REQUESTS, plan, "new.total")
    assert result.refused and result.values == ()
    assert result.message == (
        "粘贴的内容没有可填入的格子：1个值落在自动计算的合计格上，未填入（合计由各项相加）；1个值在表格之外，未填入"
    )


EXCEL_BLOCK = "3\t1\t\t0\t0\t2\t6\r\n1\t0\t0\t0\t0\t0\t1\r\n"


async def test_an_excel_block_pasted_at_80x24_fills_the_table_and_one_undo_reverts_it(
    empty_report: Path,
) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        report = controller(app).report
        await pilot.press("9")  # an edit under way is committed before the paste
        app.post_message(events.Paste(EXCEL_BLOCK))
        await pilot.pause()
        new = [report.entered("requests", f"new.{c}") for c in COLUMNS]
        carried = [report.entered("requests", f"carried_over.{c}") for c in COLUMNS]
        assert new == [3, 1, None, 0, 0, 2]  # the empty Excel cell left 科研机构 as it was
        assert carried == [1, 0, 0, 0, 0, 0]
        assert report.cell("requests", "new.total") == 6
        assert report.entered("requests", "new.total") is None  # computed, not stored
        assert g.cell_id == "carried_over.other" and g.mode is None and g.problem is None
        said = [str(n.message) for n in app._notifications]
        assert (
            said[-1]
            .replace("\n", "")
            .startswith("已粘贴11格（一·自然人 至 二·其他），Ctrl+Z 撤销整次粘贴；2个值落在")
        )
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [report.entered("requests", f"new.{c}") for c in COLUMNS] == [9, *[None] * 5]
        assert all(report.entered("requests", f"carried_over.{c}") is None for c in COLUMNS)
        await pilot.press("ctrl+y")  # redo: the whole paste again
        await pilot.pause()
        assert [report.entered("requests", f"carried_over.{c}") for c in COLUMNS] == carried
        await pilot.press("ctrl+z")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert report.entered("requests", "new.natural") is None
        assert controller(app).matches_saved()  # undone back to the file as loaded: nothing to save


async def test_a_refused_value_stops_the_paste_at_its_cell_and_says_why(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        ctrl = controller(app)
        app.post_message(events.Paste("1\t2\t3\r\n4\t-5\t6\r\n"))
        await pilot.pause()
        stored = {
            f"{r}.{c}": ctrl.report.entered("requests", f"{r}.{c}")
            for r in ("new", "carried_over")
            for c in COLUMNS
        }
        # read line by line, left to right: 1 2 3 and 4 are stored, -5 stops it, 6 is not pasted
        assert {k: v for k, v in stored.items() if v is not None} == {
            "new.natural": 1,
            "new.commercial": 2,
            "new.research": 3,
            "carried_over.natural": 4,
        }
        assert g.cell_id == "carried_over.commercial"
        assert g.problem is not None and g.problem.startswith("二·商业企业：“-5”是负数")
        page = editor(app).page
        assert page is not None
        assert "粘贴停在这一格，其后2个值未填入" in page.query_one("#cell-info", WrappedText).text.replace(
            "\n", ""
        )
        await pilot.press("ctrl+z")  # one undo takes back what the paste stored
        await pilot.pause()
        assert all(ctrl.report.entered("requests", k) is None for k in stored)
        assert ctrl.matches_saved()


async def test_one_pasted_value_is_typed_into_the_cell(empty_report: Path) -> None:
    app = make_app(empty_report)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        app.post_message(events.Paste("１，２３４\t\r\n"))  # one Excel cell: a tab and CR LF after it
        await pilot.pause()
        assert g.mode == "overwrite" and g.editor.buffer == "１，２３４"
        await pilot.press("enter")
        assert controller(app).report.entered("requests", "new.natural") == 1234


async def test_a_read_only_report_refuses_a_paste(full_copy: Path) -> None:
    app = ReportApp(EditSession.open(full_copy, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        before = controller(app).report.model_dump()
        app.post_message(events.Paste(EXCEL_BLOCK))
        await pilot.pause()
        assert controller(app).report.model_dump() == before
        assert g.problem == "报告以只读方式打开，不能修改"
