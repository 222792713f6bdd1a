"""The recovery journal: every committed edit, on disk before the screen moves on.

One JSON file per report in a per-user folder that no one else can read (mode 0700)::

    $XDG_STATE_HOME/tui-report/recovery/      (default ~/.local/state/tui-report/recovery/)
        2024年报.toml-1f2e3d4c5b6a7980.json

It holds the whole report as TOML text (read back with the same strict loader as report files),
the fingerprint and text of the file as it was loaded (the base, for a three-way merge), and who
wrote it. Each write is atomic (temp file, fsync, rename, folder fsync), so after ``kill -9`` the
journal is the previous edit or this one, never a mix.

The journal is removed only when its edits are in a saved file, or the operator chose 丢弃 (and
confirmed it). A session removes only a journal it wrote itself; an earlier session's journal stays
until the operator decides on it. Each edit is written (``write()`` + rename) before the screen
moves on, so ``kill -9`` loses nothing shown as done; only the ``fsync`` to the disk platter runs on
a background thread (see :meth:`Journal.write`).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import json
import os
import re
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_report import __version__
from tui_report.host import procinfo
from tui_report.model.report import Report
from tui_report.storage.atomic import atomic_write, fsync_path
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.fingerprint import Fingerprint
from tui_report.storage.reportfile import dumps_report, loads_report
from tui_report.storage.safefile import MAX_REPORT_BYTES, read_regular
from tui_report.storage.statedir import state_dir

JOURNAL_FORMAT = 1
# Typing within one field is journaled at most this often; a committed edit always at once.
DEBOUNCE_SECONDS = 1.0


class JournalError(Exception):
    """The journal folder or file cannot be used; ``str()`` is the Chinese reason."""


def recovery_dir() -> Path:
    """The per-user recovery folder (not created), inside :func:`state_dir`."""
    return state_dir() / "recovery"


def ensure_recovery_dir() -> Path:
    """Create the recovery folder with mode 0700 and check that it is ours and private."""
    folder = recovery_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(folder)
    except OSError as exc:
        raise JournalError(f"无法创建恢复记录文件夹 {folder}（{os_error_text(exc)}）") from exc
    if info.st_uid != os.geteuid():
        raise JournalError(f"恢复记录文件夹 {folder} 不属于当前用户，为保护数据已停止使用")
    if stat.S_IMODE(info.st_mode) & 0o077:
        try:
            os.chmod(folder, 0o700)
        except OSError as exc:
            raise JournalError(
                f"无法把恢复记录文件夹 {folder} 设为仅本人可读（{os_error_text(exc)}）"
            ) from exc
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


MAX_JOURNAL_BYTES = 3 * MAX_REPORT_BYTES  # the report, the text it was loaded from, JSON escapes


def read_journal(report_path: Path | str) -> JournalEntry | None:
    """The journal for a report, or None: the current one, else the newest journal set aside by a
    session that went on editing before deciding (so that it is offered again, not forgotten).
    A damaged journal is moved aside (``.bad``), not deleted."""
    file = journal_path(report_path)
    if not os.path.lexists(file):
        older = (
            sorted(file.parent.glob(glob.escape(file.stem) + ".*.older.json")) if file.parent.is_dir() else []
        )
        if not older:
            return None
        file = older[-1]
    try:
        raw, _info = read_regular(file, MAX_JOURNAL_BYTES)
    except ReportFileError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return None
        raise JournalError(f"无法读取恢复记录：{exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        return _entry_from_json(file, data)
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, RecursionError):
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
        self._folder_ready: Path | None = None

    def record(self, report: Report, *, commit: bool = True) -> bool:
        """Journal ``report``; returns whether it was written now. Raises :class:`JournalError`."""
        if not commit and time.monotonic() - self.last_write < DEBOUNCE_SECONDS:
            self.pending = True
            return False
        self.write(report)
        return True

    def write(self, report: Report, *, durable: bool = False) -> None:
        """Write the journal now: on return the bytes are in the file (a ``kill -9`` loses
        nothing). Reaching the disk (fsync) is left to a background thread unless ``durable``
        (hang-up, exit): an fsync can take 10–100 ms on a busy disk, too long for a keystroke."""
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
            "pid_start_ticks": _start_ticks(pid),
            "saved_at": procinfo.now_iso(),
            "seq": self.seq,
            "app_version": __version__,
        }
        if self._folder_ready != recovery_dir():  # checked once per folder, not per keystroke
            self.file = ensure_recovery_dir() / self.file.name
            self._folder_ready = self.file.parent
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            atomic_write(self.file, data, mode=0o600, durable=durable)
        except ReportFileError as exc:
            self._folder_ready = None  # the folder may have gone: check it again next time
            raise JournalError(_journal_write_text(exc)) from exc
        if not durable:
            _SYNCER.request(self.file)
        self.pending = False
        self.last_write = time.monotonic()
        self.writes += 1

    def remove(self) -> None:
        """Delete this session's journal — only if this session wrote it: a journal left by an
        earlier session (same file name) is that session's edits, not ours to drop."""
        if self.writes:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.file)
        self.pending = False


_TICKS: dict[int, int | None] = {}


def _start_ticks(pid: int) -> int | None:
    if pid not in _TICKS:  # a fork gets a new pid, so this cannot go stale
        _TICKS[pid] = procinfo.pid_start_ticks(pid)
    return _TICKS[pid]


class _Syncer:
    """One background thread that fsyncs journals written without waiting for the disk."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._todo: set[Path] = set()
        self._busy = False
        self._thread: threading.Thread | None = None
        self.synced = 0

    def request(self, path: Path) -> None:
        with self._cond:
            self._todo.add(path)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="tui-report-journal-fsync", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every requested fsync is done (tests, exit)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._todo or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._todo:
                    self._cond.wait()
                todo, self._todo = self._todo, set()
                self._busy = True
            for path in todo:
                fsync_path(path)
            with self._cond:
                self._busy = False
                self.synced += len(todo)
                self._cond.notify_all()


_SYNCER = _Syncer()


def wait_synced(timeout: float = 5.0) -> bool:
    """Every journal written so far has reached the disk (or ``timeout`` passed)."""
    return _SYNCER.wait_idle(timeout)


def set_aside(entry: JournalEntry) -> Path | None:
    """Keep an older, undecided journal under another name before a new session overwrites it."""
    target = entry.file.with_name(entry.file.stem + f".{time.strftime('%Y%m%d-%H%M%S')}.older.json")
    try:
        os.replace(entry.file, target)
    except OSError:
        return None
    return target


def _journal_write_text(exc: ReportFileError) -> str:
    cause = exc.__cause__
    if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
        return "恢复记录写入失败：磁盘已满。请尽快保存，或请管理员清理磁盘"
    return f"恢复记录写入失败（{exc.reason}）。请尽快保存"
