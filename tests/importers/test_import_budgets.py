"""Bounded import (#20): one descriptor, no link followed, budgets counted while parsing, the reading
in a child process with hard limits. Every hostile sample is refused in Chinese (each of these ran
for minutes or gigabytes before); times and peak memory are measured by benchmarks/bench_import.py.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tui_report.importers import ImportFailure, import_report, isolation
from tui_report.importers.budget import MAX_TABLE_CELLS, BudgetExceeded
from tui_report.importers.docx_reader import read_docx
from tui_report.importers.html_reader import read_html
from tui_report.importers.source import SourceDocument

from . import hostile

REFUSED = "文档过大或结构异常"


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_hostile_samples_are_refused_in_chinese(tmp_path, name):
    path = hostile.HOSTILE[name](tmp_path)
    with pytest.raises(BudgetExceeded) as caught:
        import_report(path)
    message = str(caught.value)
    assert message.startswith(f"{path}：{REFUSED}（") and message.endswith("），未导入"), message


def test_refusal_names_the_budget(tmp_path):
    with pytest.raises(BudgetExceeded, match=rf"{REFUSED}（表格单元格超过{MAX_TABLE_CELLS}个），未导入"):
        import_report(hostile.html_spans(tmp_path))


def test_html_spans_are_clamped_to_the_tables_real_size(tmp_path):
    """A 2 × 2 table whose cells claim rowspan=100 colspan=100 is still 2 × 2 (it was 100 × 200)."""
    page = (
        "<table><tr><td rowspan=100 colspan=100>甲</td><td>1</td></tr>"
        "<tr><td colspan=100>乙</td><td rowspan=5>2</td></tr></table>"
    )
    doc = read_html(page.encode(), Path("x.html"))
    grid = doc.blocks[0]
    assert isinstance(grid, list)
    assert len(grid) == 2 and max(len(row) for row in grid) <= 5  # was 2 rows of 101 and 200
    assert grid[0] == ["甲", None, "1"]


def test_docx_grid_span_is_clamped_to_the_tables_grid(tmp_path):
    """A cell claiming a span of a million columns in a table of three covers the three."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc>'
    table = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        + cell
        + "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    path = hostile._docx(tmp_path / "span.docx", lambda: iter([table.encode()]))
    doc = read_docx(path.read_bytes(), path)
    assert doc.blocks[1] == [["甲", None, None, "1"]]


def test_the_file_is_read_through_one_descriptor(tmp_path, monkeypatch, full_path):
    """Whatever is swapped in after the file is opened is not what is read: here a page that is not
    a report replaces the report right after the first look at the path (stat or open). Reading the
    path twice (stat, then open, then read) imported the page swapped in."""
    from tui_report.export.office import export_document
    from tui_report.storage.reportfile import load_report

    report = tmp_path / "report.html"
    export_document(load_report(full_path), report)
    other = tmp_path / "other.html"
    other.write_text("<p>今天天气很好。</p>", encoding="utf-8")
    swapped: list[object] = []

    def swap_after(real):
        def call(path, *args, **kwargs):
            result = real(path, *args, **kwargs)
            if not swapped and os.fspath(path) == os.fspath(report):
                swapped.append(path)
                os.replace(other, report)
            return result

        return call

    monkeypatch.setattr(os, "stat", swap_after(os.stat))
    monkeypatch.setattr(os, "open", swap_after(os.open))
    result = import_report(report)
    assert swapped
    assert result.report.unit == load_report(full_path).unit


def test_fifo_and_device_links_are_refused_at_once(tmp_path):
    fifo = tmp_path / "swapped.html"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(ImportFailure, match="不是普通文件"):
        import_report(fifo)
    link = tmp_path / "zero.html"
    link.symlink_to("/dev/zero")
    with pytest.raises(ImportFailure, match="符号链接"):
        import_report(link)
    assert time.monotonic() - start < 5  # neither waits for a writer nor reads gigabytes


def test_reading_that_needs_too_much_memory_is_refused(tmp_path):
    def greedy() -> SourceDocument:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]
        return SourceDocument(blocks=[str(len(hoard))])

    with pytest.raises(BudgetExceeded, match="内存"):
        isolation.read_isolated(greedy, tmp_path / "x.pdf")


def test_reading_that_runs_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(isolation, "READ_SECONDS", 1)

    def endless() -> SourceDocument:
        while True:
            time.sleep(0.05)

    start = time.monotonic()
    with pytest.raises(BudgetExceeded, match="读取超过1秒"):
        isolation.read_isolated(endless, tmp_path / "x.pdf")
    assert time.monotonic() - start < 5


def test_a_reader_that_dies_is_a_refusal_not_a_crash(tmp_path):
    def dies() -> SourceDocument:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError

    with pytest.raises(ImportFailure, match="未导入"):
        isolation.read_isolated(dies, tmp_path / "x.pdf")


def test_the_childs_result_is_the_readers(tmp_path):
    doc = SourceDocument(blocks=["甲", [["一", None, "3"]]], lines=["l"], notes=["n"], furniture=["-1-"])
    back = isolation.read_isolated(lambda: doc, tmp_path / "x.pdf")
    assert (back.blocks, back.lines, back.notes, back.furniture) == (
        doc.blocks,
        doc.lines,
        doc.notes,
        doc.furniture,
    )
