"""Word/WPS documents (.docx), read with python-docx: body paragraphs and tables in order.

Cells are read from the table XML (gridSpan, vMerge) rather than through python-docx's cell view,
which repeats a merged cell's text and is slow on big tables.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from tui_report.importers.source import Grid, ImportFailure, SourceDocument

# A .docx is a zip: refuse one that would unpack into something huge (a zip bomb).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _text(element: Any) -> str:
    """The text of a paragraph or cell: runs joined, tabs and breaks as spaces/new lines."""
    parts: list[str] = []
    t, tab, br, p = _qn("w:t"), _qn("w:tab"), _qn("w:br"), _qn("w:p")
    hyphen = _qn("w:noBreakHyphen")  # "0517-80000000" kept whole on a line
    for node in element.iter(t, tab, br, p, hyphen):
        if node.tag == t:
            parts.append(node.text or "")
        elif node.tag == hyphen:
            parts.append("-")
        elif node.tag == tab:
            parts.append(" ")
        elif node.tag == br or (node.tag == p and parts):
            parts.append("\n")
    return "".join(parts).strip("\n")


def _grid(table: Any) -> Grid:
    tr, tc, grid_span, v_merge = _qn("w:tr"), _qn("w:tc"), _qn("w:gridSpan"), _qn("w:vMerge")
    val = _qn("w:val")
    grid: Grid = []
    for row in table.iterchildren(tr):
        cells: list[str | None] = []
        for cell in row.iter(tc):
            props = cell.tcPr
            span = 1
            continued = False
            if props is not None:
                span_el = props.find(grid_span)
                if span_el is not None:
                    span = max(1, int(span_el.get(val, "1") or 1))
                merge_el = props.find(v_merge)
                continued = merge_el is not None and merge_el.get(val, "continue") != "restart"
            cells.append(None if continued else _text(cell))
            cells.extend([None] * (span - 1))
        grid.append(cells)
    return grid


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportFailure(f"{path}：文件解压后过大，不像是一份年度报告")
            if "word/document.xml" not in archive.namelist():
                raise ImportFailure(f"{path}：不是 Word 文档（缺少 word/document.xml）")
    except zipfile.BadZipFile as exc:
        raise ImportFailure(
            f"{path}：不是有效的 .docx 文件（可能是旧的 .doc 格式，请在 Word/WPS 中另存为 .docx）"
        ) from exc


def read_docx(path: Path) -> SourceDocument:
    import docx

    _check_zip(path)
    document = docx.Document(str(path))
    body = document.element.body
    out = SourceDocument()
    p, tbl = _qn("w:p"), _qn("w:tbl")
    for child in body.iterchildren(p, tbl):
        if child.tag == p:
            out.add_paragraph(_text(child))
        else:
            out.add_table(_grid(child))
    return out
