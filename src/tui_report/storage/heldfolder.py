"""A report's folder held open by a descriptor from load to close.

A path is looked up again at every use, and each folder on it may be renamed or replaced by whoever
may write in the folder above: ``mv 2025 2025.real; ln -s /home/alice 2025`` would send a save by
path into alice's home. An editing session therefore opens the report's folder once, when it loads
the report, and addresses every file of a save relative to that descriptor (``dir_fd=``: the temp
file, the rename, the versions, the lock). Before each save :meth:`HeldFolder.check` makes sure the
path still names that very folder, and refuses the save when it does not: the operator is told, and
the edits stay in the recovery journal.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.safefile import MAX_REPORT_BYTES, UnsafeFileError, open_dir, read_regular


def folder_of(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


class HeldFolder:
    """The folder of ``report_path``, opened without following a symlink in its place."""

    def __init__(self, report_path: Path | str) -> None:
        self.report_path = Path(report_path)
        self.folder = folder_of(self.report_path)
        self.fd: int | None = open_dir(self.folder)
        info = os.fstat(self.fd)
        self.identity = (info.st_dev, info.st_ino)

    @property
    def name(self) -> str:
        """The report's name within the folder (what every ``dir_fd=`` call uses)."""
        return self.report_path.name

    def descriptor(self) -> int:
        if self.fd is None:
            raise ReportFileError(self.report_path, "会话已结束，不能再保存")
        return self.fd

    def read(self, limit: int = MAX_REPORT_BYTES) -> tuple[bytes, os.stat_result]:
        """The report's bytes and ``fstat``, read in the held folder (``safefile.read_regular``:
        no link, no FIFO, bounded); errors name the report's whole path."""
        try:
            return read_regular(self.name, limit, dir_fd=self.descriptor())
        except ReportFileError as exc:
            raise type(exc)(self.report_path, exc.reason, exc.line, exc.column) from exc.__cause__

    def check(self) -> None:
        """Raise :class:`UnsafeFileError` when the folder's path no longer names the folder this
        descriptor holds (moved, deleted, or swapped for another folder or a symlink)."""
        folder = self.folder
        try:
            now = os.lstat(folder)
        except OSError as exc:
            raise UnsafeFileError(
                self.report_path,
                f"所在的文件夹 {folder} 打开后已被移走或无法访问（{os_error_text(exc)}），"
                "为安全起见未保存；可另存为其他文件",
            ) from exc
        if stat.S_ISLNK(now.st_mode):
            target = "?"
            with contextlib.suppress(OSError):
                target = os.readlink(folder)
            raise UnsafeFileError(
                self.report_path,
                f"所在的文件夹 {folder} 打开后被换成了符号链接（指向 {target}），为安全起见未保存；"
                "可另存为其他文件，并请管理员检查文件夹",
            )
        if (now.st_dev, now.st_ino) != self.identity:
            raise UnsafeFileError(
                self.report_path,
                f"所在的文件夹 {folder} 打开后被换成了另一个文件夹，为安全起见未保存；"
                "可另存为其他文件，并请管理员检查文件夹",
            )

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:  # pragma: no cover - a session not closed
        self.close()
