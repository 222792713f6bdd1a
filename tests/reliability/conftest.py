"""Fixtures for the reliability tests: a report in a shared-looking folder, a private journal
folder per test, and a folder an unprivileged user can reach."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._helpers import EXAMPLE


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own recovery-journal folder (also passed on to subprocesses)."""
    folder = tmp_path / "state"
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "大马乡2021年报.toml"
    shutil.copyfile(EXAMPLE, path)
    return path


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A folder outside pytest's private tmp tree, reachable by an unprivileged user."""
    folder = Path(tempfile.mkdtemp(prefix="tui-report-test-", dir="/tmp"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
