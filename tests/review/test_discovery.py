"""A year folder with one folder per unit (the layout `tui-report setup` makes, docs/admin.md): the
desk, `roster`, `rollup` and batch export all find the reports in the unit folders, never follow
a symlinked folder and skip the program's hidden folders (review/discovery.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tui_report.cli import main
from tui_report.review.discovery import find_reports
from tui_report.review.roster import load_roster
from tui_report.storage.reportfile import load_report, save_report

from .conftest import EXAMPLES, scaled

SRC = EXAMPLES.parent / "src"


@pytest.fixture
def year_folder(tmp_path: Path) -> Path:
    return build_year_folder(tmp_path)


def build_year_folder(tmp_path: Path) -> Path:
    """2025/ with a report directly in it (the old flat layout), 甲乡/ and 乙镇/ with theirs, a
    symlinked 外县/ leading to another county's reports, and the program's hidden folders."""
    base = load_report(EXAMPLES / "full-2024.toml")
    year = tmp_path / "2025"
    for unit, where in (("丙乡人民政府", "."), ("甲乡人民政府", "甲乡"), ("乙镇人民政府", "乙镇")):
        folder = year / where
        folder.mkdir(parents=True, exist_ok=True)
        save_report(scaled(base, unit, 1), folder / "2024年报.toml")
    elsewhere = tmp_path / "另一个县"
    elsewhere.mkdir()
    save_report(scaled(base, "外县单位", 1), elsewhere / "2024年报.toml")
    (year / "外县").symlink_to(elsewhere, target_is_directory=True)
    for hidden in (".versions", ".locks", ".exports", ".review", "甲乡/.versions/2024年报.toml"):
        (year / hidden).mkdir(parents=True, exist_ok=True)
    save_report(scaled(base, "历史版本", 1), year / "甲乡" / ".versions" / "2024年报.toml" / "v.toml")
    save_report(scaled(base, "隐藏", 1), year / ".review" / "x.toml")
    return year


def test_reports_in_unit_folders_are_found_and_links_are_not_followed(year_folder: Path) -> None:
    found = find_reports(year_folder)
    assert [p.relative_to(year_folder).as_posix() for p in found.files] == [
        "2024年报.toml",
        "乙镇/2024年报.toml",
        "甲乡/2024年报.toml",
    ]
    assert year_folder / "外县" not in found.unit_folders


def test_the_desk_reads_the_unit_folders(year_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["review", str(year_folder), "--json"])
    rows = {row["unit"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(rows) == {"丙乡人民政府", "甲乡人民政府", "乙镇人民政府"}
    assert rows["甲乡人民政府"]["file"] == "甲乡/2024年报.toml"
    assert rows["丙乡人民政府"]["file"] == "2024年报.toml"


def test_a_unit_folder_the_reviewer_cannot_list_is_a_row(tmp_path: Path) -> None:
    """A reviewer without read access to one unit's folder sees a row saying so, not a county
    that seems to lack the unit."""
    command = [sys.executable, "-m", "tui_report", "review"]
    if os.geteuid() == 0:  # root reads everything: review as nobody, in a folder nobody can reach
        if shutil.which("setpriv") is None:
            pytest.fail("setpriv (util-linux) is missing: scripts/test.sh installs it")
        tmp_path = Path(tempfile.mkdtemp(prefix="tui-report-discovery-", dir="/tmp"))
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    try:
        year = build_year_folder(tmp_path)
        for folder in (tmp_path, *[p for p in tmp_path.rglob("*") if p.is_dir()]):
            folder.chmod(0o755)
        for report in tmp_path.rglob("*.toml"):
            report.chmod(0o644)
        (year / "乙镇").chmod(0o700 if os.geteuid() == 0 else 0o000)
        env = {**os.environ, "PYTHONPATH": str(SRC), "HOME": str(tmp_path)}
        result = subprocess.run(
            [*command, str(year), "--json"], capture_output=True, text=True, timeout=120, env=env, check=False
        )
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        unreadable = [r["problem"] for r in rows if r["state_code"] == "unreadable"]
        assert unreadable == ["文件夹 乙镇/ 没有读取这个文件夹的权限"], result.stdout + result.stderr
    finally:
        (tmp_path / "2025" / "乙镇").chmod(0o755)
        if os.geteuid() == 0:
            shutil.rmtree(tmp_path, ignore_errors=True)


def test_roster_rollup_and_batch_export_read_the_unit_folders(
    year_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["roster", str(year_folder)]) == 0
    assert {u.name for u in load_roster(year_folder / "roster.toml")} == {
        "丙乡人民政府",
        "甲乡人民政府",
        "乙镇人民政府",
    }
    out = tmp_path / "全县.toml"
    assert main(["rollup", str(year_folder), "-o", str(out), "--unit", "某某县"]) == 0
    assert "汇总了3份报告" in capsys.readouterr().out
    one = load_report(year_folder / "甲乡" / "2024年报.toml")
    total = load_report(out)
    assert total.values["requests"]["new.natural"] == 3 * one.values["requests"]["new.natural"]
    published = tmp_path / "发布"
    assert main(["export", str(year_folder), "-o", str(published), "--format", "html"]) == 0
    pages = sorted(p.name for p in published.iterdir())
    assert len(pages) == 4 and "index.html" in pages, pages
    assert "外县单位" not in (published / "index.html").read_text(encoding="utf-8")
