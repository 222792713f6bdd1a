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
from tui_report.importers.source import Grid, ImportFailure, SourceDocument

_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
# Page furniture: page numbers, and the draft mark our own export prints at the top of each page.
_PAGE_NUMBER = re.compile(r"^[-—－\s]*\d+[-—－\s]*$|^第\s*\d+\s*页|^草稿$")


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


def _page_data(page: Any) -> tuple[list[tuple[float, Grid]], list[dict[str, Any]]]:
    tables: list[tuple[float, Grid]] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        rows = table.extract()
        if _is_text_frame(rows):
            continue
        boxes.append(table.bbox)
        tables.append((table.bbox[1], [[None if c is None else clean(c) for c in row] for row in rows]))
    lines = [
        ln
        for ln in page.extract_text_lines(return_chars=False)
        if not _inside(ln, boxes) and not _PAGE_NUMBER.match(ln["text"].strip()) and ln["text"].strip()
    ]
    return tables, lines


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


def _pages(pdf: Any, path: Path) -> Any:
    """pdfplumber pages one at a time (not the whole list first), at most :data:`MAX_PAGES`."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    doctop = 0.0
    for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
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


def read_pdf(data: bytes, path: Path) -> SourceDocument:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        raise ImportFailure(f"{path}：不是可读取的 PDF 文件") from exc
    counter = _Counter(path)
    pages = []
    with pdf:
        _count_objects(pdf, path)
        for page in _pages(pdf, path):
            _layout_page(page, counter)
            pages.append(_page_data(page))
            page.close()
    assembler = _Assembler(_margins([ln for _, lines in pages for ln in lines]))
    blocks: list[str | Grid] = []
    for tables, lines in pages:
        items: list[tuple[float, int, Any]] = [(top, 0, grid) for top, grid in tables]
        items += [(ln["top"], 1, ln) for ln in lines]
        first = True
        for _, kind, item in sorted(items, key=lambda i: (i[0], i[1])):
            if kind == 0:
                blocks.append(item)
                assembler.previous = None
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
    # Lines as laid out, spaces kept: for tables without rules, the spaces separate the cells.
    out = SourceDocument(
        lines=[ln["text"].strip() for _, lines in pages for ln in lines], budget=Budget(path)
    )
    for block in blocks:
        if isinstance(block, str):
            out.add_paragraph(block)
        else:
            out.add_table(block)
    return out
