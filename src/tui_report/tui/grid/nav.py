"""Where the cursor of a table grid goes on each key (no Textual here: tested without a terminal).

Arrows go to any cell, totals included, so that an operator can read how a total is computed.
Tab, Shift+Tab and Enter are the keys of entry: they skip computed cells and rows with no input
cell at all (such as the all-computed （七）总计 row), and Tab at a row's last input cell goes on to
the first input cell of the next row.
"""

from __future__ import annotations

from collections.abc import Callable

from tui_report.tui.grid.layout import GridLayout

Position = tuple[int, int]
IsInput = Callable[[str], bool]


def column_near(layout: GridLayout, row: int, x: int) -> int:
    """The cell of ``row`` under screen column ``x`` (value area), or the nearest one left of it."""
    best = 0
    for j, cid in enumerate(layout.rows[row].cells):
        cx, cw = layout.cell_box[cid]
        if cx <= x < cx + cw:
            return j
        if cx <= x:
            best = j
    return best


def vertical(layout: GridLayout, row: int, col: int, delta: int) -> Position | None:
    """One row up or down (any cell), keeping the column as near as the row allows."""
    target = row + delta
    if not 0 <= target < len(layout.rows):
        return None
    x, _ = layout.cell_box[layout.rows[row].cells[col]]
    return target, column_near(layout, target, x)


def next_input_down(layout: GridLayout, row: int, col: int, is_input: IsInput) -> Position | None:
    """Enter: the next row down whose cell in this column takes input."""
    x, _ = layout.cell_box[layout.rows[row].cells[col]]
    for target in range(row + 1, len(layout.rows)):
        j = column_near(layout, target, x)
        if is_input(layout.rows[target].cells[j]):
            return target, j
    return None


def next_input(layout: GridLayout, row: int, col: int, step: int, is_input: IsInput) -> Position | None:
    """Tab (``step`` 1) / Shift+Tab (-1): the next input cell in reading order, across rows."""
    r, c = row, col + step
    while 0 <= r < len(layout.rows):
        cells = layout.rows[r].cells
        while 0 <= c < len(cells):
            if is_input(cells[c]):
                return r, c
            c += step
        r += step
        if 0 <= r < len(layout.rows):
            c = 0 if step > 0 else len(layout.rows[r].cells) - 1
    return None


def entry_target(layout: GridLayout, row: int, col: int, step: int, is_input: IsInput) -> Position | None:
    """After a commit by Tab (``step`` 1), Shift+Tab (-1) or Enter (0: down): the next input cell."""
    if step == 0:
        return next_input_down(layout, row, col, is_input)
    return next_input(layout, row, col, step, is_input)
