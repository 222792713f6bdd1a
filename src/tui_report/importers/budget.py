"""How much of a document the importer is willing to read: budgets counted while parsing.

A published report is a few hundred paragraphs, well under a thousand table cells and a few dozen
pages. A crafted file can unpack (a .docx is a zip), expand (``rowspan``/``colspan``, ``gridSpan``)
or lay out (a PDF whose 200 pages draw one shared stream) into orders of magnitude more. Every
reader counts what it builds against these budgets as it goes and stops at the first one exceeded
with a Chinese refusal ("文档过大或结构异常（表格单元格超过50000个），未导入"), so the work done on any
file is bounded by the budgets, not by the file. The figures are far above any real report (the
tests import real-shaped reports of every kind well inside them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui_report.importers.failure import ImportFailure

# Whole document
MAX_PARAGRAPHS = 20_000
MAX_CHARACTERS = 2_000_000
MAX_TABLE_CELLS = 50_000  # grid positions, merged cells expanded
MAX_TABLES = 2_000
MAX_TABLE_DEPTH = 32  # tables nested inside table cells
# .docx: the one part we read (word/document.xml), unpacked
MAX_DOCUMENT_XML_BYTES = 32 * 1024 * 1024
MAX_XML_ELEMENTS = 500_000
# PDF (a real page: ~300–700 characters and under 100 ruling segments)
MAX_PAGES = 50
MAX_PAGE_CHARACTERS = 4_000
MAX_PDF_CHARACTERS = 40_000
MAX_PAGE_SEGMENTS = 6_000  # line segments drawn on one page (a rectangle is 5: the table finder
MAX_PDF_SEGMENTS = 30_000  # compares every ruling with every other)
MAX_PAGE_CONTENT_BYTES = 2 * 1024 * 1024  # a page's drawing instructions, unpacked, forms included
MAX_PDF_OBJECTS = 50_000


class BudgetExceeded(ImportFailure):
    """A budget was exceeded: the document is refused as it is (nothing is imported)."""


def refusal(path: Path | str, what: str) -> BudgetExceeded:
    return BudgetExceeded(f"{path}：文档过大或结构异常（{what}），未导入")


@dataclass(slots=True)
class Budget:
    """Counters of one document's reading; each ``add_*`` raises :class:`BudgetExceeded` at the
    first unit over its limit."""

    path: Path
    paragraphs: int = 0
    characters: int = 0
    cells: int = 0
    tables: int = 0

    def add_paragraph(self, text: str) -> None:
        self.paragraphs += 1
        if self.paragraphs > MAX_PARAGRAPHS:
            raise refusal(self.path, f"段落超过{MAX_PARAGRAPHS}个")
        self.add_characters(len(text))

    def add_characters(self, count: int) -> None:
        self.characters += count
        if self.characters > MAX_CHARACTERS:
            raise refusal(self.path, f"文字超过{MAX_CHARACTERS}个字符")

    def add_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > MAX_TABLE_CELLS:
            raise refusal(self.path, f"表格单元格超过{MAX_TABLE_CELLS}个")

    def add_table(self, depth: int = 1) -> None:
        self.tables += 1
        if self.tables > MAX_TABLES:
            raise refusal(self.path, f"表格超过{MAX_TABLES}个")
        if depth > MAX_TABLE_DEPTH:
            raise refusal(self.path, f"表格嵌套超过{MAX_TABLE_DEPTH}层")
