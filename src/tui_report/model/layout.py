"""The printed layout of a table, derived from the template's trees.

One description drawn three ways: the Word export, the JSON export and the screen all take the
merged cells from here, so no table is ever laid out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tui_report.model.template import Block, CompiledTable, HeaderNode

Role = Literal["caption", "corner", "col_header", "row_header", "value"]


@dataclass(frozen=True, slots=True)
class Span:
    """One (possibly merged) cell of the printed grid; 0-based, inclusive of its top-left corner."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    role: Role
    cell_id: str | None = None

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(slots=True)
class PrintGrid:
    n_rows: int
    n_cols: int
    label_cols: int
    spans: list[Span] = field(default_factory=list)
    # Rows that belong to the table head (repeated on each printed page).
    header_rows: int = 0
    # Printed row index of each leaf row id.
    data_row_of: dict[str, int] = field(default_factory=dict)


def _depth(nodes: list[HeaderNode]) -> int:
    return max((1 + _depth(n.children) for n in nodes), default=0)


def _width(node: HeaderNode) -> int:
    return sum(_width(c) for c in node.children) if node.children else 1


def _has_labels(nodes: list[HeaderNode]) -> bool:
    return any(n.label or _has_labels(n.children) for n in nodes)


def print_grid(table: CompiledTable) -> PrintGrid:
    blocks = table.spec.blocks
    label_cols = max((_depth(b.rows) for b in blocks if _has_labels(b.rows) or b.corner), default=0)
    value_cols = max(len(table.cols_by_block[b.key]) for b in blocks)
    grid = PrintGrid(n_rows=0, n_cols=label_cols + value_cols, label_cols=label_cols)
    for index, block in enumerate(blocks):
        _place_block(grid, table, block, first=index == 0)
    return grid


def _place_block(grid: PrintGrid, table: CompiledTable, block: Block, first: bool) -> None:
    top = grid.n_rows
    label_cols = grid.label_cols
    total_cols = grid.n_cols
    if block.caption:
        grid.spans.append(Span(top, 0, 1, total_cols, block.caption, "caption"))
        top += 1
    head_rows = _depth(block.columns)
    leaves = table.cols_by_block[block.key]
    # A block with fewer columns than the table lets its last column take the rest (表二).
    extra = total_cols - label_cols - len(leaves)
    if label_cols and head_rows:
        grid.spans.append(Span(top, 0, head_rows, label_cols, block.corner, "corner"))

    def place_cols(nodes: list[HeaderNode], depth: int, start: int) -> int:
        col = start
        for node in nodes:
            width = _width(node)
            is_last = col + width == label_cols + len(leaves)
            span_w = width + (extra if is_last else 0)
            if node.children:
                grid.spans.append(Span(top + depth, col, 1, span_w, node.label, "col_header"))
                place_cols(node.children, depth + 1, col)
            else:
                grid.spans.append(Span(top + depth, col, head_rows - depth, span_w, node.label, "col_header"))
            col += width
        return col

    place_cols(block.columns, 0, label_cols)
    if first:
        grid.header_rows = top + head_rows
    body = top + head_rows
    rows = [r for r in table.rows if r.block == block.key]
    row_index = {leaf.id: body + i for i, leaf in enumerate(rows)}

    def place_rows(nodes: list[HeaderNode], depth: int, prefix: str) -> None:
        for node in nodes:
            node_id = f"{prefix}.{node.key}" if prefix and node.key else (node.key or prefix)
            if node.children:
                covered = [i for rid, i in row_index.items() if rid.startswith(node_id + ".")]
                first_row, last_row = min(covered), max(covered)
                grid.spans.append(
                    Span(first_row, depth, last_row - first_row + 1, 1, node.label, "row_header")
                )
                place_rows(node.children, depth + 1, node_id)
            elif label_cols:
                grid.spans.append(
                    Span(row_index[node_id], depth, 1, label_cols - depth, node.label, "row_header")
                )

    place_rows(block.rows, 0, "")
    for leaf in rows:
        r = row_index[leaf.id]
        grid.data_row_of[leaf.id] = r
        for j, col in enumerate(leaves):
            width = 1 + (extra if j == len(leaves) - 1 else 0)
            grid.spans.append(Span(r, label_cols + j, 1, width, "", "value", cell_id=f"{leaf.id}.{col.id}"))
    grid.n_rows = body + len(rows)
