"""Shared set-up for the app tests: an isolated state folder, a UTF-8 locale, fixed sizes."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tui_report
from reliability._pty import PtyProcess

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
def dama_copy(tmp_path: Path) -> Path:
    """The dama example (a real published report; no requests, so every 表三 cell is 0)."""
    target = tmp_path / "dama.toml"
    shutil.copy(EXAMPLES / "dama-2021.toml", target)
    return target


@pytest.fixture
def app_in_pty(tmp_path: Path) -> Iterator[Callable[[Path], PtyProcess]]:
    """Start the real ``tui-report REPORT`` in a pseudo-terminal (80x24, TERM=xterm)."""
    started: list[PtyProcess] = []
    src = Path(tui_report.__file__).resolve().parent.parent

    def start(report: Path) -> PtyProcess:
        env = {
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "TUI_REPORT_STATE_DIR": str(tmp_path / "state"),
            "PYTHONPATH": str(src),
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
        }
        proc = PtyProcess([sys.executable, "-m", "tui_report", str(report)], env)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.close()
