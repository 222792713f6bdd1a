"""Which files of a county's folder are reports: the one place the desk, ``roster``, ``rollup`` and
batch export learn it.

The layout docs/admin.md sets up (``tui-report setup``) is a year folder with one folder per unit::

    /srv/nianbao/2025/             root-owned; roster.toml, .review/ (the reviewers')
    /srv/nianbao/2025/某某乡/       the unit's group, 2770: 2025年报.toml, .locks/, .versions/
    /srv/nianbao/2025/某某局/       …

Reports are the ``*.toml`` files directly in the folder (the older flat layout, or a unit's own
folder) and in each of its subfolders, one level deep. A subfolder that is a symlink is never
followed (it could lead anywhere: another county, someone's home), hidden folders (``.versions``,
``.locks``, ``.exports``, ``.review``) are skipped, and so are ``roster.toml`` and hidden files. A
unit folder the reader may not list is reported, not silently left out. Only directory listings
and ``lstat`` here: reading the files is the caller's business (``review.files``: no FIFO, no link).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tui_report.host.oserror import os_error_text

ROSTER_NAME = "roster.toml"
MAX_UNIT_FOLDERS = 5000  # a province has a few thousand units; a hostile folder stops here


class ReviewError(Exception):
    """The folder or the roster cannot be read; ``str()`` is the Chinese reason."""


@dataclass(slots=True)
class FoundReports:
    folder: Path
    files: list[Path] = field(default_factory=list)  # candidate reports, sorted
    names: dict[Path, set[str]] = field(default_factory=dict)  # every entry, per folder listed
    unit_folders: list[Path] = field(default_factory=list)
    unreadable: dict[Path, str] = field(default_factory=dict)  # unit folder → why it cannot be listed

    @property
    def roster(self) -> Path | None:
        """``roster.toml`` of the folder itself, when there is one."""
        return self.folder / ROSTER_NAME if ROSTER_NAME in self.names.get(self.folder, set()) else None

    def names_beside(self, path: Path) -> set[str]:
        """Every entry of the folder a found report is in (to find its exports)."""
        return self.names.get(path.parent, set())


def is_report_name(name: str) -> bool:
    return name.endswith(".toml") and not name.startswith(".") and name != ROSTER_NAME


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return list(it)


def _top_entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        return _entries(folder)
    except FileNotFoundError as exc:
        raise ReviewError(f"文件夹 {folder} 不存在") from exc
    except NotADirectoryError as exc:
        raise ReviewError(f"{folder} 不是文件夹") from exc
    except PermissionError as exc:
        raise ReviewError(f"没有读取文件夹 {folder} 的权限") from exc
    except OSError as exc:
        raise ReviewError(f"无法读取文件夹 {folder}（{os_error_text(exc)}）") from exc


def _is_unit_folder(entry: os.DirEntry[str]) -> bool:
    """A real folder (never a symlink to one), not hidden."""
    if entry.name.startswith("."):
        return False
    try:
        return stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return False


def find_reports(folder: Path) -> FoundReports:
    """The report files of ``folder`` and of its unit folders (module docstring). Raises
    :class:`ReviewError` when ``folder`` itself cannot be listed."""
    found = FoundReports(folder)
    top = _top_entries(folder)
    found.names[folder] = {e.name for e in top}
    found.files.extend(folder / e.name for e in top if is_report_name(e.name))
    for entry in sorted((e for e in top if _is_unit_folder(e)), key=lambda e: e.name):
        unit_folder = folder / entry.name
        if len(found.unit_folders) >= MAX_UNIT_FOLDERS:
            found.unreadable[unit_folder] = f"文件夹过多（超过 {MAX_UNIT_FOLDERS} 个），其余未读取"
            break
        found.unit_folders.append(unit_folder)
        try:
            inside = _entries(unit_folder)
        except PermissionError:
            found.unreadable[unit_folder] = "没有读取这个文件夹的权限"
            continue
        except OSError as exc:
            found.unreadable[unit_folder] = f"无法读取（{os_error_text(exc)}）"
            continue
        found.names[unit_folder] = {e.name for e in inside}
        found.files.extend(unit_folder / e.name for e in inside if is_report_name(e.name))
    found.files.sort()
    return found


def watched_folders(folder: Path) -> list[Path]:
    """The folders whose listings (and ``.locks``) change when a report is saved, created or
    opened for editing: the folder and its unit folders (for the desk's change check)."""
    try:
        found = find_reports(folder)
    except ReviewError:
        return [folder]
    return [folder, *found.unit_folders]


def unit_folders_readable(folder: Path) -> bool:
    """Whether this user may list every unit folder of ``folder`` (a reviewer, or a flat folder):
    otherwise the desk would show the other units as 无法读取 (an operator in the strict layout's
    year folder). Only ``access`` checks on the folders, no listing of them."""
    try:
        entries = _entries(folder)
    except OSError:
        return False
    for entry in entries[:MAX_UNIT_FOLDERS]:
        if _is_unit_folder(entry) and not os.access(folder / entry.name, os.R_OK | os.X_OK):
            return False
    return True
