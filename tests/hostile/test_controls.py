"""Issue #20 item 5: a file's text reaches the terminal (or a program reading --json) with its control
characters escaped, in every command; a file name with a newline stays on one line.

Each command is run on files whose unit names and file names carry terminal escapes (ESC ] … BEL,
ESC [ 2J), C1 controls (U+009B, a one-byte CSI), bidirectional overrides (U+202E), newlines that
start a forged row, and bytes that are not UTF-8."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tui_report.cli import main
from tui_report.export.office import html_text
from tui_report.storage.reportfile import save_report
from tui_report.storage.versions import versions_dir

from .conftest import EVIL_NAME, EVIL_UNIT, assert_clean, evil_report


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_review_plain_output(evil_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "review", str(evil_folder))
    assert code in (0, 1)
    assert_clean(text)
    assert "\\x1b]0;pwned\\x07" in text and "\\n已完成 伪造行.toml" in text
    assert "\\xff\\xfe\\x1b[2J.toml" in text  # the undecodable bytes shown as what they are


def test_review_json_escapes_c1_bidi_and_bad_bytes(
    evil_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(capsys, "review", str(evil_folder), "--json")
    assert code in (0, 1)
    assert_clean(text)
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 3
    units = {row["unit"] for row in rows}
    assert EVIL_UNIT in units  # a JSON reader gets the unit back exactly
    assert EVIL_NAME in {row["file"] for row in rows}


def test_check_plain_and_json(evil_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = evil_folder / EVIL_NAME
    code, text = run(capsys, "check", str(path))
    assert_clean(text)
    assert len([line for line in text.splitlines() if not line.startswith("  ")]) == 1
    assert code in (0, 1)
    code, text = run(capsys, "check", "--json", str(path))
    assert code in (0, 1)
    assert_clean(text)
    assert json.loads(text)["file"] == str(path)


def test_import_prints_names_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "来源\x1b[2J\u202e\n伪造行.html"
    source.write_text(html_text(evil_report()), encoding="utf-8")
    code, text = run(capsys, "import", str(source), "-o", str(tmp_path / "导入\x1b]0;x\x07.toml"))
    assert code == 0, text
    assert_clean(text)
    assert "\\n伪造行.html" in text


def test_new_from_prints_names_escaped(
    evil_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = evil_folder / EVIL_NAME
    code, text = run(capsys, "new", str(tmp_path / "新\x9b2J.toml"), "--from", str(last))
    assert code == 0, text
    assert_clean(text)


def _plant_version(report: Path, user: str) -> str:
    """A colleague's file in .versions whose name claims a user with escapes in it."""
    folder = versions_dir(report)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"20250101-000000-000000_{user}.toml"
    shutil.copyfile(report, folder / name)
    return name


def test_history_and_restore(evil_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = evil_folder / "甲乡.toml"
    name = _plant_version(report, "李四\x1b]0;pwned\x07\u202e\x9b2J")
    code, text = run(capsys, "history", str(report))
    assert code == 0
    assert_clean(text)
    code, text = run(capsys, "restore", str(report), name)
    assert code == 0, text
    assert_clean(text)


def test_rollup_and_roster(evil_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = evil_report()
    broken.values["requests"]["new.natural"] += 1  # an error: rollup names the unit
    save_report(broken, evil_folder / EVIL_NAME)
    code, text = run(capsys, "rollup", str(evil_folder), "-o", str(tmp_path / "全县\x1b[2J.toml"))
    assert "伪造" in text  # the unit was named …
    assert_clean(text)  # … escaped
    code, text = run(capsys, "roster", str(evil_folder))
    assert code == 0, text
    assert_clean(text)


def test_batch_export_names_skipped_units_escaped(
    evil_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = evil_report()
    broken.values["requests"]["new.natural"] += 1
    save_report(broken, evil_folder / EVIL_NAME)
    code, text = run(
        capsys, "export", str(evil_folder), "-o", str(tmp_path / "发布\x1b[2J"), "--format", "html"
    )
    assert code == 1  # one unit skipped (it has an error)
    assert "伪造" in text
    assert_clean(text)


def test_single_export_and_errors(
    evil_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = evil_folder / EVIL_NAME
    code, text = run(capsys, "export", str(source), "-o", str(tmp_path / "出\x1b[2J\n伪造.json"))
    assert code == 0, text
    assert_clean(text)
    broken = tmp_path / "坏\x1b]0;x\x07\n伪造.toml"
    broken.write_text("[report]\nunit = \n", encoding="utf-8")
    code, text = run(capsys, "check", str(broken))
    assert code == 2
    assert_clean(text)


def test_unreadable_file_name_is_listed_not_crashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "only-bad-bytes"
    folder.mkdir()
    save_report(evil_report("丁乡人民政府"), folder / "x.toml")
    os.rename(folder / "x.toml", os.fsencode(folder) + b"/\x9b\xff.toml")
    for argv in (["review", str(folder)], ["review", str(folder), "--json"]):
        code, text = run(capsys, *argv)
        assert code in (0, 1), text
        assert_clean(text)
