"""A table that fits on one page is never broken: it moves, with its heading, to the next page.

The fault: 表二 kept only each of its four blocks together, so a 表二 starting low on a page broke
between blocks, leaving the bottom of the page blank and 第二十条第（八）项 alone on the next one. Word
and LibreOffice keep rows together when every row's paragraphs but the last row's are "keep with
next" and no row may split (`cantSplit`): that is what a table that fits gets now.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn

from tui_report.export.document import (
    LINE_PITCH_PT,
    TYPE_AREA_HEIGHT_PT,
    Table,
    build_document,
    table_height_pt,
)
from tui_report.export.fonts import FontSet, latin_widths
from tui_report.export.html import render_html
from tui_report.export.office import export_document
from tui_report.model.report import Report

from .docx_reading import open_docx
from .export_helpers import export_docx, report_2019, report_with_longer_part_one
from .pdf_reading import all_words, needs_renderer
from .test_render_stress import five_digit_report

(renders,) = needs_renderer()  # for the PDF tests only


def tables_of(report: Report) -> dict[str, Table]:
    return {b.key: b for b in build_document(report).blocks if isinstance(b, Table)}


def keep_next_rows(tbl: Any) -> list[bool]:
    return [
        all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))
        for row in tbl.findall(qn("w:tr"))
    ]


def test_which_tables_fit_on_a_page(full_report: Report) -> None:
    full = tables_of(full_report)
    assert full["proactive"].fits_on_page and full["appeals"].fits_on_page
    # 表三 of 2021 (28 rows) is longer than a page; of 2019 (26 rows) it fits.
    assert not full["requests"].fits_on_page
    assert tables_of(report_2019())["requests"].fits_on_page
    assert not tables_of(five_digit_report())["requests"].fits_on_page


def test_height_estimate_errs_tall(full_report: Report) -> None:
    latin = latin_widths(FontSet(), "0123456789.-+%")
    table = tables_of(full_report)["proactive"]
    # 14 rows of at least two lines of 五号 with their borders: 294 pt in LibreOffice.
    assert 294 <= table_height_pt(table, latin) <= 320
    room = TYPE_AREA_HEIGHT_PT - LINE_PITCH_PT
    assert table_height_pt(tables_of(full_report)["requests"], latin) > room


def test_table_that_fits_keeps_every_row_with_the_next(tmp_path: Path) -> None:
    doc = open_docx(export_docx(report_2019(), tmp_path))
    for tbl in doc.element.body.findall(qn("w:tbl")):
        rows = tbl.findall(qn("w:tr"))
        assert keep_next_rows(tbl) == [r < len(rows) - 1 for r in range(len(rows))]
        assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows)


def test_table_too_long_for_a_page_still_keeps_its_groups() -> None:
    table = tables_of(five_digit_report())["requests"]
    keeps = [table.keeps_with_next(r) for r in range(table.grid.n_rows)]
    # Breaks are possible (it cannot fit), but not inside the header or a group such as （三）.
    assert not all(keeps[:-1])
    assert all(keeps[:3]) and all(keeps[7:14])


def table_2_pages(pdf: Path) -> set[int]:
    labels = ("二、主动公开政府信息情况", "第二十条第（一）项", "第二十条第（八）项", "行政事业性收费")
    return {w.page for w in all_words(pdf) if w.text in labels}


@renders
@pytest.mark.parametrize("sentences", [1, 3])
def test_table_2_low_on_a_page_moves_whole_with_its_heading(
    sentences: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # One more sentence in part 一 used to leave 第二十条第（八）项 alone on page 3; three, the
    # （六） and （八） blocks.
    pdf = tmp_path_factory.mktemp("keep") / "report.pdf"
    export_document(report_with_longer_part_one(sentences), pdf)
    assert table_2_pages(pdf) == {3}


def test_html_printed_from_a_browser_keeps_fitting_tables_whole(full_report: Report) -> None:
    page = render_html(build_document(full_report), FontSet())
    boxes = re.findall(r'<div style="overflow-x:auto;[^"]*">', page)
    # 表二 and 表四 fit on a page, 表三 does not.
    assert ["break-inside:avoid" in box for box in boxes] == [True, False, True]
