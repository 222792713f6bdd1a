"""A table step: the title, the grid, and a status line with the full labels of the cell."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from tui_report.model.progress import Step
from tui_report.tui.controller import Controller
from tui_report.tui.gridmodel import clip_cells
from tui_report.tui.widgets.grid import TableGrid
from tui_report.tui.widgets.page import Page

KIND_HINTS = {
    "count": "件数：填0或正整数",
    "amount": "金额（万元），可有两位小数",
    "change": "增减数：整数，减少用负号",
}


class TablePage(Page):
    HELP = TableGrid.HELP

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(controller, step)
        self.table = controller.report.tpl.table(step.target)
        self._status: tuple[str, str] = ("", "")

    def compose(self) -> ComposeResult:
        section = next(s for s in self.controller.report.tpl.sections if s.key == self.step.section)
        yield Static(f"{section.heading}", classes="page-title")
        yield TableGrid(self.controller, self.step.target, id="grid")
        yield Static("", id="cell-where", classes="status")
        yield Static("", id="cell-info", classes="status")

    @property
    def grid(self) -> TableGrid:
        return self.query_one(TableGrid)

    def on_mount(self) -> None:
        self.call_after_refresh(self._show_status, None)

    def on_table_grid_cursor_moved(self, event: TableGrid.CursorMoved) -> None:
        self._show_status(event.problem)

    def _show_status(self, problem: str | None) -> None:
        grid = self.grid
        if grid.glayout is None:
            return
        cid = grid.cell_id
        cell = self.table.cells[cid]
        row = grid.glayout.rows[grid.row]
        width = max(10, self.size.width)
        where = clip_cells(f"{row.full_label} | {grid.glayout.col_label.get(cid, cell.col.short)}", width)
        if problem:
            info = "不能填写：" + problem if not problem.startswith(cell.name) else problem
            info = problem
            classes = "error"
        else:
            mark = self.controller.marks(self.step.target).get(cid)
            if mark is not None:
                label = "错误" if mark.severity == "error" else "警告"
                info = f"[{label}] {mark.messages[0]}"
                classes = mark.severity
            elif cell.computed:
                info = "= " + self.controller.formula(self.step.target, cell) + "（只读）"
                classes = "computed"
            else:
                info = KIND_HINTS.get(cell.kind, "")
                classes = ""
        info = clip_cells(info, width * 2)
        if self._status != (where, info):
            if self._status[0] != where:
                self.query_one("#cell-where", Static).update(where)
            info_widget = self.query_one("#cell-info", Static)
            info_widget.update(info)
            info_widget.set_classes(f"status {classes}".strip())
            self._status = (where, info)

    def flush(self) -> None:
        grid = self.grid
        if grid.mode is not None:
            grid.commit()

    def reload(self) -> None:
        self.grid.refresh_cells()
        self._show_status(None)

    def focus_first(self) -> None:
        self.grid.focus()

    def go_to(self, cell: str | None = None, field: str | None = None) -> None:
        self.grid.focus()
        if cell is not None:
            self.grid.go_to_cell(cell)
            self._show_status(None)
