"""Published web pages (.html): paragraphs and tables with rowspan/colspan, read with the
standard library's parser. ``&nbsp;`` is a blank; text may sit in ``<p>``, ``<div>`` or ``<span>``."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

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

    def grid(self) -> Grid:
        """Expand rowspan/colspan into a grid with None where a merged cell covers."""
        grid: Grid = []
        pending: dict[tuple[int, int], None] = {}
        for r, row in enumerate(self.rows):
            out: list[str | None] = []
            col = 0
            for text, rowspan, colspan in row:
                while (r, col) in pending:
                    out.append(None)
                    col += 1
                out.append(text)
                out.extend([None] * (colspan - 1))
                for dr in range(1, rowspan):
                    for dc in range(colspan):
                        pending[(r + dr, col + dc)] = None
                col += colspan
            while (r, col) in pending:
                out.append(None)
                col += 1
            grid.append(out)
        return grid


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or "1"), 100))
    except ValueError:
        return 1


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = SourceDocument()
        self.text: list[str] = []
        self.tables: list[_TableBuilder] = []
        self.skip = 0

    def _flush(self) -> None:
        text = "".join(self.text).replace("\xa0", " ")
        self.text = []
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.append(text + "\n")
        elif text.strip():
            self.doc.add_paragraph(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "table":
            self._flush()
            self.tables.append(_TableBuilder())
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self._flush()
            values = dict(attrs)
            table = self.tables[-1]
            table.cell = []
            table.span = (_int(values.get("rowspan")), _int(values.get("colspan")))
        elif tag == "br" or tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
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
            grid = table.grid()
            if self.tables and self.tables[-1].cell is not None:  # a table inside a cell: keep its text
                self.tables[-1].cell.append(" ".join(c for row in grid for c in row if c) + "\n")
            else:
                self.doc.add_table(grid)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data.replace("\n", "").replace("\r", ""))


def _decode(raw: bytes) -> str:
    """UTF-8, or GB18030 when the page says so (many government sites still use GBK)."""
    encodings = ("gb18030", "utf-8") if b"charset=gb" in raw[:4096].lower() else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def read_html(path: Path) -> SourceDocument:
    parser = _Parser()
    parser.feed(_decode(path.read_bytes()))
    parser.close()
    parser._flush()
    return parser.doc
