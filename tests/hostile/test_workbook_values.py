"""Issue #20 item 3: the summary workbook holds values. A unit, a roster name or contact, a file name
or an exported file's name that starts like a formula (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``,
``+``, ``-``, ``@``) or like an error value (``#N/A``) is a string cell in every sheet, marked as
text; control characters are removed instead of failing the whole workbook."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tui_report.cli import main
from tui_report.review.roster import RosterUnit, write_roster
from tui_report.storage.reportfile import save_report

from .conftest import RAW_CONTROLS, evil_report

FORMULAS = [
    '=HYPERLINK("http://evil.example/x","点此查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "#N/A",
]
SHEETS = ["状态", "表三汇总", "表二汇总", "问题", "指标"]


@pytest.fixture
def formula_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "county"
    folder.mkdir()
    for number, unit in enumerate(FORMULAS):
        report = evil_report(unit)
        if number % 2:
            report.values["requests"]["new.natural"] += 1  # findings: the 问题 sheet names the unit
        path = folder / f"{unit.replace('/', '／')}.toml"
        save_report(report, path)
        os.utime(path, (time.time() - 60, time.time() - 60))
        (folder / f"{path.stem}.docx").write_bytes(b"exported")  # shown as exported, by file name
    write_roster(
        folder / "roster.toml",
        [
            RosterUnit(unit, "township", contact=f'=HYPERLINK("http://evil.example/{n}","联系人")')
            for n, unit in enumerate(FORMULAS)
        ]
        + [RosterUnit("=1+2", "township", "@联系人")],
    )
    return folder


def test_no_cell_is_a_formula_and_every_text_is_a_string(formula_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    assert main(["review", str(formula_folder), "-o", str(out)]) == 1
    workbook = load_workbook(out)
    assert workbook.sheetnames == SHEETS
    seen: dict[str, set[str]] = {name: set() for name in SHEETS}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value, cell.data_type)
                    assert not set(cell.value) & set(RAW_CONTROLS), (ws.title, cell.coordinate, cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)  # stays text when edited
                    seen[ws.title].add(cell.value)
    for name in SHEETS:
        assert set(FORMULAS) <= seen[name], (name, set(FORMULAS) - seen[name])
    state = seen["状态"]
    assert '=HYPERLINK("http://evil.example/0","联系人")' in state  # the roster's contact
    assert "=1+2" in state and "@联系人" in state  # a roster unit that has not submitted
    assert any(v.startswith("=cmd|") and v.endswith(".docx") for v in state)  # an exported file's name


def test_a_file_name_with_escape_does_not_fail_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "county"
    folder.mkdir()
    save_report(evil_report("甲乡人民政府"), folder / "甲\x1b]0;x\x07乡.toml")
    save_report(evil_report("乙镇\x1b]0;pwned\x07\x9b人民政府"), folder / "乙镇\x1b[2J\x9b.toml")
    out = tmp_path / "汇总.xlsx"
    assert main(["review", str(folder), "-o", str(out)]) in (0, 1)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Error" not in captured.err, captured.err
    state = load_workbook(out)["状态"]
    assert "甲]0;x乡.toml" in [c.value for c in state["L"]]  # control characters removed
    assert "乙镇[2J.toml" in [c.value for c in state["L"]]
    assert "乙镇]0;pwned人民政府" in [c.value for c in state["A"]]
