"""A block of cells pasted from a spreadsheet into the grid (no Textual here: tested without a
terminal).

Excel and WPS copy a range as lines of tab-separated fields (CR LF between lines, one at the end);
a line typed or copied from a text may separate its numbers with spaces. Over SSH the block
arrives as one bracketed paste. Pasted on a grid cell, it lands as it lay in the spreadsheet:

- field ``j`` of line ``i`` goes to the cell ``i`` rows below and ``j`` printed columns right of
  the cursor cell, so that a block copied from a sheet laid out as the printed table keeps every
  value in its column and row, totals included;
- a value that lands on a computed cell (a total) is not stored: the total is computed from its
  parts. A value with no cell under it (right of the last column, below the last row) is not
  stored either. The message counts both;
- an empty field (an empty spreadsheet cell: two tabs in a row, a tab at the end) leaves its cell
  as it is;
- each value is read as typed input (``model/report.parse_cell_input``: full-width digits and
  thousands separators accepted). A value a cell refuses stops the paste at that cell: the values
  before it (in reading order: line by line, left to right) are stored, the cursor goes to that
  cell and the message says why and how many values were not pasted, so that the operator types
  the rest or corrects the sheet and pastes again (Ctrl+Z first takes back what was stored);
- the values stored are one undoable change (``Controller.set_cells``): one Ctrl+Z reverts the
  whole paste.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tui_report.model.report import CellInputError, CellValue, parse_cell_input
from tui_report.model.template import CompiledTable, Template
from tui_report.tui.grid.layout import GridLayout
from tui_report.tui.keynames import key_label

Field = str | None  # None: an empty field (the cell is left as it is)


def _lines(text: str) -> list[str]:
    """The lines of a paste, whichever way its line breaks came: CR LF (Excel), LF, CR (a
    terminal that sends Enter for each line break), or CR CR (tmux pastes with LF turned into CR,
    so Excel's CR LF arrives doubled: told apart by every run of CRs being even, the break at
    the end included)."""
    if "\n" not in text and all(len(run) % 2 == 0 for run in re.findall("\r+", text)):
        text = text.replace("\r\r", "\n")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def pasted_rows(text: str) -> list[list[Field]]:
    """The pasted text as rows of fields: tab-separated when a line has a tab, else separated by
    any spaces (ideographic and no-break spaces included). Empty fields are None; those at the
    end of a line and blank lines at the end (a spreadsheet ends a copied range with a line
    break) are dropped."""
    lines = _lines(text)
    while lines and not lines[-1].strip():
        lines.pop()
    rows: list[list[Field]] = []
    for line in lines:
        fields: list[Field] = (
            [field.strip() or None for field in line.split("\t")] if "\t" in line else list(line.split())
        )
        while fields and fields[-1] is None:
            fields.pop()
        rows.append(fields)
    return rows


def one_value(rows: Sequence[Sequence[Field]]) -> str | None:
    """The value of a paste that is one field on one line (typed into the cell as keys are)."""
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else None


@dataclass(frozen=True, slots=True)
class PastePlan:
    """Where the pasted values go: (cell id, text) in reading order; how many values landed on a
    computed cell (``on_totals``) and how many on no cell (``outside``)."""

    cells: tuple[tuple[str, str], ...]
    on_totals: int
    outside: int


def _cell_under(layout: GridLayout, row: int, x: int) -> str | None:
    for cid in layout.rows[row].cells:
        cx, cw = layout.cell_box[cid]
        if cx <= x < cx + cw:
            return cid
    return None


def plan_paste(
    layout: GridLayout, table: CompiledTable, start: tuple[int, int], rows: Sequence[Sequence[Field]]
) -> PastePlan:
    """Where the fields of ``rows`` go when pasted on the cell at ``start`` (row, column)."""
    row, col = start
    first_column = layout.col_x.index(layout.cell_box[layout.rows[row].cells[col]][0])
    cells: list[tuple[str, str]] = []
    taken: set[str] = set()
    on_totals = outside = 0
    for i, fields in enumerate(rows):
        for j, field in enumerate(fields):
            if field is None:
                continue
            column = first_column + j
            target = row + i
            inside = target < len(layout.rows) and column < len(layout.col_x)
            cid = _cell_under(layout, target, layout.col_x[column]) if inside else None
            if cid is None or cid in taken:  # no cell there, or the rest of a wide cell
                outside += 1
            elif table.cells[cid].computed:
                on_totals += 1
            else:
                taken.add(cid)
                cells.append((cid, field))
    return PastePlan(tuple(cells), on_totals, outside)


@dataclass(frozen=True, slots=True)
class PasteOutcome:
    """What a paste does: the values to store (none when refused), where the cursor goes, and the
    message (``refused``: shown on the grid's message line with a bell; else a notice)."""

    values: tuple[tuple[str, CellValue | None], ...]
    cursor: str
    message: str
    refused: bool


def _left_out(plan: PastePlan) -> str:
    parts = []
    if plan.on_totals:
        parts.append(f"{plan.on_totals}个值落在自动计算的合计格上，未填入（合计由各项相加）")
    if plan.outside:
        parts.append(f"{plan.outside}个值在表格之外，未填入")
    return "；".join(parts)


def outcome(tpl: Template, table: CompiledTable, plan: PastePlan, start: str) -> PasteOutcome:
    """Read every planned value as the cell's kind (``tpl``: the report's template); the first one
    a cell refuses stops the paste there (the values before it are kept). ``start``: the cursor's
    cell."""
    values: list[tuple[str, CellValue | None]] = []
    for index, (cid, text) in enumerate(plan.cells):
        try:
            values.append((cid, parse_cell_input(text, tpl.kind(table.cells[cid].kind))))
        except CellInputError as exc:
            rest = len(plan.cells) - index
            done = f"已粘贴{len(values)}格（{_span(table, values)}），" if values else ""
            message = f"{table.cells[cid].name}：{exc}。{done}粘贴停在这一格，其后{rest}个值未填入"
            return PasteOutcome(tuple(values), cid, message, True)
    left_out = _left_out(plan)
    if not values:
        return PasteOutcome(
            (), start, "粘贴的内容没有可填入的格子" + (f"：{left_out}" if left_out else ""), True
        )
    message = f"已粘贴{len(values)}格（{_span(table, values)}），{key_label('ctrl+z')} 撤销整次粘贴"
    return PasteOutcome(tuple(values), values[-1][0], message + (f"；{left_out}" if left_out else ""), False)


def _span(table: CompiledTable, values: Sequence[tuple[str, CellValue | None]]) -> str:
    """``一·自然人 至 二·其他``: the first and last cell a paste filled."""
    first, last = values[0][0], values[-1][0]
    return (
        table.cells[first].name if first == last else f"{table.cells[first].name} 至 {table.cells[last].name}"
    )
