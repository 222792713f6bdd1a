"""The grid's rooms without a terminal: the cell editor's modes and the viewport."""

from __future__ import annotations

import pytest

from tui_report.model.report import Report
from tui_report.tui.grid import nav, viewport
from tui_report.tui.grid.celledit import CellEditor, edit_refusal, starts_a_number
from tui_report.tui.grid.layout import build_layout


def test_overwrite_replaces_and_in_place_edits_at_the_caret() -> None:
    editor = CellEditor()
    assert not editor.editing
    editor.overwrite("1")
    editor.insert("2")
    assert editor.mode == "overwrite" and (editor.buffer, editor.caret) == ("12", 2)
    assert not editor.arrows_move_caret  # the arrows commit and move the cursor
    assert editor.finish() == "12" and not editor.editing

    editor.edit_in_place("4068")
    assert editor.arrows_move_caret
    editor.caret_left()
    editor.caret_left()
    editor.insert(".")
    assert editor.buffer == "40.68" and editor.before_caret == "40."
    editor.caret_home()
    assert not editor.delete_left() and editor.delete_right()
    assert editor.buffer == "0.68"
    editor.caret_end()
    assert not editor.delete_right() and editor.delete_left()
    assert editor.buffer == "0.6" and editor.caret == 3
    editor.cancel()
    assert not editor.editing and (editor.buffer, editor.caret) == ("", 0)


@pytest.mark.parametrize(
    ("text", "starts"), [("7", True), ("-", True), ("７", True), ("．", True), ("a", False), ("", False)]
)
def test_what_starts_a_number(text: str, starts: bool) -> None:
    assert starts_a_number(text) is starts


def test_a_total_and_a_read_only_report_refuse_typing(full: Report) -> None:
    table = full.tpl.table("requests")
    total = table.cells["new.total"]
    assert "自动计算的合计" in (edit_refusal(total, False, "自动计算：…") or "")
    assert "只读" in (edit_refusal(table.cells["new.natural"], True, "") or "")
    assert edit_refusal(table.cells["new.natural"], False, "") is None


def test_viewport_scrolls_to_the_cursor_and_finds_cells(full: Report) -> None:
    table = full.tpl.table("requests")
    layout = build_layout(table, 80)
    size = (80, 12)
    last = len(layout.rows) - 1
    cell = layout.rows[last].cells[-1]
    row_offset, x_offset = viewport.scrolled_to(layout, last, cell, (0, 0), size)
    assert row_offset > 0  # the last row is below a 12-line view
    box = viewport.cell_box(layout, cell, (row_offset, x_offset), size[1])
    assert box is not None
    x, y, _ = box
    assert viewport.cell_at(layout, x, y, (row_offset, x_offset)) == (last, len(layout.rows[last].cells) - 1)
    # Scrolled back to the top, the last row is out of sight; the first row's label is on line head.
    assert viewport.cell_box(layout, cell, (0, 0), size[1]) is None
    assert viewport.label_box(layout, 0, 0, size[1]) == (
        0,
        len(layout.head) + layout.rows[0].line,
        layout.label_width,
    )
    assert viewport.line_at(layout, 0, 0) is layout.head[0]


def test_up_and_down_keep_the_column(full: Report) -> None:
    layout = build_layout(full.tpl.table("requests"), 80)
    assert nav.vertical(layout, 0, 2, 1) == (1, 2)
    assert nav.vertical(layout, 0, 2, -1) is None
