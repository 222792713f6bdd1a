"""PDFs with a text layer (published by WPS, Word or our own export through LibreOffice), read with
pdfplumber: ruled tables as grids, the text outside them as paragraphs.

Each page is laid out by our own pdfminer device and interpreter, which count the glyphs, the drawn
rules and the drawing instructions (forms included) against the budgets while the page is being
interpreted, so that a crafted page stops at the budget instead of laying out a million objects;
pages are read one at a time and their objects released.

A PDF has lines, not paragraphs: a line that is indented, or follows a line that stops short of
the right margin, starts a new paragraph. Spaces the text layer puts between Chinese characters and
digits ("2024 年") are removed.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from tui_report.importers.budget import (
    MAX_PAGE_CHARACTERS,
    MAX_PAGE_CONTENT_BYTES,
    MAX_PAGE_SEGMENTS,
    MAX_PAGES,
    MAX_PDF_CHARACTERS,
    MAX_PDF_OBJECTS,
    MAX_PDF_SEGMENTS,
    Budget,
    refusal,
)
from tui_report.importers.labels import is_value, value_text
from tui_report.importers.source import Grid, ImportFailure, RowNote, SourceDocument
from tui_report.importers.vocabulary import vocabulary

_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")


def clean(text: str) -> str:
    return _SPACE_NEAR_CJK.sub("", text)


def _is_text_frame(rows: list[list[str | None]]) -> bool:
    """A one-column "table" is a frame around text (a box around the preamble), not a data table."""
    return all(sum(1 for c in row if c is not None) <= 1 for row in rows)


def _inside(line: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    mid_x = (line["x0"] + line["x1"]) / 2
    mid_y = (line["top"] + line["bottom"]) / 2
    return any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)


@dataclass(slots=True)
class _Margins:
    char: float
    left: float
    right: float


def _margins(lines: list[dict[str, Any]]) -> _Margins:
    """Line height and the text block's left and right edge, over the whole document (a page of
    indented first lines alone would otherwise move the margin)."""
    if not lines:
        return _Margins(10.0, 0.0, 0.0)
    char = median(ln["bottom"] - ln["top"] for ln in lines) or 10.0
    return _Margins(char, min(ln["x0"] for ln in lines), max(ln["x1"] for ln in lines))


def _join(before: str, text: str) -> str:
    joiner = " " if before[-1:].isascii() and before[-1:].isalnum() and text[:1].isascii() else ""
    return before + joiner + text


class _Assembler:
    """Lines → paragraphs: a line that is indented, or follows a short line or a gap, starts one.
    A page's first line, not indented, continues the last paragraph of the page before."""

    def __init__(self, margins: _Margins) -> None:
        self.m = margins
        self.previous: dict[str, Any] | None = None

    def starts_paragraph(self, line: dict[str, Any], same_page: bool) -> bool:
        m, previous = self.m, self.previous
        if previous is None or line["x0"] > m.left + 0.9 * m.char or previous["x1"] < m.right - 1.5 * m.char:
            return True
        return same_page and line["top"] - previous["bottom"] > 1.2 * m.char


@dataclass(slots=True)
class _Page:
    tables: list[tuple[float, Grid]]
    lines: list[dict[str, Any]]


def _is_number(text: str) -> bool:
    return is_value(text) and bool(value_text(text))


def _column_ranges(table: Any) -> list[tuple[float, float]]:
    """Each grid column's x-range: from its left edge (the cells that start there) to the next."""
    starts = sorted({round(cell[0], 1) for row in table.rows for cell in row.cells if cell is not None})
    edges = [*starts, float(table.bbox[2])]
    return [(edges[i], edges[i + 1]) for i in range(len(starts))]


# A note about a grid row, kept with the row itself (the list): where the row ends up — in a table
# joined across a page break — is known only when the document's tables are laid out.
_RowNote = tuple[list[str | None], str]


def _row_label(row: list[str | None], before: int) -> str:
    """The row's innermost label as printed: its last text before column ``before`` that is not a
    number."""
    labels = [c for c in row[:before] if c and c.strip() and not _is_number(c)]
    return "".join(labels[-1].split()) if labels else "（无标签）"


def _add_stray(stray: list[tuple[float, float, str]], word: dict[str, Any]) -> None:
    """A word under no column: the rest of a number wrapped in its narrow cell ("311" above "9")
    when it stands where one already noted stands, else a number of its own."""
    for i, (x0, x1, text) in enumerate(stray):
        if word["x0"] < x1 and x0 < word["x1"]:
            stray[i] = (min(x0, word["x0"]), max(x1, word["x1"]), text + word["text"])
            return
    stray.append((word["x0"], word["x1"], word["text"]))


def _numbers_by_column(table: Any, grid: Grid, page: Any, notes: list[_RowNote]) -> None:
    """Numbers by where they stand, not by the cell the rules make: a cell that holds several
    numbers because a vertical rule is missing ("3001 60 5 8") gives each number to the column
    under which it is printed (the columns' x-ranges from the other rows). A number under no
    column is a note about its row."""
    columns = _column_ranges(table)
    if len(columns) != max((len(row) for row in grid), default=0):
        return
    words: list[dict[str, Any]] | None = None
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            text = grid[r][c] if c < len(grid[r]) else None
            if cell is None or text is None or cell[2] <= columns[c][1] + 1:
                continue
            tokens = text.split()
            if len(tokens) < 2 or not all(_is_number(t) for t in tokens):
                continue
            if words is None:
                words = page.extract_words(keep_blank_chars=False)
            placed: dict[int, str] = {}
            stray: list[tuple[float, float, str]] = []  # x-range and text of each number under no column
            for word in words:
                mid_x, mid_y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
                if not (cell[0] <= mid_x < cell[2] and cell[1] <= mid_y < cell[3]):
                    continue
                column = next((i for i, (x0, x1) in enumerate(columns) if x0 <= mid_x < x1), None)
                if column is None or column < c:
                    _add_stray(stray, word)
                else:
                    placed[column] = placed.get(column, "") + word["text"]
            if stray:
                where = f"“{_row_label(grid[r], c)}”一行中的“{' '.join(text for _, _, text in stray)}”"
                notes.append((grid[r], f"{where}不在任何一列之下，未读入，请核对。"))
            for column in range(c, len(grid[r])):
                if column == c or grid[r][column] is None:
                    grid[r][column] = placed.get(column, "" if column == c else grid[r][column])


def _page_data(page: Any, notes: list[_RowNote]) -> _Page:
    tables: list[tuple[float, Grid]] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        rows = table.extract()
        if _is_text_frame(rows):
            continue
        boxes.append(table.bbox)
        grid: Grid = [[None if c is None else clean(c) for c in row] for row in rows]
        _numbers_by_column(table, grid, page, notes)
        tables.append((table.bbox[1], grid))
    lines = [
        ln
        for ln in page.extract_text_lines(return_chars=False)
        if not _inside(ln, boxes) and ln["text"].strip()
    ]
    return _Page(tables, sorted(lines, key=lambda ln: ln["top"]))


def _furniture_key(line: dict[str, Any]) -> tuple[str, int]:
    """A running header or footer is the same text (page numbers aside) at the same height."""
    return re.sub(r"[0-9０-９]+", "#", "".join(line["text"].split())), round(line["top"] / 4)


def _drop_furniture(pages: list[_Page]) -> list[str]:
    """Page numbers (a number alone only as a page's first or last line) and running headers and
    footers (a page's first or last line repeated at the same height on several pages) out of the
    pages' lines; what was dropped, for the accounting."""
    vocab = vocabulary()
    dropped: list[str] = []
    for page in pages:
        kept = []
        for i, line in enumerate(page.lines):
            edge = i < 2 or i >= len(page.lines) - 2
            if vocab.is_page_number(line["text"], at_edge=edge):
                dropped.append(line["text"])
            else:
                kept.append(line)
        page.lines = kept
    edges = Counter(
        _furniture_key(line)
        for page in pages
        for line in {id(x): x for x in page.lines[:1] + page.lines[-1:]}.values()
    )
    repeated = {key for key, count in edges.items() if count >= vocab.repeated_min_pages}
    for page in pages:
        for end in (0, -1):
            if page.lines and _furniture_key(page.lines[end]) in repeated:
                dropped.append(page.lines.pop(end)["text"])
    return dropped


def _has_numbers(row: list[str | None]) -> bool:
    return any(c is not None and _is_number(c) for c in row)


def _continue_table(before: Grid, after: Grid) -> bool:
    """Append a table that goes on from the page before (same columns) to it: a header repeated on
    the new page is dropped, a row cut by the page break (its label on one page, the rest on the
    other) becomes one row again."""
    if not before or not after:
        return False
    first, last = after[0], before[-1]
    if len(last) != len(first):
        if any(_has_numbers(row) for row in after):
            return False
        # A label's last characters alone on the new page ("项"): back into the row they end.
        labels = [i for i, c in enumerate(last) if c is not None and not _is_number(c)]
        for n, text in enumerate(t for row in after for t in row if t):
            if labels:
                at = labels[min(n, len(labels) - 1)]
                last[at] = (last[at] or "") + text
        return True
    if [c for c in first if c] == [c for c in before[0] if c]:
        after = after[1:]  # the header, repeated
    elif not _has_numbers(first) or not _has_numbers(last):
        # One row again, as the half that holds the numbers (the row object a reader's note about
        # its numbers is kept with): the label's half is joined into it in place.
        kept = first if _has_numbers(first) else last
        kept[:] = [
            (a or "") + (b or "") if (a is not None or b is not None) else None
            for a, b in zip(last, first, strict=True)
        ]
        before[-1] = kept
        after = after[1:]
    before.extend(after)
    return True


@dataclass(slots=True)
class _Counter:
    """What pages have drawn so far, against the page and document budgets."""

    path: Path
    chars: int = 0
    rules: int = 0
    content: int = 0
    page_chars: int = 0
    page_rules: int = 0
    page_content: int = 0

    def new_page(self) -> None:
        self.page_chars = self.page_rules = self.page_content = 0

    def char(self) -> None:
        self.chars += 1
        self.page_chars += 1
        if self.page_chars > MAX_PAGE_CHARACTERS:
            raise refusal(self.path, f"一页的文字超过{MAX_PAGE_CHARACTERS}个")
        if self.chars > MAX_PDF_CHARACTERS:
            raise refusal(self.path, f"文字超过{MAX_PDF_CHARACTERS}个")

    def segments(self, count: int) -> None:
        self.rules += count
        self.page_rules += count
        if self.page_rules > MAX_PAGE_SEGMENTS:
            raise refusal(self.path, f"一页的线条超过{MAX_PAGE_SEGMENTS}段")
        if self.rules > MAX_PDF_SEGMENTS:
            raise refusal(self.path, f"线条超过{MAX_PDF_SEGMENTS}段")

    def drawing(self, size: int) -> None:
        self.page_content += size
        if self.page_content > MAX_PAGE_CONTENT_BYTES:
            raise refusal(self.path, f"一页的绘制指令超过{MAX_PAGE_CONTENT_BYTES // 1024 // 1024} MB")


def _layout_page(page: Any, counter: _Counter) -> None:
    """Lay the page out as pdfplumber would, through a device and an interpreter that count."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import stream_value
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class CountingDevice(PDFPageAggregatorWithMarkedContent):
        def render_char(self, *args: Any, **kwargs: Any) -> float:
            counter.char()
            return float(super().render_char(*args, **kwargs))

        painting = False

        def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
            if not self.painting:  # a path of several subpaths paints each: count it once
                counter.segments(len(path))
            self.painting, was = True, self.painting
            try:
                super().paint_path(gstate, stroke, fill, evenodd, path)
            finally:
                self.painting = was

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            counter.segments(1)
            super().render_image(*args, **kwargs)

    class CountingInterpreter(PDFPageInterpreter):
        def do_Do(self, xobjid_arg: Any) -> None:
            try:
                xobj = stream_value(self.xobjmap[xobjid_arg.name])
                counter.drawing(len(xobj.get_data()) if xobj.get("Subtype").name == "Form" else 64)
            except (KeyError, AttributeError, TypeError):
                counter.drawing(64)
            super().do_Do(xobjid_arg)

    counter.new_page()
    for stream in page.page_obj.contents:
        counter.drawing(len(stream_value(stream).get_data()))
    device = CountingDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    CountingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


def _pages(pdf: Any, path: Path, first_pages: int | None = None) -> Any:
    """pdfplumber pages one at a time (not the whole list first), at most :data:`MAX_PAGES`."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    doctop = 0.0
    for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
        if first_pages is not None and index >= first_pages:
            return
        if index >= MAX_PAGES:
            raise refusal(path, f"超过{MAX_PAGES}页")
        page = Page(pdf, page_obj, page_number=index + 1, initial_doctop=doctop)
        doctop += float(page.height)
        yield page


def _count_objects(pdf: Any, path: Path) -> None:
    objects = sum(len(list(xref.get_objids())) for xref in pdf.doc.xrefs)
    if objects > MAX_PDF_OBJECTS:
        raise refusal(path, f"对象超过{MAX_PDF_OBJECTS}个")


def load_library() -> None:
    """Load pdfplumber and pdfminer (a third of a second) before reading begins."""
    import pdfminer.pdfinterp  # noqa: F401
    import pdfplumber.page  # noqa: F401


def read_pdf(data: bytes, path: Path, first_pages: int | None = None) -> SourceDocument:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        raise ImportFailure(f"{path}：不是可读取的 PDF 文件") from exc
    counter = _Counter(path)
    pages = []
    notes: list[_RowNote] = []
    with pdf:
        _count_objects(pdf, path)
        for page in _pages(pdf, path, first_pages):
            _layout_page(page, counter)
            pages.append(_page_data(page, notes))
            page.close()
    furniture = _drop_furniture(pages)
    out = SourceDocument(
        # Lines as laid out, spaces kept: for tables without rules, the spaces separate the cells.
        lines=[ln["text"].strip() for page in pages for ln in page.lines],
        furniture=furniture,
        budget=Budget(path),
    )
    by_row: dict[int, list[str]] = {}  # id of a noted row (kept alive by ``notes``) → its notes
    for row, message in notes:
        by_row.setdefault(id(row), []).append(message)
    for block in _blocks(pages):
        if isinstance(block, str):
            out.add_paragraph(block)
            continue
        table = out.add_table(block)
        if table is None:
            continue
        for index, row in enumerate(block):
            for message in by_row.pop(id(row), ()):
                out.row_notes.append(RowNote(table, index, message))
    out.notes.extend(message for messages in by_row.values() for message in messages)  # rows gone
    return out


def _blocks(pages: list[_Page]) -> list[str | Grid]:
    """Paragraphs and tables in reading order: lines joined into paragraphs (also across a page
    break), a table that goes on over a page break joined into one."""
    assembler = _Assembler(_margins([ln for page in pages for ln in page.lines]))
    blocks: list[str | Grid] = []
    for page in pages:
        items: list[tuple[float, int, Any]] = [(top, 0, grid) for top, grid in page.tables]
        items += [(ln["top"], 1, ln) for ln in page.lines]
        first = True
        for _, kind, item in sorted(items, key=lambda i: (i[0], i[1])):
            if kind == 0:
                previous = blocks[-1] if blocks else None
                if not (first and isinstance(previous, list) and _continue_table(previous, item)):
                    blocks.append(item)
                assembler.previous = None
                first = False
                continue
            text = clean(item["text"]).strip()
            if (
                assembler.starts_paragraph(item, same_page=not first)
                or not blocks
                or not isinstance(blocks[-1], str)
            ):
                blocks.append(text)
            else:
                blocks[-1] = _join(str(blocks[-1]), text)
            assembler.previous = item
            first = False
    return blocks
