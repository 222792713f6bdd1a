"""Shared set-up for the app tests: an isolated state folder, a UTF-8 locale, fixed sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
