"""The grid widget: one table of the report, edited as in a spreadsheet.

Row labels stay on the left and column headers on top while the body scrolls. Typing a digit
starts overwriting the cell, Enter commits and moves down, Tab moves right, Esc cancels, F2 or
Enter edits in place, Delete clears (the keys are the BINDINGS below; F1 lists them and the
README's table is checked against them). Tab, Shift+Tab and Enter skip totals and go on to the
next row; the arrows reach every cell (``nav.py``). Input is parsed by the model (full-width
digits and thousands separators are accepted); anything else is refused with a message and never
stored. Computed cells are read-only and marked ``=``; cells with findings are marked ``!``
(error) or ``?`` (warning), so that nothing depends on colour alone.

This module ties the rooms of ``tui/grid/`` to Textual: the layout (``layout.py``), the scroll
and screen positions (``viewport.py``), the cell's line editor (``celledit.py``) and the painter
(``paint.py``). Only the cells that change are repainted, to keep each keystroke cheap over a
slow SSH link.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events
from textual.actions import SkipAction
from textual.binding import BindingType
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui_report.model.linebreak import cells
from tui_report.model.report import CellInputError, parse_cell_input
from tui_report.tui.controller import Controller
from tui_report.tui.grid import nav, paste, viewport
from tui_report.tui.grid.celledit import CellEditor, EditMode, edit_refusal, starts_a_number
from tui_report.tui.grid.keys import GRID_BINDINGS, GRID_HELP
from tui_report.tui.grid.layout import GridLayout, build_layout
from tui_report.tui.grid.paint import STYLE_NAMES, CellView, GridPainter, PaintState, cell_view


class CursorMoved(Message, namespace="table_grid"):
    """The cursor is on another cell, or the message about the current cell changed
    (``on_table_grid_cursor_moved``)."""

    def __init__(self, grid: TableGrid, cell_id: str, problem: str | None) -> None:
        super().__init__()
        self.grid = grid
        self.cell_id = cell_id
        self.problem = problem


class Committed(Message, namespace="table_grid"):
    """A cell (or several) changed in the report (``on_table_grid_committed``)."""

    def __init__(self, grid: TableGrid) -> None:
        super().__init__()
        self.grid = grid


def _region(box: viewport.Box | None) -> Region | None:
    return Region(box[0], box[1], box[2], 1) if box is not None else None


class TableGrid(Widget, can_focus=True):
    """The grid of one table."""

    # Run by on_key, in order with the digits typed around them (see grid/keys.py).
    BINDINGS: ClassVar[list[BindingType]] = GRID_BINDINGS
    HELP = GRID_HELP
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"table-grid--{name}" for name in STYLE_NAMES}

    DEFAULT_CSS = """
    TableGrid { height: 1fr; }
    """

    def __init__(self, controller: Controller, table: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.controller = controller
        self.table = table
        self.compiled = controller.report.tpl.table(table)
        self.glayout: GridLayout | None = None
        self._built_for = Size(0, 0)
        self.row = 0
        self.col = 0
        self.row_offset = 0
        self.x_offset = 0
        self.editor = CellEditor()
        self.problem: str | None = None
        self._shown: dict[str, CellView] = {}
        self._widest: dict[str, int] = {}
        self._painter = GridPainter(lambda name: self.get_component_rich_style(name, partial=False))
        self.marked: frozenset[str] = frozenset()  # see mark()

    @property
    def mode(self) -> EditMode | None:
        """How the cursor cell is being edited (``celledit.py``), None when it is not."""
        return self.editor.mode

    # ------------------------------------------------------------------ geometry
    def _build(self) -> None:
        width = max(self.size.width, 20)
        self._widest = {cid: cells(self.controller.display(self.table, cid)) for cid in self.compiled.order}
        self.glayout = build_layout(self.compiled, width, self._widest)
        self._built_for = self.size
        self._shown = {cid: self._view(cid) for cid in self.compiled.order}
        self.row = min(self.row, len(self.glayout.rows) - 1)
        self.col = min(self.col, len(self.glayout.rows[self.row].cells) - 1)
        # Not before the grid has its size: at 0x0 "in view" means one line, and a page mounted
        # again with its saved scroll position would come back scrolled to its cursor row.
        if self.size.area:
            self._scroll_to_cursor()

    def on_resize(self, event: events.Resize) -> None:
        # A page just shown was laid out at its first paint (render_lines): the Resize event that
        # follows that paint need not paint it again.
        if self.size != self._built_for:
            self._build()
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self.size != self._built_for:
            self._build()  # shown at a new size: laid out before its first paint, not after it
        return super().render_lines(crop)

    def on_mount(self) -> None:
        self._build()

    def notify_style_update(self) -> None:
        self._painter.forget_styles()
        super().notify_style_update()

    @property
    def cell_id(self) -> str:
        assert self.glayout is not None
        return self.glayout.rows[self.row].cells[self.col]

    def _cell_region(self, cell_id: str) -> Region | None:
        if self.glayout is None:
            return None
        return _region(
            viewport.cell_box(self.glayout, cell_id, (self.row_offset, self.x_offset), self.size.height)
        )

    def _label_region(self, row: int) -> Region | None:
        if self.glayout is None:
            return None
        return _region(viewport.label_box(self.glayout, row, self.row_offset, self.size.height))

    def _refresh_regions(self, *regions: Region | None) -> None:
        for region in regions:
            if region is not None:
                self.refresh(region)

    def _scroll_to_cursor(self) -> bool:
        """Bring the cursor into view; True when the view moved (needs a full repaint)."""
        if self.glayout is None:
            return False
        before = (self.row_offset, self.x_offset)
        self.row_offset, self.x_offset = viewport.scrolled_to(
            self.glayout, self.row, self.cell_id, before, (self.size.width, self.size.height)
        )
        return (self.row_offset, self.x_offset) != before

    # ------------------------------------------------------------------ cell state
    def _view(self, cell_id: str) -> CellView:
        # The table's values straight from the report: this runs for every cell after a commit.
        values = self.controller.report.values.get(self.table, {})
        return cell_view(self.compiled, values, self.controller.marks(self.table), cell_id)

    def refresh_cells(self) -> None:
        """Repaint the cells whose value or marker changed (after a commit, an undo, a fill)."""
        views = {cid: self._view(cid) for cid in self.compiled.order}  # each value formatted once
        widest = {cid: cells(view.text) for cid, view in views.items()}
        if any(widest[c] > self._widest.get(c, 0) and widest[c] + 3 > 6 for c in widest):
            old = self.glayout
            self._build()
            if old is None or self.glayout is None or old.col_w != self.glayout.col_w:
                self.refresh()
                return
        for cid, view in views.items():
            if self._shown.get(cid) != view:
                self._shown[cid] = view
                self._refresh_regions(self._cell_region(cid))

    def mark(self, cell_ids: Iterable[str] = ()) -> None:
        """Mark cells (the rest of the equation F3 landed on) until the next move or edit."""
        old, self.marked = self.marked, frozenset(cell_ids)
        self._refresh_regions(*(self._cell_region(c) for c in old ^ self.marked))

    # ------------------------------------------------------------------ painting
    def render_line(self, y: int) -> Strip:
        layout = self.glayout
        width = self.size.width
        if layout is None:
            return Strip.blank(width)
        line = viewport.line_at(layout, y, self.row_offset)
        if line is None:
            return Strip.blank(width, self._painter.style("cell"))
        state = PaintState(
            layout,
            self.row,
            self.cell_id if self.has_focus else None,
            self.editor.buffer if self.editor.editing else None,
            self.x_offset,
            self._shown,
            self.marked,
        )
        return self._painter.paint(line, width, state)

    # ------------------------------------------------------------------ cursor
    def _set_problem(self, problem: str | None) -> None:
        self.problem = problem
        self.post_message(CursorMoved(self, self.cell_id, problem))

    def move_to(self, row: int, col: int) -> None:
        layout = self.glayout
        if layout is None:
            return
        row = max(0, min(row, len(layout.rows) - 1))
        col = max(0, min(col, len(layout.rows[row].cells) - 1))
        if (row, col) == (self.row, self.col):
            return
        old_cell, old_row = self.cell_id, self.row
        self.row, self.col = row, col
        self.mark()
        if self._scroll_to_cursor():
            self.refresh()
        else:
            self._refresh_regions(self._cell_region(old_cell), self._cell_region(self.cell_id))
            if old_row != row:
                self._refresh_regions(self._label_region(old_row), self._label_region(row))
        self._set_problem(None)

    def go_to_cell(self, cell_id: str) -> None:
        if self.glayout is None:
            self._build()
        assert self.glayout is not None
        pos = self.glayout.position(cell_id)
        if pos is not None:
            self.cancel_edit()
            self.move_to(*pos)

    def _move_by_entry(self, step: int) -> None:
        """After a commit by Tab (1), Shift+Tab (-1) or Enter (0): the next input cell."""
        assert self.glayout is not None
        cells_ = self.compiled.cells
        target = nav.entry_target(self.glayout, self.row, self.col, step, lambda c: not cells_[c].computed)
        if target is not None:
            self.move_to(*target)

    # ------------------------------------------------------------------ editing
    def _refresh_cursor_cell(self) -> None:
        region = self._cell_region(self.cell_id)
        self._refresh_regions(region)
        if region is not None and self.editor.editing:
            # The terminal's cursor at the caret: an input method opens its window there.
            caret = region.x + 2 + cells(self.editor.before_caret)
            self.app.cursor_position = self.content_region.offset + Offset(caret, region.y)

    def _refuse_computed(self) -> bool:
        """A total or a read-only report: say why the cell cannot be typed into (True)."""
        cell = self.compiled.cells[self.cell_id]
        formula = self.controller.formula(self.table, cell) if cell.computed else ""
        refusal = edit_refusal(cell, self.controller.read_only, formula)
        if refusal is not None:
            self._set_problem(refusal)
        return refusal is not None

    def start_edit(self, text: str | None = None) -> None:
        """Start editing the current cell: with ``text`` overwrite, else edit the value in place."""
        if self._refuse_computed():
            return
        self.mark()
        if text is None:
            self.editor.edit_in_place(self.controller.display(self.table, self.cell_id))
        else:
            self.editor.overwrite(text)
        self._refresh_cursor_cell()
        if self.problem:
            self._set_problem(None)

    def cancel_edit(self) -> None:
        if not self.editor.editing:
            return
        self.editor.cancel()
        self._refresh_cursor_cell()
        self._set_problem(None)

    def commit(self) -> bool:
        """Store the edited value; False (and a message) when the input is refused."""
        if not self.editor.editing:
            return True
        cell = self.compiled.cells[self.cell_id]
        try:
            value = parse_cell_input(self.editor.buffer, self.controller.report.tpl.kind(cell.kind))
        except CellInputError as exc:
            self._set_problem(f"{cell.name}：{exc}，未保存")
            self.app.bell()
            return False
        self.editor.finish()
        if self.controller.set_cell(self.table, self.cell_id, value):
            self.post_message(Committed(self))
        self._shown[self.cell_id] = self._view(self.cell_id)
        self._refresh_cursor_cell()
        self.refresh_cells()
        self._set_problem(None)
        return True

    def clear_cell(self) -> None:
        self.mark()
        computed = self.compiled.cells[self.cell_id].computed and not self.controller.read_only
        if computed and self.controller.use_computed_totals(self.table, [self.cell_id]):
            # A stored total that disagrees with its parts: Delete takes the computed sum (#21).
            self.post_message(Committed(self))
            self.refresh_cells()
            return
        if self._refuse_computed():
            return
        if self.controller.set_cell(self.table, self.cell_id, None):
            self.post_message(Committed(self))
        self.refresh_cells()

    # ------------------------------------------------------------------ keys
    async def on_key(self, event: events.Key) -> None:
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.node is self:
            if active.binding.action == "cancel" and not self.editor.editing:
                return  # Esc outside an edit goes up one level (to the section list)
            event.stop()
            event.prevent_default()
            await self.run_action(active.binding.action)
            return
        char = event.character
        if not event.is_printable or char is None:
            return
        event.stop()
        event.prevent_default()
        self._type(char)

    def _type(self, text: str) -> None:
        if self.editor.editing:
            self.editor.insert(text)
            self._refresh_cursor_cell()
        elif starts_a_number(text):
            self.start_edit(text)
        elif not self._refuse_computed():
            cell = self.compiled.cells[self.cell_id]
            self._set_problem(f"{cell.name}：只能填写数字，“{text}”未保存")
            self.app.bell()

    def on_paste(self, event: events.Paste) -> None:
        # One value is typed into the cell; a block of cells goes on to the page (TablePage).
        value = paste.one_value(paste.pasted_rows(event.text))
        if value is None:
            return
        event.stop()
        if self.editor.editing or not self._refuse_computed():
            if not self.editor.editing:
                self.editor.overwrite()
            self._type(value)

    def action_enter(self) -> None:
        if not self.editor.editing:
            self.start_edit()
        elif self.commit():
            self._move_by_entry(0)

    def action_edit(self) -> None:
        if not self.editor.editing:
            self.start_edit()

    def action_tab(self) -> None:
        if self.commit():
            self._move_by_entry(1)

    def action_backtab(self) -> None:
        if self.commit():
            self._move_by_entry(-1)

    def action_move(self, drow: int, dcol: int) -> None:
        """Up and Down (and any binding that moves by rows and columns): commit, then move."""
        if not self.commit():
            return
        layout = self.glayout
        assert layout is not None
        target = nav.vertical(layout, self.row, self.col, drow) if drow else (self.row, self.col)
        if target is not None:
            self.move_to(target[0], target[1] + dcol)

    def _arrow(self, caret_move: str, col: int) -> None:
        """Left, Right, Home, End: move the caret when editing in place, else commit and go to
        column ``col`` of this row."""
        if self.editor.arrows_move_caret:
            getattr(self.editor, f"caret_{caret_move}")()
            self._refresh_cursor_cell()
        elif self.commit():
            self.move_to(self.row, col)

    def action_left(self) -> None:
        self._arrow("left", self.col - 1)

    def action_right(self) -> None:
        self._arrow("right", self.col + 1)

    def action_home(self) -> None:
        self._arrow("home", 0)

    def action_end(self) -> None:
        assert self.glayout is not None
        self._arrow("end", len(self.glayout.rows[self.row].cells) - 1)

    def action_first_row(self) -> None:
        if self.commit():
            self.move_to(0, self.col)

    def action_last_row(self) -> None:
        if self.commit():
            assert self.glayout is not None
            self.move_to(len(self.glayout.rows) - 1, self.col)

    def action_cancel(self) -> None:
        if not self.editor.editing:
            # Not editing: let Esc go up one level (to the section list).
            raise SkipAction()
        self.cancel_edit()

    def action_clear(self) -> None:
        if not self.editor.editing:
            self.clear_cell()
        elif self.editor.delete_right():
            self._refresh_cursor_cell()

    def action_backspace(self) -> None:
        if not self.editor.editing:
            self.clear_cell()
        elif self.editor.delete_left():
            self._refresh_cursor_cell()

    def on_focus(self) -> None:
        self._refresh_regions(self._cell_region(self.cell_id) if self.glayout else None)
        if self.glayout is not None:
            self._set_problem(self.problem)

    def on_blur(self) -> None:
        if not self.commit():
            self.cancel_edit()
        if self.glayout is not None:
            self._refresh_regions(self._cell_region(self.cell_id))

    def on_click(self, event: events.Click) -> None:
        if self.glayout is None:
            return
        target = viewport.cell_at(self.glayout, event.x, event.y, (self.row_offset, self.x_offset))
        if target is not None and self.commit():
            self.move_to(*target)

    def get_content_height(self, container: Size, viewport_size: Size, width: int) -> int:
        layout = self.glayout
        if layout is None:
            return container.height
        return len(layout.head) + len(layout.body)
