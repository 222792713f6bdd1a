"""PDFs with a text layer (published by WPS, Word or our own export through LibreOffice), read with
pdfplumber: ruled tables as grids, the text outside them as paragraphs.

A PDF has lines, not paragraphs: a line that is indented, or follows a line that stops short of
the right margin, starts a new paragraph. Spaces the text layer puts between Chinese characters and
digits ("2024 年") are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from tui_report.importers.source import Grid, ImportFailure, SourceDocument

MAX_PAGES = 200
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


def read_pdf(path: Path) -> SourceDocument:
    import pdfplumber

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:  # pdfminer raises many kinds for a broken file
        raise ImportFailure(f"{path}：不是可读取的 PDF 文件") from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ImportFailure(f"{path}：PDF 有{len(pdf.pages)}页，不像是一份年度报告")
        pages = [_page_data(page) for page in pdf.pages]
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
    out = SourceDocument(lines=[ln["text"].strip() for _, lines in pages for ln in lines])
    for block in blocks:
        if isinstance(block, str):
            out.add_paragraph(block)
        else:
            out.add_table(block)
    return out
