"""An operator's editing session on one report file: open, edit, save, close.

The app talks to the report file only through this class, so that locking, the recovery journal,
outside-change detection and versions live in one place below the UI.
"""

from __future__ import annotations

from pathlib import Path

from tui_report.report import Report
from tui_report.store import load_report, save_report


class EditSession:
    def __init__(self, path: Path, report: Report, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.report = report
        self.read_only = read_only
        self.dirty = False

    @classmethod
    def open(cls, path: Path | str) -> EditSession:
        """Load a report for editing. Raises :class:`tui_report.store.ReportFileError`."""
        return cls(Path(path), load_report(path))

    @classmethod
    def create(cls, path: Path | str, report: Report) -> EditSession:
        session = cls(Path(path), report)
        session.save()
        return session

    def mark_edited(self) -> None:
        """Call after every committed edit (a cell, a text part, metadata)."""
        self.dirty = True

    def save(self) -> None:
        save_report(self.report, self.path)
        self.dirty = False

    def save_as(self, path: Path | str) -> None:
        save_report(self.report, Path(path))
        self.path = Path(path)
        self.dirty = False

    def close(self) -> None:
        """End the session (releases whatever the session holds)."""
