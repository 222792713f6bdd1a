"""What the review desk reads about each file of a shared folder, without trusting any of it.

Every file may be hostile: a FIFO (an ``open`` would wait forever), a symlink to somewhere else, a
huge file, a forged lock record. Reports are read by ``storage.safefile.read_regular`` (no link
followed, never blocking, bounded). Who edits a report is read without taking its lock: one read of
the kernel's table of held ``flock`` locks (``/proc/locks``) tells which lock files are held at all,
and ``safety.lock.inspect_lock`` asks the kernel who holds those. What is shown is what the system
says of the holding process (its user's login and full name, its start time); the record only tells
which holder is the editor, and nothing in it is shown as fact or acted on.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui_report.host import procinfo
from tui_report.host.terminal import escape_line
from tui_report.safety.lock import inspect_lock, lock_path_for
from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import SAFE_FLAGS, UnsafeFileError, open_dir, read_regular, shared_subdir

MAX_REPORT_BYTES = 4 * 1024 * 1024
MAX_LOCK_BYTES = 64 * 1024
MAX_SHOWN = 40
EXPORT_SUFFIXES = (".docx", ".pdf", ".html")


class UnsafeFile(Exception):
    """A file the review will not read; ``str()`` is the Chinese reason."""


def read_plain_file(path: Path, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The bytes of a regular file, refusing symlinks, FIFOs, devices and files over ``limit``
    (``storage.safefile``: opened without following links and without blocking)."""
    try:
        data, _info = read_regular(path, limit)
    except ReportFileError as exc:
        raise UnsafeFile(exc.reason) from exc
    return data


def shown_text(value: object, limit: int = MAX_SHOWN) -> str:
    """A string from an untrusted record, fit to show on one line (control characters escaped)."""
    if not isinstance(value, str):
        return ""
    return escape_line(value[: limit * 2])[:limit]


# ---------------------------------------------------------------------- locks


def held_flocks() -> set[tuple[int, int, int]] | None:
    """(major, minor, inode) of every file with a held ``flock`` lock; None where the kernel does
    not list them (then :func:`editor_of` probes each lock file instead)."""
    try:
        raw = read_plain_file(Path("/proc/locks"), 64 * 1024 * 1024)
    except UnsafeFile:
        return None
    held: set[tuple[int, int, int]] = set()
    for line in raw.decode("ascii", "replace").splitlines():
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2146376 0 EOF" (a "->" marks a blocked waiter)
        if len(parts) < 6 or parts[1] != "FLOCK" or parts[2] == "->":
            continue
        fields = parts[5].split(":")
        if len(fields) != 3:
            continue
        with contextlib.suppress(ValueError):
            held.add((int(fields[0], 16), int(fields[1], 16), int(fields[2])))
    return held


@dataclass(frozen=True, slots=True)
class Editor:
    """Someone holds a report's edit lock: who (as recorded, for display only) and since when."""

    who: str
    since: str  # ISO time as recorded, "" when unknown
    host: str = ""


def _held_now(lock_path: Path, held: set[tuple[int, int, int]] | None) -> bool:
    """Whether the kernel lists a flock on the lock file (one /proc/locks read for the whole
    folder); True where the kernel does not tell, so that :func:`inspect_lock` decides."""
    if held is None:
        return True
    try:
        info = os.stat(lock_path, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino) in held


def editor_of(report_path: Path, held: set[tuple[int, int, int]] | None) -> Editor | None:
    """Who edits the report now, or None. Never blocks and never takes the lock. Only the
    system's facts about the holding process are shown; a record that does not check out
    (``safety.lock.inspect_lock``) shows as 未核实 with the processes really holding the lock."""
    if not _held_now(lock_path_for(report_path), held):
        return None
    found = inspect_lock(report_path)
    if found is None:
        return None
    owner, trust = found
    if owner is not None and trust.other_host:
        return Editor(f"未核实：另一台服务器 {shown_text(owner.host)} 上的会话", "", shown_text(owner.host))
    facts = trust.holder(owner.pid) if owner is not None and trust.verified else None
    if facts is not None:
        since = facts.started.isoformat(timespec="seconds") if facts.started else ""
        return Editor(shown_text(facts.who()), since, procinfo.host_name())
    if not trust.holders:
        return None  # nobody holds it (a stale record)
    return Editor(shown_text("未核实：" + trust.holders_text(), 80), "")


# ---------------------------------------------------------------------- saves and exports


@dataclass(frozen=True, slots=True)
class Saved:
    at: datetime
    by: str


def last_saved(info: os.stat_result) -> Saved:
    """When and by whom the file was last saved: a save renames a new file into place, so the
    file's owner is whoever saved it and its modification time is when."""
    at = datetime.fromtimestamp(info.st_mtime).astimezone()
    return Saved(at, shown_text(procinfo.user_name(info.st_uid)))


EXPORTS_DIR = ".exports"  # a flat folder's own, without a .review (and the old place)


def export_record_path(report_path: Path) -> Path:
    """Where batch export noted what it wrote for a report in a folder without ``.review`` (the
    year folder's ``.review/.exports/`` otherwise: storage/reviewrecords.write_export_record)."""
    return report_path.parent / EXPORTS_DIR / f"{report_path.name}.json"


def _exports_dir(report_path: Path, *, create: bool) -> int:
    """A descriptor on the report folder's ``.exports``, opened without following a link: a
    symlink (or a file) put there by a colleague would send the records, or the desk's reading of
    them, into another folder. Raises :class:`UnsafeFileError` for a link or non-folder,
    ReportFileError for anything else (missing, no permission)."""
    folder = report_path.parent if str(report_path.parent) else Path(".")
    top = open_dir(folder)
    try:
        return shared_subdir(top, EXPORTS_DIR, folder, create=create)
    finally:
        os.close(top)


def _files_of(raw: bytes) -> list[Path]:
    """The exported files a record names (a record is a claim: only paths, checked by the caller)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    return [Path(f) for f in files if isinstance(f, str)][:100] if isinstance(files, list) else []


def _recorded_exports(report_path: Path) -> list[Path]:
    try:
        fd = _exports_dir(report_path, create=False)
    except ReportFileError:
        return []  # missing, unreadable, or a link / not a folder: nothing of it is believed
    try:
        raw, _info = read_regular(f"{report_path.name}.json", MAX_LOCK_BYTES, dir_fd=fd)
    except ReportFileError:
        return []
    finally:
        os.close(fd)
    return _files_of(raw)


def exports_of(
    report_path: Path, report_mtime: float, names: set[str], recorded: bytes | None = None
) -> list[str]:
    """Exported documents not older than the report: beside it under its name (.docx/.pdf/.html,
    as the app's F9 suggests), or where batch export recorded them — ``recorded`` (the year
    folder's ``.review/.exports`` record, storage/reviewrecords.export_records) and the report
    folder's own ``.exports`` where there is one."""
    stem = report_path.stem
    candidates = [report_path.parent / (stem + s) for s in EXPORT_SUFFIXES if stem + s in names]
    if recorded is not None:
        candidates.extend(_files_of(recorded))
    if EXPORTS_DIR in names:
        candidates.extend(_recorded_exports(report_path))
    found: list[str] = []
    for path in candidates:
        with contextlib.suppress(OSError):
            info = os.stat(path, follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime >= report_mtime:
                found.append(shown_text(path.name, 200))
    return list(dict.fromkeys(found))


def record_export(report_path: Path, files: list[Path], year_folder: Path | None = None) -> str | None:
    """Note the exported files of a report for the review (best effort): in the year folder's
    ``.review/.exports/`` where it has a ``.review`` (reviewers write there; in the strict layout
    they cannot write unit folders), else — or when that is refused — in the report folder's
    ``.exports``. Returns a warning (Chinese) when a ``.exports`` is a symlink or not a folder:
    refused, nothing written through it."""
    from tui_report.storage.reviewrecords import RecordError, has_review_dir, place_of, write_export_record

    record = {"files": [str(f.resolve()) for f in files], "at": procinfo.now_iso()}
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    place = place_of(report_path, year_folder)
    if has_review_dir(place.year_folder):
        try:
            write_export_record(place, data)
            return None
        except RecordError as exc:
            if isinstance(exc.__cause__, UnsafeFileError):  # a link or a file planted there
                return f"{exc}：为安全起见未在其中记录导出；请管理员检查"
    return _record_beside(report_path, data)


def _record_beside(report_path: Path, data: bytes) -> str | None:
    try:
        fd = _exports_dir(report_path, create=True)
    except UnsafeFileError:
        where = report_path.parent / EXPORTS_DIR
        return f"{where} 不是普通文件夹（可能是符号链接），为安全起见未在其中记录导出；请管理员检查后删除它"
    except ReportFileError:
        return None
    name = f"{report_path.name}.json"
    temp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | SAFE_FLAGS, 0o660, dir_fd=fd)
        try:
            os.write(out, data)
        finally:
            os.close(out)
        os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)  # a link named so is replaced, not followed
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=fd)
    finally:
        os.close(fd)
    return None
