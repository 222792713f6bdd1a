"""The ``[last_year]`` baseline: stored in the report file, read back, used by R7/R8."""

from __future__ import annotations

import pytest

from tui_report.model.report import LastYear
from tui_report.model.rules import check
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import dumps_report, load_report, loads_report


def _rules(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_baseline_round_trips_and_feeds_r7_r8(full_path):
    report = load_report(full_path)
    carried = {
        f"carry_forward.{c}": report.entered("requests", f"carried_over.{c}")
        for c in ("natural", "commercial", "research", "public_interest", "legal_services", "other")
    }
    report.last_year = LastYear(
        template=report.template,
        year=report.year - 1,
        unit=report.unit,
        values={"requests": carried, "proactive": {"regulations.in_force": 43, "normative.in_force": 100}},
    )
    text = dumps_report(report)
    assert "[last_year]" in text
    again = loads_report(text)
    assert again.model_dump() == report.model_dump()
    findings = check(again)
    assert _rules(findings, "R7") == []
    r8 = _rules(findings, "R8")
    assert len(r8) == 1 and "行政规范性文件" in r8[0].message  # 100 + 20 - 5 ≠ 180
    assert again.last_year is not None
    again.last_year.values["requests"]["carry_forward.natural"] = 1
    assert len(_rules(check(again), "R7")) == 1


def test_baseline_with_unknown_cell_is_refused(full_path):
    text = full_path.read_text(encoding="utf-8")
    text += '\n[last_year]\ntemplate = "gov-info-disclosure-2021"\nyear = 2023\n\n[last_year.tables.requests.carry_forward]\nnobody = 1\n'
    with pytest.raises(ReportFileError, match="没有单元格"):
        loads_report(text)
