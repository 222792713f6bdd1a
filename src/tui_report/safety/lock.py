"""The edit lock: one editor per report for the whole editing session.

A kernel ``flock`` on ``.locks/<report name>.lock`` beside the report. The kernel drops the lock when
its process ends in any way (even ``kill -9``), so a held lock always means a live process and no
lock is ever broken by age. The lock file is never deleted (deleting it would let two editors lock
two different files); it holds the owner's record as JSON::

    {"user": "zhangsan", "uid": 1001, "host": "county-srv", "pid": 4242, "pid_start_ticks": 123456,
     "report": "2025年报.toml", "tty": "pts/3", "opened_at": "2025-01-10T10:32:00+08:00", ...}

The record is a claim, never a fact: what contenders, ``history``, ``review`` and the desk are told
comes from the system alone — which processes hold the flock on that very file (``/proc/locks``),
and of each its user's login and full name (``pwd``), its terminal and start time (``/proc``).
The record only says which of those processes is the editor, and it is believed (for 接管, "take
over your own session") only when nobody else can have written it: the lock file is owned by the
recorded user, writable by nobody else, has one link (a hard link ``.locks/甲.lock`` →
``.locks/乙.lock`` would make 甲's session look like 乙's), names this report, and the recorded
process holds its flock. A holder that finds the lock file made by someone else (or linked, or
group-writable) replaces it, while holding its flock, with a file of its own.

The file descriptor is close-on-exec, so programs we start (LibreOffice for PDF export) never
inherit the lock. A ``fork()`` without exec would share it: don't fork while holding a lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import signal
import stat
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from tui_report import __version__
from tui_report.host import procinfo
from tui_report.safety.folder import CannotEditError
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.safefile import SAFE_FLAGS, kind_of, open_dir, shared_subdir

LOCKS_DIR = ".locks"
HEARTBEAT_SECONDS = 60.0
# The heartbeat is the editor's last activity (an edit), recorded at most once a minute. Older than
# this, contenders are told "maybe disconnected" — a hint for them, never a reason to break the lock
# (a held lock always means a live process).
QUIET_SECONDS = 600.0


def lock_path_for(report_path: Path | str) -> Path:
    report_path = Path(report_path)
    return report_path.parent / LOCKS_DIR / f"{report_path.name}.lock"


@dataclass(frozen=True)
class LockOwner:
    user: str
    uid: int
    host: str
    pid: int
    pid_start_ticks: int | None = None
    name: str = ""
    tty: str = ""
    ssh_client: str = ""
    opened_at: str = ""
    heartbeat: str = ""
    app_version: str = ""
    report: str = ""  # the report file's name: a record moved to another report's lock is not believed

    @classmethod
    def me(cls, report: str = "") -> LockOwner:
        now = procinfo.now_iso()
        pid = os.getpid()
        return cls(
            user=procinfo.user_name(),
            uid=os.geteuid(),
            host=procinfo.host_name(),
            pid=pid,
            pid_start_ticks=procinfo.pid_start_ticks(pid),
            name=procinfo.display_name(),
            tty=procinfo.terminal_name(),
            ssh_client=procinfo.ssh_client_address(),
            opened_at=now,
            heartbeat=now,
            app_version=__version__,
            report=report,
        )

    @classmethod
    def from_json(cls, data: object) -> LockOwner | None:
        """Tolerant reading: unknown keys are ignored, missing optional keys get defaults."""
        if not isinstance(data, dict):
            return None
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        try:
            owner = cls(**values)
        except TypeError:
            return None
        if not isinstance(owner.pid, int) or not isinstance(owner.uid, int):
            return None
        return owner

    def to_json_bytes(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False) + "\n").encode("utf-8")

    @property
    def on_this_host(self) -> bool:
        return self.host == procinfo.host_name()

    def is_alive(self) -> bool | None:
        """Whether the owning process still runs (None: on another host, we cannot tell)."""
        if not self.on_this_host:
            return None
        return procinfo.process_alive(self.pid, self.pid_start_ticks)

    @property
    def same_user(self) -> bool:
        return self.uid == os.geteuid() and self.on_this_host


def _since(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return ""
    moment = moment.astimezone(now.tzinfo)
    return (
        moment.strftime("%H:%M 起") if moment.date() == now.date() else moment.strftime("%m月%d日 %H:%M 起")
    )


def holder_details(facts: procinfo.ProcessFacts, now: datetime | None = None) -> str:
    """``pts/3，10:32 起，终端 12 分钟无输入`` — the system's facts about a holding process."""
    now = now or datetime.now().astimezone()
    details = [part for part in (facts.tty, _since(facts.started, now)) if part]
    if facts.idle_seconds is not None and facts.idle_seconds >= 60:
        details.append(f"终端 {procinfo.ago_text(facts.idle_seconds).removesuffix('前')}无输入")
    return "，".join(details)


def holder_sentence(facts: procinfo.ProcessFacts, now: datetime | None = None) -> str:
    """One Chinese sentence, from the system's facts only: who edits, on which terminal, since when."""
    text = f"正在由 {facts.who()} 编辑"
    details = holder_details(facts, now)
    if details:
        text += f"（{details}）"
    if facts.idle_seconds is not None and facts.idle_seconds > QUIET_SECONDS:
        text += "；长时间无输入，可能已断线"
    return text


@dataclass(frozen=True)
class LockTrust:
    """What the system says about a lock file, as opposed to what its record claims."""

    verified: bool  # the record is believable and names a live process that really holds this flock
    file_owner: str  # who owns the lock file
    holders: tuple[procinfo.ProcessFacts, ...] = ()  # each process really holding it
    other_host: bool = False  # the record names another server: nothing to verify from here
    problem: str = ""  # why the record is not believed (Chinese), "" when verified

    def holder(self, pid: int) -> procinfo.ProcessFacts | None:
        return next((h for h in self.holders if h.pid == pid), None)

    def holders_text(self) -> str:
        return "、".join(
            f"{h.who()} 的进程 {h.pid}" + (f"（{holder_details(h)}）" if h.tty else "") for h in self.holders
        )

    def untrusted_text(self) -> str:
        text = f"锁文件内容不可信（{self.problem or f'锁文件属于 {self.file_owner}'}"
        if self.holders:
            text += "；实际持锁的是 " + self.holders_text()
        return text + "）"


def _lock_message(owner: LockOwner | None, trust: LockTrust | None) -> str:
    """What a contender is told: facts from the system; the record only as an unverified claim."""
    if trust is not None and trust.other_host and owner is not None:
        host = "".join(ch for ch in owner.host if ch.isprintable())[:40]
        return f"正在被另一台服务器（{host}）上的会话编辑（锁文件中的使用者无法从本机核实）"
    if owner is not None and trust is not None and trust.verified:
        facts = trust.holder(owner.pid)
        if facts is not None:
            return holder_sentence(facts)
    if trust is None:
        return "正在被另一个会话编辑"
    if owner is None:
        text = "正在被另一个会话编辑（无法读取使用者信息）"
        return text + ("；实际持锁的是 " + trust.holders_text() if trust.holders else "")
    return "正在被另一个会话编辑；" + trust.untrusted_text()


class LockedError(ReportFileError):
    """The report is being edited elsewhere. ``owner`` is the record when the system confirms it
    (None when it cannot be read or believed: ``trust`` then says what the kernel knows);
    ``claimed`` is the record as written, believed or not. The message holds only facts."""

    def __init__(self, path: Path | str, owner: LockOwner | None, trust: LockTrust | None = None):
        self.trust = trust
        self.claimed = owner
        if owner is not None and (trust is None or not (trust.verified or trust.other_host)):
            owner = None
        self.owner = owner
        super().__init__(path, _lock_message(self.claimed, trust))

    @property
    def can_take_over(self) -> bool:
        """The owner is this same Unix user on this server (their own earlier, maybe dropped,
        session), verified to really hold the lock."""
        return (
            self.owner is not None and self.owner.same_user and self.trust is not None and self.trust.verified
        )

    @property
    def holder(self) -> procinfo.ProcessFacts | None:
        """What the system says of the process editing: the recorded editor once verified, else
        the one process the kernel says holds the lock (None on another server, or when several
        or none hold it). How to end a session is for administrators (``tui-report doctor``)."""
        trust = self.trust
        if trust is None:
            return None
        if self.owner is not None and trust.verified:
            return trust.holder(self.owner.pid)
        if not trust.other_host and len(trust.holders) == 1:
            return trust.holders[0]
        return None


class LockFileError(CannotEditError):
    """The lock file or its folder is not what this program makes (a symlink, a FIFO, unreadable):
    editing is refused, reading still works."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(path, [problem + "；只能只读打开。请管理员检查后删除它，本程序会重新建立"])


class TakeOverError(Exception):
    """The old session could not be ended; ``str()`` is the Chinese reason."""


# ---------------------------------------------------------------------- the lock files


def _locks_dir_fd(report_path: Path, folder_fd: int | None = None) -> int:
    """A descriptor on ``.locks`` beside the report (created, shared like the report folder: group
    and 2770), never following a symlink. ``folder_fd``: the report's folder as the editing
    session holds it (else opened here)."""
    folder = report_path.parent if str(report_path.parent) else Path(".")
    try:
        top = open_dir(folder) if folder_fd is None else os.dup(folder_fd)
    except ReportFileError as exc:
        raise LockFileError(report_path, f"文件夹 {folder} 无法打开（{exc.reason}）") from exc
    try:
        return shared_subdir(top, LOCKS_DIR, folder)
    except ReportFileError as exc:
        raise LockFileError(report_path, f"锁文件夹 {folder / LOCKS_DIR} {exc.reason}") from exc
    finally:
        os.close(top)


def _lock_file_problem(report_path: Path, dir_fd: int, name: str, exc: OSError) -> LockFileError:
    lock_path = lock_path_for(report_path)
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return LockFileError(report_path, f"无法打开锁文件 {lock_path}（{os_error_text(exc)}）")
    if not stat.S_ISREG(info.st_mode):
        return LockFileError(report_path, f"锁文件 {lock_path} 不是普通文件（是{kind_of(info.st_mode)}）")
    return LockFileError(
        report_path,
        f"锁文件 {lock_path} 对你不可用（{stat.filemode(info.st_mode)}，属于 "
        f"{procinfo.user_name(info.st_uid)}，{os_error_text(exc)}）",
    )


def _open_lock_file(report_path: Path, dir_fd: int, name: str) -> tuple[int, bool, os.stat_result]:
    """(descriptor, writable, fstat) of the lock file: a regular file, never through a symlink,
    never blocking (a FIFO in its place is refused, not waited on)."""
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT | SAFE_FLAGS, 0o660, dir_fd=dir_fd)
        writable = True
    except PermissionError:
        # A lock file made by a colleague without group write: we can still lock it, just not
        # leave our name in it.
        try:
            fd = os.open(name, os.O_RDONLY | SAFE_FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            raise _lock_file_problem(report_path, dir_fd, name, exc) from exc
        writable = False
    except OSError as exc:
        raise _lock_file_problem(report_path, dir_fd, name, exc) from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise LockFileError(
            report_path, f"锁文件 {lock_path_for(report_path)} 不是普通文件（是{kind_of(info.st_mode)}）"
        )
    if writable and info.st_uid == os.geteuid() and info.st_size == 0:
        with contextlib.suppress(OSError):
            os.fchmod(fd, _own_lock_mode(dir_fd))
    return fd, writable, info


def _own_lock_mode(dir_fd: int) -> int:
    """A lock file of ours: readable where the folder is (contenders read the record), writable by
    us alone (so that nobody else can have written the record in it)."""
    folder_mode = os.fstat(dir_fd).st_mode
    return 0o600 | (0o040 if folder_mode & 0o070 else 0) | (0o004 if folder_mode & 0o007 else 0)


def _is_own_lock_file(info: os.stat_result) -> bool:
    """A lock file whose record only we can have written: ours, one link, nobody else may write."""
    return info.st_uid == os.geteuid() and info.st_nlink == 1 and not info.st_mode & 0o022


def _replace_with_own(dir_fd: int, name: str) -> int | None:
    """While we hold the flock on the lock file at ``name``: put a new lock file of our own in its
    place, locked before anyone can open it, and return its descriptor. Someone who opened the old
    one gets its flock only after we let it go, and then finds another file at the path (the
    inode check in :meth:`EditLock._try_acquire`) and tries again. None when the folder does not
    let us (a sticky folder, no write permission): the old file then stays in use."""
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | SAFE_FLAGS, 0o600, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        os.fchmod(fd, _own_lock_mode(dir_fd))
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        return None
    return fd


def _record_in(fd: int) -> LockOwner | None:
    """The owner record in an open lock file (bounded read, tolerant parse)."""
    try:
        raw = os.pread(fd, 65536, 0)
    except OSError:
        return None
    try:
        return LockOwner.from_json(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


def _record_problem(owner: LockOwner, info: os.stat_result, report_name: str) -> str:
    """Why a record cannot be believed whatever the kernel says ("" when it can)."""
    if info.st_nlink != 1:
        return f"锁文件有 {info.st_nlink} 个链接，可能被链接到了另一份报告的锁上"
    if info.st_uid != owner.uid:
        return f"锁文件属于 {procinfo.user_name(info.st_uid)}，不是记录中的使用者"
    if info.st_mode & 0o022:
        return f"锁文件别人也能写入（{stat.filemode(info.st_mode)}），记录可能被改过"
    if owner.report != report_name:
        return "记录的不是这份报告的锁"
    return ""


def _trust(owner: LockOwner | None, info: os.stat_result, report_name: str) -> LockTrust:
    """Check a record against the system: the lock file must be one only the recorded user can have
    written (:func:`_record_problem`), and the named pid must be alive, belong to that uid, look
    like tui-report and hold the flock on this very file (/proc/locks)."""
    pids = procinfo.flock_holders(info) or set()
    holders = tuple(f for pid in sorted(pids) if (f := procinfo.process_facts(pid)) is not None)
    file_owner = procinfo.user_name(info.st_uid)
    if owner is None:
        return LockTrust(False, file_owner, holders, problem="无法读取使用者信息")
    if not owner.on_this_host:
        return LockTrust(False, file_owner, holders, other_host=True)
    problem = _record_problem(owner, info, report_name)
    if not problem and not (
        owner.pid in pids
        and procinfo.process_uid(owner.pid) == owner.uid
        and procinfo.process_alive(owner.pid, owner.pid_start_ticks)
        and procinfo.looks_like_tui_report(owner.pid)
    ):
        problem = f"记录中的进程 {owner.pid} 没有持有这个锁"
    return LockTrust(not problem, file_owner, holders, problem=problem)


class EditLock:
    """A held edit lock. Create with :meth:`acquire`; release with :meth:`release` (or process exit)."""

    def __init__(self, report_path: Path, lock_path: Path, fd: int, owner: LockOwner, writable: bool):
        self.report_path = report_path
        self.lock_path = lock_path
        self._fd: int | None = fd
        self.owner = owner
        self._writable = writable
        self._mutex = threading.Lock()
        self._last_beat = time.monotonic()
        self._stop = threading.Event()
        self._beat_thread: threading.Thread | None = None

    # ------------------------------------------------------------------ acquiring
    @classmethod
    def acquire(
        cls, report_path: Path | str, *, wait: float = 0.0, poll: float = 0.5, folder_fd: int | None = None
    ) -> EditLock:
        """Take the lock or raise :class:`LockedError` with the owner's details.

        ``wait`` > 0 keeps trying for that many seconds (for the "等待" choice; run it off the UI thread).
        ``folder_fd``: the report's folder as the editing session holds it.
        """
        report_path = Path(report_path)
        deadline = time.monotonic() + wait
        while True:
            try:
                return cls._try_acquire(report_path, folder_fd)
            except LockedError:
                if time.monotonic() >= deadline:
                    raise
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())) or 0.01)

    @classmethod
    def _try_acquire(cls, report_path: Path, folder_fd: int | None = None) -> EditLock:
        dir_fd = _locks_dir_fd(report_path, folder_fd)
        name = lock_path_for(report_path).name
        try:
            for _attempt in range(20):
                fd, writable, info = _open_lock_file(report_path, dir_fd, name)
                try:
                    cls._flock_or_owner(report_path, fd, info)
                except BaseException:
                    os.close(fd)
                    raise
                # The file we locked must still be the one at the path (someone may have deleted it).
                try:
                    same = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_ino == info.st_ino
                except FileNotFoundError:
                    same = False
                if not same:
                    os.close(fd)
                    continue
                if not _is_own_lock_file(info):
                    own = _replace_with_own(dir_fd, name)
                    if own is not None:
                        os.close(fd)  # the old file's flock goes only now, with ours in its place
                        fd, writable = own, True
                owner = LockOwner.me(report_path.name)
                lock = cls(report_path, lock_path_for(report_path), fd, owner, writable)
                lock._write_owner()
                return lock
        finally:
            os.close(dir_fd)
        raise ReportFileError(report_path, "锁文件反复被删除，无法加锁，请联系管理员")  # pragma: no cover

    @staticmethod
    def _flock_or_owner(report_path: Path, fd: int, info: os.stat_result) -> None:
        """Lock ``fd`` or raise :class:`LockedError` naming the owner, as far as it can be verified.

        A failed attempt whose record does not check out is retried for a moment: the holder may
        be between locking and writing its details, or a probe (:func:`current_owner`) may hold a
        shared lock for an instant.
        """
        attempts = 50  # ~1 s: on a busy server the holder may be descheduled right after locking
        for attempt in range(attempts):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise ReportFileError(report_path, f"无法加锁（{os_error_text(exc)}）") from exc
            # A record naming a dead or wrong process is kept: if it never checks out, the contender
            # is told the file's content cannot be trusted (and who really holds the lock).
            owner = _record_in(fd)
            trust = _trust(owner, info, report_path.name)
            if (owner is not None and (trust.verified or trust.other_host)) or attempt == attempts - 1:
                raise LockedError(report_path, owner, trust)
            time.sleep(0.02)

    # ------------------------------------------------------------------ holding
    @property
    def held(self) -> bool:
        return self._fd is not None

    def _write_owner(self) -> None:
        if not self._writable or self._fd is None:
            return
        data = self.owner.to_json_bytes()
        with contextlib.suppress(OSError):
            # New content first, then cut the tail: a reader never sees an empty file.
            os.pwrite(self._fd, data, 0)
            os.ftruncate(self._fd, len(data))

    def refresh(self, min_interval: float = 0.0) -> None:
        """Update the heartbeat (shown to contenders as "最后活动"), unless it was updated less
        than ``min_interval`` seconds ago."""
        with self._mutex:
            if self._fd is None or time.monotonic() - self._last_beat < min_interval:
                return
            self._last_beat = time.monotonic()
            self.owner = LockOwner(**{**asdict(self.owner), "heartbeat": procinfo.now_iso()})
            self._write_owner()

    def start_heartbeat(self, interval: float = HEARTBEAT_SECONDS) -> None:
        """Refresh the heartbeat from a thread (liveness rather than activity; sessions don't use it)."""
        if self._beat_thread is not None:
            return

        def beat() -> None:
            while not self._stop.wait(interval):
                self.refresh()

        self._beat_thread = threading.Thread(target=beat, name="tui-report-lock-heartbeat", daemon=True)
        self._beat_thread.start()

    def release(self) -> None:
        """Give the lock up. The lock file stays (see the module docstring). Safe to call twice."""
        self._stop.set()
        with self._mutex:
            fd, self._fd = self._fd, None
        if fd is not None:
            if self._writable:
                # Still locked: forget our details, so that nobody racing the next holder is told
                # that we (alive, maybe back on the start screen) have the report.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, 0)
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> EditLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# ---------------------------------------------------------------------- contenders


def inspect_lock(report_path: Path | str) -> tuple[LockOwner | None, LockTrust] | None:
    """The record in the lock file and what the kernel says about it; None when there is no lock
    file or it cannot be opened safely."""
    report_path = Path(report_path)
    fd = _open_existing_lock_file(report_path)
    if fd is None:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        owner = _record_in(fd)
        return owner, _trust(owner, info, report_path.name)
    finally:
        os.close(fd)


def _open_existing_lock_file(report_path: Path) -> int | None:
    """The report's lock file opened for reading (no links followed, never blocking); None when
    there is none or it cannot be opened safely."""
    try:
        dir_fd = _locks_dir_fd_existing(report_path)
    except ReportFileError:
        return None
    if dir_fd is None:
        return None
    try:
        return os.open(lock_path_for(report_path).name, os.O_RDONLY | SAFE_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    finally:
        os.close(dir_fd)


def _locks_dir_fd_existing(report_path: Path) -> int | None:
    folder = report_path.parent if str(report_path.parent) else Path(".")
    top = open_dir(folder)
    try:
        return open_dir(LOCKS_DIR, dir_fd=top)
    except ReportFileError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return None
        raise
    finally:
        os.close(top)


def read_owner(report_path: Path | str, *, attempts: int = 10) -> LockOwner | None:
    """The owner recorded in the lock file, if the kernel confirms it (a live process of that user
    holding the lock) or it names another host.

    The holder writes its details just after locking, so a contender may briefly read the previous
    owner's details or a half-written file: retry a little before giving up.
    """
    for attempt in range(attempts):
        found = inspect_lock(report_path)
        if found is not None:
            owner, trust = found
            if owner is not None and (trust.verified or trust.other_host):
                return owner
        if attempt < attempts - 1:
            time.sleep(0.02)
    return None


def locked_error(report_path: Path | str) -> LockedError:
    """The :class:`LockedError` for a report found locked, with what the system says of its holder."""
    found = inspect_lock(report_path)
    if found is None:
        return LockedError(report_path, None)
    return LockedError(report_path, *found)


def editing_text(report_path: Path | str) -> str | None:
    """Who edits the report now, as one Chinese sentence of system facts; None when nobody does."""
    if current_owner(report_path) is None:
        return None
    return str(locked_error(report_path).reason)


def current_owner(report_path: Path | str) -> LockOwner | None:
    """Who holds the lock right now, or None when it is free (a quick probe; for display only).
    A holder whose record cannot be verified is ``LockOwner(user="?")``."""
    fd = _open_existing_lock_file(Path(report_path))
    if fd is None:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        owner = read_owner(report_path)
        return owner or LockOwner(user="?", uid=-1, host="?", pid=0)
    finally:
        os.close(fd)  # closing also drops our probe's shared lock
    return None


# ---------------------------------------------------------------------- taking over


@dataclass
class TakeOverResult:
    signalled: str  # "SIGTERM" or "SIGTERM+SIGKILL"
    seconds: float
    notes: list[str] = field(default_factory=list)


def end_session(
    owner: LockOwner,
    *,
    report_path: Path | str | None = None,
    timeout: float = 5.0,
    kill_after: float = 2.0,
) -> TakeOverResult:
    """End this user's own earlier session so that its lock frees ("结束旧会话并接管").

    The lock file's record is never trusted by itself (a colleague in the group can write it): a
    process is signalled only when it is this user's, on this host, started at the recorded time,
    looks like tui-report, and really holds the flock on ``report_path``'s lock file. SIGTERM
    first: its handler writes the recovery journal, releases the lock and exits. If it has not
    gone after ``timeout`` seconds (a hung process) and still checks out, SIGKILL: every committed
    edit is already in its journal.
    """
    if not owner.on_this_host:
        raise TakeOverError(f"该会话在另一台服务器 {owner.host} 上，无法从这里结束")
    if owner.uid != os.geteuid():
        raise TakeOverError(f"该会话属于 {owner.user}，只能结束自己的会话；请联系管理员")
    if not procinfo.process_alive(owner.pid, owner.pid_start_ticks):
        return TakeOverResult("", 0.0, ["旧会话已经结束"])
    if report_path is None or not holds_lock(owner, report_path):
        raise TakeOverError(
            f"无法核实进程 {owner.pid} 是你持有这份报告编辑锁的会话（锁文件内容不可信），未结束任何进程"
        )
    started = time.monotonic()
    signalled = "SIGTERM"
    with contextlib.suppress(ProcessLookupError):
        os.kill(owner.pid, signal.SIGTERM)
    if not _wait_gone(owner, timeout):
        if not holds_lock(owner, report_path):
            raise TakeOverError(f"进程 {owner.pid} 未能结束，且已无法核实其身份；请联系管理员")
        signalled = "SIGTERM+SIGKILL"
        with contextlib.suppress(ProcessLookupError):
            os.kill(owner.pid, signal.SIGKILL)
        if not _wait_gone(owner, kill_after):
            raise TakeOverError(f"进程 {owner.pid} 未能结束，请联系管理员")
    return TakeOverResult(signalled, time.monotonic() - started)


def holds_lock(owner: LockOwner, report_path: Path | str) -> bool:
    """The kernel confirms ``owner``: that very process (uid, start time) holds the report's lock."""
    info = _lock_info(report_path)
    name = Path(report_path).name
    return info is not None and owner.uid == os.geteuid() and _trust(owner, info, name).verified


def _lock_info(report_path: Path | str) -> os.stat_result | None:
    report_path = Path(report_path)
    try:
        dir_fd = _locks_dir_fd_existing(report_path)
    except ReportFileError:
        return None
    if dir_fd is None:
        return None
    try:
        info = os.stat(lock_path_for(report_path).name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return None
    finally:
        os.close(dir_fd)
    return info if stat.S_ISREG(info.st_mode) else None


def _wait_gone(owner: LockOwner, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while procinfo.process_alive(owner.pid, owner.pid_start_ticks):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True
