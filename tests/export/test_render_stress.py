"""The PDF on this machine's fonts with the widest numbers, the 2019 format and dama's 2021 report:
every number whole, every group label on one page, no label of 表三 down to one character on a
line, the text layer complete.

Rendered through LibreOffice (skipped without it on a developer's machine, failed in CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_report.export.document import ReportDocument, Table, build_document
from tui_report.export.office import export_document
from tui_report.export.pdfcheck import text_layer_problems
from tui_report.model.report import Report
from tui_report.storage.reportfile import load_report

from .export_helpers import EXAMPLES, report_2019
from .pdf_reading import Word, all_words, label_lines, needs_renderer, page_count

pytestmark = needs_renderer()


def five_digit_report() -> Report:
    """full-2024 with a five-digit number in every 表三 and 表四 input cell; the totals, computed,
    have six or seven digits."""
    report = load_report(EXAMPLES / "full-2024.toml")
    n = 0
    for key in ("requests", "appeals"):
        table = report.tpl.table(key)
        report.values[key] = {}
        for cell_id in table.input_cells():
            n += 1
            report.set_cell(key, cell_id, 10000 + (n * 7919) % 89999)
    return report


def group_labels(document: ReportDocument) -> list[str]:
    """Labels heading a group of rows or columns (（三）不予公开, 三、本年度办理结果, 法人或其他组织)."""
    return [
        span.text
        for block in document.blocks
        if isinstance(block, Table)
        for span in block.cells
        if len(span.text) > 1
        and ((span.role == "row_header" and span.rowspan > 1) or span.role == "col_header")
    ]


def table_3_labels(document: ReportDocument) -> list[str]:
    """Every label of 表三, a row's own too ("2.其他法律行政法规禁止公开")."""
    return [
        span.text
        for block in document.blocks
        if isinstance(block, Table) and block.key == "requests"
        for span in block.cells
        if span.role != "value" and len(span.text) > 1
    ]


@pytest.fixture(scope="module", params=["five-digit", "2019", "dama-2021"])
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReportDocument, Path]:
    if request.param == "five-digit":
        report = five_digit_report()
    elif request.param == "2019":
        report = report_2019()
    else:
        report = load_report(EXAMPLES / "dama-2021.toml")
    path = tmp_path_factory.mktemp("stress") / f"{request.param}.pdf"
    export_document(report, path)
    return build_document(report), path


def test_five_digit_fixture_has_five_digits_or_more_everywhere() -> None:
    document = build_document(five_digit_report())
    numbers = [
        s.text
        for b in document.blocks
        if isinstance(b, Table) and b.key != "proactive"
        for s in b.cells
        if s.role == "value"
    ]
    assert len(numbers) == 25 * 7 + 15
    assert all(len(n) >= 5 and n.isdigit() for n in numbers)
    assert max(len(n) for n in numbers) == 7


def test_text_layer_is_complete(rendered: tuple[ReportDocument, Path]) -> None:
    document, pdf = rendered
    # Every paragraph in order, character by character, and every table number one word.
    assert text_layer_problems(pdf, document) == []


def test_one_table_font_size(rendered: tuple[ReportDocument, Path]) -> None:
    document, _ = rendered
    assert len({b.font_pt for b in document.blocks if isinstance(b, Table)}) == 1


def test_group_labels_on_one_page_and_never_one_character_a_line(
    rendered: tuple[ReportDocument, Path],
) -> None:
    document, pdf = rendered
    words = all_words(pdf)
    pages: dict[int, list[Word]] = {}
    for word in words:
        pages.setdefault(word.page, []).append(word)
    for label in group_labels(document):
        found = [lines for page in pages.values() if (lines := label_lines(page, label))]
        assert found, f"{label}: not printed whole on one page"
        for lines in found:
            assert all(len(line.text) > 1 for line in lines), f"{label}: {[w.text for w in lines]}"


def test_no_label_of_table_3_ends_on_one_character(rendered: tuple[ReportDocument, Path]) -> None:
    # dama's "2.其他法律行政法规禁止公/开", "1.本机关不掌握相关政府信/息" and "2.没有现成信息需要另行制/作"
    # used to: the columns are reflowed, or (among five-digit numbers) the label set a size smaller.
    document, pdf = rendered
    pages: dict[int, list[Word]] = {}
    for word in all_words(pdf):
        pages.setdefault(word.page, []).append(word)
    for label in table_3_labels(document):
        found = [lines for page in pages.values() if (lines := label_lines(page, label))]
        assert found, f"{label}: not printed whole on one page"
        for lines in found:
            assert all(len(line.text) > 1 for line in lines), f"{label}: {[w.text for w in lines]}"


def test_table_header_repeats_on_every_page_of_table_3(rendered: tuple[ReportDocument, Path]) -> None:
    _, pdf = rendered
    words = all_words(pdf)
    # Pages that hold 表三 rows: from its first to its last row label.
    first = next(w.page for w in words if w.text.startswith("一、本年新收"))
    last = next(w.page for w in words if w.text.startswith("四、结转下年度"))
    for page in range(first, last + 1):
        assert any(w.text == "申请人情况" and w.page == page for w in words), f"page {page}"
    assert page_count(pdf) >= last
