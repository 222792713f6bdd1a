"""Column widths: numbers fit in the font that draws them, group labels never end on one character."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx.oxml.ns import qn

from tui_report.export.document import (
    MEASURED_CHARS,
    TABLE_CELL_PADDING_MM,
    TABLE_PT_CHOICES,
    TEXT_WIDTH_MM,
    Table,
    build_document,
)
from tui_report.export.fonts import FontSet, latin_widths
from tui_report.export.html import render_html
from tui_report.export.widths import break_lines, em_width, fit_tables, leaves_orphan, mm_per_em
from tui_report.model.report import Report

from .docx_reading import open_docx
from .export_helpers import export_docx, report_2019
from .test_render_stress import five_digit_report


def test_cjk_line_breaking_of_labels() -> None:
    assert break_lines("三、本年度办理结果", 4.05) == ["三、本年", "度办理结", "果"]
    assert leaves_orphan("三、本年度办理结果", 4.05)
    assert not leaves_orphan("三、本年度办理结果", 5.25)
    # "（三）" never breaks inside, and no line starts with "、".
    assert break_lines("（三）不予公开", 3.5) == ["（三）", "不予公", "开"]
    assert break_lines("公开栏、便民", 3.0) == ["公开", "栏、便", "民"]


@pytest.mark.parametrize("digit_em", [0.5, 0.64], ids=["Liberation Serif", "DejaVu Serif"])
@pytest.mark.parametrize("which", ["full-2024", "five-digit"])
def test_numbers_fit_and_group_labels_keep_two_characters_a_line(
    which: str, digit_em: float, full_report: Report
) -> None:
    report = full_report if which == "full-2024" else five_digit_report()
    latin = dict.fromkeys("0123456789", digit_em) | {".": digit_em / 2, "-": digit_em / 2}
    document = build_document(report)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    size, all_widths = fit_tables(
        [(t.grid, t.cells) for t in tables], TABLE_PT_CHOICES, TEXT_WIDTH_MM, TABLE_CELL_PADDING_MM, latin
    )
    unit = mm_per_em(size)
    for table, widths in zip(tables, all_widths, strict=True):
        assert sum(widths) == pytest.approx(TEXT_WIDTH_MM)
        for span in table.cells:
            room = (sum(widths[span.col : span.last_col + 1]) - 2 * TABLE_CELL_PADDING_MM) / unit
            if span.role == "value":
                assert em_width(span.text, latin) <= room, (table.key, span.text)
            elif (span.rowspan > 1 or span.role == "col_header") and len(span.text) > 1:
                # Broken at the exact room (the solver keeps a safety band where it can).
                lines = break_lines(span.text, room, latin)
                assert all(len(line) > 1 for line in lines), (table.key, lines)


def label_lines_as_printed(table: Table) -> dict[str, list[str]]:
    """Every label of a table broken at its printed room and size, as a CJK line breaker does,
    with the digit widths of the Latin font that draws them."""
    latin = latin_widths(FontSet(), MEASURED_CHARS)
    out = {}
    for span in table.cells:
        if span.role == "value" or len(span.text) < 2:
            continue
        room_mm = sum(table.widths_mm[span.col : span.last_col + 1]) - 2 * TABLE_CELL_PADDING_MM
        out[span.text] = break_lines(span.text, room_mm / mm_per_em(table.size_of(span)), latin)
    return out


@pytest.mark.parametrize("which", ["dama-2021", "full-2024", "2019", "five-digit"])
def test_no_label_ends_on_one_character(which: str, dama_report: Report, full_report: Report) -> None:
    report = {
        "dama-2021": lambda: dama_report,
        "full-2024": lambda: full_report,
        "2019": report_2019,
        "five-digit": five_digit_report,
    }[which]()
    for table in (b for b in build_document(report).blocks if isinstance(b, Table)):
        for label, lines in label_lines_as_printed(table).items():
            assert all(len(line) > 1 for line in lines), (table.key, label, lines)


def test_columns_reflowed_before_any_label_is_shrunk(dama_report: Report) -> None:
    table = next(
        b for b in build_document(dama_report).blocks if isinstance(b, Table) and b.key == "requests"
    )
    lines = label_lines_as_printed(table)
    # The row labels' column took an em from 三、本年度办理结果's, which goes onto three lines.
    assert lines["2.其他法律行政法规禁止公开"] == ["2.其他法律行政法规禁止公开"]
    assert lines["三、本年度办理结果"] == ["三、本", "年度办", "理结果"]
    assert not table.label_pt


def test_label_no_width_helps_is_set_one_size_smaller(tmp_path: Path) -> None:
    report = five_digit_report()
    table = next(b for b in build_document(report).blocks if isinstance(b, Table) and b.key == "requests")
    smaller = {s.text: table.size_of(s) for s in table.cells if (s.row, s.col) in table.label_pt}
    # Five-digit numbers leave the labels' column too narrow for these: 小五 (9 pt) → 六号 (7.5 pt).
    assert table.font_pt == 9.0
    assert smaller and set(smaller.values()) == {7.5}
    assert all(label[0].isdigit() for label in smaller)
    # The .docx sets the size on the label's run; the HTML on its cell.
    tbl = open_docx(export_docx(report, tmp_path)).element.body.findall(qn("w:tbl"))[1]
    sizes = {
        "".join(t.text or "" for t in run.iter(qn("w:t"))): size.get(qn("w:val"))
        for run in tbl.iter(qn("w:r"))
        if (size := run.find(f"{qn('w:rPr')}/{qn('w:sz')}")) is not None
    }
    assert sizes == dict.fromkeys(smaller, "15")
    page = render_html(build_document(report), FontSet())
    assert page.count(";font-size:7.5pt") == len(smaller)
