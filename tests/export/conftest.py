from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tui_report.model.report import Report
from tui_report.storage.reportfile import load_report

from .docx_reading import open_docx
from .export_helpers import EXAMPLES, export_docx


@pytest.fixture(scope="session", autouse=True)
def _own_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Measured font widths are cached in the state folder: keep the user's out of the tests.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield


@pytest.fixture(scope="session")
def full_report() -> Report:
    return load_report(EXAMPLES / "full-2024.toml")


@pytest.fixture(scope="session")
def dama_report() -> Report:
    return load_report(EXAMPLES / "dama-2021.toml")


@pytest.fixture(scope="session")
def full_docx(full_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_docx(export_docx(full_report, tmp_path_factory.mktemp("full")))


@pytest.fixture(scope="session")
def dama_docx(dama_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_docx(export_docx(dama_report, tmp_path_factory.mktemp("dama")))
