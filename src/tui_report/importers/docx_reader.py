"""Word/WPS documents (.docx): body paragraphs and tables in order, streamed from word/document.xml.

Only that one part of the zip is read, unpacked as it is parsed (never whole in memory: a 30 KB
.docx may unpack to hundreds of megabytes), with the standard library's expat parser (no entity
expansion beyond its amplification guard, no external entities). Every paragraph, table cell and
element counts against the budgets (:mod:`tui_report.importers.budget`) as it is read. Merged cells
come from the table XML (``gridSpan`` clamped to the table's own grid, ``vMerge``).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from tui_report.importers.budget import MAX_DOCUMENT_XML_BYTES, MAX_XML_ELEMENTS, Budget, refusal
from tui_report.importers.source import Grid, ImportFailure, SourceDocument

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _T = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}t"
_TAB, _BR, _HYPHEN = f"{_W}tab", f"{_W}br", f"{_W}noBreakHyphen"
_TCPR, _GRID_SPAN, _V_MERGE, _VAL = f"{_W}tcPr", f"{_W}gridSpan", f"{_W}vMerge", f"{_W}val"
_TBL_GRID, _GRID_COL = f"{_W}tblGrid", f"{_W}gridCol"
DOCUMENT_PART = "word/document.xml"


class _BoundedReader(io.RawIOBase):
    """A zip member read through a byte budget: the unpacked size is counted, not trusted."""

    def __init__(self, member: IO[bytes], path: Path) -> None:
        self.member = member
        self.path = path
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.member.read(len(buffer))
        self.total += len(data)
        if self.total > MAX_DOCUMENT_XML_BYTES:
            raise refusal(self.path, f"正文解压后超过{MAX_DOCUMENT_XML_BYTES // 1024 // 1024} MB")
        buffer[: len(data)] = data
        return len(data)


def _text(element: ElementTree.Element) -> str:
    """The text of a paragraph or cell: runs joined, tabs and breaks as spaces/new lines."""
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _HYPHEN:  # "0517-80000000" kept whole on a line
            parts.append("-")
        elif tag == _TAB:
            parts.append(" ")
        elif tag == _BR or (tag == _P and parts):
            parts.append("\n")
    return "".join(parts).strip("\n")


def _grid_width(table: ElementTree.Element) -> int:
    """The table's real width: its declared grid columns, else the most cells in a row."""
    grid = table.find(_TBL_GRID)
    declared = len(grid.findall(_GRID_COL)) if grid is not None else 0
    widest = max((len(row.findall(_TC)) for row in table.findall(_TR)), default=1)
    return max(declared, widest, 1)


def _span(cell: ElementTree.Element, width: int) -> tuple[int, bool]:
    props = cell.find(_TCPR)
    if props is None:
        return 1, False
    span = 1
    span_el = props.find(_GRID_SPAN)
    if span_el is not None:
        try:
            span = max(1, min(int(span_el.get(_VAL, "1") or 1), width))
        except ValueError:
            span = 1
    merge_el = props.find(_V_MERGE)
    continued = merge_el is not None and merge_el.get(_VAL, "continue") != "restart"
    return span, continued


def _grid(table: ElementTree.Element, budget: Budget) -> Grid:
    width = _grid_width(table)
    grid: Grid = []
    for row in table.findall(_TR):
        cells: list[str | None] = []
        for cell in row.findall(_TC):
            span, continued = _span(cell, width)
            span = max(1, min(span, width - len(cells))) if len(cells) < width else 1
            budget.add_cells(span - 1)  # the cell itself was counted as it was read
            text = None if continued else _text(cell)
            if text:
                budget.add_characters(len(text))
            cells.append(text)
            cells.extend([None] * (span - 1))
        grid.append(cells)
    return grid


def _events(source: IO[bytes], path: Path) -> Iterator[tuple[str, ElementTree.Element]]:
    for count, (event, element) in enumerate(ElementTree.iterparse(source, events=("start", "end"))):
        if count >= 2 * MAX_XML_ELEMENTS:
            raise refusal(path, f"正文元素超过{MAX_XML_ELEMENTS}个")
        yield event, element


def _read_body(source: IO[bytes], path: Path, out: SourceDocument) -> None:
    budget = out.budget
    assert budget is not None
    depth = 0  # tables open around the current element
    stack: list[ElementTree.Element] = []
    for event, element in _events(source, path):
        if event == "start":
            stack.append(element)
            if element.tag == _TBL:
                depth += 1
                budget.add_table(depth)
            elif element.tag == _TC:
                budget.add_cells(1)
            continue
        stack.pop()
        if element.tag == _TBL:
            depth -= 1
            if depth == 0:
                out.add_table(_grid(element, budget))
                _release(element, stack)
        elif element.tag == _P and depth == 0:
            out.add_paragraph(_text(element))
            _release(element, stack)
        elif depth == 0 and len(stack) == 2:  # anything else directly in the body: not kept
            _release(element, stack)


def _release(element: ElementTree.Element, stack: list[ElementTree.Element]) -> None:
    """Drop what has been read, so that memory stays that of one paragraph or table."""
    element.clear()
    if stack:
        parent = stack[-1]
        for child in list(parent):
            parent.remove(child)


def read_docx(data: bytes, path: Path) -> SourceDocument:
    out = SourceDocument(budget=Budget(path))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFailure(
            f"{path}：不是有效的 .docx 文件（可能是旧的 .doc 格式，请在 Word/WPS 中另存为 .docx）"
        ) from exc
    with archive:
        if DOCUMENT_PART not in archive.namelist():
            raise ImportFailure(f"{path}：不是 Word 文档（缺少 {DOCUMENT_PART}）")
        with archive.open(DOCUMENT_PART) as member:
            reader = io.BufferedReader(_BoundedReader(member, path), 1 << 16)
            try:
                _read_body(reader, path, out)
            except ElementTree.ParseError as exc:
                raise ImportFailure(f"{path}：文件已损坏或格式不受支持，无法读取") from exc
    return out
