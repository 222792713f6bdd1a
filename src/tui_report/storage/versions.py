"""Earlier versions of a report: every save keeps the file it replaces.

Beside the report, one folder per report::

    .versions/2024年报.toml/20250110-103201-123456_zhangsan.toml

The file just saved is kept there too (so a tool that later replaces the report — an editor that
renames, a script — cannot take the last saved content with it); the next save then finds its
previous file already kept. The name carries when that version was saved (the replaced file's
modification time) and by whom (its owner: a save renames a new file into place, so the file
belongs to whoever saved it).

A version is always written from the bytes this program read through a descriptor it checked
(a regular file, not a link — see :mod:`tui_report.storage.safefile`), never by linking or copying
a path: a colleague could swap the report for a symlink to a private file between the check and
the copy. The folders are opened without following links, so a symlinked ``.versions`` or
``.versions/<name>`` cannot send our files elsewhere, and get the report folder's group with mode
2770 (see :func:`shared_subdir`).

Kept: the newest :data:`KEEP_LAST` versions, plus the newest version of each day of the last
:data:`KEEP_DAYS` days. ``tui-report history FILE`` lists them; ``tui-report restore FILE VERSION``
brings one back, itself as a new save (so the restore can be undone the same way).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tui_report.host import procinfo
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.safefile import (
    MAX_REPORT_BYTES,
    SAFE_FLAGS,
    UnsafeFileError,
    open_dir,
    read_regular,
    shared_subdir,
)

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


def _folder_of(report_path: Path) -> Path:
    return report_path.parent if str(report_path.parent) else Path(".")


def _open_versions(report_path: Path, *, create: bool, folder_fd: int | None = None) -> int | None:
    """A descriptor on ``.versions/<report name>``; None when it does not exist and not ``create``.
    ``folder_fd``: the report's folder as the editing session holds it (else opened here)."""
    folder = _folder_of(report_path)
    top = open_dir(folder) if folder_fd is None else os.dup(folder_fd)
    try:
        try:
            mid = shared_subdir(top, VERSIONS_DIR, folder, create=create)
        except ReportFileError as exc:
            if not create and isinstance(exc.__cause__, FileNotFoundError):
                return None
            raise
        try:
            return shared_subdir(mid, report_path.name, folder / VERSIONS_DIR, create=create)
        except ReportFileError as exc:
            if not create and isinstance(exc.__cause__, FileNotFoundError):
                return None
            raise
        finally:
            os.close(mid)
    finally:
        os.close(top)


def keep_bytes(
    report_path: Path | str, data: bytes, info: os.stat_result, *, folder_fd: int | None = None
) -> Version:
    """Keep ``data`` (read from the report, whose ``fstat`` is ``info``) as a version. Nothing is
    written when the newest version already holds these bytes."""
    report_path = Path(report_path)
    saved_at = datetime.fromtimestamp(info.st_mtime_ns / 1e9).astimezone()
    user = procinfo.user_name(info.st_uid)
    try:
        vfd = _open_versions(report_path, create=True, folder_fd=folder_fd)
        assert vfd is not None
        try:
            newest = _list(report_path, vfd)[:1]
            if newest and _holds(vfd, newest[0].id, data):
                return newest[0]
            base = f"{saved_at.strftime(_STAMP)}_{_safe_user(user)}"
            existing = set(os.listdir(vfd))
            for n in range(1, 1000):
                name = f"{base}.toml" if n == 1 else f"{base}~{n}.toml"
                if name in existing:
                    continue
                _write_version(vfd, name, data, info)
                return Version(versions_dir(report_path) / name, saved_at, user, len(data))
        finally:
            os.close(vfd)
    except ReportFileError as exc:
        raise ReportFileError(
            report_path, f"无法保留上一版本（{exc}），为安全起见未保存，原文件未改动"
        ) from exc
    except OSError as exc:
        raise ReportFileError(
            report_path, f"无法保留上一版本（{os_error_text(exc)}），为安全起见未保存，原文件未改动"
        ) from exc
    raise ReportFileError(report_path, "历史版本名称冲突过多，未保存")  # pragma: no cover


def keep_previous(report_path: Path | str, *, folder_fd: int | None = None) -> Version | None:
    """Keep the current file as a version before it is replaced. None when there is no file yet.

    Raises :class:`ReportFileError` when the version cannot be kept (the save should not go on:
    a save without its undo is the kind of surprise this module exists to prevent), and
    :class:`UnsafeFileError` when the path is no longer a regular file (a symlink, a FIFO).
    """
    report_path = Path(report_path)
    try:
        if folder_fd is None:
            data, info = read_regular(report_path, MAX_REPORT_BYTES)
        else:
            data, info = read_regular(report_path.name, MAX_REPORT_BYTES, dir_fd=folder_fd)
    except ReportFileError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return None
        raise
    return keep_bytes(report_path, data, info, folder_fd=folder_fd)


def _holds(vfd: int, name: str, data: bytes) -> bool:
    try:
        kept, _ = read_regular(name, MAX_REPORT_BYTES, dir_fd=vfd)
    except ReportFileError:
        return False
    return kept == data


def _write_version(vfd: int, name: str, data: bytes, info: os.stat_result) -> None:
    """Temp name, write, fsync, rename within the versions folder (all relative to its descriptor)."""
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    # Readable like the report was (group members who could read it may read its history).
    mode = (stat.S_IMODE(info.st_mode) | 0o600) & 0o660
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | SAFE_FLAGS, mode, dir_fd=vfd)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.utime(fd, ns=(info.st_atime_ns, info.st_mtime_ns))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=vfd, dst_dir_fd=vfd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=vfd)
        raise
    with contextlib.suppress(OSError):
        os.fsync(vfd)


def _safe_user(user: str) -> str:
    return re.sub(r"[^\w.\-]", "_", user) or "unknown"


def _list(report_path: Path, vfd: int) -> list[Version]:
    folder = versions_dir(report_path)
    found: list[Version] = []
    for name in os.listdir(vfd):
        match = _NAME.match(name)
        if not match:
            continue
        try:
            info = os.stat(name, dir_fd=vfd, follow_symlinks=False)
            saved_at = datetime.strptime(match.group(1), _STAMP).astimezone()
        except (ValueError, OSError):
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        found.append(Version(folder / name, saved_at, match.group(2), info.st_size))
    found.sort(key=lambda v: (v.saved_at, v.id), reverse=True)
    return found


def list_versions(report_path: Path | str, *, folder_fd: int | None = None) -> list[Version]:
    """Kept versions, newest first (none when the folder is missing or is not a real folder)."""
    report_path = Path(report_path)
    try:
        vfd = _open_versions(report_path, create=False, folder_fd=folder_fd)
    except ReportFileError:
        return []
    if vfd is None:
        return []
    try:
        return _list(report_path, vfd)
    except OSError:
        return []
    finally:
        os.close(vfd)


def read_version(version: Version) -> bytes:
    """A version's bytes (a regular file, bounded)."""
    return read_regular(version.file, MAX_REPORT_BYTES)[0]


def prune(
    report_path: Path | str, now: datetime | None = None, *, folder_fd: int | None = None
) -> list[Path]:
    """Delete versions outside the retention rule; returns what was deleted."""
    now = now or datetime.now().astimezone()
    keep: set[Path] = set()
    days_seen: set[object] = set()
    versions = list_versions(report_path, folder_fd=folder_fd)
    for index, version in enumerate(versions):
        if index < KEEP_LAST:
            keep.add(version.file)
        day = version.saved_at.date()
        if now - version.saved_at <= timedelta(days=KEEP_DAYS) and day not in days_seen:
            days_seen.add(day)
            keep.add(version.file)
    removed: list[Path] = []
    doomed = [v for v in versions if v.file not in keep]
    if not doomed:
        return removed
    try:
        vfd = _open_versions(Path(report_path), create=False, folder_fd=folder_fd)
    except ReportFileError:
        return removed
    if vfd is None:
        return removed
    try:
        for version in doomed:
            with contextlib.suppress(OSError):
                os.unlink(version.id, dir_fd=vfd)
                removed.append(version.file)
    finally:
        os.close(vfd)
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
    """The version holds the same bytes as the current file."""
    try:
        current = read_regular(report_path, MAX_REPORT_BYTES)[0]
        return read_version(version) == current
    except ReportFileError:
        return False


__all__ = [
    "KEEP_DAYS",
    "KEEP_LAST",
    "UnsafeFileError",
    "Version",
    "find_version",
    "is_current",
    "keep_bytes",
    "keep_previous",
    "list_versions",
    "prune",
    "read_version",
    "shared_subdir",
    "versions_dir",
]
