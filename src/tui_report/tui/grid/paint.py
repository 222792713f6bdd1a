"""Painting a table grid's screen lines: what each cell shows and in which style.

Kept apart from the grid widget (keys, cursor, editing): the painter reads the layout and a
snapshot of the cursor and edit state, and returns one Strip per screen line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_report.model.linebreak import cells, clip
from tui_report.model.report import CellValue, cell_value, format_value
from tui_report.model.severities import SEVERITY_MARKS
from tui_report.model.template import CompiledTable
from tui_report.tui.controller import CellMark
from tui_report.tui.grid.layout import GridLayout, Line

# The grid's component classes (``table-grid--<name>`` in app.tcss): what ``style(name)`` gets.
STYLE_NAMES = (
    "label",
    "label-current",
    "header",
    "caption",
    "corner",
    "cell",
    "computed",
    "error",
    "warning",
    "cursor",
    "editing",
    "marked",
)

# Info findings leave cells unmarked.
MARK_CHARS: dict[str, str] = {"error": SEVERITY_MARKS["error"], "warning": SEVERITY_MARKS["warning"]}


@dataclass(frozen=True, slots=True)
class CellView:
    """What a cell shows: its value as text, its mark (error, warning, ``=`` computed, blank)."""

    text: str
    mark: str
    computed: bool


@dataclass(frozen=True, slots=True)
class PaintState:
    """The grid's state a line depends on."""

    layout: GridLayout
    row: int  # the cursor's row (its label is marked)
    cursor_cell: str | None  # the cell under the cursor while the grid has the focus
    editing: str | None  # the text being typed into the cursor cell, if editing
    x_offset: int
    views: dict[str, CellView]
    # The other cells of the equation F3 landed on (marked until the next move or edit).
    marked: frozenset[str] = frozenset()


def cell_view(
    table: CompiledTable, values: dict[str, CellValue], marks: Mapping[str, CellMark], cell_id: str
) -> CellView:
    """What ``cell_id`` shows: its value (entered or computed) and its mark. A total the file
    stores (a printed total an import kept because it disagrees with its parts) is shown as stored,
    marked by its finding, until Delete / 采用自动合计 drops it: the operator sees what is dropped."""
    cell = table.cells[cell_id]
    mark = marks.get(cell_id)
    char = MARK_CHARS[mark.severity] if mark else ("=" if cell.computed else " ")
    stored = values.get(cell_id)
    shown = stored if stored is not None else cell_value(table, values, cell)
    return CellView(format_value(shown), char, cell.computed)


class GridPainter:
    def __init__(self, component_style: Callable[[str], Style]) -> None:
        # The grid's component style ``table-grid--<name>`` for ``style(name)``, looked up once
        # per name until the styles change (forget_styles).
        self._component_style = component_style
        self._styles: dict[str, Style] = {}

    def style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self._component_style(f"table-grid--{name}")
        return style

    def forget_styles(self) -> None:
        self._styles = {}

    def paint(self, line: Line, width: int, state: PaintState) -> Strip:
        label_w = state.layout.label_width
        segments: list[Segment] = []
        cursor = 0
        base = self.style("cell")

        def put(x: int, w: int, text: str, style: Style) -> None:
            nonlocal cursor
            if x < cursor or x >= width:
                return
            if x > cursor:
                segments.append(Segment(" " * (x - cursor), base))
            w = min(w, width - x)
            text = clip(text, w) if cells(text) > w else text
            segments.append(Segment(text + " " * (w - cells(text)), style))
            cursor = x + w

        for piece in line.pieces:
            if piece.role in ("corner", "caption") or piece.x < label_w:
                if piece.role == "label":
                    current = line.row == state.row
                    style = self.style("label-current" if current else "label")
                    put(0, label_w, (">" if current else " ") + clip(piece.text, label_w - 2), style)
                elif piece.role == "caption":
                    put(0, width, " " + piece.text, self.style("caption"))
                else:
                    put(piece.x, piece.width, " " + piece.text, self.style(piece.role))
                continue
            x = piece.x - state.x_offset
            if x < label_w:
                continue
            if piece.role == "cell" and piece.cell_id is not None:
                put(x, piece.width, *self.cell_text(piece.cell_id, piece.width, state))
            else:
                put(x, piece.width, " " + piece.text, self.style("header"))
        if cursor < width:
            segments.append(Segment(" " * (width - cursor), base))
        return Strip(segments, width)

    def cell_text(self, cell_id: str, width: int, state: PaintState) -> tuple[str, Style]:
        on_cursor = cell_id == state.cursor_cell
        room = width - 2
        if on_cursor and state.editing is not None:
            shown = state.editing
            if cells(shown) > room:
                shown = shown[-room:]
            return " >" + shown + " " * max(0, room - cells(shown)), self.style("editing")
        view = state.views[cell_id]
        value = view.text if cells(view.text) <= room else "#" * room
        text = " " + view.mark + " " * (room - cells(value)) + value
        if on_cursor:
            name = "cursor"
        elif cell_id in state.marked:
            name = "marked"
        elif view.mark == MARK_CHARS["error"]:
            name = "error"
        elif view.mark == MARK_CHARS["warning"]:
            name = "warning"
        else:
            name = "computed" if view.computed else "cell"
        return text, self.style(name)
