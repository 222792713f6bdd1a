"""The desk's columns are declared once (review/columns.py): --json, the workbook's 状态 sheet and
the desk screen read them; the copied-text rule id is the data file's."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.model import copiedrule
from tui_report.model.rules import Finding
from tui_report.model.template import schemas_dir
from tui_report.review.columns import (
    COLUMNS,
    SCREEN_COLUMNS,
    row_json,
    screen_text,
    sheet_value,
    state_sheet_columns,
)
from tui_report.review.unitrow import UnitRow
from tui_report.review.workbook import SHEET_STATE

from .conftest import County

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_json_fields_are_the_columns_and_the_readme_names_them_all() -> None:
    row = UnitRow("甲乡人民政府", "township", template="gov-info-disclosure-2021", state="complete")
    fields = list(row_json(row))
    assert fields == [c.key for c in COLUMNS] + ["indicators", "year_over_year"]
    documented = re.search(
        r"字段见\s*\n?\[docs/review.md\]\(docs/review.md\)：(.*?)。", README.read_text(encoding="utf-8"), re.S
    )
    assert documented is not None
    assert set(re.findall(r"`(\w+)`", documented.group(1))) == set(fields)


def test_one_value_per_column_in_every_medium() -> None:
    row = UnitRow("", path=Path("坏.toml"), problem="不是报告文件")
    assert row_json(row)["unit"] == "" and row_json(row)["file"] == "坏.toml"
    unit = next(c for c in COLUMNS if c.key == "unit")
    assert sheet_value(unit, row) == "（无法读取）"
    assert screen_text(unit, row) == "坏.toml"
    errors = next(c for c in SCREEN_COLUMNS if c.key == "errors")
    assert screen_text(errors, row) == ""  # nothing was checked in an unreadable file


def test_the_workbook_state_sheet_heads_are_the_columns(county: County, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tui_report.review.desk import review_folder
    from tui_report.review.workbook import write_workbook

    review = review_folder(county.folder, processes=1)
    path = tmp_path / "汇总.xlsx"
    write_workbook(review, path)
    sheet = load_workbook(path)[SHEET_STATE]
    assert [cell.value for cell in sheet[1]] == [
        c.header for c in state_sheet_columns(uses_workflow=review.uses_workflow)
    ]


@pytest.fixture
def rule_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The copied-text rule's data file with another id."""
    folder = tmp_path / "schemas"
    shutil.copytree(schemas_dir() / "checks", folder / "checks")
    path = folder / "checks" / "copied-text.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('id = "R15"', 'id = "R99"'), encoding="utf-8")
    monkeypatch.setattr(copiedrule, "schemas_dir", lambda: folder)
    copiedrule.copied_text_rule.cache_clear()
    yield "R99"
    copiedrule.copied_text_rule.cache_clear()


def test_the_desk_counts_copied_text_by_the_rule_id_in_the_data(rule_renamed: str) -> None:
    """The desk once counted findings of rule "R15", written in its code: renaming the rule in
    schemas/checks/copied-text.toml made every 雷同 count 0."""
    row = UnitRow("甲乡人民政府", findings=[Finding(rule_renamed, "warning", "相似")])
    assert row.copied_text == 1
