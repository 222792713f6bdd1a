"""Column widths: numbers fit in the font that draws them, group labels never end on one character."""

from __future__ import annotations

import pytest

from tui_report.export.document import (
    TABLE_CELL_PADDING_MM,
    TABLE_PT_CHOICES,
    TEXT_WIDTH_MM,
    Table,
    build_document,
)
from tui_report.export.widths import break_lines, em_width, fit_tables, leaves_orphan, mm_per_em
from tui_report.model.report import Report

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
