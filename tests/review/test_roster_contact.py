"""Whom to call about a report: the roster's contact for its unit (the lock dialog shows it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_report.review.roster import RosterUnit, roster_entry

ROSTER = """\
[[units]]
name = "某某乡人民政府"
level = "乡镇"
contact = "张三 0371-12345678"
folder = "某某乡"

[[units]]
name = "某某局"
level = "部门"
"""


@pytest.mark.parametrize(
    ("contact", "name", "phone"),
    [
        ("张三 0000-1234567", "张三", "0000-1234567"),
        ("李四，电话：0371-12345678", "李四", "0371-12345678"),
        ("王五 138 0000 0000", "王五", "138 0000 0000"),
        ("赵六(0371)1234567", "赵六", "(0371)1234567"),
        ("钱七 联系电话 0371－１２３４５６７", "钱七", "0371－１２３４５６７"),
        ("张三", "张三", ""),
        ("0371-1234567", "", "0371-1234567"),
        ("", "", ""),
    ],
)
def test_a_contact_is_a_name_and_a_phone(contact: str, name: str, phone: str) -> None:
    unit = RosterUnit("某某乡人民政府", contact=contact)
    assert (unit.contact_name, unit.contact_phone) == (name, phone)


def test_the_roster_beside_the_report_names_its_unit(tmp_path: Path) -> None:
    (tmp_path / "roster.toml").write_text(ROSTER, encoding="utf-8")
    report = tmp_path / "2025年报.toml"
    found = roster_entry(report, " 某某乡人民政府")
    assert found is not None and found.contact == "张三 0371-12345678"
    assert roster_entry(report, "别的乡") is None


def test_the_year_folders_roster_names_the_unit_of_a_unit_folder(tmp_path: Path) -> None:
    (tmp_path / "roster.toml").write_text(ROSTER, encoding="utf-8")
    folder = tmp_path / "某某乡"
    folder.mkdir()
    report = folder / "2025年报.toml"
    assert roster_entry(report, "某某乡人民政府") is not None
    # A report without a unit yet (or an unreadable one) is known by its unit folder.
    found = roster_entry(report, "")
    assert found is not None and found.name == "某某乡人民政府"


def test_no_roster_or_a_broken_one_names_nobody(tmp_path: Path) -> None:
    report = tmp_path / "2025年报.toml"
    assert roster_entry(report, "某某乡人民政府") is None
    (tmp_path / "roster.toml").write_text("[[units]\nname = ", encoding="utf-8")
    assert roster_entry(report, "某某乡人民政府") is None
