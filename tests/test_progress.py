"""Progress counts only what was filled (#23 item 5): optional parts are 可选 and count neither as
done nor as to do until written; the report's metadata is not counted; a blank report is 0%."""

from __future__ import annotations

import pytest

from tui_report.model.progress import STATE_MARKS, combine, progress
from tui_report.model.report import Report, new_report
from tui_report.model.rules import check
from tui_report.model.template import template_for_year


def blank(year: int = 2025) -> Report:
    return new_report("某某乡人民政府", year, "township", template_for_year(year))


@pytest.mark.parametrize("year", [2025, 2019])
def test_a_blank_report_is_at_zero(year: int) -> None:
    report = blank(year)
    result = progress(report, check(report))
    assert result.done == 0 and result.percent == 0
    assert result.steps["meta"] == "complete"  # set when the report was made: not counted
    assert result.steps["preamble"] == "optional"
    optional = [k for k, s in result.steps.items() if s == "optional"]
    required = [k for k in result.steps if k != "meta" and k not in optional]
    assert result.total == len(required)
    assert all(result.steps[k] == "empty" for k in required)


def test_the_2021_format_counts_nine_parts_of_a_blank_report() -> None:
    report = blank()
    result = progress(report, check(report))
    assert (result.done, result.total) == (0, 9)  # 一(一)–(五), 表二, 表三, 表四, 五: not 4/13 (31%)
    assert {k for k, s in result.steps.items() if s == "optional"} == {
        "preamble",
        "text:overview.summary",
        "text:other.main",
    }
    assert result.sections["overview"] == "empty"  # its optional 总体情况概述 does not count
    assert result.sections["other"] == "optional"
    assert STATE_MARKS["optional"] == "可选"


def test_an_optional_part_counts_once_written() -> None:
    report = blank()
    report.texts["overview.summary"] = "本年度政务公开工作总体平稳。"
    report.preamble["basis"] = "根据《中华人民共和国政府信息公开条例》第五十条"
    result = progress(report, check(report))
    assert result.steps["text:overview.summary"] == "complete" and result.steps["preamble"] == "complete"
    assert (result.done, result.total) == (2, 11)
    report.texts["overview.summary"] = "   "  # blank text is not written
    assert progress(report, check(report)).steps["text:overview.summary"] == "optional"


def test_a_finished_report_is_at_a_hundred(full: Report, dama: Report) -> None:
    for report in (full, dama):
        result = progress(report, check(report))
        assert result.done == result.total and result.percent == 100


def test_a_section_of_optional_steps_only() -> None:
    assert combine(["optional", "optional"]) == "optional"
    assert combine(["optional", "complete"]) == "complete"
    assert combine(["optional", "empty", "complete"]) == "partial"
    assert combine(["optional", "error"]) == "error"
