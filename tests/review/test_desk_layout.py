"""The folder layout's follow-ups for the desk (#22 with #20 item 9): in the strict layout reviewers
cannot write unit folders, so batch export notes what it wrote under ``YEAR/.review/.exports/``
(read with the same care as the workflow's records; the old per-folder ``.exports`` still read),
and the start screen offers the desk (V) only to whom it would show the units."""

from __future__ import annotations

import grp
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability._helpers import NOBODY, run_as
from tui_report.cli import main
from tui_report.review.desk import review_folder
from tui_report.storage.layout import REVIEW_DIR
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.screens.start import desk_offered

from .conftest import EXAMPLES, scaled


def strict_year(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A year folder as the strict layout has it (nobody but its owner writes it, ``.review``
    in it) with two unit folders of one report each."""
    year = tmp_path / "2024"
    base = load_report(EXAMPLES / "full-2024.toml")
    reports = []
    for unit, factor in (("甲乡", 1), ("乙镇", 2)):
        (year / unit).mkdir(parents=True)
        path = year / unit / "2024年报.toml"
        save_report(scaled(base, f"{unit}人民政府", factor), path)
        reports.append(path)
    (year / REVIEW_DIR).mkdir()
    os.chmod(year, 0o755)
    return year, reports[0], reports[1]


def exported(folder: Path) -> dict[str, list[str]]:
    return {row.unit: row.exported for row in review_folder(folder).rows}


def test_batch_export_records_under_the_year_folders_review(tmp_path: Path) -> None:
    year, a, _b = strict_year(tmp_path)
    out = tmp_path / "发布"
    assert main(["export", str(year), "-o", str(out), "--format", "html"]) == 0
    record = year / REVIEW_DIR / ".exports" / "甲乡" / "2024年报.toml.json"
    assert record.is_file() and not (a.parent / ".exports").exists()  # not in the unit's folder
    files = json.loads(record.read_text(encoding="utf-8"))["files"]
    assert files == [str((out / "甲乡人民政府2024年政府信息公开工作年度报告.html").resolve())]
    shown = exported(year)
    assert shown["甲乡人民政府"] == ["甲乡人民政府2024年政府信息公开工作年度报告.html"]
    assert shown["乙镇人民政府"] == ["乙镇人民政府2024年政府信息公开工作年度报告.html"]


def test_a_flat_folder_without_review_keeps_its_own_exports(tmp_path: Path) -> None:
    folder = tmp_path / "flat"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    save_report(scaled(base, "甲乡人民政府", 1), folder / "a.toml")
    assert main(["export", str(folder), "-o", str(tmp_path / "out"), "--format", "html"]) == 0
    assert (folder / ".exports" / "a.toml.json").is_file() and not (folder / REVIEW_DIR).exists()
    assert exported(folder)["甲乡人民政府"]


def test_the_old_per_folder_record_is_still_read(tmp_path: Path) -> None:
    year, a, _ = strict_year(tmp_path)
    document = tmp_path / "elsewhere.pdf"
    document.write_bytes(b"%PDF")
    (a.parent / ".exports").mkdir()
    (a.parent / ".exports" / "2024年报.toml.json").write_text(
        json.dumps({"files": [str(document)]}), encoding="utf-8"
    )
    assert exported(year)["甲乡人民政府"] == ["elsewhere.pdf"]


@pytest.mark.parametrize("attack", ["symlink", "hardlink"])
def test_planted_records_in_review_are_not_believed(tmp_path: Path, attack: str) -> None:
    year, _, _ = strict_year(tmp_path)
    claimed = tmp_path / "claimed.pdf"
    claimed.write_bytes(b"%PDF")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "甲乡").mkdir(parents=True)
    planted = elsewhere / "甲乡" / "2024年报.toml.json"
    planted.write_text(json.dumps({"files": [str(claimed)]}), encoding="utf-8")
    exports = year / REVIEW_DIR / ".exports"
    if attack == "symlink":
        exports.symlink_to(elsewhere)
    else:
        (exports / "甲乡").mkdir(parents=True)
        os.link(planted, exports / "甲乡" / "2024年报.toml.json")
    assert exported(year)["甲乡人民政府"] == []
    if attack == "symlink":
        before = planted.read_bytes()
        assert main(["export", str(year), "-o", str(tmp_path / "out"), "--format", "html"]) == 0
        assert planted.read_bytes() == before  # nothing written through the link
        assert sorted(p.name for p in (elsewhere / "甲乡").iterdir()) == ["2024年报.toml.json"]


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A temporary folder another user can reach (pytest's own are root's, 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="desk-layout-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_desk_is_offered_to_whom_it_shows_the_units(open_tmp: Path) -> None:
    year, a, _ = strict_year(open_tmp)
    (year / "roster.toml").write_text(
        '[[units]]\nname = "甲乡人民政府"\nfolder = "甲乡"\n\n[[units]]\nname = "乙镇人民政府"\nfolder = "乙镇"\n',
        encoding="utf-8",
    )
    os.chmod(a.parent, 0o700)  # 甲乡's folder: its own group only (root here), not this operator
    assert desk_offered(year, 0)  # root reads every unit folder
    assert not run_as(NOBODY, NOBODY, lambda: desk_offered(year, 0))  # would show 甲乡 as 无法读取
    os.chmod(a.parent, 0o755)
    assert run_as(NOBODY, NOBODY, lambda: desk_offered(year, 0))  # a flat enough folder: every unit readable
    os.chmod(a.parent, 0o700)
    nobody_group = grp.getgrgid(NOBODY).gr_name
    with (year / "roster.toml").open("a", encoding="utf-8") as roster:
        roster.write(f'\n[layout]\nreviewers = "{nobody_group}"\n')
    assert run_as(NOBODY, NOBODY, lambda: desk_offered(year, 0))  # in the roster's reviewers' group
    assert not desk_offered(open_tmp / "nothing-here", 0)
