"""A spreadsheet-like grid for one table of the report.

Row labels stay on the left and column headers on top while the body scrolls. Keys work as in a
spreadsheet: typing a digit starts overwriting the cell, Enter commits and moves down, Tab moves
right, Esc cancels, F2 or Enter edits in place, Delete clears. Tab, Shift+Tab and Enter skip
totals (and go on to the next row); arrows reach every cell (:mod:`tui_report.tui.gridnav`). Input is parsed by the model
(full-width digits and thousands separators are accepted); anything else is refused with a message
and never stored. Computed cells are read-only and marked ``=``; cells with findings are marked
``!`` (error) or ``?`` (warning), so that nothing depends on colour alone.

Only the cells that change are repainted, to keep each keystroke cheap over a slow SSH link.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from tui_report.model.report import CellInputError, cell_value, format_value, parse_cell_input
from tui_report.tui import gridnav
from tui_report.tui.controller import Controller
from tui_report.tui.gridmodel import GridLayout, Line, build_layout
from tui_report.tui.widgets.gridpaint import MARK_CHARS, CellView, GridPainter, PaintState

# Characters that start an overwrite when typed on a cell (ASCII and full-width, from an IME).
NUMBER_START = set("0123456789.-+") | {chr(0xFF10 + i) for i in range(10)} | set("．－＋")


class TableGrid(Widget, can_focus=True):
    """The grid of one table.

    | Key(s) | Description |
    | :- | :- |
    | digits | start overwriting the cell |
    | enter | edit in place; while editing: commit and move down to the next input cell |
    | f2 | edit in place |
    | tab / shift+tab | commit and move to the next / previous input cell (across rows) |
    | arrows | move (commit first while overwriting) |
    | escape | cancel the edit |
    | delete | clear the cell |
    | home / end | first / last cell of the row |
    | ctrl+home / ctrl+end | first / last row |
    """

    # Run by on_key, in order with the digits typed around them (fast typing, a paste, tmux): a
    # binding left to Textual runs when the key reaches the app (priority: at once, ahead of the
    # digits still queued here; otherwise after bubbling up, behind later digits). Looked up
    # through the screen's active bindings, so App.set_keymap remaps them by their ids.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter", "确认/编辑", key_display="Enter", id="grid.enter", show=False),
        Binding("f2", "edit", "编辑单元格", key_display="F2", id="grid.edit", show=False),
        Binding("tab", "tab", "确认并右移", key_display="Tab", id="grid.tab", show=False),
        Binding(
            "shift+tab",
            "backtab",
            "确认并左移",
            key_display="Shift+Tab",
            id="grid.backtab",
            show=False,
        ),
        Binding("up", "move(-1, 0)", "上移", key_display="Up", id="grid.up", show=False),
        Binding("down", "move(1, 0)", "下移", key_display="Down", id="grid.down", show=False),
        Binding("left", "left", "左移", key_display="Left", id="grid.left", show=False),
        Binding("right", "right", "右移", key_display="Right", id="grid.right", show=False),
        Binding("home", "home", "行首", key_display="Home", id="grid.home", show=False),
        Binding("end", "end", "行尾", key_display="End", id="grid.end", show=False),
        Binding(
            "ctrl+home",
            "first_row",
            "第一行",
            key_display="Ctrl+Home",
            id="grid.first_row",
            show=False,
        ),
        Binding(
            "ctrl+end",
            "last_row",
            "最后一行",
            key_display="Ctrl+End",
            id="grid.last_row",
            show=False,
        ),
        Binding("escape", "cancel", "取消编辑", key_display="Esc", id="grid.cancel", show=False),
        Binding("delete", "clear", "清空单元格", key_display="Del", id="grid.clear", show=False),
        Binding(
            "backspace",
            "backspace",
            "删除一字/清空",
            key_display="Backspace",
            id="grid.backspace",
            show=False,
        ),
    ]
    HELP = (
        "表格：直接输入数字即开始改写当前格，Enter 确认并下移，Tab 确认并右移，Esc 取消。"
        "F2 或 Enter 在原值上修改，Del 清空。全角数字（１２）和千位分隔符会自动转换。"
        "标 = 的格是自动计算的合计，不能填写；标 ! 的格有错误，标 ? 的格有警告。"
    )

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "table-grid--label",
        "table-grid--label-current",
        "table-grid--header",
        "table-grid--caption",
        "table-grid--corner",
        "table-grid--cell",
        "table-grid--computed",
        "table-grid--error",
        "table-grid--warning",
        "table-grid--cursor",
        "table-grid--editing",
    }

    DEFAULT_CSS = """
    TableGrid { height: 1fr; }
    """

    class CursorMoved(Message):
        """The cursor is on another cell, or the message about the current cell changed."""

        def __init__(self, grid: TableGrid, cell_id: str, problem: str | None) -> None:
            super().__init__()
            self.grid = grid
            self.cell_id = cell_id
            self.problem = problem

    class Committed(Message):
        """A cell (or several) changed in the report."""

        def __init__(self, grid: TableGrid) -> None:
            super().__init__()
            self.grid = grid

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
        # None = not editing; "enter" = overwrite started by typing; "edit" = F2/Enter in place.
        self.mode: str | None = None
        self.buffer = ""
        self.caret = 0
        self.problem: str | None = None
        self._shown: dict[str, CellView] = {}
        self._widest: dict[str, int] = {}
        self._styles: dict[str, Style] = {}
        self._painter = GridPainter(self._style)

    # ------------------------------------------------------------------ geometry
    def _build(self) -> None:
        width = max(self.size.width, 20)
        self._widest = {
            cid: cell_len(self.controller.display(self.table, cid)) for cid in self.compiled.order
        }
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
        self._styles = {}
        super().notify_style_update()

    @property
    def head_height(self) -> int:
        return len(self.glayout.head) if self.glayout else 0

    @property
    def body_height(self) -> int:
        return max(1, self.size.height - self.head_height)

    @property
    def cell_id(self) -> str:
        assert self.glayout is not None
        return self.glayout.rows[self.row].cells[self.col]

    def _cell_region(self, cell_id: str) -> Region | None:
        layout = self.glayout
        if layout is None:
            return None
        pos = layout.position(cell_id)
        if pos is None:
            return None
        line = layout.rows[pos[0]].line
        y = self.head_height + line - self.row_offset
        if not self.head_height <= y < self.size.height:
            return None
        x, w = layout.cell_box[cell_id]
        x = layout.label_width + x - self.x_offset
        if x < layout.label_width:
            return None
        return Region(x, y, w, 1)

    def _label_region(self, row: int) -> Region | None:
        if self.glayout is None or not 0 <= row < len(self.glayout.rows):
            return None
        y = self.head_height + self.glayout.rows[row].line - self.row_offset
        if not self.head_height <= y < self.size.height:
            return None
        return Region(0, y, self.glayout.label_width, 1)

    def _refresh_regions(self, *regions: Region | None) -> None:
        for region in regions:
            if region is not None:
                self.refresh(region)

    def _scroll_to_cursor(self) -> bool:
        """Bring the cursor into view; True when the view moved (needs a full repaint)."""
        layout = self.glayout
        if layout is None:
            return False
        moved = False
        line = layout.rows[self.row].line
        top = self.row_offset
        if line < top:
            self.row_offset = line
        elif line >= top + self.body_height:
            self.row_offset = line - self.body_height + 1
        # Show the head of a block (caption, headers) when moving up to its first row.
        if self.row_offset and self.row_offset == line:
            start = line
            while start > 0 and layout.body[start - 1].row is None:
                start -= 1
            if line - start < self.body_height:
                self.row_offset = start
        moved = moved or self.row_offset != top
        x, w = layout.cell_box[self.cell_id]
        room = max(1, self.size.width - layout.label_width)
        old_x = self.x_offset
        if x < self.x_offset:
            self.x_offset = x
        elif x + w > self.x_offset + room:
            self.x_offset = min(x, x + w - room)
            # Snap to a column start so cells are never cut on the left.
            starts = [cx for cx in layout.col_x if cx <= self.x_offset]
            candidates = [cx for cx in layout.col_x if cx >= self.x_offset]
            self.x_offset = candidates[0] if candidates else (starts[-1] if starts else 0)
        return moved or self.x_offset != old_x

    # ------------------------------------------------------------------ cell state
    def _view(self, cell_id: str) -> CellView:
        cell = self.compiled.cells[cell_id]
        mark = self.controller.marks(self.table).get(cell_id)
        char = MARK_CHARS[mark.severity] if mark else ("=" if cell.computed else " ")
        # The table's values straight from the report: this runs for every cell after a commit.
        values = self.controller.report.values.get(self.table, {})
        return CellView(format_value(cell_value(self.compiled, values, cell)), char, cell.computed)

    def refresh_cells(self) -> None:
        """Repaint the cells whose value or marker changed (after a commit, an undo, a fill)."""
        views = {cid: self._view(cid) for cid in self.compiled.order}  # each value formatted once
        widest = {cid: cell_len(view.text) for cid, view in views.items()}
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

    # ------------------------------------------------------------------ painting
    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(f"table-grid--{name}", partial=False)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        layout = self.glayout
        width = self.size.width
        if layout is None:
            return Strip.blank(width)
        if y < self.head_height:
            line: Line | None = layout.head[y]
        else:
            index = self.row_offset + y - self.head_height
            line = layout.body[index] if index < len(layout.body) else None
        if line is None:
            return Strip.blank(width, self._style("cell"))
        state = PaintState(
            layout,
            self.row,
            self.cell_id if self.has_focus else None,
            self.buffer if self.mode is not None else None,
            self.x_offset,
            self._shown,
        )
        return self._painter.paint(line, width, state)

    # ------------------------------------------------------------------ cursor
    def _set_problem(self, problem: str | None) -> None:
        self.problem = problem
        self.post_message(self.CursorMoved(self, self.cell_id, problem))

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

    def _vertical(self, delta: int) -> None:
        """Move to the next row, keeping the column position as near as the row allows."""
        layout = self.glayout
        assert layout is not None
        target = gridnav.vertical(layout, self.row, self.col, delta)
        if target is not None:
            self.move_to(*target)

    def _is_input(self, cell_id: str) -> bool:
        return not self.compiled.cells[cell_id].computed

    def _entry_move(self, target: tuple[int, int] | None) -> None:
        if target is not None:
            self.move_to(*target)

    # ------------------------------------------------------------------ editing
    def _refresh_cursor_cell(self) -> None:
        self._refresh_regions(self._cell_region(self.cell_id))
        self._place_ime_cursor()

    def _place_ime_cursor(self) -> None:
        region = self._cell_region(self.cell_id)
        if region is None or self.mode is None:
            return
        offset = self.content_region.offset + Offset(
            region.x + 2 + cell_len(self.buffer[: self.caret]), region.y
        )
        self.app.cursor_position = offset

    def _refuse_computed(self) -> bool:
        cell = self.compiled.cells[self.cell_id]
        if cell.computed:
            self._set_problem(
                f"{cell.name} 是自动计算的合计，不能填写（{self.controller.formula(self.table, cell)}）"
            )
            return True
        if self.controller.read_only:
            self._set_problem("报告以只读方式打开，不能修改")
            return True
        return False

    def start_edit(self, text: str | None = None) -> None:
        """Start editing the current cell: with ``text`` overwrite, else edit the value in place."""
        if self._refuse_computed():
            return
        if text is None:
            self.mode = "edit"
            self.buffer = self.controller.display(self.table, self.cell_id)
        else:
            self.mode = "enter"
            self.buffer = text
        self.caret = len(self.buffer)
        self._refresh_cursor_cell()
        if self.problem:
            self._set_problem(None)

    def cancel_edit(self) -> None:
        if self.mode is None:
            return
        self.mode = None
        self.buffer = ""
        self._refresh_cursor_cell()
        self._set_problem(None)

    def commit(self) -> bool:
        """Store the edited value; False (and a message) when the input is refused."""
        if self.mode is None:
            return True
        cell = self.compiled.cells[self.cell_id]
        try:
            value = parse_cell_input(self.buffer, self.controller.report.tpl.kind(cell.kind))
        except CellInputError as exc:
            self._set_problem(f"{cell.name}：{exc}，未保存")
            self.app.bell()
            return False
        self.mode = None
        self.buffer = ""
        if self.controller.set_cell(self.table, self.cell_id, value):
            self.post_message(self.Committed(self))
        self._shown[self.cell_id] = self._view(self.cell_id)
        self._refresh_cursor_cell()
        self.refresh_cells()
        self._set_problem(None)
        return True

    def clear_cell(self) -> None:
        if (
            not self.controller.read_only
            and self.compiled.cells[self.cell_id].computed
            and self.controller.use_computed_totals(self.table, [self.cell_id])
        ):  # a stored total that disagrees with its parts: Delete takes the computed sum (#21)
            self.post_message(self.Committed(self))
            self.refresh_cells()
            return
        if self._refuse_computed():
            return
        if self.controller.set_cell(self.table, self.cell_id, None):
            self.post_message(self.Committed(self))
        self.refresh_cells()

    # ------------------------------------------------------------------ keys
    async def on_key(self, event: events.Key) -> None:
        active = self.screen.active_bindings.get(event.key)
        if active is not None and active.node is self:
            if active.binding.action == "cancel" and self.mode is None:
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
        if self.mode is None:
            if text[0] in NUMBER_START:
                self.start_edit(text)
            else:
                cell = self.compiled.cells[self.cell_id]
                if not self._refuse_computed():
                    self._set_problem(f"{cell.name}：只能填写数字，“{text}”未保存")
                    self.app.bell()
            return
        self.buffer = self.buffer[: self.caret] + text + self.buffer[self.caret :]
        self.caret += len(text)
        self._refresh_cursor_cell()

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = event.text.strip().splitlines()[0] if event.text.strip() else ""
        if not text:
            return
        if self.mode is None:
            if self._refuse_computed():
                return
            self.mode, self.buffer, self.caret = "enter", "", 0
        self._type(text)

    def action_enter(self) -> None:
        if self.mode is None:
            self.start_edit()
        elif self.commit():
            assert self.glayout is not None
            self._entry_move(gridnav.next_input_down(self.glayout, self.row, self.col, self._is_input))

    def action_edit(self) -> None:
        if self.mode is None:
            self.start_edit()

    def action_tab(self) -> None:
        if not self.commit():
            return
        assert self.glayout is not None
        self._entry_move(gridnav.next_input(self.glayout, self.row, self.col, 1, self._is_input))

    def action_backtab(self) -> None:
        if not self.commit():
            return
        assert self.glayout is not None
        self._entry_move(gridnav.next_input(self.glayout, self.row, self.col, -1, self._is_input))

    def action_move(self, drow: int, dcol: int) -> None:
        if self.mode is not None and not self.commit():
            return
        self._vertical(drow)

    def action_left(self) -> None:
        if self.mode == "edit":
            self.caret = max(0, self.caret - 1)
            self._refresh_cursor_cell()
            return
        if self.mode == "enter" and not self.commit():
            return
        self.move_to(self.row, self.col - 1)

    def action_right(self) -> None:
        if self.mode == "edit":
            self.caret = min(len(self.buffer), self.caret + 1)
            self._refresh_cursor_cell()
            return
        if self.mode == "enter" and not self.commit():
            return
        self.move_to(self.row, self.col + 1)

    def action_home(self) -> None:
        if self.mode == "edit":
            self.caret = 0
            self._refresh_cursor_cell()
        elif self.mode is None or self.commit():
            self.move_to(self.row, 0)

    def action_end(self) -> None:
        if self.mode == "edit":
            self.caret = len(self.buffer)
            self._refresh_cursor_cell()
        elif self.mode is None or self.commit():
            assert self.glayout is not None
            self.move_to(self.row, len(self.glayout.rows[self.row].cells) - 1)

    def action_first_row(self) -> None:
        if self.mode is None or self.commit():
            self.move_to(0, self.col)

    def action_last_row(self) -> None:
        if self.mode is None or self.commit():
            assert self.glayout is not None
            self.move_to(len(self.glayout.rows) - 1, self.col)

    def action_cancel(self) -> None:
        if self.mode is None:
            # Not editing: let Esc go up one level (to the section list).
            raise SkipAction()
        self.cancel_edit()

    def action_clear(self) -> None:
        if self.mode is not None:
            if self.caret < len(self.buffer):
                self.buffer = self.buffer[: self.caret] + self.buffer[self.caret + 1 :]
                self._refresh_cursor_cell()
            return
        self.clear_cell()

    def action_backspace(self) -> None:
        if self.mode is None:
            self.clear_cell()
            return
        if self.caret > 0:
            self.buffer = self.buffer[: self.caret - 1] + self.buffer[self.caret :]
            self.caret -= 1
            self._refresh_cursor_cell()

    def on_focus(self) -> None:
        self._refresh_regions(self._cell_region(self.cell_id) if self.glayout else None)
        if self.glayout is not None:
            self._set_problem(self.problem)

    def on_blur(self) -> None:
        if self.mode is not None and not self.commit():
            self.cancel_edit()
        if self.glayout is not None:
            self._refresh_regions(self._cell_region(self.cell_id))

    def on_click(self, event: events.Click) -> None:
        layout = self.glayout
        if layout is None:
            return
        if event.y < self.head_height:
            return
        line_index = self.row_offset + event.y - self.head_height
        if line_index >= len(layout.body):
            return
        row = layout.body[line_index].row
        if row is None:
            return
        x = event.x - layout.label_width + self.x_offset
        for j, cid in enumerate(layout.rows[row].cells):
            cx, cw = layout.cell_box[cid]
            if cx <= x < cx + cw:
                if self.mode is None or self.commit():
                    self.move_to(row, j)
                return

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        layout = self.glayout
        if layout is None:
            return container.height
        return len(layout.head) + len(layout.body)
