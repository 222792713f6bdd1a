"""Earlier versions of a report: every save keeps the file it replaces.

Beside the report, one folder per report::

    .versions/2024年报.toml/20250110-103201-123456_zhangsan.toml

The file just saved is linked there too (so a tool that later replaces the report — an editor
that renames, a script — cannot take the last saved content with it); the next save then finds its
previous file already kept. The name carries when that version was saved (the replaced file's modification time) and by whom
(its owner: a save renames a new file into place, so the file belongs to whoever saved it). The
previous file is kept by a hard link — no copy, the old inode simply gets a second name — or, where
linking is refused, by a copy.

Kept: the newest :data:`KEEP_LAST` versions, plus the newest version of each day of the last
:data:`KEEP_DAYS` days. ``tui-report history FILE`` lists them; ``tui-report restore FILE VERSION``
brings one back, itself as a new save (so the restore can be undone the same way).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tui_report.host import procinfo
from tui_report.storage.errors import ReportFileError

VERSIONS_DIR = ".versions"
KEEP_LAST = 20
KEEP_DAYS = 30

_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})_(.+?)(?:~(\d+))?\.toml$")
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class Version:
    file: Path
    saved_at: datetime
    user: str
    size: int

    @property
    def id(self) -> str:
        return self.file.name


def versions_dir(report_path: Path | str) -> Path:
    report_path = Path(report_path)
    return report_path.parent / VERSIONS_DIR / report_path.name


def _ensure_dir(report_path: Path) -> Path:
    folder = versions_dir(report_path)
    if folder.is_dir():
        return folder
    report_folder = report_path.parent if str(report_path.parent) else Path(".")
    parent_mode = stat.S_IMODE(os.stat(report_folder).st_mode)
    mode = (parent_mode & 0o2777) | 0o700  # shared like the report folder, never sticky
    for target in (folder.parent, folder):
        try:
            os.mkdir(target, 0o700)
        except FileExistsError:
            continue
        with contextlib.suppress(OSError):
            os.chmod(target, mode)
    return folder


def keep_previous(report_path: Path | str) -> Version | None:
    """Keep the current file as a version before it is replaced. None when there is no file yet.

    Raises :class:`ReportFileError` when the version cannot be kept (the save should not go on:
    a save without its undo is the kind of surprise this module exists to prevent).
    """
    report_path = Path(report_path)
    try:
        info = os.stat(report_path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReportFileError(report_path, f"无法读取文件信息（{exc.strerror}）") from exc
    try:
        folder = _ensure_dir(report_path)
        newest = list_versions(report_path)[:1]
        if newest and _same_inode(newest[0].file, info):
            return newest[0]  # already kept (an earlier save attempt failed after linking)
        saved_at = datetime.fromtimestamp(info.st_mtime_ns / 1e9).astimezone()
        user = procinfo.user_name(info.st_uid)
        base = f"{saved_at.strftime(_STAMP)}_{_safe_user(user)}"
        for n in range(1, 1000):
            target = folder / (f"{base}.toml" if n == 1 else f"{base}~{n}.toml")
            if target.exists():
                continue
            _link_or_copy(report_path, target, info)
            return Version(target, saved_at, user, info.st_size)
    except OSError as exc:
        raise ReportFileError(
            report_path, f"无法保留上一版本（{exc.strerror or exc}），为安全起见未保存"
        ) from exc
    raise ReportFileError(report_path, "历史版本名称冲突过多，未保存")  # pragma: no cover


def _same_inode(path: Path, info: os.stat_result) -> bool:
    try:
        other = os.stat(path)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)


def _safe_user(user: str) -> str:
    return re.sub(r"[^\w.\-]", "_", user) or "unknown"


def _link_or_copy(source: Path, target: Path, info: os.stat_result) -> None:
    try:
        os.link(source, target)
        return
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
    # Hard links refused (fs.protected_hardlinks, or a file system without them): copy.
    from tui_report.storage.journal import write_file_atomic

    write_file_atomic(target, source.read_bytes(), stat.S_IMODE(info.st_mode) | 0o600)
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))


def list_versions(report_path: Path | str) -> list[Version]:
    """Kept versions, newest first."""
    folder = versions_dir(report_path)
    found: list[Version] = []
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return []
    for entry in entries:
        match = _NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            saved_at = datetime.strptime(match.group(1), _STAMP).astimezone()
            size = entry.stat(follow_symlinks=False).st_size
        except (ValueError, OSError):
            continue
        found.append(Version(Path(entry.path), saved_at, match.group(2), size))
    found.sort(key=lambda v: (v.saved_at, v.id), reverse=True)
    return found


def prune(report_path: Path | str, now: datetime | None = None) -> list[Path]:
    """Delete versions outside the retention rule; returns what was deleted."""
    now = now or datetime.now().astimezone()
    keep: set[Path] = set()
    days_seen: set[object] = set()
    versions = list_versions(report_path)
    for index, version in enumerate(versions):
        if index < KEEP_LAST:
            keep.add(version.file)
        day = version.saved_at.date()
        if now - version.saved_at <= timedelta(days=KEEP_DAYS) and day not in days_seen:
            days_seen.add(day)
            keep.add(version.file)
    removed: list[Path] = []
    for version in versions:
        if version.file not in keep:
            with contextlib.suppress(OSError):
                os.unlink(version.file)
                removed.append(version.file)
    return removed


def find_version(report_path: Path | str, version_id: str) -> Version:
    """A version by its number in :func:`list_versions` (1 = newest) or by its file name."""
    versions = list_versions(report_path)
    if version_id.isdigit():
        index = int(version_id)
        if 1 <= index <= len(versions):
            return versions[index - 1]
    for version in versions:
        if version.id == version_id or version.id == version_id + ".toml":
            return version
    raise ReportFileError(
        report_path,
        f"没有找到历史版本“{version_id}”（共有 {len(versions)} 个版本，用 tui-report history 查看编号）",
    )


def is_current(version: Version, report_path: Path | str) -> bool:
    """The version is the current file itself (linked at its save, not changed since)."""
    try:
        return _same_inode(version.file, os.stat(report_path))
    except OSError:
        return False
