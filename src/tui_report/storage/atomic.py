"""The one atomic writer: readers see the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

from tui_report.host.procinfo import process_alive, user_name
from tui_report.storage.errors import NotWritableHereError, ReportFileError, write_error_text
from tui_report.storage.safefile import SAFE_FLAGS, UnsafeFileError, kind_of, lstat_or_none

NEW_FILE_MODE = 0o660
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def atomic_write(
    path: Path | str,
    data: bytes,
    *,
    mode: int | None = None,
    expect: tuple[int, int] | None = None,
    durable: bool = True,
    dir_fd: int | None = None,
) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The temp file lives in the same folder (so the rename is atomic), is fsynced before the rename,
    and the folder is fsynced after it. Without ``mode``, the old file's mode and group are kept,
    because a shared folder's reports must stay group-writable; a new file gets the folder's group
    and, in a folder open to its group, mode 0660.

    Every step addresses the file relative to one descriptor on its folder: ``dir_fd`` (the folder
    an editing session opened when it loaded the report: :mod:`tui_report.storage.heldfolder`;
    ``path``'s name is then taken in it), else the folder opened once here. A folder renamed or
    swapped for a symlink during the write cannot split the temp file from the rename.

    Refused (nothing written): a path that is not a regular file (a symlink put there would lend
    us its target's mode and group), a file this operator may not write in place right now
    (:class:`NotWritableHereError`: offer 另存为), and with ``expect`` = (device, inode) a file
    that is no longer the one that was read.

    ``durable=False`` skips the fsyncs (the caller syncs later, off the keystroke path, with
    :func:`fsync_path`): a killed process loses nothing, only a power cut could.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if dir_fd is not None:
        _write_in(dir_fd, path, data, mode, expect, durable)
        return
    try:
        own_fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError as exc:
        raise ReportFileError(path, write_error_text(exc)) from exc
    try:
        _write_in(own_fd, path, data, mode, expect, durable)
    finally:
        os.close(own_fd)


def _write_in(
    dir_fd: int, path: Path, data: bytes, mode: int | None, expect: tuple[int, int] | None, durable: bool
) -> None:
    name = path.name
    old = lstat_or_none(name, dir_fd=dir_fd)
    if old is not None:
        _check_replaceable(path, old, expect, own_mode=mode is not None, dir_fd=dir_fd)
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | SAFE_FLAGS
    try:
        fd = os.open(tmp, flags, NEW_FILE_MODE if mode is None else mode, dir_fd=dir_fd)
    except OSError as exc:
        raise ReportFileError(path, write_error_text(exc)) from exc
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            elif old is not None:
                os.fchmod(fd, stat.S_IMODE(old.st_mode))
                # Not a member of the file's group: the folder's setgid bit decides instead.
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, old.st_gid)
            else:
                _share_like_folder(fd, dir_fd)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise ReportFileError(path, write_error_text(exc) + "，原文件未改动") from exc
    if durable:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)  # some network and FUSE file systems refuse a folder fsync (EINVAL)


def _share_like_folder(fd: int, dir_fd: int) -> None:
    """A new file in a shared folder gets the folder's group (when we belong to it) and, where the
    folder is open to its group, group read and write whatever the umask: without setgid on the
    folder a new report would get the creator's private group, and colleagues could not open it."""
    try:
        info = os.fstat(dir_fd)
    except OSError:
        return
    if info.st_gid != os.getegid() and (os.geteuid() == 0 or info.st_gid in os.getgroups()):
        with contextlib.suppress(OSError):
            os.fchown(fd, -1, info.st_gid)
    if info.st_mode & 0o070 and os.fstat(fd).st_gid == info.st_gid:
        with contextlib.suppress(OSError):
            os.fchmod(fd, NEW_FILE_MODE)


def fsync_path(path: Path) -> None:
    """Flush a file and its folder to disk (best effort: the file may have been replaced since)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | SAFE_FLAGS)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    fsync_folder(path.parent)


def _check_replaceable(
    path: Path, old: os.stat_result, expect: tuple[int, int] | None, *, own_mode: bool, dir_fd: int
) -> None:
    if not stat.S_ISREG(old.st_mode):
        raise UnsafeFileError(
            path, f"现在不是普通文件（是{kind_of(old.st_mode)}），为安全起见未保存；请另存为"
        )
    if expect is not None and (old.st_dev, old.st_ino) != expect:
        raise UnsafeFileError(path, "打开后已被替换为另一个文件，为安全起见未保存；请另存为")
    if own_mode:
        return  # our own private files (journal, recent list): the folder decides
    if not may_write(path.name, dir_fd=dir_fd):
        raise NotWritableHereError(
            path,
            f"文件对你是只读的（{stat.filemode(old.st_mode)}，属于 {user_name(old.st_uid)}），"
            "未保存；可另存为其他文件",
        )


def may_write(path: Path | str, *, dir_fd: int | None = None) -> bool:
    """Whether this operator may write the existing file in place (effective ids, like the kernel)."""
    if os.access in os.supports_effective_ids:
        # the caller lstat-ed a regular file
        return os.access(path, os.W_OK, dir_fd=dir_fd, effective_ids=True)
    return os.access(path, os.W_OK, dir_fd=dir_fd)  # pragma: no cover


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def remove_stale_temps(
    path: Path | str, max_age: float = 86400.0, *, dir_fd: int | None = None
) -> list[Path]:
    """Delete temp files that :func:`atomic_write` left for ``path`` when its process was killed
    mid-save: those whose process is gone, and any older than ``max_age`` seconds. ``dir_fd``:
    the report's folder as an editing session holds it."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder if dir_fd is None else dir_fd))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or match.group("name") != path.name:
            continue
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
            if not process_alive(int(match.group("pid")), None) or age > max_age:
                if dir_fd is None:
                    os.unlink(entry.path)
                else:
                    os.unlink(entry.name, dir_fd=dir_fd)
                removed.append(folder / entry.name)
        except OSError:
            continue
    return removed


def fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some network and FUSE file systems refuse a folder fsync (EINVAL); the rename stands
    finally:
        os.close(dir_fd)
