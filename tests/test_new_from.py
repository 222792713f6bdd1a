"""`tui-report new NEW --from LAST`: this year's report started from last year's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui_report.model.carryover import start_from
from tui_report.model.report import new_report
from tui_report.model.rules import check
from tui_report.storage.reportfile import load_report, save_report

COLS = ("natural", "commercial", "research", "public_interest", "legal_services", "other")


def _tui_report(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_report", *args], capture_output=True, text=True, timeout=60, cwd=cwd
    )


def _rules(findings, *rules):
    return [f for f in findings if f.rule in rules]


def test_new_from_carries_over_and_r7_r8_hold_then_break(tmp_path, full_path):
    last = load_report(full_path)
    result = _tui_report("new", "2025.toml", "--from", str(full_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = load_report(tmp_path / "2025.toml")
    assert (report.unit, report.level, report.year) == (last.unit, last.level, last.year + 1)
    assert report.texts == {}
    for col in COLS:
        assert report.entered("requests", f"carried_over.{col}") == last.entered(
            "requests", f"carry_forward.{col}"
        )
    assert report.last_year is not None and report.last_year.year == last.year
    # Just started: R7 holds (carry-over prefilled), R8 waits until 表二 is filled in.
    assert _rules(check(report), "R7", "R8") == []
    # This year's 表二: documents in force = last year's + issued - repealed.
    for row in ("regulations", "normative"):
        in_force = last.entered("proactive", f"{row}.in_force")
        assert in_force is not None
        report.set_cell("proactive", f"{row}.issued", 2)
        report.set_cell("proactive", f"{row}.repealed", 1)
        report.set_cell("proactive", f"{row}.in_force", in_force + 1)
    save_report(report, tmp_path / "2025.toml")
    # Last year's file is not beside the new one: the stored baseline is enough.
    findings = check(load_report(tmp_path / "2025.toml"))
    assert _rules(findings, "R7", "R8") == []
    # One cell off, each rule speaks.
    report.set_cell("requests", "carried_over.research", 5)
    report.set_cell("proactive", "normative.in_force", 999)
    save_report(report, tmp_path / "2025.toml")
    checked = _tui_report("check", "--json", "2025.toml", cwd=tmp_path)
    record = json.loads(checked.stdout)
    r7 = [f for f in record["findings"] if f["rule"] == "R7"]
    r8 = [f for f in record["findings"] if f["rule"] == "R8"]
    assert len(r7) == 1 and r7[0]["message"].startswith("科研机构列") and "为0" in r7[0]["message"]
    assert len(r8) == 1 and "行政规范性文件" in r8[0]["message"]


def test_check_finds_last_years_report_in_the_folder(tmp_path, full_path):
    last = load_report(full_path)
    this_year = new_report(last.unit, last.year + 1, last.level)
    this_year.set_cell("requests", "carried_over.natural", 1)  # last year carried 103 forward
    save_report(last, tmp_path / "2024.toml")
    save_report(this_year, tmp_path / "2025.toml")
    record = json.loads(_tui_report("check", "--json", "2025.toml", cwd=tmp_path).stdout)
    r7 = [f["message"] for f in record["findings"] if f["rule"] == "R7"]
    assert any(m.startswith("自然人列") and "103" in m for m in r7)


def test_2019_format_report_starts_a_2021_report(full_path):
    last = new_report("某某乡人民政府", 2020, "township", "gov-info-disclosure-2019")
    assert last.template == "gov-info-disclosure-2019"
    last.set_cell("requests", "carry_forward.natural", 4)
    last.set_cell("requests", "carry_forward.other", 1)
    last.set_cell("proactive", "regulations.total_public", 9)
    report = start_from(last)
    assert (report.year, report.template) == (2021, "gov-info-disclosure-2021")
    assert report.entered("requests", "carried_over.natural") == 4
    assert report.entered("requests", "carried_over.other") == 1
    # 2019's 对外公开总数量 is not 2021's 现行有效件数: no R8 baseline.
    assert report.last_year is not None
    assert "proactive" not in report.last_year.values
    assert _rules(check(report), "R8") == []
    assert _rules(check(report), "R7") == []


def test_new_without_unit_or_from_is_refused(tmp_path):
    result = _tui_report("new", "x.toml", cwd=tmp_path)
    assert result.returncode == 2 and "--from" in result.stderr
    assert not (tmp_path / "x.toml").exists()
    result = _tui_report("new", "x.toml", "--from", "missing.toml", cwd=tmp_path)
    assert result.returncode == 2 and "上年报告无法读取" in result.stderr
