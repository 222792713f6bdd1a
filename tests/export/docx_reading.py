"""Reading back what the export wrote: merges from gridSpan/vMerge, fonts, fields, lengths."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.oxml.ns import qn

EMU_PER_MM = 36000
TWIPS_PER_MM = 1440 / 25.4


def open_docx(data: bytes) -> Any:
    return Document(io.BytesIO(data))


def mm(length_emu: int) -> float:
    return length_emu / EMU_PER_MM


@dataclass(frozen=True)
class Merged:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def table_cells(tbl: Any) -> list[Merged]:
    """Every cell of a Word table as (row, col, rowspan, colspan, text), read from ``w:gridSpan`` and
    ``w:vMerge`` only: a cell continuing a vertical merge extends the cell above it."""
    open_cells: dict[int, dict[str, Any]] = {}
    cells: list[dict[str, Any]] = []
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        col = 0
        for tc in tr.findall(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span_el = tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None
            colspan = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p")))
            if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                above = open_cells[col]
                assert above["colspan"] == colspan, f"vMerge at row {r} col {col} changes width"
                assert text == "", f"continued merge at row {r} col {col} holds text {text!r}"
                above["rowspan"] += 1
            else:
                cell = {"row": r, "col": col, "rowspan": 1, "colspan": colspan, "text": text}
                cells.append(cell)
                open_cells[col] = cell
            col += colspan
    return [Merged(**c) for c in cells]


def merges(tbl: Any) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    """Merged areas as ((first row, first col), (last row, last col)), single cells left out."""
    return {
        ((c.row, c.col), (c.row + c.rowspan - 1, c.col + c.colspan - 1))
        for c in table_cells(tbl)
        if c.rowspan > 1 or c.colspan > 1
    }


def grid_shape(tbl: Any) -> tuple[int, int]:
    rows = tbl.findall(qn("w:tr"))
    cols = tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    return len(rows), len(cols)


def at(tbl: Any) -> dict[tuple[int, int], str]:
    """Text of each cell keyed by its top-left corner."""
    return {(c.row, c.col): c.text for c in table_cells(tbl)}


def style_chain(doc: Any, style_id: str) -> list[Any]:
    chain = []
    styles = doc.styles.element
    current: str | None = style_id
    while current:
        el = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{current}']")
        assert el is not None, f"style {current} missing"
        chain.append(el)
        based = el.find(qn("w:basedOn"))
        current = based.get(qn("w:val")) if based is not None else None
    return chain


def effective_fonts(doc: Any, style_id: str) -> dict[str, str]:
    """The rFonts attributes a style ends up with (own first, then basedOn, then docDefaults)."""
    result: dict[str, str] = {}
    elements = [*style_chain(doc, style_id)]
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    for el in [*elements, defaults.find(qn("w:rPrDefault"))]:
        fonts = el.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is None:
            continue
        for key, value in fonts.attrib.items():
            result.setdefault(key.split("}")[1], value)
    return result


def has_page_field(part_element: Any) -> bool:
    instr = "".join(t.text or "" for t in part_element.iter(qn("w:instrText")))
    begins = [f for f in part_element.iter(qn("w:fldChar")) if f.get(qn("w:fldCharType")) == "begin"]
    ends = [f for f in part_element.iter(qn("w:fldChar")) if f.get(qn("w:fldCharType")) == "end"]
    simple = [f for f in part_element.iter(qn("w:fldSimple")) if "PAGE" in (f.get(qn("w:instr")) or "")]
    return bool(simple) or (instr.split() == ["PAGE"] and len(begins) == len(ends) == 1)


def raw_paragraph_texts(doc: Any) -> list[str]:
    """Texts of the paragraphs outside tables as stored, invisible characters included."""
    body = doc.element.body
    texts = []
    for p in body.findall(qn("w:p")):
        text = "".join(
            "-" if t.tag == qn("w:noBreakHyphen") else t.text or ""
            for t in p.iter(qn("w:t"), qn("w:noBreakHyphen"))
        )
        if text:
            texts.append(text)
    return texts


def body_paragraph_texts(doc: Any) -> list[str]:
    """Texts of the paragraphs outside tables as a reader sees them: empty ones left out, the
    zero-width spaces that let an address break dropped."""
    texts = []
    for raw in raw_paragraph_texts(doc):
        text = raw.replace("\u200b", "")
        if text:
            texts.append(text)
    return texts
