"""The one error type for files that cannot be read or written, and Chinese texts for OS errors.

The operating system's own texts (``strerror``) are English ("Permission denied"); an operator
reads Chinese, so every OSError shown to one goes through :func:`os_error_text`.
"""

from __future__ import annotations

import errno
from pathlib import Path

from tui_report.host.oserror import os_error_text

__all__ = ["NotWritableHereError", "ReportFileError", "os_error_text", "read_error", "write_error_text"]


class ReportFileError(Exception):
    """A report file that cannot be read or written. ``str()`` is the Chinese message."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path)
        self.line = line
        self.column = column
        self.reason = message
        where = str(self.path)
        if line is not None:
            where += " " + self.place
        super().__init__(f"{where}：{message}")

    @property
    def place(self) -> str:
        """Where in the file, in words (第3行第8列), or "" when unknown."""
        if self.line is None:
            return ""
        return f"第{self.line}行" + (f"第{self.column}列" if self.column is not None else "")

    @property
    def located_reason(self) -> str:
        """The reason with its place but without the file name: ``第3行第8列：TOML 格式错误：…``."""
        return f"{self.place}：{self.reason}" if self.place else self.reason

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take other arguments (reasons, owner, change): rebuild from the attributes, so
        # that the error crosses a process boundary (forked workers, the two-user tests) intact.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(
    cls: type[ReportFileError], args: tuple[object, ...], state: dict[str, object]
) -> ReportFileError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class NotWritableHereError(ReportFileError):
    """This operator may not replace the file in place right now (permissions changed since it was
    opened, a read-only folder…). The edits are intact: offer 另存为."""


def read_error(path: Path, exc: OSError) -> ReportFileError:
    """The Chinese :class:`ReportFileError` for an OSError met while reading ``path``."""
    if isinstance(exc, FileNotFoundError):
        return ReportFileError(path, "文件不存在")
    if isinstance(exc, IsADirectoryError):
        return ReportFileError(path, "这是一个文件夹，不是报告文件")
    if isinstance(exc, PermissionError):
        return ReportFileError(path, "没有读取权限")
    return ReportFileError(path, f"无法读取（{os_error_text(exc)}）")


def write_error_text(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "磁盘已满，无法保存"
    if exc.errno == errno.EDQUOT:
        return "磁盘配额已用完，无法保存"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限，无法保存"
    if exc.errno == errno.EROFS:
        return "文件系统只读，无法保存"
    return f"保存失败（{os_error_text(exc)}）"
