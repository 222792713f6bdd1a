"""The summary workbook, opened with openpyxl and compared number by number with the reports, and
the roll-up: sums of the units' tables that pass check, equal to the workbook's 合计 row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tui_report.cli import main
from tui_report.model.indicators import review_spec
from tui_report.model.report import CellValue, Report
from tui_report.model.rollup import RollupError, rollup
from tui_report.model.rules import check, has_errors
from tui_report.model.template import get_template
from tui_report.storage.reportfile import load_report

from .conftest import County

TEMPLATE = "gov-info-disclosure-2021"


def number(value: CellValue | None) -> float | None:
    return None if value is None else float(value)


def expected_columns(
    report: Report, table: str, rows: list[str] | None, column: str | None
) -> list[float | None]:
    """Independently of the review code: the shown value of each summary column."""
    compiled = get_template(report.template).table(table)
    if not rows:
        return [number(report.cell(table, cid)) for cid in compiled.order]
    result = []
    for row_path in rows:
        values = [
            report.cell(table, f"{r.id}.{column}")
            for r in compiled.rows
            if r.id == row_path or r.id.startswith(row_path + ".")
        ]
        present = [v for v in values if v is not None]
        result.append(float(sum(present)) if present else None)
    return result


@pytest.fixture
def workbook(county: County, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = tmp_path / "汇总.xlsx"
    assert main(["review", str(county.folder), "-o", str(out)]) == 1
    return load_workbook(out)


def sheet_rows(ws: Any) -> dict[str, list[Any]]:
    return {str(row[0]): list(row[1:]) for row in ws.iter_rows(min_row=2, values_only=True)}


def test_sheets_and_frozen_headers(workbook) -> None:  # type: ignore[no-untyped-def]
    assert workbook.sheetnames == ["状态", "表三汇总", "表二汇总", "问题", "指标", "图表"]
    for ws in workbook.worksheets:
        if ws.title == "图表":  # charts only
            continue
        assert ws.freeze_panes in ("B2", "B3")
        assert ws.column_dimensions["A"].width >= 8


def test_summary_sheets_equal_the_reports(county: County, workbook) -> None:  # type: ignore[no-untyped-def]
    spec = review_spec(TEMPLATE)
    readable = {u: r for u, r in county.reports.items()}
    for summary, raw in zip(spec.summaries, review_spec_raw(), strict=True):
        ws = workbook[summary.sheet]
        header = [c.value for c in ws[1]]
        assert header[1:] == [c.label for c in summary.columns]
        rows = sheet_rows(ws)
        assert set(rows) == {*readable, "合计"}
        for unit, report in readable.items():
            assert [number(v) for v in rows[unit]] == expected_columns(
                report, summary.table, raw["rows"], raw["column"]
            ), unit
        total = rollup(list(readable.values()), "合计")
        assert [number(v) for v in rows["合计"]] == expected_columns(
            total, summary.table, raw["rows"], raw["column"]
        )
        # numbers are numbers, not text
        assert all(isinstance(v, (int, float)) or v is None for v in rows["合计"])


def review_spec_raw() -> list[dict[str, Any]]:
    from tui_report.host.toml import tomllib
    from tui_report.model.indicators import review_spec_path

    data = tomllib.loads(review_spec_path(TEMPLATE).read_text(encoding="utf-8"))
    return [{"rows": s.get("rows"), "column": s.get("column")} for s in data["summaries"]]


def test_table_three_labels_come_from_the_template(workbook) -> None:  # type: ignore[no-untyped-def]
    header = [c.value for c in workbook["表三汇总"][1]]
    assert header[1] == "一本年新收政府信息公开申请数量"
    assert header[3] == "三(一)予以公开"
    assert header[-2] == "三(七)总计"


def test_state_and_findings_sheets(county: County, workbook) -> None:  # type: ignore[no-untyped-def]
    states = sheet_rows(workbook["状态"])
    assert states["丙乡人民政府"][1] == "有错误"
    assert states["己乡人民政府"][1] == "未提交"
    assert isinstance(states["丙乡人民政府"][2], int)
    findings = list(workbook["问题"].iter_rows(min_row=2, values_only=True))
    for unit, report in county.reports.items():
        mine = [r for r in findings if r[0] == unit]
        copied = 1 if unit == "乙镇人民政府" else 0  # f.toml was saved first: the original
        assert len(mine) == len(check(report)) + copied, unit
    header = [c.value for c in workbook["问题"][1]]
    # The people's columns first: where in Chinese and what is wrong; the rule and key paths last.
    assert header == ["单位", "文件", "严重程度", "位置", "说明", "规则", "键"]
    r1 = next(r for r in findings if r[0] == "丙乡人民政府" and r[5] == "R1")
    assert r1[2] == "错误" and str(r1[3]).startswith("表三") and r1[4]
    assert "tables.requests" in str(r1[6]) and "tables." not in str(r1[3])


def test_indicator_sheet(county: County, workbook) -> None:  # type: ignore[no-untyped-def]
    ws = workbook["指标"]
    spec = review_spec(TEMPLATE)
    count = len(spec.indicators)
    assert [c.value for c in ws[1]][1 : count + 1] == [i.name for i in spec.indicators]
    # Row 2: each formula in words (算法), from the template's labels and the review spec.
    words = [c.value for c in ws[2]][1 : count + 1]
    assert words == [i.words for i in spec.indicators]
    received_change = [i.id for i in spec.indicators].index("received_change")
    assert words[received_change] == "本年新收申请 − 上年新收申请"
    assert not [w for w in words if "." in str(w) or "last:" in str(w)]
    # The formulas as written, in a note column at the right (指标, 公式), one per line.
    header = [c.value for c in ws[1]]
    name_at, formula_at = header.index("指标"), header.index("公式")
    assert formula_at == name_at + 1 and name_at > count + 1
    notes = {
        r[name_at]: r[formula_at] for r in ws.iter_rows(min_row=2, values_only=True) if r[name_at] is not None
    }
    for indicator in (*spec.indicators, *spec.year_over_year):
        assert notes[indicator.name] == indicator.formula.text
    rows = {str(r[0]): r[1:] for r in ws.iter_rows(min_row=3, values_only=True) if r[0] is not None}
    report = county.reports["甲乡人民政府"]
    received = [i.id for i in spec.indicators].index("received")
    assert rows["甲乡人民政府"][received] == report.cell("requests", "new.total")
    county_total = sum(r.cell("requests", "new.total") or 0 for r in county.reports.values())  # type: ignore[misc]
    assert rows["合计"][received] == county_total
    share = [i.id for i in spec.indicators].index("disclosed_share")
    assert ws.cell(row=3, column=share + 2).number_format == "0.0%"


def test_rollup_command_sums_and_passes_check(county: County, tmp_path: Path) -> None:
    (county.folder / "c.toml").unlink()  # the report with errors
    del county.reports["丙乡人民政府"]
    out = tmp_path / "县.toml"
    assert main(["rollup", str(county.folder), "-o", str(out), "--unit", "某某县", "--all"]) == 1  # g.toml
    (county.folder / "g.toml").unlink()
    assert main(["rollup", str(county.folder), "-o", str(out), "--unit", "某某县", "--all"]) == 2  # exists
    assert main(["rollup", str(county.folder), "-o", str(out), "--unit", "某某县", "--all", "--force"]) == 0
    total = load_report(out)
    assert total.unit == "某某县" and total.level == "county" and total.texts == {}
    assert not has_errors(check(total))
    for table in ("requests", "proactive", "appeals"):
        compiled = get_template(TEMPLATE).table(table)
        for cid in compiled.order:
            values = [r.cell(table, cid) for r in county.reports.values()]
            present = [v for v in values if v is not None]
            expected = (
                sum(present, Decimal(0) if compiled.cells[cid].kind == "amount" else 0) if present else None
            )
            assert total.cell(table, cid) == expected, (table, cid)


def test_rollup_refuses_mixed_years() -> None:
    a = Report(unit="甲", year=2024)
    b = Report(unit="乙", year=2023)
    with pytest.raises(RollupError, match="年度"):
        rollup([a, b], "县")


def test_times_are_minutes_in_local_time(workbook) -> None:  # type: ignore[no-untyped-def]
    """编辑开始 and 最后保存 read 2026-12-06 01:45: local time, no seconds, no zone (#23)."""
    import re

    header = [c.value for c in workbook["状态"][1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in workbook["状态"].iter_rows(min_row=2, values_only=True)
    }
    minute = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
    assert minute.match(str(rows["戊镇人民政府"]["编辑开始"])), rows["戊镇人民政府"]
    assert minute.match(str(rows["甲乡人民政府"]["最后保存"]))
    assert rows["甲乡人民政府"]["编辑开始"] in (None, "")
