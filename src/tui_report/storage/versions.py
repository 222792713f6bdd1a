"""Earlier versions of a report: every save keeps the file it replaces.

Beside the report, one folder per report::

    .versions/2024年报.toml/0007_20250110-103201-123456_zhangsan.toml

The file just saved is kept there too (so a tool that later replaces the report — an editor that
renames, a script — cannot take the last saved content with it); the next save then finds its
previous file already kept. The name carries the version's number, when that version was saved
(the file's modification time) and by whom (its owner: a save renames a new file into place, so
the file belongs to whoever saved it).

Numbers are for ever: 1 is the oldest version kept, each new version takes the highest number
plus one, and pruning deletes files without renumbering the others, so ``restore 7`` means the
same version today and next week. Versions kept by earlier releases have no number in their name
(``20250110-103201-123456_zhangsan.toml``): they are read as 1, 2, 3… in time order, and the next
save renames them to numbered names (newest first, so an interrupted renaming leaves the same
numbers), before anything is pruned.

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
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from tui_report.host import procinfo
from tui_report.model.diff import change_summary, diff_reports
from tui_report.model.report import Report
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.reportfile import decode_report_bytes, loads_report
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

_NAME = re.compile(r"^(\d{1,9})_(\d{8}-\d{6}-\d{6})_(.+)\.toml$")
_OLD_NAME = re.compile(r"^(\d{8}-\d{6}-\d{6})_(.+?)(?:~(\d+))?\.toml$")  # before numbers
_STAMP = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class Version:
    file: Path
    saved_at: datetime
    user: str
    size: int
    number: int = 0  # for ever: 1 = the oldest kept (see the module's docstring)

    @property
    def id(self) -> str:
        return self.file.name

    @property
    def numbered(self) -> bool:
        """Its number is in its file name (not a version kept by an earlier release)."""
        return _NAME.match(self.file.name) is not None


def version_name(number: int, saved_at: datetime, user: str) -> str:
    return f"{number:04d}_{saved_at.strftime(_STAMP)}_{_safe_user(user)}.toml"


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
            kept = _list(report_path, vfd)
            if kept and _holds(vfd, kept[0].id, data):
                return kept[0]
            _number_old_versions(vfd, kept)
            number = max((v.number for v in kept), default=0) + 1
            name = version_name(number, saved_at, user)
            _write_version(vfd, name, data, info)
            return Version(versions_dir(report_path) / name, saved_at, user, len(data), number)
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


def _number_old_versions(vfd: int, kept: list[Version]) -> None:
    """Give the versions of earlier releases their numbers in their names (see the module's
    docstring). Newest first: an interruption leaves the oldest ones unrenamed, and they are
    still read as 1, 2, 3…. A failure leaves them as they are (still read, never pruned)."""
    for version in kept:  # newest first
        if version.numbered:
            continue
        name = version_name(version.number, version.saved_at, version.user)
        try:
            if name in os.listdir(vfd):
                return
            os.rename(version.id, name, src_dir_fd=vfd, dst_dir_fd=vfd)
        except OSError:
            return


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
    """The versions in the folder, newest (highest number) first."""
    folder = versions_dir(report_path)
    numbered: list[Version] = []
    old: list[Version] = []
    for name in os.listdir(vfd):
        match = _NAME.match(name)
        parts = (match.group(2), match.group(3)) if match else None
        old_match = None if match else _OLD_NAME.match(name)
        if old_match:
            parts = (old_match.group(1), old_match.group(2))
        if parts is None:
            continue
        try:
            info = os.stat(name, dir_fd=vfd, follow_symlinks=False)
            saved_at = datetime.strptime(parts[0], _STAMP).astimezone()
        except (ValueError, OSError):
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        number = int(match.group(1)) if match else 0
        (numbered if match else old).append(Version(folder / name, saved_at, parts[1], info.st_size, number))
    # Versions of earlier releases: 1, 2, 3… in time order (they are older than any numbered one).
    old.sort(key=lambda v: (v.saved_at, v.id))
    found = [replace(v, number=n) for n, v in enumerate(old, start=1)] + numbered
    found.sort(key=lambda v: (v.number, v.saved_at, v.id), reverse=True)
    return found


def list_versions(report_path: Path | str, *, folder_fd: int | None = None) -> list[Version]:
    """Kept versions, newest (highest number) first; none when the folder is missing or is not a
    real folder."""
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


def versions_problem(report_path: Path | str) -> str | None:
    """Why the kept versions of a report cannot be listed (a folder this user may not open, a link
    in its place), or None. :func:`list_versions` lists none then: not the same as "no versions"."""
    try:
        vfd = _open_versions(Path(report_path), create=False)
    except ReportFileError as exc:
        return str(exc)
    if vfd is not None:
        os.close(vfd)
    return None


def read_version(version: Version) -> bytes:
    """A version's bytes (a regular file, bounded)."""
    return read_regular(version.file, MAX_REPORT_BYTES)[0]


def prune(
    report_path: Path | str, now: datetime | None = None, *, folder_fd: int | None = None
) -> list[Path]:
    """Delete versions outside the retention rule; returns what was deleted. The others keep
    their numbers (versions of earlier releases are given theirs first)."""
    report_path = Path(report_path)
    try:
        vfd = _open_versions(report_path, create=False, folder_fd=folder_fd)
    except ReportFileError:
        return []
    if vfd is None:
        return []
    try:
        versions = _list(report_path, vfd)
        if not all(v.numbered for v in versions):
            _number_old_versions(vfd, versions)
            versions = _list(report_path, vfd)
        removed: list[Path] = []
        for version in _outside_retention(versions, now or datetime.now().astimezone()):
            with contextlib.suppress(OSError):
                os.unlink(version.id, dir_fd=vfd)
                removed.append(version.file)
        return removed
    except OSError:
        return []
    finally:
        os.close(vfd)


def _outside_retention(versions: list[Version], now: datetime) -> list[Version]:
    """Versions (newest first) that neither are among the newest KEEP_LAST nor the newest of a day
    in the last KEEP_DAYS days. Never one without its number in its name: deleting it would
    renumber the others."""
    keep: set[Path] = set()
    days_seen: set[object] = set()
    for index, version in enumerate(versions):
        if index < KEEP_LAST:
            keep.add(version.file)
        day = version.saved_at.date()
        if now - version.saved_at <= timedelta(days=KEEP_DAYS) and day not in days_seen:
            days_seen.add(day)
            keep.add(version.file)
    numbered_only = not all(v.numbered for v in versions)
    return [v for v in versions if v.file not in keep and (v.numbered or not numbered_only)]


def find_version(report_path: Path | str, version_id: str) -> Version:
    """A version by its number (see :func:`list_versions`) or by its file name."""
    versions = list_versions(report_path)
    wanted = version_id.strip()
    for version in versions:
        if (wanted.isdigit() and version.number == int(wanted)) or wanted in (version.id, version.id[:-5]):
            return version
    if not versions:
        known = "这份报告还没有历史版本（第一次保存之后才会有）"
    else:
        known = f"现有版本 {versions[-1].number}—{versions[0].number}，用 tui-report history 查看"
        if wanted.isdigit() and int(wanted) < versions[-1].number:
            known = f"版本 {wanted} 已按保留规则删除；{known}"
    raise ReportFileError(report_path, f"没有找到历史版本“{version_id}”（{known}）")


@dataclass(frozen=True)
class HistoryEntry:
    """One version as ``tui-report history`` shows it."""

    version: Version
    summary: str  # 改了表三 3 格、第五部分 (against the previous version kept); see describe()
    same_as: int | None = None  # an older version with the same content (a restore)
    readable: bool = True


def read_version_report(version: Version) -> Report:
    """A version read as a report (ReportFileError, in Chinese, when it cannot be)."""
    raw = read_version(version)
    return loads_report(decode_report_bytes(raw, version.file), version.file)


def describe_versions(report_path: Path | str) -> list[HistoryEntry]:
    """Every kept version, newest first, with what changed against the version before it."""
    versions = list_versions(report_path)
    oldest_first = list(reversed(versions))
    entries: list[HistoryEntry] = []
    first_with: dict[bytes, int] = {}  # content → the oldest version holding it
    previous: Report | None = None
    for index, version in enumerate(oldest_first):
        try:
            raw = read_version(version)
            report: Report | None = loads_report(decode_report_bytes(raw, version.file), version.file)
        except ReportFileError:
            raw, report = b"", None
        # The same content as an older version, not the one just before: a restore.
        same_as = first_with.get(raw) if raw else None
        if index and same_as == oldest_first[index - 1].number:
            same_as = None
        first_with.setdefault(raw, version.number)
        summary = _summary(previous, report, first=index == 0)
        entries.append(HistoryEntry(version, summary, same_as, report is not None))
        previous = report
    return list(reversed(entries))


def _summary(previous: Report | None, report: Report | None, *, first: bool) -> str:
    if report is None:
        return "文件有错误，无法读取"
    if first:
        return "最早保留的版本"
    if previous is None:
        return "上一版本无法读取，无法比较"
    return change_summary(diff_reports(previous, report), report.tpl) or "内容未变"


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
    "HistoryEntry",
    "UnsafeFileError",
    "Version",
    "describe_versions",
    "find_version",
    "is_current",
    "keep_bytes",
    "keep_previous",
    "list_versions",
    "prune",
    "read_version",
    "read_version_report",
    "shared_subdir",
    "version_name",
    "versions_dir",
    "versions_problem",
]
