"""R11 reads more of the numbers texts quote: 予以公开/不予公开…件 (表三), 行政诉讼…件 (表四),
制发/废止规范性文件…件 (表二)."""

from __future__ import annotations

import pytest

from tui_report.model.carryover import start_from
from tui_report.model.report import CellValue, Report, new_report
from tui_report.model.rules import check
from tui_report.storage.reportfile import load_report


def _r11(report):
    return [f for f in check(report) if f.rule == "R11"]


def _value(report: Report, table: str, cell_id: str) -> CellValue:
    value = report.cell(table, cell_id)
    assert value is not None
    return value


@pytest.mark.parametrize(
    ("sentence", "cell_total", "table_word"),
    [
        ("其中予以公开{n}件。", ("requests", "results.disclosed.total"), "表三"),
        ("不予公开{n}件。", None, "表三"),
        ("发生政府信息公开行政诉讼{n}件。", None, "表四"),
        ("本年制发行政规范性文件{n}件。", ("proactive", "normative.issued"), "表二"),
        ("废止规范性文件{n}件。", ("proactive", "normative.repealed"), "表二"),
    ],
)
def test_quoted_numbers_checked_against_the_tables(full_path, sentence, cell_total, table_word):
    report = load_report(full_path)
    totals = {
        "不予公开": sum(
            _value(report, "requests", f"results.withheld.{k}.total")
            for k in (
                "state_secret",
                "prohibited",
                "three_safety",
                "third_party",
                "internal",
                "process",
                "enforcement_files",
                "query",
            )
        ),
        "行政诉讼": _value(report, "appeals", "count.direct.total")
        + _value(report, "appeals", "count.after_review.total"),
    }
    right = _value(report, *cell_total) if cell_total else next(v for k, v in totals.items() if k in sentence)
    report.texts["overview.on_request"] = sentence.format(n=right)
    assert _r11(report) == []
    report.texts["overview.on_request"] = sentence.format(n=right + 1)
    findings = _r11(report)
    assert len(findings) == 1
    assert table_word in findings[0].message and str(right) in findings[0].message
    assert findings[0].severity == "warning"


def test_2019_format_reads_the_same_quotes():
    report = new_report("某镇人民政府", 2020, "township", "gov-info-disclosure-2019")
    for cell_id in report.tpl.table("requests").input_cells():
        report.set_cell("requests", cell_id, 1)
    report.texts["overview.on_request"] = "予以公开5件，不予公开8件。"  # 6 columns of 1; 8 reasons × 6
    messages = [f.message for f in _r11(report)]
    assert any("予以公开5件" in m and "表中为6" in m for m in messages)
    assert any("不予公开8件" in m and "表中为48" in m for m in messages)
    assert start_from(report).year == 2021
