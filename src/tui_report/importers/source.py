"""What every reader makes of a document: paragraphs and tables in reading order.

A table is a grid of cell texts in which ``None`` marks a position covered by a merged cell (its
text is at the merge's top-left), so that Word's gridSpan/vMerge, HTML's rowspan/colspan and a PDF's
ruled cells all look the same to the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui_report.importers.failure import ImportFailure as ImportFailure  # raised by the readers

if TYPE_CHECKING:
    from tui_report.importers.budget import Budget

Grid = list[list[str | None]]

# Characters exports use to keep a number whole on a line, read as what they stand for.
_FOLD = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u2060": None, "\u200b": None, "\ufeff": None})


def fold(text: str) -> str:
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class RowNote:
    """What a reader says about one printed table row (a number it could not give a column): the
    table (its place among the document's tables), the row in that table's grid, and the Chinese
    sentence. The importer names the table and points the note at the row it was placed on."""

    table: int
    row: int
    message: str


@dataclass(slots=True)
class SourceDocument:
    """Paragraph texts and table grids, in the order they are read."""

    blocks: list[str | Grid] = field(default_factory=list)
    # The text lines as laid out (PDF), for tables printed without rules: rows read from lines.
    lines: list[str] = field(default_factory=list)
    # What the reader left out or read with doubt (Chinese sentences), for the import's notes.
    notes: list[str] = field(default_factory=list)
    # Lines dropped as page furniture (page numbers, running headers), for the accounting.
    furniture: list[str] = field(default_factory=list)
    # Notes about table rows, located once the rows are placed on a format's cells.
    row_notes: list[RowNote] = field(default_factory=list)
    # What the reader has built so far, counted against the budgets (None: not counted).
    budget: Budget | None = None
    tables: int = 0  # how many tables ``add_table`` kept

    def __post_init__(self) -> None:
        self.tables = sum(1 for block in self.blocks if not isinstance(block, str))

    def add_paragraph(self, text: str) -> None:
        if self.budget is not None:
            self.budget.add_paragraph(text)
        for line in fold(text).replace("\r", "\n").split("\n"):
            if line.strip():
                self.blocks.append(line)

    def add_table(self, grid: Grid) -> int | None:
        """Add a table (one with any text): its place among the tables, or None when left out."""
        grid = [[None if cell is None else fold(cell) for cell in row] for row in grid]
        if not any(any(cell for cell in row) for row in grid):
            return None
        self.blocks.append(grid)
        self.tables += 1
        return self.tables - 1

    def to_json(self) -> dict[str, Any]:
        return {
            "blocks": self.blocks,
            "lines": self.lines,
            "notes": self.notes,
            "furniture": self.furniture,
            "row_notes": [[n.table, n.row, n.message] for n in self.row_notes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceDocument:
        """Rebuilt from :meth:`to_json` (the reader's process hands its result over as JSON)."""
        blocks: list[str | Grid] = []
        for block in data["blocks"]:
            if isinstance(block, str):
                blocks.append(block)
            else:
                blocks.append([[None if c is None else str(c) for c in row] for row in block])
        return cls(
            blocks,
            [str(x) for x in data["lines"]],
            [str(x) for x in data["notes"]],
            [str(x) for x in data["furniture"]],
            [RowNote(int(t), int(r), str(m)) for t, r, m in data.get("row_notes", [])],
        )


MAX_SOURCE_BYTES = 64 * 1024 * 1024
