"""What part of a grid's layout the screen shows: scrolling to the cursor, and where a cell or a
row label is on the screen (plain Python: tested without a terminal).

The head (column headers) stays on top and the labels on the left; the body scrolls by whole
lines (``row_offset``) and the value area sideways by cells (``x_offset``, always at a column's
start, so that no cell is cut on the left). Screen positions are relative to the widget.
"""

from __future__ import annotations

from tui_report.tui.grid.layout import GridLayout, Line

Box = tuple[int, int, int]  # x, y, width of a one-line box on the screen
Position = tuple[int, int]  # (row, column) of a cell in GridLayout.rows


def body_height(layout: GridLayout, height: int) -> int:
    """Lines left for the body below the head (at least one)."""
    return max(1, height - len(layout.head))


def scrolled_to(
    layout: GridLayout, row: int, cell_id: str, offsets: tuple[int, int], size: tuple[int, int]
) -> tuple[int, int]:
    """The (row_offset, x_offset) that bring the cell at ``row`` into a view of ``size`` (width,
    height) scrolled to ``offsets``, moving as little as possible."""
    row_offset, x_offset = offsets
    width, height = size
    lines = body_height(layout, height)
    line = layout.rows[row].line
    if line < row_offset:
        row_offset = line
    elif line >= row_offset + lines:
        row_offset = line - lines + 1
    # Show the head of a block (caption, headers) when moving up to its first row.
    if row_offset and row_offset == line:
        start = line
        while start > 0 and layout.body[start - 1].row is None:
            start -= 1
        if line - start < lines:
            row_offset = start
    x, w = layout.cell_box[cell_id]
    room = max(1, width - layout.label_width)
    if x < x_offset:
        x_offset = x
    elif x + w > x_offset + room:
        wanted = min(x, x + w - room)
        # Snap to a column start so cells are never cut on the left.
        after = [cx for cx in layout.col_x if cx >= wanted]
        before = [cx for cx in layout.col_x if cx <= wanted]
        x_offset = after[0] if after else (before[-1] if before else 0)
    return row_offset, x_offset


def cell_box(layout: GridLayout, cell_id: str, offsets: tuple[int, int], height: int) -> Box | None:
    """Where ``cell_id`` is on the screen, or None when it is scrolled out of sight."""
    pos = layout.position(cell_id)
    if pos is None:
        return None
    row_offset, x_offset = offsets
    y = len(layout.head) + layout.rows[pos[0]].line - row_offset
    if not len(layout.head) <= y < height:
        return None
    x, w = layout.cell_box[cell_id]
    x = layout.label_width + x - x_offset
    if x < layout.label_width:
        return None
    return x, y, w


def label_box(layout: GridLayout, row: int, row_offset: int, height: int) -> Box | None:
    """Where the label of ``row`` is on the screen, or None when out of sight."""
    if not 0 <= row < len(layout.rows):
        return None
    y = len(layout.head) + layout.rows[row].line - row_offset
    if not len(layout.head) <= y < height:
        return None
    return 0, y, layout.label_width


def cell_at(layout: GridLayout, x: int, y: int, offsets: tuple[int, int]) -> Position | None:
    """The cell under the screen position (x, y) (a mouse click), or None."""
    row_offset, x_offset = offsets
    if y < len(layout.head):
        return None
    index = row_offset + y - len(layout.head)
    if index >= len(layout.body):
        return None
    row = layout.body[index].row
    if row is None:
        return None
    value_x = x - layout.label_width + x_offset
    for j, cid in enumerate(layout.rows[row].cells):
        cx, cw = layout.cell_box[cid]
        if cx <= value_x < cx + cw:
            return row, j
    return None


def line_at(layout: GridLayout, y: int, row_offset: int) -> Line | None:
    """The layout line shown at screen line ``y`` (the head, then the body from ``row_offset``),
    or None below the last one."""
    if y < len(layout.head):
        return layout.head[y]
    index = row_offset + y - len(layout.head)
    return layout.body[index] if index < len(layout.body) else None
