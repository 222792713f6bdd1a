"""The recovery journal: every committed edit, on disk before the screen moves on.

One JSON file per report in a per-user folder that no one else can read (mode 0700)::

    $XDG_STATE_HOME/tui-report/recovery/      (default ~/.local/state/tui-report/recovery/)
        2024年报.toml-1f2e3d4c5b6a7980.json

Its first line is a JSON snapshot: the whole report as TOML text (read back with the same strict
loader as report files), the fingerprint and text of the file as it was loaded (the base, for a
three-way merge), and who wrote it. The snapshot is written atomically (temp file, rename; fsync
and folder fsync), at the first edit and again every :data:`COMPACT_LINES` edits (or
:data:`COMPACT_BYTES` of log). Every edit in between appends one JSON line with the fields it
changed (``{"seq", "at", "set": [[path, value], …], "del": [path, …]}``), written with a single
``os.write()`` of the complete line to a descriptor opened ``O_APPEND|O_NOFOLLOW``. A ``kill -9``
during that write can leave only the last line torn; the reader ignores a line that does not parse
(and everything after it), which is an edit whose ``write()`` had not returned, so never one the
screen confirmed. The snapshot before it is whole, so the journal is always readable.

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
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w

from tui_report import __version__
from tui_report.host import procinfo
from tui_report.host.toml import tomllib
from tui_report.model.report import Report
from tui_report.storage.atomic import atomic_write, fsync_folder, fsync_path
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.fingerprint import Fingerprint
from tui_report.storage.reportfile import loads_report, plain_report_data
from tui_report.storage.safefile import MAX_REPORT_BYTES, SAFE_FLAGS, read_regular
from tui_report.storage.statedir import StateDirError, ensure_state_dir, state_dir

JOURNAL_FORMAT = 1
# Typing within one field is journaled at most this often; a committed edit always at once.
DEBOUNCE_SECONDS = 1.0
# The snapshot is rewritten (and the log of edit lines dropped) after this many edit lines or
# bytes of them: each edit costs one small append, one edit in COMPACT_LINES a full rewrite.
COMPACT_LINES = 200
COMPACT_BYTES = 256 * 1024


class JournalError(Exception):
    """The journal folder or file cannot be used; ``str()`` is the Chinese reason."""


def recovery_dir() -> Path:
    """The per-user recovery folder (not created), inside :func:`state_dir`."""
    return state_dir() / "recovery"


def ensure_recovery_dir() -> Path:
    """Create the recovery folder with mode 0700 and check that it is ours and private."""
    try:
        ensure_state_dir()
    except StateDirError as exc:
        raise JournalError(str(exc)) from exc
    folder = recovery_dir()
    try:
        folder.mkdir(exist_ok=True, mode=0o700)
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
# The readable part of a journal's file name, in UTF-8 bytes: with the hash and ".json" (22 bytes),
# a kept older journal's time stamp (27) and the atomic writer's temp name (about 25) the name stays
# far below the 255-byte limit of a file name, whatever script the report's name is in (a CJK
# character is 3 bytes, one of the supplementary planes 4: 60 of them were 240 bytes).
JOURNAL_NAME_BYTES = 120


def journal_path(report_path: Path | str) -> Path:
    """The journal file for a report: readable name plus a hash of the report's real path."""
    real = os.path.realpath(os.path.abspath(report_path))
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = _cut_to_bytes(_UNSAFE.sub("_", Path(real).name), JOURNAL_NAME_BYTES) or "report"
    return recovery_dir() / f"{name}-{digest}.json"


def _cut_to_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    raw = text.encode("utf-8", "surrogateescape")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", "ignore")


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
    try:
        ensure_state_dir(create=False)  # a journal planted in someone else's folder is never offered
    except StateDirError as exc:
        raise JournalError(str(exc)) from exc
    file = journal_path(report_path)
    try:
        if not os.path.lexists(file):
            older = (
                sorted(file.parent.glob(glob.escape(file.stem) + ".*.older.json"))
                if file.parent.is_dir()
                else []
            )
            if not older:
                return None
            file = older[-1]
    except OSError as exc:
        raise JournalError(f"无法读取恢复记录文件夹 {file.parent}（{os_error_text(exc)}）") from exc
    return read_journal_file(file)


def read_journal_file(file: Path) -> JournalEntry | None:
    """One journal file (snapshot plus edit lines), or None when it is gone or damaged (then it is
    moved aside as ``.bad``)."""
    try:
        raw, _info = read_regular(file, MAX_JOURNAL_BYTES)
    except ReportFileError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return None
        raise JournalError(f"无法读取恢复记录：{exc}") from exc
    try:
        header, _sep, log = raw.decode("utf-8").partition("\n")
        entry = _entry_from_json(file, json.loads(header))
        _replay(entry, log)
        return entry
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


def _replay(entry: JournalEntry, log: str) -> None:
    """Apply the edit lines after the snapshot. The first line that does not parse ends the log:
    only the last line can be torn (a ``kill -9`` during its ``write()``), never an acknowledged one."""
    changes = []
    for line in log.split("\n"):
        change = _edit_line(line)
        if change is None:
            break
        changes.append(change)
    if not changes:
        return
    data = tomllib.loads(entry.report_text, parse_float=Decimal)
    for seq, saved_at, removed, updated in changes:
        for path in removed:
            _delete(data, path)
        for path, value in updated:
            _set(data, path, value)
        entry.seq = seq
        entry.saved_at = saved_at or entry.saved_at
    entry.report_text = tomli_w.dumps(data, multiline_strings=True)


_EditLine = tuple[int, str, list[list[str]], list[tuple[list[str], Any]]]


def _edit_line(line: str) -> _EditLine | None:
    """One edit line, or None when it is torn or not one of ours."""
    try:
        change = json.loads(line)
        if not isinstance(change, dict) or not isinstance(change.get("seq"), int):
            return None
        removed = [_key_path(path) for path in change.get("del", [])]
        updated = [(_key_path(path), _from_json(value)) for path, value in change.get("set", [])]
        return change["seq"], str(change.get("at", "")), removed, updated
    except (json.JSONDecodeError, RecursionError, TypeError, ValueError, KeyError, ArithmeticError):
        return None


def _key_path(path: Any) -> list[str]:
    if not isinstance(path, list) or not path or not all(isinstance(p, str) for p in path):
        raise ValueError("not a key path")
    return path


def _set(data: dict[str, Any], path: list[str], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _delete(data: dict[str, Any], path: list[str]) -> None:
    trail = [data]
    for part in path[:-1]:
        child = trail[-1].get(part)
        if not isinstance(child, dict):
            return
        trail.append(child)
    trail[-1].pop(path[-1], None)
    for node, part in zip(reversed(trail[:-1]), reversed(path[:-1]), strict=True):
        if node[part]:
            break
        del node[part]  # an emptied table goes, as report_to_data leaves it out


def _flatten(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Leaf path → value (a table is never a leaf, so a dict value is a tagged Decimal)."""
    flat: dict[tuple[str, ...], Any] = {}
    for key, value in data.items():
        path = (*prefix, key)
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat


def _to_json(value: Any) -> Any:
    return {"decimal": str(value)} if isinstance(value, Decimal) else value


def _from_json(value: Any) -> Any:
    return Decimal(value["decimal"]) if isinstance(value, dict) else value


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
        self._lock = threading.Lock()
        self._fd: int | None = None  # O_APPEND descriptor on the snapshot this journal wrote
        self._size = 0  # the file's size after our last write (someone else wrote: snapshot)
        self._flat: dict[tuple[str, ...], Any] = {}  # the journaled report, leaf path → value
        self._log_lines = 0
        self._log_bytes = 0

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
        (hang-up, exit): an fsync can take 10–100 ms on a busy disk, too long for a keystroke.

        An edit line is appended when the snapshot in the file is ours and unchanged since we
        wrote it (same inode at the path); otherwise, and every :data:`COMPACT_LINES` lines, the
        whole snapshot is rewritten atomically."""
        # Serializing may race with an edit when called from a signal fallback thread: retry.
        for attempt in range(3):
            try:
                data = plain_report_data(report)
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        # A signal fallback thread may write while the loop thread is in here: one at a time
        # (but never wait forever on a thread that is stuck: then write a whole snapshot).
        locked = self._lock.acquire(timeout=1.0)
        try:
            if not (locked and self._append(data, durable=durable)):
                self._write_snapshot(data, durable=durable)
        finally:
            if locked:
                self._lock.release()
        self.pending = False
        self.last_write = time.monotonic()
        self.writes += 1

    def _append(self, data: dict[str, Any], *, durable: bool) -> bool:
        """Append one edit line; False when a snapshot must be written instead."""
        fd = self._fd
        if fd is None or self._log_lines >= COMPACT_LINES or self._log_bytes >= COMPACT_BYTES:
            return False
        if self._folder_ready != recovery_dir():
            return False  # the state folder moved (another $XDG_STATE_HOME): a snapshot there
        try:
            now, ours = os.lstat(self.file), os.fstat(fd)
        except OSError:
            return False
        if (now.st_dev, now.st_ino) != (ours.st_dev, ours.st_ino) or now.st_size != self._size:
            return False  # removed, set aside, replaced or written by someone else: start over
        flat = _flatten(data)
        old = self._flat
        changes = {
            "seq": self.seq + 1,
            "at": procinfo.now_iso(),
            "set": [
                [list(k), _to_json(v)]
                for k, v in flat.items()
                if k not in old or old[k] != v or type(old[k]) is not type(v)
            ],
            "del": [list(k) for k in old if k not in flat],
        }
        line = (json.dumps(changes, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(errno.EIO, "short write")
            if durable:
                os.fsync(fd)
                fsync_folder(self.file.parent)  # the snapshot's rename may not be synced yet
        except OSError:
            # A partial line (disk full) must not stay at the end: rewrite the whole snapshot.
            self._close_fd()
            return False
        if not durable:
            _SYNCER.request(self.file)
        self.seq += 1
        self._flat = flat
        self._size += len(line)
        self._log_lines += 1
        self._log_bytes += len(line)
        return True

    def _write_snapshot(self, data: dict[str, Any], *, durable: bool) -> None:
        self._close_fd()
        self.seq += 1
        pid = os.getpid()
        payload = {
            "format": JOURNAL_FORMAT,
            "doc_path": os.path.realpath(os.path.abspath(self.report_path)),
            "report": tomli_w.dumps(data, multiline_strings=True),
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
        # One line (JSON escapes every newline inside strings), ended: edit lines follow it.
        raw = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            atomic_write(self.file, raw, mode=0o600, durable=durable)
        except ReportFileError as exc:
            self._folder_ready = None  # the folder may have gone: check it again next time
            raise JournalError(_journal_write_text(exc)) from exc
        if not durable:
            _SYNCER.request(self.file)
        self._open_for_append(len(raw))
        self._flat = _flatten(data)
        self._log_lines = self._log_bytes = 0

    def _open_for_append(self, size: int) -> None:
        """Keep a descriptor on the snapshot just written, for the edit lines that follow."""
        try:
            fd = os.open(self.file, os.O_WRONLY | os.O_APPEND | SAFE_FLAGS)
        except OSError:
            return  # the next edit writes a whole snapshot again
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            os.close(fd)
            return
        self._fd, self._size = fd, size

    def _close_fd(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        if getattr(self, "_fd", None) is not None:
            self._close_fd()

    def remove(self) -> None:
        """Delete this session's journal — only if this session wrote it: a journal left by an
        earlier session (same file name) is that session's edits, not ours to drop."""
        self._close_fd()
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
