"""The recovery journal: every committed edit, on disk before the screen moves on.

One JSON file per report in a per-user folder that no one else can read (mode 0700)::

    $XDG_STATE_HOME/tui-report/recovery/      (default ~/.local/state/tui-report/recovery/)
        2024年报.toml-1f2e3d4c5b6a7980.json

It holds the whole report as TOML text (read back with the same strict loader as report files),
the fingerprint and text of the file as it was loaded (the base, for a three-way merge), and who
wrote it. Each write is atomic (temp file, fsync, rename, folder fsync), so after ``kill -9`` the
journal is the previous edit or this one, never a mix.

The journal is removed only after a successful save or an explicit discard.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_report import __version__
from tui_report.host import procinfo
from tui_report.model.report import Report
from tui_report.storage.atomic import fsync_folder
from tui_report.storage.errors import ReportFileError
from tui_report.storage.fingerprint import Fingerprint
from tui_report.storage.reportfile import dumps_report, loads_report

JOURNAL_FORMAT = 1
# Typing within one field is journaled at most this often; a committed edit always at once.
DEBOUNCE_SECONDS = 1.0


class JournalError(Exception):
    """The journal folder or file cannot be used; ``str()`` is the Chinese reason."""


def recovery_dir() -> Path:
    """The per-user recovery folder (not created). ``TUI_REPORT_STATE_DIR`` overrides it."""
    override = os.environ.get("TUI_REPORT_STATE_DIR")
    if override:
        base = Path(override)
    else:
        xdg = os.environ.get("XDG_STATE_HOME")
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".local" / "state"
        base = base / "tui-report"
    return base / "recovery"


def ensure_recovery_dir() -> Path:
    """Create the recovery folder with mode 0700 and check that it is ours and private."""
    folder = recovery_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(folder)
    except OSError as exc:
        raise JournalError(f"无法创建恢复记录文件夹 {folder}（{exc.strerror}）") from exc
    if info.st_uid != os.geteuid():
        raise JournalError(f"恢复记录文件夹 {folder} 不属于当前用户，为保护数据已停止使用")
    if stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise JournalError(f"无法把恢复记录文件夹 {folder} 设为仅本人可读（{exc.strerror}）") from exc
    return folder


_UNSAFE = re.compile(r"[^\w.\-]+")


def journal_path(report_path: Path | str) -> Path:
    """The journal file for a report: readable name plus a hash of the report's real path."""
    real = os.path.realpath(os.path.abspath(report_path))
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = _UNSAFE.sub("_", Path(real).name)[:60] or "report"
    return recovery_dir() / f"{name}-{digest}.json"


@dataclass
class JournalEntry:
    """A journal as found on disk."""

    file: Path
    doc_path: str
    report_text: str
    base: Fingerprint | None
    base_text: str | None
    user: str
    host: str
    pid: int
    pid_start_ticks: int | None
    saved_at: str
    seq: int

    def report(self) -> Report:
        """The journaled report (raises :class:`ReportFileError` if it cannot be read)."""
        return loads_report(self.report_text, self.file)

    def base_report(self) -> Report | None:
        if not self.base_text:
            return None
        try:
            return loads_report(self.base_text, self.doc_path)
        except ReportFileError:
            return None

    def writer_alive(self) -> bool:
        """Whether the session that wrote it still runs (its edits are not orphaned)."""
        if self.host != procinfo.host_name():
            return False
        return procinfo.process_alive(self.pid, self.pid_start_ticks)

    @property
    def mine(self) -> bool:
        """Written by this very process."""
        return self.pid == os.getpid() and self.pid_start_ticks == procinfo.pid_start_ticks(os.getpid())


def read_journal(report_path: Path | str) -> JournalEntry | None:
    """The journal for a report, or None. A damaged journal is moved aside (``.bad``), not deleted."""
    file = journal_path(report_path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JournalError(f"无法读取恢复记录 {file}（{exc.strerror}）") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        return _entry_from_json(file, data)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError):
        with contextlib.suppress(OSError):
            os.replace(file, file.with_name(file.name + f".{int(time.time())}.bad"))
        return None


def _entry_from_json(file: Path, data: Any) -> JournalEntry:
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise ValueError("unknown journal format")
    return JournalEntry(
        file=file,
        doc_path=str(data["doc_path"]),
        report_text=str(data["report"]),
        base=Fingerprint.from_json(data.get("base")),
        base_text=data.get("base_text") if isinstance(data.get("base_text"), str) else None,
        user=str(data.get("user", "")),
        host=str(data.get("host", "")),
        pid=int(data.get("pid", 0)),
        pid_start_ticks=data.get("pid_start_ticks") if isinstance(data.get("pid_start_ticks"), int) else None,
        saved_at=str(data.get("saved_at", "")),
        seq=int(data.get("seq", 0)),
    )


def write_file_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Temp file in the same folder, fsync, rename, folder fsync. Raises OSError."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_folder(path.parent)


class Journal:
    """The journal of one editing session.

    :meth:`record` after every edit (``commit=False`` while typing within a field: written at most
    once per :data:`DEBOUNCE_SECONDS`; the rest waits for the next write or :meth:`flush`).
    """

    def __init__(self, report_path: Path, base: Fingerprint | None, base_text: str | None) -> None:
        self.report_path = Path(report_path)
        self.base = base
        self.base_text = base_text
        self.file = journal_path(report_path)
        self.seq = 0
        self.pending = False
        self.last_write = 0.0
        self.writes = 0

    def record(self, report: Report, *, commit: bool = True) -> bool:
        """Journal ``report``; returns whether it was written now. Raises :class:`JournalError`."""
        if not commit and time.monotonic() - self.last_write < DEBOUNCE_SECONDS:
            self.pending = True
            return False
        self.write(report)
        return True

    def flush(self, report: Report) -> None:
        if self.pending:
            self.write(report)

    def write(self, report: Report) -> None:
        # Serializing may race with an edit when called from a signal fallback thread: retry.
        for attempt in range(3):
            try:
                text = dumps_report(report)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self.seq += 1
        pid = os.getpid()
        payload = {
            "format": JOURNAL_FORMAT,
            "doc_path": os.path.realpath(os.path.abspath(self.report_path)),
            "report": text,
            "base": self.base.to_json() if self.base else None,
            "base_text": self.base_text,
            "user": procinfo.user_name(),
            "host": procinfo.host_name(),
            "pid": pid,
            "pid_start_ticks": procinfo.pid_start_ticks(pid),
            "saved_at": procinfo.now_iso(),
            "seq": self.seq,
            "app_version": __version__,
        }
        folder = ensure_recovery_dir()
        self.file = folder / self.file.name
        try:
            write_file_atomic(self.file, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            raise JournalError(_journal_write_text(exc)) from exc
        self.pending = False
        self.last_write = time.monotonic()
        self.writes += 1

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.file)
        self.pending = False


def set_aside(entry: JournalEntry) -> Path | None:
    """Keep an older, undecided journal under another name before a new session overwrites it."""
    target = entry.file.with_name(entry.file.stem + f".{time.strftime('%Y%m%d-%H%M%S')}.older.json")
    try:
        os.replace(entry.file, target)
    except OSError:
        return None
    return target


def _journal_write_text(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "恢复记录写入失败：磁盘已满。请尽快保存，或请管理员清理磁盘"
    return f"恢复记录写入失败（{exc.strerror or exc}）。请尽快保存"
