"""A table step: the title, the grid, and a status line with the full labels of the cell.

A block of cells pasted from a spreadsheet (the grid types a single value itself and lets a
block bubble up here) is stored as one undoable change: where each value goes and what is
refused is decided in ``tui/grid/paste.py``."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.widgets import Static

from tui_report.model.linebreak import cells, clip, wrap
from tui_report.model.progress import Step
from tui_report.model.report import format_value
from tui_report.model.rules import Finding, Location
from tui_report.model.severities import SEVERITY_LABELS
from tui_report.tui.controller import Controller
from tui_report.tui.grid import paste
from tui_report.tui.grid.celledit import READ_ONLY
from tui_report.tui.grid.widget import Committed, CursorMoved, TableGrid
from tui_report.tui.plain import plain_line
from tui_report.tui.widgets.page import Page, PageView
from tui_report.tui.widgets.wrapped import WrappedText


@dataclass(frozen=True)
class GridView:
    """The grid's cursor and scroll position. An unfinished cell edit is not kept here: leaving
    the page commits it (flush), and a text the model refuses is dropped when the grid loses the
    focus, with its message (TableGrid.on_blur), whether the page stays mounted or not."""

    row: int
    col: int
    row_offset: int
    x_offset: int


class TablePage(Page):
    NEEDS = ("TableGrid", "#cell-where", "#cell-info")
    HELP = TableGrid.HELP

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(controller, step)
        self.table = controller.report.tpl.table(step.target)
        self._status: tuple[str, str] = ("", "")
        # The finding F3 landed here for: (cell, message, severity), until the cursor moves.
        self._pointed: tuple[str, str, str] | None = None

    def compose(self) -> ComposeResult:
        section = next(s for s in self.controller.report.tpl.sections if s.key == self.step.section)
        yield Static(plain_line(section.heading), classes="page-title")
        grid = TableGrid(self.controller, self.step.target, id="grid")
        saved = self.saved_view.extra if self.saved_view is not None else None
        if isinstance(saved, GridView):  # before mounting: the first paint shows it
            grid.row, grid.col = saved.row, saved.col
            grid.row_offset, grid.x_offset = saved.row_offset, saved.x_offset
        yield grid
        # Shown whole (wrapped, as many lines as needed): where the cursor is, and what is wrong
        # there or how the cell is computed. The second keeps the height of its longest message
        # while the page is shown, so that moving off a long message does not repaint the grid.
        yield WrappedText("", id="cell-where", classes="status")
        yield WrappedText("", id="cell-info", classes="status", keep_height=True)

    @property
    def grid(self) -> TableGrid:
        return self.query_one(TableGrid)

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_status)

    def on_table_grid_cursor_moved(self, event: CursorMoved) -> None:
        self.show_status()

    def on_paste(self, event: events.Paste) -> None:
        """A block pasted on the grid: the values from the cursor rightwards and down, up to a
        value a cell refuses (the paste stops there and says why, at that cell); one Ctrl+Z undoes
        what was stored."""
        event.stop()
        grid, rows = self.grid, paste.pasted_rows(event.text)
        if not rows or grid.glayout is None or not grid.commit():
            return
        if self.controller.read_only:
            grid.problem = READ_ONLY
            self.show_status()
            return
        plan = paste.plan_paste(grid.glayout, self.table, (grid.row, grid.col), rows)
        result = paste.outcome(self.controller.report.tpl, self.table, plan, grid.cell_id)
        if self.controller.set_cells(self.step.target, result.values, f"粘贴{len(result.values)}格"):
            self.post_message(Committed(grid))
        grid.refresh_cells()
        grid.go_to_cell(result.cursor)
        grid.problem = result.message if result.refused else None
        self.show_status()
        if result.refused:
            self.app.bell()
        else:
            self.notify(result.message, timeout=6)

    def status_of(self) -> tuple[str, str, str]:
        """(where the cursor is, what to say about the cell, the status style)."""
        grid = self.grid
        assert grid.glayout is not None
        cid = grid.cell_id
        cell = self.table.cells[cid]
        row = grid.glayout.rows[grid.row]
        where = self._where(row.full_label, grid.glayout.col_label.get(cid, cell.col.short))
        if grid.problem:
            return where, grid.problem, "error"
        if self._pointed is not None and self._pointed[0] == cid:
            return where, self._pointed[1] + self._stored_total_hint(cid), self._pointed[2]
        self._pointed = None
        mark = self.controller.marks(self.step.target).get(cid)
        if mark is not None:
            info = f"[{SEVERITY_LABELS[mark.severity]}] {mark.messages[0]}"
            return where, info + self._stored_total_hint(cid), mark.severity
        if cell.computed:
            return where, "= " + self.controller.formula(self.step.target, cell) + "（只读）", "computed"
        return where, self.controller.report.tpl.kind(cell.kind).hint, ""

    def _stored_total_hint(self, cid: str) -> str:
        """On a total holding a stored value (the cell shows the stored one): how to drop it, and
        the sum that takes its place."""
        report = self.controller.report
        if not self.table.cells[cid].computed or report.entered(self.step.target, cid) is None:
            return ""
        return f"（按 Delete 采用自动合计 {format_value(report.cell(self.step.target, cid))}）"

    def _where(self, row_label: str, col_label: str) -> str:
        """Row and column labels in at most two lines (the line keeps its height, so a move never
        resizes and repaints the grid above it); a longer row label is cut at its end."""
        where = f"{row_label} | {col_label}"
        width = self.query_one("#cell-where", WrappedText).content_size.width
        room = cells(row_label)
        while width > 10 and room > 6 and len(wrap(where, width)) > 2:
            room -= 2
            where = f"{clip(row_label, room)} | {col_label}"
        return where

    def show_status(self) -> None:
        """Redraw the status lines from the model (after a move, a commit, an undo, a dialog)."""
        if self.grid.glayout is None:
            return
        where, info, classes = self.status_of()
        # Each line is redrawn only when its own text changed: a move usually keeps the hint.
        if self._status[0] != where:
            self.query_one("#cell-where", WrappedText).update(where)
        if self._status[1] != info:
            info_widget = self.query_one("#cell-info", WrappedText)
            info_widget.update(info)
            info_widget.set_classes(f"status {classes}".strip())
        self._status = (where, info)

    def view_state(self) -> PageView:
        view = super().view_state()
        g = self.grid
        view.extra = GridView(g.row, g.col, g.row_offset, g.x_offset)
        return view

    def flush(self) -> None:
        if not self.built:  # being composed: nothing typed yet, and its boxes may be missing
            return
        grid = self.grid
        if grid.mode is not None:
            grid.commit()

    def reload(self) -> None:
        self.grid.refresh_cells()
        self.show_status()

    def focus_first(self) -> None:
        self.focus_now(self.grid)

    def go_to(self, cell: str | None = None, field: str | None = None) -> None:
        self.focus_now(self.grid)
        if cell is not None:
            self.grid.go_to_cell(cell)
            self.show_status()

    def show_finding(self, finding: Finding, spot: Location) -> None:
        """The rest of the equation marked on the grid; the finding's message in the status line
        while the cursor stays (the cell it landed on may have no mark of its own: an input cell
        edited last, behind a total)."""
        grid = self.grid
        grid.mark(
            loc.cell
            for loc in finding.equation
            if loc.table == grid.table and loc.cell is not None and loc.cell != spot.cell
        )
        message = f"[{SEVERITY_LABELS[finding.severity]}] {finding.message}"
        self._pointed = (grid.cell_id, message, finding.severity)
        self.show_status()
