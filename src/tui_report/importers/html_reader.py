"""Published web pages (.html): paragraphs and tables with rowspan/colspan, read with the
standard library's parser. ``&nbsp;`` is a blank; text may sit in ``<p>``, ``<div>`` or ``<span>``.

Every tag, comment and piece of text the parser reports counts against the budgets as it comes, and
merged cells are expanded only within the table's real size: ``colspan`` at most the most cells any
row of the table has, ``rowspan`` at most the rows left, the expanded grid counted cell by cell.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from tui_report.importers.budget import MAX_XML_ELEMENTS, Budget, refusal
from tui_report.importers.source import Grid, SourceDocument

_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "tr", "blockquote", "title"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "noscript"})


class _TableBuilder:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []
        self.cell: list[str] | None = None
        self.span = (1, 1)

    def grid(self, budget: Budget) -> Grid:
        """Expand rowspan/colspan into a grid with None where a merged cell covers. Spans are
        clamped to the table's real size; each column remembers until which row it is covered
        (no per-position bookkeeping: linear in the grid's size)."""
        widest = max((len(row) for row in self.rows), default=1)
        covered: list[int] = []  # column → first row no longer covered by a rowspan from above
        grid: Grid = []
        for r, row in enumerate(self.rows):
            out: list[str | None] = []
            for text, rowspan, colspan in row:
                _skip_covered(out, covered, r, budget)
                colspan = min(colspan, widest)
                budget.add_cells(colspan - 1)  # the cell itself was counted as it was read
                start = len(out)
                out.append(text)
                out.extend([None] * (colspan - 1))
                covered.extend([0] * (start + colspan - len(covered)))
                last_row = r + min(rowspan, len(self.rows) - r)
                for col in range(start, start + colspan):
                    covered[col] = max(covered[col], last_row)
            _skip_covered(out, covered, r, budget)
            grid.append(out)
        return grid


def _skip_covered(out: list[str | None], covered: list[int], row: int, budget: Budget) -> None:
    """Placeholders for the columns a rowspan from above still covers at the row's current end."""
    while len(out) < len(covered) and covered[len(out)] > row:
        budget.add_cells(1)
        out.append(None)


def _int(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()[:6]), 1000))
    except ValueError:
        return 1


class _Parser(HTMLParser):
    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = Budget(path)
        self.path = path
        self.doc = SourceDocument(budget=self.budget)
        self.text: list[str] = []
        self.tables: list[_TableBuilder] = []
        self.skip = 0
        self.events = 0

    def _count(self) -> None:
        self.events += 1
        if self.events > MAX_XML_ELEMENTS:
            raise refusal(self.path, f"网页标签超过{MAX_XML_ELEMENTS}个")

    def _flush(self) -> None:
        text = "".join(self.text).replace("\xa0", " ")
        self.text = []
        if self.tables and self.tables[-1].cell is not None:
            self.budget.add_characters(len(text))
            self.tables[-1].cell.append(text + "\n")
        elif text.strip():
            self.doc.add_paragraph(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._count()
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "table":
            self._flush()
            self.tables.append(_TableBuilder())
            self.budget.add_table(len(self.tables))
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self._flush()
            values = dict(attrs)
            table = self.tables[-1]
            table.cell = []
            table.span = (_int(values.get("rowspan")), _int(values.get("colspan")))
            self.budget.add_cells(1)
        elif tag == "br" or tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        self._count()
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag in ("td", "th") and self.tables and self.tables[-1].cell is not None:
            self._flush()
            table = self.tables[-1]
            text = "".join(table.cell or []).strip()
            if not table.rows:
                table.rows.append([])
            table.rows[-1].append((text, *table.span))
            table.cell = None
        elif tag == "table" and self.tables:
            self._flush()
            table = self.tables.pop()
            grid = table.grid(self.budget)
            if self.tables and self.tables[-1].cell is not None:  # a table inside a cell: keep its text
                self.tables[-1].cell.append(" ".join(c for row in grid for c in row if c) + "\n")
            else:
                self.doc.add_table(grid)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._count()
        if not self.skip:
            self.text.append(data.replace("\n", "").replace("\r", ""))

    def handle_comment(self, data: str) -> None:
        self._count()

    def handle_decl(self, decl: str) -> None:
        self._count()

    def handle_pi(self, data: str) -> None:
        self._count()

    def unknown_decl(self, data: str) -> None:
        self._count()


def _decode(raw: bytes) -> str:
    """UTF-8, or GB18030 when the page says so (many government sites still use GBK)."""
    encodings = ("gb18030", "utf-8") if b"charset=gb" in raw[:4096].lower() else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def read_html(data: bytes, path: Path) -> SourceDocument:
    parser = _Parser(path)
    parser.feed(_decode(data))
    parser.close()
    parser._flush()
    return parser.doc
