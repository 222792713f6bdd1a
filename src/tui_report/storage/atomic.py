"""The one atomic writer: readers see the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

from tui_report.host.procinfo import process_alive
from tui_report.storage.errors import ReportFileError, write_error_text

NEW_FILE_MODE = 0o660


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The temp file lives in the same folder (so the rename is atomic), is fsynced before the rename,
    and the folder is fsynced after it. The old file's mode and group are kept, because a shared
    folder's reports must stay group-writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise ReportFileError(path, f"无法读取文件信息（{exc.strerror}）") from exc
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, NEW_FILE_MODE)
    except OSError as exc:
        raise ReportFileError(path, write_error_text(exc)) from exc
    try:
        try:
            if old is not None:
                os.fchmod(fd, stat.S_IMODE(old.st_mode))
                # Not a member of the file's group: the folder's setgid bit decides instead.
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, -1, old.st_gid)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ReportFileError(path, write_error_text(exc) + "，原文件未改动") from exc
    fsync_folder(folder)


_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def remove_stale_temps(path: Path | str, max_age: float = 86400.0) -> list[Path]:
    """Delete temp files that :func:`atomic_write` left for ``path`` when its process was killed
    mid-save: those whose process is gone, and any older than ``max_age`` seconds."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if not match or match.group("name") != path.name:
            continue
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
            if not process_alive(int(match.group("pid")), None) or age > max_age:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
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
