"""What every reader makes of a document: paragraphs and tables in reading order.

A table is a grid of cell texts in which ``None`` marks a position covered by a merged cell (its
text is at the merge's top-left), so that Word's gridSpan/vMerge, HTML's rowspan/colspan and a PDF's
ruled cells all look the same to the matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Grid = list[list[str | None]]

# Characters exports use to keep a number whole on a line, read as what they stand for.
_FOLD = str.maketrans({"\u2011": "-", "\u00a0": " ", "\u2060": None, "\u200b": None, "\ufeff": None})


def fold(text: str) -> str:
    return text.translate(_FOLD)


class ImportFailure(Exception):
    """The source is not a report this importer recognises, or cannot be read (Chinese message)."""


@dataclass(slots=True)
class SourceDocument:
    """Paragraph texts and table grids, in the order they are read."""

    blocks: list[str | Grid] = field(default_factory=list)
    # The text lines as laid out (PDF), for tables printed without rules: rows read from lines.
    lines: list[str] = field(default_factory=list)

    def add_paragraph(self, text: str) -> None:
        for line in fold(text).replace("\r", "\n").split("\n"):
            if line.strip():
                self.blocks.append(line)

    def add_table(self, grid: Grid) -> None:
        grid = [[None if cell is None else fold(cell) for cell in row] for row in grid]
        if any(any(cell for cell in row) for row in grid):
            self.blocks.append(grid)


MAX_SOURCE_BYTES = 64 * 1024 * 1024
