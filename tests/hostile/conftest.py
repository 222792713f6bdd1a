"""Fixtures for the hostile-colleague tests (issue #20): a private state folder per test, a shared
folder with reports whose unit names and file names carry terminal escapes, newlines, C1 controls,
bidirectional overrides and undecodable bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui_report.model.report import Report
from tui_report.storage.reportfile import load_report, save_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# What a hostile colleague puts in a unit name: retitle the terminal, clear it, a one-byte CSI (C1),
# a right-to-left override, and a newline that starts a forged line.
EVIL_UNIT = "某某乡\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e人民政府\n已完成 伪造单位"
# A file name with the same, and a newline followed by what looks like a row of the listing.
EVIL_NAME = "乙镇\x1b]0;pwned\x07\u202e\n已完成 伪造行.toml"
RAW_CONTROLS = [chr(c) for c in (*range(0, 9), *range(11, 32), *range(0x7F, 0xA0))] + [
    "\u202e",
    "\u2066",
    "\u200f",
]


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(folder))
    return folder


def evil_report(unit: str = EVIL_UNIT) -> Report:
    report = load_report(EXAMPLES / "full-2024.toml")
    report.unit = unit
    return report


@pytest.fixture
def evil_folder(tmp_path: Path) -> Path:
    """A folder with a good report, a report with a hostile unit under a hostile name, and a file
    whose name is not valid UTF-8."""
    folder = tmp_path / "county"
    folder.mkdir()
    good = load_report(EXAMPLES / "full-2024.toml")
    good.unit = "甲乡人民政府"
    save_report(good, folder / "甲乡.toml")
    save_report(evil_report(), folder / EVIL_NAME)
    save_report(evil_report("丙乡人民政府"), folder / "tmp.toml")
    os.rename(folder / "tmp.toml", os.fsencode(folder) + b"/\xff\xfe\x1b[2J.toml")
    return folder


def assert_clean(text: str) -> None:
    """No raw control character in the output, only newlines; nothing forged a line."""
    found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW_CONTROLS or "\ud800" <= c <= "\udfff"})
    assert not found, f"raw control characters {found} in:\n{text!r}"
    for line in text.splitlines():
        assert not line.startswith(("已完成 伪造", "伪造")), f"a forged line: {line!r}"
