"""Fixtures shared by every test folder: the bundled examples, loaded or as paths, and an empty report."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_report.model.report import Report, new_report
from tui_report.storage.reportfile import load_report, save_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def dama_path() -> Path:
    return EXAMPLES / "dama-2021.toml"


@pytest.fixture
def full_path() -> Path:
    return EXAMPLES / "full-2024.toml"


@pytest.fixture
def full(full_path: Path) -> Report:
    """The full example (every cell filled, every rule satisfied), a fresh copy per test."""
    return load_report(full_path)


@pytest.fixture
def dama(dama_path: Path) -> Report:
    """The dama example (a real published township report, 表三 all zero), a fresh copy per test."""
    return load_report(dama_path)


@pytest.fixture
def empty_report(tmp_path: Path) -> Path:
    """An empty report file with the metadata of the full example (so that the same rules apply),
    alone in a shared folder of its own."""
    source = load_report(EXAMPLES / "full-2024.toml")
    path = tmp_path / "shared" / "年报.toml"
    path.parent.mkdir()
    save_report(new_report(source.unit, source.year, source.level, source.template), path)
    return path
