"""What the review desk reads about each file of a shared folder, without trusting any of it.

Every file may be hostile: a FIFO (an ``open`` would wait forever), a symlink to somewhere else, a
huge file, a forged lock record. Reports are read with ``O_NONBLOCK | O_NOFOLLOW`` after checking
that they are plain files of a sane size. Who edits a report is read without taking its lock: the
kernel's table of held ``flock`` locks (``/proc/locks``) says whether the lock file is held, and the
record in it only supplies a name to show — cut short, stripped of control characters, never acted
on.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui_report.host import procinfo
from tui_report.safety.lock import LockOwner, lock_path_for

MAX_REPORT_BYTES = 4 * 1024 * 1024
MAX_LOCK_BYTES = 64 * 1024
MAX_SHOWN = 40
EXPORT_SUFFIXES = (".docx", ".pdf", ".html")
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


class UnsafeFile(Exception):
    """A file the review will not read; ``str()`` is the Chinese reason."""


def read_plain_file(path: Path, limit: int = MAX_REPORT_BYTES) -> bytes:
    """The bytes of a plain file, refusing symlinks, FIFOs, devices and files over ``limit``."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if os.path.islink(path):
            raise UnsafeFile("是符号链接，为安全起见未读取") from exc
        if isinstance(exc, PermissionError):
            raise UnsafeFile("没有读取权限") from exc
        raise UnsafeFile(f"无法读取（{exc.strerror}）") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile("不是普通文件（可能是管道或设备），未读取")
        if info.st_size > limit:
            raise UnsafeFile(f"文件过大（{info.st_size // 1024} KB），不像报告，未读取")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnsafeFile("文件过大，不像报告，未读取")
        return b"".join(chunks)
    except OSError as exc:
        raise UnsafeFile(f"无法读取（{exc.strerror}）") from exc
    finally:
        os.close(fd)


def shown_text(value: object, limit: int = MAX_SHOWN) -> str:
    """A string from an untrusted record, fit to show on one line."""
    if not isinstance(value, str):
        return ""
    cleaned = "".join(ch for ch in value if ch.isprintable())
    return cleaned[:limit]


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


def _probe_held(fd: int) -> bool:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def editor_of(report_path: Path, held: set[tuple[int, int, int]] | None) -> Editor | None:
    """Who edits the report now, or None. Never blocks, never takes the lock when the kernel's
    table is available."""
    lock_path = lock_path_for(report_path)
    try:
        fd = os.open(lock_path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if held is not None:
            if (os.major(info.st_dev), os.minor(info.st_dev), info.st_ino) not in held:
                return None
        elif not _probe_held(fd):
            return None
        raw = os.read(fd, MAX_LOCK_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return _editor_from_record(raw)


def _editor_from_record(raw: bytes) -> Editor:
    try:
        owner = LockOwner.from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        owner = None
    if owner is None:
        return Editor("（未知）", "")
    who = shown_text(owner.user) or "（未知）"
    name = shown_text(owner.name)
    if name and name != who:
        who = f"{name}（{who}）"
    since = shown_text(owner.opened_at)
    return Editor(who, since if procinfo.parse_iso(since) is not None else "", shown_text(owner.host))


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


EXPORTS_DIR = ".exports"


def export_record_path(report_path: Path) -> Path:
    """Where batch export notes what it wrote for a report (exports often go to another folder)."""
    return report_path.parent / EXPORTS_DIR / f"{report_path.name}.json"


def _recorded_exports(report_path: Path) -> list[Path]:
    try:
        data = json.loads(read_plain_file(export_record_path(report_path), MAX_LOCK_BYTES).decode("utf-8"))
    except (UnsafeFile, UnicodeDecodeError, ValueError, RecursionError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    return [Path(f) for f in files if isinstance(f, str)] if isinstance(files, list) else []


def exports_of(report_path: Path, report_mtime: float, names: set[str]) -> list[str]:
    """Exported documents not older than the report: beside it under its name (.docx/.pdf/.html,
    as the app's F9 suggests), or where batch export recorded them."""
    candidates = [report_path.parent / (report_path.stem + s) for s in EXPORT_SUFFIXES]
    candidates = [p for p in candidates if p.name in names]
    if EXPORTS_DIR in names:
        candidates.extend(_recorded_exports(report_path))
    found: list[str] = []
    for path in candidates:
        with contextlib.suppress(OSError):
            info = os.stat(path, follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime >= report_mtime:
                found.append(shown_text(path.name, 200))
    return list(dict.fromkeys(found))


def record_export(report_path: Path, files: list[Path]) -> None:
    """Note the exported files of a report for the review (best effort: the reports' folder may be
    read-only for whoever exports)."""
    from tui_report.storage.atomic import atomic_write

    record = {"files": [str(f.resolve()) for f in files], "at": procinfo.now_iso()}
    with contextlib.suppress(Exception):
        (report_path.parent / EXPORTS_DIR).mkdir(mode=0o770, exist_ok=True)
        atomic_write(export_record_path(report_path), json.dumps(record, ensure_ascii=False).encode("utf-8"))
