"""Opening files in a shared folder that a colleague may have tampered with.

Every file of ours (reports, lock files, journals, versions) is opened without following a
symbolic link (``O_NOFOLLOW``) and without blocking (``O_NONBLOCK``: a FIFO put in place of a report
would otherwise freeze the reader until someone writes to it), then checked with ``fstat`` on the
open descriptor — what we read is what we checked. Anything but a regular file is refused with a
Chinese message naming the path and what it is, and reads are bounded (``/dev/zero`` or a 5 GB file
must not eat the server's memory).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from tui_report.storage.errors import ReportFileError, os_error_text, read_error

MAX_REPORT_BYTES = 5 * 1024 * 1024  # a real report is ~20 KB; the biggest county report ~200 KB

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
SAFE_FLAGS = _NOFOLLOW | _NONBLOCK | _CLOEXEC | _NOCTTY


class UnsafeFileError(ReportFileError):
    """The path is a symbolic link, a FIFO, a device, too big, or changed identity: refused."""


def kind_of(mode: int) -> str:
    """What a file is, in Chinese, from its ``st_mode``."""
    if stat.S_ISREG(mode):
        return "普通文件"
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISLNK(mode):
        return "符号链接"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISCHR(mode):
        return "字符设备"
    if stat.S_ISBLK(mode):
        return "块设备"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def symlink_refusal(path: Path | str, dir_fd: int | None = None) -> UnsafeFileError:
    try:
        target = os.readlink(path, dir_fd=dir_fd)
    except OSError:
        target = "?"
    return UnsafeFileError(
        path, f"是符号链接（指向 {target}），为安全起见不跟随链接；请直接使用它指向的文件（须为普通文件）"
    )


def open_nofollow(
    path: Path | str, flags: int = os.O_RDONLY, mode: int = 0o600, *, dir_fd: int | None = None
) -> int:
    """``os.open`` without following a final symlink and without blocking. Raises
    :class:`ReportFileError` (Chinese) instead of OSError."""
    try:
        return os.open(path, flags | SAFE_FLAGS, mode, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and _NOFOLLOW):
            raise symlink_refusal(path, dir_fd) from exc
        raise read_error(Path(path), exc) from exc


def check_regular(path: Path | str, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFileError(path, f"不是普通文件（是{kind_of(info.st_mode)}），已拒绝使用")


def open_regular(
    path: Path | str, flags: int = os.O_RDONLY, *, dir_fd: int | None = None
) -> tuple[int, os.stat_result]:
    """An open descriptor on a regular file and its ``fstat``; anything else is refused."""
    fd = open_nofollow(path, flags, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        check_regular(path, info)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_fd(fd: int, path: Path | str, info: os.stat_result, limit: int) -> bytes:
    """All bytes of an open regular file, refusing more than ``limit`` (checked while reading too:
    the file may grow)."""
    if info.st_size > limit:
        raise UnsafeFileError(path, f"文件过大（{info.st_size} 字节，上限 {limit} 字节），已拒绝读取")
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
        except BlockingIOError:  # pragma: no cover - regular files never block
            continue
        except OSError as exc:
            raise read_error(Path(path), exc) from exc
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise UnsafeFileError(path, f"文件过大（超过 {limit} 字节），已拒绝读取")
    return b"".join(chunks)


def read_regular(
    path: Path | str, limit: int = MAX_REPORT_BYTES, *, dir_fd: int | None = None
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (not a link, FIFO or device; at most ``limit`` bytes) and the
    ``fstat`` of the very file they came from."""
    fd, info = open_regular(path, dir_fd=dir_fd)
    try:
        return read_fd(fd, path, info, limit), info
    finally:
        os.close(fd)


def lstat_or_none(path: Path | str, *, dir_fd: int | None = None) -> os.stat_result | None:
    """``lstat`` the path; None when it does not exist; ReportFileError for other problems."""
    try:
        return os.lstat(path, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReportFileError(path, f"无法读取文件信息（{os_error_text(exc)}）") from exc


def open_dir(path: Path | str, *, dir_fd: int | None = None) -> int:
    """A descriptor on a real folder (a symlink in its place is refused)."""
    try:
        fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            info = None
            with contextlib.suppress(OSError):
                info = os.lstat(path, dir_fd=dir_fd)
            if info is not None and stat.S_ISLNK(info.st_mode):
                raise symlink_refusal(path, dir_fd) from exc
            what = kind_of(info.st_mode) if info is not None else "不是文件夹"
            raise UnsafeFileError(path, f"不是文件夹（是{what}），已拒绝使用") from exc
        raise ReportFileError(path, f"无法打开文件夹（{os_error_text(exc)}）") from exc
    return fd


SHARED_DIR_MODE = 0o2770


def shared_subdir(parent_fd: int, name: str, parent: Path, *, create: bool = True) -> int:
    """A descriptor on the folder ``name`` inside the open folder ``parent_fd`` (created if
    missing), never following a symlink. Folders we own get the report folder's group (when we
    belong to it) and mode 2770 — setgid, so that what colleagues create inside stays in that
    group, whether or not the report folder itself is setgid. Raises :class:`ReportFileError`
    (its ``__cause__`` is FileNotFoundError when the folder is missing and not ``create``)."""
    if create:
        try:
            os.mkdir(name, 0o700, dir_fd=parent_fd)
        except FileExistsError:
            pass
        except OSError as exc:
            raise ReportFileError(parent / name, f"无法创建文件夹（{os_error_text(exc)}）") from exc
    fd = open_dir(name, dir_fd=parent_fd)
    with contextlib.suppress(OSError):
        share_like_parent(fd, os.fstat(parent_fd))
    return fd


def share_like_parent(fd: int, parent: os.stat_result) -> None:
    """Give a folder we own the parent's group (if we belong to it) and mode 2770 (0700 when the
    parent is private: no group permissions at all)."""
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        return  # a colleague's folder: theirs to fix (check_can_save explains when we cannot write)
    if info.st_gid != parent.st_gid and (
        os.geteuid() == 0 or parent.st_gid in os.getgroups() or parent.st_gid == os.getegid()
    ):
        os.fchown(fd, -1, parent.st_gid)
    wanted = SHARED_DIR_MODE if parent.st_mode & 0o070 else 0o700
    if stat.S_IMODE(os.fstat(fd).st_mode) != wanted:
        os.fchmod(fd, wanted)
