"""Shared set-up for the app tests: an isolated state folder, a UTF-8 locale, fixed sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tui_report.model.report import new_report
from tui_report.session import EditSession
from tui_report.storage.reportfile import load_report

SIZE = (80, 24)
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep the machine running the tests out of them: no recent-files list, a known locale.
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def full_copy(tmp_path: Path) -> Path:
    target = tmp_path / "full.toml"
    shutil.copy(EXAMPLES / "full-2024.toml", target)
    return target


@pytest.fixture
def empty_report(tmp_path: Path) -> Path:
    """An empty report with the metadata of the full example (so that the same rules apply)."""
    source = load_report(EXAMPLES / "full-2024.toml")
    report = new_report(source.unit, source.year, source.level, source.template)
    path = tmp_path / "empty.toml"
    EditSession.create(path, report).close()  # releases the edit lock
    return path
