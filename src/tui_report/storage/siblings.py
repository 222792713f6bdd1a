"""The other reports in a report's folder: last year's report of the same unit (R7/R8) and the
reports compared for copied text (R15).

Every file in a shared folder may be hostile: only regular ``*.toml`` files (no symlinks, FIFOs or
huge files) are read, and one that cannot be read is passed over. A folder with more report files
than a county has (``MAX_FOLDER_REPORTS``) is not read: only the reports named on the command line
are compared then.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from tui_report.model.report import Report

MAX_REPORT_BYTES = 4 * 1024 * 1024
MAX_FOLDER_REPORTS = 500


class _Canonical:
    """Canonical paths with one ``resolve()`` per folder, not per file (10,000 files in a folder)."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def folder(self, folder: Path) -> Path:
        resolved = self._folders.get(folder)
        if resolved is None:
            resolved = self._folders[folder] = folder.resolve()
        return resolved

    def file(self, path: Path) -> Path:
        return self.folder(path.parent) / path.name


def _regular_report_files(folder: Path) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    paths: list[Path] = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.endswith(".toml"):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_REPORT_BYTES:
            paths.append(Path(entry.path))
    return sorted(paths)


class FolderReports:
    """Reports by folder, each folder read once; reports already loaded are reused."""

    def __init__(self, loaded: Iterable[tuple[Path, Report]] = ()) -> None:
        self.canonical = _Canonical()
        self._by_path: dict[Path, Report] = {self.canonical.file(p): r for p, r in loaded}
        self._folders: dict[Path, list[Report]] = {}
        self._paths: dict[int, Path] = {id(r): p for p, r in self._by_path.items()}

    def path_of(self, report: Report) -> Path | None:
        """The file a report was read from (by this object, or given to it as loaded)."""
        return self._paths.get(id(report))

    def in_folder(self, folder: Path) -> list[Report]:
        """The reports in a folder (those already loaded reused); none when it holds more report
        files than ``MAX_FOLDER_REPORTS``."""
        from tui_report.storage.errors import ReportFileError
        from tui_report.storage.reportfile import load_report

        folder = self.canonical.folder(folder)
        found = self._folders.get(folder)
        if found is not None:
            return found
        found = []
        paths = _regular_report_files(folder)
        for path in paths if len(paths) <= MAX_FOLDER_REPORTS else []:
            report = self._by_path.get(path)  # scandir's paths under a resolved folder are canonical
            if report is None:
                try:
                    report = load_report(path)
                except (ReportFileError, OSError, ValueError):
                    continue
                self._by_path[path] = report
                self._paths[id(report)] = path
            found.append(report)
        self._folders[folder] = found
        return found


def last_year_of(report: Report, candidates: Iterable[Report]) -> Report | None:
    """Last year's report of the same unit among ``candidates``, if exactly one."""
    unit = report.unit.strip()
    if not unit:
        return None
    matches = [c for c in candidates if c.unit.strip() == unit and c.year == report.year - 1]
    return matches[0] if len(matches) == 1 else None


def last_year_index(candidates: Iterable[Report]) -> dict[tuple[str, int], Report | None]:
    """(unit, year) → the one report of that unit and year (None when there are several): a folder
    of thousands looks each report's last year up once, not by scanning the folder each time."""
    index: dict[tuple[str, int], Report | None] = {}
    for candidate in candidates:
        key = (candidate.unit.strip(), candidate.year)
        index[key] = None if key in index else candidate
    return index


def last_year_beside(path: Path, report: Report) -> Report | None:
    """Last year's report of the same unit in the folder of ``path`` (the text page's 上年文字)."""
    return last_year_of(report, FolderReports().in_folder(path.parent))
