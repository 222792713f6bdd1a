"""The on-screen layout of a table grid, derived from the template (no Textual here).

The printed layout (:func:`tui_report.model.layout.print_grid`) gives the column headers with their
merges; row labels come from the leaf rows. A table that declares an entry layout (表四 as 3 × 5)
is laid out from that instead. The result is a list of screen lines made of pieces at fixed
x positions, so the widget only has to paint them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tui_report.model.layout import Span, print_grid
from tui_report.model.linebreak import cells, clip, fold
from tui_report.model.template import CellDef, CompiledTable

PieceRole = Literal["corner", "header", "caption", "label", "cell"]

MIN_LABEL = 10
MAX_LABEL = 40
MIN_COL = 6
COL = {"count": 6, "change": 6, "amount": 10}


@dataclass(frozen=True, slots=True)
class Piece:
    x: int
    width: int
    text: str
    role: PieceRole
    cell_id: str | None = None


@dataclass(slots=True)
class Line:
    pieces: list[Piece]
    # Index into GridLayout.rows for a line of cells, else None.
    row: int | None = None


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of enterable or computed cells as the cursor sees it."""

    label: str
    full_label: str
    cells: tuple[str, ...]
    line: int  # index into GridLayout.body


@dataclass(slots=True)
class GridLayout:
    label_width: int
    col_x: list[int]  # x of each value column, relative to the value area
    col_w: list[int]
    head: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    rows: list[GridRow] = field(default_factory=list)
    # cell id → (x relative to the value area, width)
    cell_box: dict[str, tuple[int, int]] = field(default_factory=dict)
    col_label: dict[str, str] = field(default_factory=dict)

    @property
    def values_width(self) -> int:
        return self.col_x[-1] + self.col_w[-1] if self.col_x else 0

    def position(self, cell_id: str) -> tuple[int, int] | None:
        for r, row in enumerate(self.rows):
            if cell_id in row.cells:
                return r, row.cells.index(cell_id)
        return None


def _col_widths(kinds: Sequence[str], values_width: dict[int, int], avail: int) -> list[int]:
    widths = [max(COL.get(k, 7), values_width.get(j, 0) + 3) for j, k in enumerate(kinds)]
    # Squeeze to fit beside a minimal label column; never below MIN_COL.
    while sum(widths) + MIN_LABEL > avail and any(
        w > max(MIN_COL, values_width.get(j, 0) + 2) for j, w in enumerate(widths)
    ):
        j = max(range(len(widths)), key=lambda i: widths[i])
        widths[j] -= 1
    return widths


def _label_width(labels: list[str], avail: int, values: int) -> int:
    wanted = max((cells(label) for label in labels), default=MIN_LABEL) + 1
    room = avail - values
    return max(MIN_LABEL, min(wanted, MAX_LABEL, room))


def _row_label(short: str, labels: tuple[str, ...]) -> str:
    inner = labels[-1] if labels else short
    # "（一）予以公开" already says its number; "1.属于国家秘密" needs the short path for context.
    if short and short != inner and not inner.startswith(("（", "一", "二", "三", "四", "五", "六")):
        for prefix in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9."):
            if inner.startswith(prefix):
                inner = inner[len(prefix) :]
                break
        return f"{short} {inner}"
    return inner or short


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def distinct_labels(rows: Sequence[tuple[str, tuple[str, ...]]], width: int) -> list[str]:
    """Row labels (``short`` code, label path) cut to ``width`` cells so that siblings stay apart.

    A label shown after its short code (``三(三)7 属于行政执法案卷``) that does not fit drops the
    words it shares with a sibling (``属于行政``), so that what tells the rows apart survives the
    cut: ``三(三)7 执法案卷`` beside ``三(三)8 查询事项``. The status line shows the full label.
    """
    out: list[str] = []
    for short, labels in rows:
        label = _row_label(short, labels)
        inner = label.removeprefix(f"{short} ")
        if cells(label) > width and inner != label:
            parent = labels[:-1]
            shared = max(
                (
                    _common_prefix(inner, _row_label(s, ls).removeprefix(f"{s} "))
                    for s, ls in rows
                    if ls[:-1] == parent and ls != labels
                ),
                default=0,
            )
            if 0 < shared < len(inner):
                label = f"{short} {inner[shared:]}"
        out.append(clip(label, width))
    return out


def build_layout(table: CompiledTable, width: int, widest: dict[str, int] | None = None) -> GridLayout:
    """Lay the table out for a grid ``width`` cells wide. ``widest`` maps cell ids to the width of
    their current text so that columns grow to fit large numbers."""
    widest = widest or {}
    if table.spec.entry is not None:
        return _entry_layout(table, width, widest)
    return _print_layout(table, width, widest)


def _entry_layout(table: CompiledTable, width: int, widest: dict[str, int]) -> GridLayout:
    entry = table.spec.entry
    assert entry is not None
    ids = [[entry.cell.format(row=r.key, col=c.key) for c in entry.columns] for r in entry.rows]
    kinds = [table.cells[ids[0][j]].kind for j in range(len(entry.columns))]
    col_widest = {j: max(widest.get(row[j], 0) for row in ids) for j in range(len(entry.columns))}
    widths = _col_widths(kinds, col_widest, width)
    label_w = _label_width([r.label for r in entry.rows], width, sum(widths))
    layout = GridLayout(label_w, _xs(widths), widths)
    header_lines = [fold(c.label, w - 1) for c, w in zip(entry.columns, widths, strict=True)]
    height = max(len(h) for h in header_lines)
    for i in range(height):
        pieces = [Piece(0, label_w, "", "corner")]
        for j, lines in enumerate(header_lines):
            pieces.append(
                Piece(label_w + layout.col_x[j], widths[j], lines[i] if i < len(lines) else "", "header")
            )
        layout.head.append(Line(pieces))
    for r, row in enumerate(entry.rows):
        pieces = [Piece(0, label_w, clip(row.label, label_w - 1), "label")]
        for j, cid in enumerate(ids[r]):
            pieces.append(Piece(label_w + layout.col_x[j], widths[j], "", "cell", cid))
            layout.cell_box[cid] = (layout.col_x[j], widths[j])
            layout.col_label[cid] = entry.columns[j].label
        layout.rows.append(GridRow(row.label, row.label, tuple(ids[r]), len(layout.body)))
        layout.body.append(Line(pieces, row=r))
    return layout


def _xs(widths: list[int]) -> list[int]:
    xs, x = [], 0
    for w in widths:
        xs.append(x)
        x += w
    return xs


def _cell_kind(cells: dict[str, CellDef], cid: str | None) -> str:
    return cells[cid].kind if cid is not None and cid in cells else "count"


def _print_layout(table: CompiledTable, width: int, widest: dict[str, int]) -> GridLayout:
    return _PrintLayout(table, width, widest).build()


HeadSpan = tuple[Span, list[str]]  # a head span of the printed grid and its wrapped text lines


class _PrintLayout:
    """The screen layout of a table from its printed grid, in steps: column widths, label width,
    where each printed cell lands, head row heights, head lines, then the rows in printed order."""

    def __init__(self, table: CompiledTable, width: int, widest: dict[str, int]) -> None:
        self.table = table
        self.grid = print_grid(table)
        widths = self._col_widths(width, widest)
        label_w = _label_width(
            [_row_label(leaf.short, leaf.labels) for leaf in table.rows], width, sum(widths)
        )
        self.layout = GridLayout(label_w, _xs(widths), widths)
        cut = distinct_labels([(leaf.short, leaf.labels) for leaf in table.rows], label_w - 1)
        self.shown = dict(zip((leaf.id for leaf in table.rows), cut, strict=True))

    def build(self) -> GridLayout:
        value_rows = self._value_rows()
        head = self._head_spans()
        heights = self._head_heights(head, value_rows)
        self._fit_corners(head, heights)
        head_lines = self._head_lines(head, heights, value_rows)
        frozen = self.grid.header_rows if len(self.table.spec.blocks) == 1 else 0
        leaf_of_row = {r: rid for rid, r in self.grid.data_row_of.items()}
        for r in range(self.grid.n_rows):
            if r in value_rows:
                self._add_value_row(leaf_of_row[r], value_rows[r])
                continue
            target = self.layout.head if r < frozen else self.layout.body
            for line in head_lines[r]:
                line.pieces.sort(key=lambda p: p.x)
                target.append(line)
        return self.layout

    def _col_widths(self, width: int, widest: dict[str, int]) -> list[int]:
        """Column kinds and the widest text per printed value column give the widths."""
        grid = self.grid
        kinds = ["count"] * (grid.n_cols - grid.label_cols)
        col_widest: dict[int, int] = {}
        for span in grid.spans:
            if span.role == "value" and span.cell_id is not None and span.colspan == 1:
                j = span.col - grid.label_cols
                kinds[j] = _cell_kind(self.table.cells, span.cell_id)
                col_widest[j] = max(col_widest.get(j, 0), widest.get(span.cell_id, 0))
        return _col_widths(kinds, col_widest, width)

    def box(self, col: int, colspan: int) -> tuple[int, int]:
        """Screen x and width of printed columns ``col``.. (label columns fold into one)."""
        label_cols, layout = self.grid.label_cols, self.layout
        label_w, xs, widths = layout.label_width, layout.col_x, layout.col_w
        if col < label_cols:
            end = col + colspan
            if end <= label_cols:
                return 0, label_w
            last = end - label_cols - 1
            return 0, label_w + xs[last] + widths[last]
        j = col - label_cols
        last = j + colspan - 1
        return label_w + xs[j], xs[last] + widths[last] - xs[j]

    def _value_rows(self) -> dict[int, list[tuple[str, int, int]]]:
        """Printed rows that hold values: their cells with screen x and width."""
        rows: dict[int, list[tuple[str, int, int]]] = {}
        for span in self.grid.spans:
            if span.role == "value" and span.cell_id is not None:
                rows.setdefault(span.row, []).append((span.cell_id, *self.box(span.col, span.colspan)))
        return rows

    def _head_spans(self) -> list[HeadSpan]:
        """Column headers, captions and corners with their text wrapped to their width."""
        head: list[HeadSpan] = []
        for span in self.grid.spans:
            if span.role not in ("col_header", "corner", "caption"):
                continue
            _, w = self.box(span.col, span.colspan)
            if span.role == "caption":
                head.append((span, [clip(span.text, w)]))
                continue
            lines = fold(span.text, w - 1) if span.text else [""]
            if span.role == "corner":
                lines = lines[: max(1, span.rowspan * 2)]
            head.append((span, lines))
        return head

    def _head_heights(self, head: list[HeadSpan], value_rows: Collection[int]) -> dict[int, int]:
        """Screen height of each head row: enough for the wrapped header texts (not the corner)."""
        heights = {r: 1 for r in range(self.grid.n_rows) if r not in value_rows}
        for span, lines in sorted(head, key=lambda item: item[0].rowspan):
            need = len(lines) - sum(heights[r] for r in range(span.row, span.row + span.rowspan))
            if need > 0 and span.role != "corner":
                heights[span.last_row] += need
        return heights

    def _fit_corners(self, head: list[HeadSpan], heights: dict[int, int]) -> None:
        """Corner text never makes the head taller than the headers need: cut it with "..."."""
        for span, lines in head:
            if span.role != "corner":
                continue
            room = sum(heights[r] for r in range(span.row, span.row + span.rowspan))
            if len(lines) > room:
                del lines[room:]
                if lines:
                    lines[-1] = clip(lines[-1] + "..", self.layout.label_width - 1)

    def _head_lines(
        self, head: list[HeadSpan], heights: dict[int, int], value_rows: Collection[int]
    ) -> dict[int, list[Line]]:
        """The screen lines of each head row, each head span's text spread over its rows."""
        out = {
            r: [Line([]) for _ in range(heights[r])] for r in range(self.grid.n_rows) if r not in value_rows
        }
        for span, lines in head:
            x, w = self.box(span.col, span.colspan)
            role: PieceRole = (
                "caption" if span.role == "caption" else "corner" if span.role == "corner" else "header"
            )
            screen_lines = [line for r in range(span.row, span.row + span.rowspan) for line in out[r]]
            for k, line in enumerate(screen_lines):
                line.pieces.append(Piece(x, w, lines[k] if k < len(lines) else "", role))
        return out

    def _add_value_row(self, rid: str, cells_at: list[tuple[str, int, int]]) -> None:
        layout, table = self.layout, self.table
        label = self.shown[rid]
        pieces = [Piece(0, layout.label_width, label, "label")]
        cells = []
        for cid, x, w in sorted(cells_at, key=lambda item: item[1]):
            pieces.append(Piece(x, w, "", "cell", cid))
            layout.cell_box[cid] = (x - layout.label_width, w)
            layout.col_label[cid] = " / ".join(table.cells[cid].col.labels)
            cells.append(cid)
        full = " / ".join(table.row(rid).labels)
        layout.rows.append(GridRow(label, full, tuple(cells), len(layout.body)))
        layout.body.append(Line(pieces, row=len(layout.rows) - 1))
