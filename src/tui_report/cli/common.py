"""What every command shares: exit codes, printing errors, loading a report without a traceback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_report.model.report import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def err(message: str) -> None:
    print(message, file=sys.stderr)


def load(path: Path) -> tuple[Report | None, str]:
    """The report and "", or None and the Chinese reason it cannot be read."""
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report

    try:
        return load_report(path), ""
    except ReportFileError as exc:
        return None, str(exc)
