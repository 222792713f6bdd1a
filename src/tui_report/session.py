"""An operator's editing session on one report file: open, edit, save, close.

The app talks to the report file only through this class, so that locking, the recovery journal,
outside-change detection and versions live in one place below the UI. Nothing here imports Textual.

Typical flow in the app::

    try:
        session = EditSession.open(path)                  # folder check, edit lock, load
    except LockedError as exc:                            # exc.owner: who; exc.can_take_over
        ...  # 只读打开 → EditSession.open(path, read_only=True)
             # 等待     → EditSession.open(path, wait=seconds)  (in a worker thread)
             # 结束旧会话并接管 → EditSession.take_over(path, exc.owner)
    except CannotEditError as exc:                        # exc.reasons (Chinese): offer read-only
        ...
    except ReportFileError as exc:                        # broken file: message + list_versions()
        ...
    if (rec := session.pending_recovery()) is not None:   # 恢复 / 查看差异 / 丢弃
        rec.changes  # list[FieldChange], file on disk → journal
        session.recover()  or  session.discard_recovery()
    guard = install_hangup_handlers(app.exit, session.emergency_close)
    ... every committed edit:  session.mark_edited()          (typing: mark_edited(commit=False))
    ... every second:          session.flush()
    ... on focus / every 10 s: session.outside_change()       → dialog 重新载入 / 覆盖 / 另存为
    try:
        session.save()                                    # session.save(force=True) = 覆盖
    except OutsideChangeError as exc:                     # exc.change.theirs, exc.change.conflicts
        ...
    session.close()
"""

from __future__ import annotations

import contextlib
import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tui_report.model.diff import FieldChange, diff_reports, merge_reports
from tui_report.model.report import Report
from tui_report.safety.folder import CannotEditError, check_can_save
from tui_report.safety.lock import (
    HEARTBEAT_SECONDS,
    EditLock,
    LockedError,
    LockOwner,
    TakeOverError,
    end_session,
    locked_error,
)
from tui_report.storage.atomic import atomic_write, remove_stale_temps
from tui_report.storage.errors import NotWritableHereError, ReportFileError
from tui_report.storage.fingerprint import Fingerprint, read_with_fingerprint
from tui_report.storage.heldfolder import HeldFolder
from tui_report.storage.journal import (
    Journal,
    JournalEntry,
    JournalError,
    read_journal,
    set_aside,
    wait_synced,
)
from tui_report.storage.reportfile import decode_report_bytes, loads_report, save_report
from tui_report.storage.versions import Version, find_version, keep_bytes, prune, read_version

__all__ = [
    "CannotEditError",
    "EditSession",
    "LockOwner",
    "LockedError",
    "OutsideChange",
    "OutsideChangeError",
    "ReadOnlyError",
    "Recovery",
    "ReportFileError",
    "Restored",
    "TakeOverError",
    "replace_report_file",
    "restore_version",
]


class ReadOnlyError(ReportFileError):
    pass


@dataclass
class OutsideChange:
    """The report file no longer is what this session loaded (or last saved)."""

    kind: str  # "modified" | "deleted" | "unreadable"
    message: str  # Chinese, one line
    theirs: list[FieldChange] = field(default_factory=list)  # loaded → now on disk
    conflicts: list[FieldChange] = field(
        default_factory=list
    )  # fields we both changed (old=mine, new=theirs)
    disk_report: Report | None = None
    fingerprint: Fingerprint | None = None
    disk_text: str | None = None


class OutsideChangeError(ReportFileError):
    """Raised by :meth:`EditSession.save` instead of silently overwriting an outside change."""

    def __init__(self, path: Path, change: OutsideChange):
        self.change = change
        super().__init__(path, change.message + "；未保存（可重新载入、覆盖或另存为）")


@dataclass
class Recovery:
    """Unsaved edits left by an earlier session that ended without saving."""

    saved_at: str  # ISO time of the last journal write
    report: Report  # the report as it was journaled
    changes: list[FieldChange]  # file on disk → journaled report (what 恢复 brings back)
    file_changed_since: bool  # the file was saved by someone else since that session loaded it
    theirs: list[FieldChange] = field(default_factory=list)  # what changed on disk meanwhile
    conflicts: list[FieldChange] = field(default_factory=list)
    entry: JournalEntry | None = None

    @property
    def summary(self) -> str:
        when = self.saved_at.replace("T", " ")[:16]
        text = f"发现上次未保存的修改（{when}，{len(self.changes)} 处）"
        if self.file_changed_since:
            text += f"；此后文件已被他人修改（{len(self.theirs)} 处）"
        return text


def _modified(base: Report, mine: Report, disk: Report, who: str, created: bool) -> OutsideChange:
    """The file was changed (or created, ``created``) by ``who``: their changes since ``base`` and
    where they clash with ``mine``."""
    theirs = diff_reports(base, disk)
    merged = merge_reports(base, mine, disk)
    message = (
        f"文件已被他人新建{who}" if created else f"文件已在此程序之外被修改{who}（{len(theirs)} 处不同）"
    )
    return OutsideChange("modified", message, theirs, merged.conflicts, disk_report=disk)


def _recovery(
    entry: JournalEntry, journaled: Report, current: Report, changes: list[FieldChange], file_changed: bool
) -> Recovery:
    """What an earlier session's journal offers beside the report as loaded now."""
    recovery = Recovery(
        saved_at=entry.saved_at,
        report=journaled,
        changes=changes,
        file_changed_since=file_changed,
        entry=entry,
    )
    base = entry.base_report()
    if file_changed and base is not None:
        recovery.theirs = diff_reports(base, current)
        recovery.conflicts = merge_reports(base, journaled, current).conflicts
    return recovery


class EditSession:
    def __init__(
        self,
        path: Path,
        report: Report,
        *,
        read_only: bool = False,
        lock: EditLock | None = None,
        fingerprint: Fingerprint | None = None,
        base_text: str | None = None,
        folder: HeldFolder | None = None,
    ) -> None:
        self.path = Path(path)
        # The report's folder, held open since the load: saves address it by descriptor
        # (storage/heldfolder.py), and refuse when the path no longer names it.
        self._folder = folder
        self.report = report
        self._read_only = read_only
        self.dirty = False
        self.lock = lock
        self.fingerprint = fingerprint
        self.base_report = copy.deepcopy(report)
        self.base_text = base_text
        self.warnings: list[str] = []
        # The last journal problem (Chinese), for the app to show; None when the journal works.
        self.journal_problem: str | None = None
        self._journal = Journal(self.path, fingerprint, base_text)
        self._pending: JournalEntry | None = None
        self._pending_decided = True
        self._closed = False

    @property
    def read_only(self) -> bool:
        return self._read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        """Turning a session read-only gives its lock up (someone else may then edit); turning it
        editable needs the lock: use :meth:`try_edit`."""
        if value and not self._read_only:
            self._read_only = True
            if self.lock is not None:
                self.lock.release()
                self.lock = None
            self._release_folder()
        elif not value and self._read_only and not self.try_edit():
            raise locked_error(self.path)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, wait: float = 0.0) -> EditSession:
        """Open a report.

        For editing (the default): refuses with :class:`CannotEditError` when saving there would
        fail, takes the edit lock or raises :class:`LockedError` (after trying for ``wait``
        seconds), then loads. ``read_only=True`` takes no lock and refuses to save.
        Raises :class:`ReportFileError` (Chinese message, line/column) for a file that cannot be read.
        """
        path = Path(path)
        warnings, folder, lock, (report, fingerprint, text) = _open_for(path, read_only, wait)
        session = cls(
            path,
            report,
            read_only=read_only,
            lock=lock,
            fingerprint=fingerprint,
            base_text=text,
            folder=folder,
        )
        session.warnings = warnings
        if lock is not None and folder is not None:
            remove_stale_temps(path, dir_fd=folder.descriptor())
            session._find_pending()
        return session

    @classmethod
    def create(cls, path: Path | str, report: Report, *, overwrite: bool = False) -> EditSession:
        """Start a session on a new report file (saved at once). Refuses an existing file unless
        ``overwrite`` (its previous content is then kept as a version)."""
        path = Path(path)
        check = check_can_save(path)
        check.raise_if_refused()
        folder, lock = _hold_and_lock(path)
        try:
            if path.exists() and not overwrite:
                raise ReportFileError(path, "文件已存在，未覆盖")
            session = cls(path, report, lock=lock, folder=folder)
            session.warnings = check.warnings
            session._write(path)
        except BaseException:
            lock.release()
            folder.close()
            raise
        return session

    @classmethod
    def take_over(cls, path: Path | str, owner: LockOwner, *, timeout: float = 5.0) -> EditSession:
        """End this user's own earlier session holding the lock (its handler journals and exits),
        then open for editing. Raises :class:`TakeOverError` for someone else's session."""
        end_session(owner, report_path=path, timeout=timeout)
        return cls.open(path, wait=3.0)

    def try_edit(self) -> bool:
        """For a read-only session: take the lock if it is free now and become editable (reloading
        the file). Returns False when it is still locked (see :func:`tui_report.safety.lock.current_owner`)."""
        if not self.read_only:
            return True
        check_can_save(self.path).raise_if_refused()
        try:
            folder, lock = _hold_and_lock(self.path)
        except LockedError:
            return False
        try:
            report, fingerprint, text = _load(self.path, folder)
        except BaseException:
            lock.release()
            folder.close()
            raise
        self.lock = lock
        self._release_folder()
        self._folder = folder
        self._read_only = False
        self._set_loaded(report, fingerprint, text)
        self._find_pending()
        return True

    # ------------------------------------------------------------------ recovery
    def _find_pending(self) -> None:
        # Only a lock holder writes a journal, and we hold the lock now: whatever journal is there
        # was left by a session that ended (or was ended) without saving.
        entry, problem = _journal_left(self.path)
        self.journal_problem = problem or self.journal_problem
        if entry is not None:
            self._pending, self._pending_decided = entry, False

    def pending_recovery(self) -> Recovery | None:
        """Unsaved edits from an earlier session of this user on this file, or None."""
        entry = self._pending
        if entry is None or self._pending_decided or self.read_only:
            return None
        try:
            journaled = entry.report()
        except ReportFileError as exc:
            self.warnings.append(f"恢复记录无法读取，已保留在 {entry.file}：{exc.reason}")
            return None
        changes = diff_reports(self.report, journaled)
        if not changes:
            # Every journaled edit is in the file already: typically this operator's own save,
            # with the process killed before it could remove the journal. Nothing to offer.
            with contextlib.suppress(OSError):
                entry.file.unlink()
            self._pending = None
            return None
        file_changed = entry.base is not None and (
            self.fingerprint is None or entry.base.sha256 != self.fingerprint.sha256
        )
        return _recovery(entry, journaled, self.report, changes, file_changed)

    def recover(self) -> Recovery | None:
        """Take the journaled edits back (恢复). The session becomes dirty; nothing is saved yet.

        If the file was changed by someone else since, the session's base goes back to what that
        earlier session had loaded, so that :meth:`save` shows the outside change instead of
        silently overwriting it."""
        recovery = self.pending_recovery()
        if recovery is None or recovery.entry is None:
            return None
        entry = recovery.entry
        self.report = recovery.report
        if recovery.file_changed_since and entry.base is not None:
            base = entry.base_report()
            self.fingerprint = entry.base
            self.base_text = entry.base_text
            if base is not None:
                self.base_report = base
            self._journal = Journal(self.path, self.fingerprint, self.base_text)
        self._pending_decided = True
        self.dirty = True
        self._journal_now(commit=True)
        if self._journal.writes and entry.file != self._journal.file:
            # Recovered from a journal set aside earlier: its edits live in ours now.
            with contextlib.suppress(OSError):
                entry.file.unlink()
        return recovery

    def discard_recovery(self) -> None:
        """Drop the journaled edits (丢弃)."""
        if self._pending is not None:
            with contextlib.suppress(OSError):
                self._pending.file.unlink()
        self._pending_decided = True

    # ------------------------------------------------------------------ editing
    def mark_edited(self, *, commit: bool = True) -> None:
        """Call after every committed edit (a cell, a text part on leaving it, metadata), and with
        ``commit=False`` while typing in a field (journaled at most once a second). Never raises:
        a journal problem is kept in :attr:`journal_problem` for the app to show."""
        if self.read_only or self._closed:
            return
        self.dirty = True
        self._journal_now(commit=commit)

    def flush(self) -> None:
        """Write typing not yet journaled (call every second, on blur, and on hang-up)."""
        if self.read_only or self._closed or not self._journal.pending:
            return
        self._journal_now(commit=True)

    def _journal_now(self, *, commit: bool) -> None:
        if not self._pending_decided and self._pending is not None:
            # Edits before the operator chose 恢复/丢弃: keep the older journal under another name.
            set_aside(self._pending)
            self._pending_decided = True
        self.journal_problem = _record(self._journal, self.report, commit)
        if self.lock is not None:
            self.lock.refresh(min_interval=HEARTBEAT_SECONDS)  # "最后活动" for whoever is refused

    # ------------------------------------------------------------------ outside changes
    def outside_change(self) -> OutsideChange | None:
        """Compare the file with what this session loaded or last saved; None when unchanged."""
        try:
            raw, fingerprint = _read_report(self.path, self._folder)
        except ReportFileError as exc:
            if isinstance(exc.__cause__, FileNotFoundError):
                if self.fingerprint is None:
                    return None
                return OutsideChange("deleted", f"{self.path} 已被删除或改名")
            return OutsideChange("unreadable", str(exc))
        if self.fingerprint is not None and fingerprint.sha256 == self.fingerprint.sha256:
            self.fingerprint = fingerprint  # same bytes (a touch, an identical save): nothing to ask
            return None
        try:
            disk_text = decode_report_bytes(raw, self.path)
            disk = loads_report(disk_text, self.path)
        except ReportFileError as exc:
            return OutsideChange(
                "unreadable", f"文件已被他人改动，且无法读取：{exc}", fingerprint=fingerprint
            )
        change = _modified(
            self.base_report, self.report, disk, _owner_of(self.path), self.fingerprint is None
        )
        change.fingerprint, change.disk_text = fingerprint, disk_text
        return change

    def reload(self) -> None:
        """Discard this session's edits and load the file as it is now (重新载入)."""
        report, fingerprint, text = _load(self.path, self._folder)
        self._keep_own_journal()
        self._set_loaded(report, fingerprint, text)

    def merge_outside(self) -> list[FieldChange]:
        """Take the outside change's fields that this session did not touch; returns the
        conflicts (kept as mine). The result still needs saving; the base becomes the disk file."""
        change = self.outside_change()
        if change is None or change.disk_report is None or change.fingerprint is None:
            return []
        merged = merge_reports(self.base_report, self.report, change.disk_report)
        self.report = merged.merged
        self.base_report = change.disk_report
        self.fingerprint = change.fingerprint
        self.base_text = change.disk_text
        self.dirty = True
        self._journal = Journal(self.path, self.fingerprint, self.base_text)
        self._journal_now(commit=True)
        return merged.conflicts

    def _set_loaded(self, report: Report, fingerprint: Fingerprint, text: str) -> None:
        self.report = report
        self.base_report = copy.deepcopy(report)
        self.fingerprint = fingerprint
        self.base_text = text
        self.dirty = False
        self._journal = Journal(self.path, fingerprint, text)

    # ------------------------------------------------------------------ saving
    def save(self, *, force: bool = False) -> None:
        """Save to the report file. Raises :class:`OutsideChangeError` when the file changed since
        it was loaded (``force=True`` overwrites: 覆盖), :class:`ReadOnlyError` for a read-only
        session, :class:`ReportFileError` when writing fails (the old file and the journal stay)."""
        if self.read_only:
            raise ReadOnlyError(self.path, "只读打开的报告不能保存，请用“另存为副本”")
        if not force:
            change = self.outside_change()
            if change is not None:
                raise OutsideChangeError(self.path, change)
        self._write(self.path, expect=None if force else self.fingerprint)

    def save_as(self, path: Path | str, *, overwrite: bool = False) -> None:
        """Save to another file and continue editing that one (另存为 / 另存为副本).

        Takes the other file's lock first (:class:`LockedError`), refuses an existing file unless
        ``overwrite`` (then kept as a version there). The old file's lock is released, its journal
        dropped (the edits are in the new file)."""
        path = Path(path)
        if path.resolve() == self.path.resolve():
            self.save(force=overwrite)
            return
        check_can_save(path).raise_if_refused()
        new_folder, new_lock = _hold_and_lock(path)
        try:
            if path.exists() and not overwrite:
                raise ReportFileError(path, "文件已存在，未覆盖")
            self._write(path, folder=new_folder)
        except BaseException:
            new_lock.release()
            new_folder.close()
            raise
        old_journal = self._journal
        if self.lock is not None:
            self.lock.release()
        self._release_folder()
        self._folder = new_folder
        self.lock = new_lock
        self.path = path
        self._read_only = False
        old_journal.remove()  # only this session's own journal: its edits are in the new file
        self._journal = Journal(path, self.fingerprint, self.base_text)

    def _write(
        self, path: Path, *, expect: Fingerprint | None = None, folder: HeldFolder | None = None
    ) -> None:
        """Keep the file being replaced as a version (from the bytes read now, through a checked
        descriptor), write the report atomically, keep the saved bytes as the newest version —
        all relative to the report's folder as held since the load (``folder``, by default the
        session's own), refused when the folder's path no longer names it.

        ``expect``: the file must still be that one (same device and inode) — a symlink or another
        file swapped in since it was checked is refused, not followed."""
        self.flush()
        folder = folder or (self._folder if path == self.path else None)
        try:
            data, raw, info, fd = _save_keeping_versions(self.report, path, folder, expect)
        except ReportFileError as exc:
            if self.read_only:
                raise
            self._journal_now(commit=True)
            if self.journal_problem is None:
                raise type(exc)(path, exc.reason + "；你的修改仍保存在恢复记录中，不会丢失") from exc
            raise
        fingerprint = Fingerprint.of(raw, info)
        self.fingerprint = fingerprint
        self.base_text = raw.decode("utf-8", "replace")
        self.base_report = copy.deepcopy(self.report)
        self.dirty = False
        if path == self.path:
            # The edits are in the saved file now: this session's own journal may go (an older,
            # undecided journal of an earlier session is another file by now, or untouched).
            self._journal.remove()
            self._journal = Journal(path, fingerprint, self.base_text)
        with contextlib.suppress(OSError, ReportFileError):
            if raw == data:
                keep_bytes(path, raw, info, folder_fd=fd)  # the saved file too: see storage/versions.py
            prune(path, folder_fd=fd)

    def _keep_own_journal(self) -> None:
        """This session's unsaved edits are about to be dropped without the operator choosing
        丢弃 (重新载入): keep its journal under another name instead of overwriting it later."""
        if self._journal.writes and self.dirty:
            entry = read_journal(self.path)
            if entry is not None:
                set_aside(entry)

    # ------------------------------------------------------------------ closing
    def close(self, *, discard: bool = False) -> None:
        """End the session and release the lock. Unsaved edits stay in the journal (offered back
        at the next open) unless ``discard`` (the operator chose 不保存)."""
        if self._closed:
            return
        if discard and self.dirty:
            self._journal.remove()  # 不保存, chosen by the operator: this session's edits only
        elif self.dirty:
            self.flush()
            wait_synced(2.0)  # on disk before the process may end
        # Not dirty: nothing of ours is unsaved. Any journal left is an earlier session's,
        # undecided: it stays and is offered again at the next open (read-only sessions too).
        self._closed = True
        if self.lock is not None:
            self.lock.release()
        self._release_folder()

    def _release_folder(self) -> None:
        if self._folder is not None:
            self._folder.close()
            self._folder = None

    def emergency_close(self) -> None:
        """For hang-ups and termination signals: journal unsaved edits, release the lock. Never raises."""
        try:
            if self.dirty and not self.read_only:
                self._journal.write(self.report, durable=True)
        except Exception as exc:  # nothing may stop the lock release below
            self.journal_problem = str(exc)
        finally:
            self._closed = True
            if self.lock is not None:
                self.lock.release()


def _open_for(
    path: Path, read_only: bool, wait: float
) -> tuple[list[str], HeldFolder | None, EditLock | None, tuple[Report, Fingerprint, str]]:
    """What :meth:`EditSession.open` needs: the save check's warnings, the folder held and the
    edit lock (none read-only), and the report loaded; nothing left held when it raises."""
    warnings: list[str] = []
    lock: EditLock | None = None
    folder: HeldFolder | None = None
    if not read_only:
        check = check_can_save(path)
        if check.problems and not path.exists():
            raise ReportFileError(path, "文件不存在")
        check.raise_if_refused()
        warnings = check.warnings
        folder = _hold_folder(path)
    try:
        if folder is not None:
            lock = EditLock.acquire(path, wait=wait, folder_fd=folder.descriptor())
        return warnings, folder, lock, _load(path, folder)
    except BaseException:
        if lock is not None:
            lock.release()
        if folder is not None:
            folder.close()
        raise


def _record(journal: Journal, report: Report, commit: bool) -> str | None:
    """Journal the report; the problem (Chinese) when that failed, else None."""
    try:
        journal.record(report, commit=commit)
    except (JournalError, ReportFileError, OSError) as exc:
        return str(exc)
    return None


def _journal_left(path: Path) -> tuple[JournalEntry | None, str | None]:
    """The recovery journal an earlier session left for ``path`` (or the problem reading it)."""
    try:
        return read_journal(path), None
    except JournalError as exc:
        return None, str(exc)


def _hold_and_lock(path: Path, wait: float = 0.0) -> tuple[HeldFolder, EditLock]:
    """The report's folder held and its edit lock taken (:class:`LockedError` when someone has
    it: the folder is let go again)."""
    folder = _hold_folder(path)
    try:
        return folder, EditLock.acquire(path, wait=wait, folder_fd=folder.descriptor())
    except BaseException:
        folder.close()
        raise


def _save_keeping_versions(
    report: Report, path: Path, folder: HeldFolder | None, expect: Fingerprint | None
) -> tuple[bytes, bytes, os.stat_result, int]:
    """The write of :meth:`EditSession._write`: the file replaced kept as a version, the report
    written atomically in the held folder; (bytes written, bytes read back, their stat, the
    folder's descriptor)."""
    if folder is None:
        raise ReportFileError(path, "报告所在的文件夹没有打开，不能保存")
    folder.check()
    fd = folder.descriptor()
    _may_save_now(path)
    previous = _read_existing(folder)
    if previous is not None:
        keep_bytes(path, *previous, folder_fd=fd)
    identity = (previous[1].st_dev, previous[1].st_ino) if previous is not None else None
    if expect is not None and identity is not None and (expect.dev, expect.ino) != identity:
        identity = (expect.dev, expect.ino)  # refused below by atomic_write
    data = save_report(report, path, expect=identity, dir_fd=fd)
    raw, info = folder.read()
    return data, raw, info, fd


def _may_save_now(path: Path) -> None:
    """Permissions are asked at every save, not only at open: a colleague may have made the report
    or its folder read-only since (chmod 440), and a rename would still replace it."""
    check = check_can_save(path)
    if check.problems:
        raise NotWritableHereError(
            path, "现在无法在此保存：" + "；".join(check.problems) + "；可另存为其他文件"
        )


def _read_existing(folder: HeldFolder) -> tuple[bytes, os.stat_result] | None:
    """The bytes and fstat of the file about to be replaced (in the held folder); None when there
    is none. A path that is not a regular file is refused (:class:`UnsafeFileError`), never followed."""
    try:
        return folder.read()
    except ReportFileError as exc:
        if isinstance(exc.__cause__, FileNotFoundError):
            return None
        raise


def _hold_folder(path: Path) -> HeldFolder:
    """The report's folder, opened for the session: a folder that cannot be opened as a real folder
    (a symlink in its place) means editing is refused, reading still works."""
    try:
        return HeldFolder(path)
    except ReportFileError as exc:
        raise CannotEditError(path, [f"文件夹 {exc.path} {exc.reason}"]) from exc


def _read_report(path: Path, folder: HeldFolder | None) -> tuple[bytes, Fingerprint]:
    """The file's bytes and fingerprint: through the held folder when the session holds one."""
    if folder is None or folder.fd is None:
        return read_with_fingerprint(path)
    data, info = folder.read()
    return data, Fingerprint.of(data, info)


def _load(path: Path, folder: HeldFolder | None = None) -> tuple[Report, Fingerprint, str]:
    raw, fingerprint = _read_report(path, folder)
    text = decode_report_bytes(raw, path)
    return loads_report(text, path), fingerprint, text


def _owner_of(path: Path) -> str:
    from tui_report.host.procinfo import user_name

    try:
        return f"（最后由 {user_name(path.stat().st_uid)} 保存）"
    except OSError:
        return ""


class Restored(NamedTuple):
    version: Version  # the version brought back
    replaced: Version | None  # the version that keeps the content it replaced (None: no file was there)
    saved: Version | None  # the restored content as the newest version (None: could not be kept)


def restore_version(report_path: Path | str, version_id: str) -> Restored:
    """Bring a version back as the current file (works even when the current file is broken).
    Through :func:`replace_report_file`: refused with :class:`LockedError` while someone edits the
    report, the content it replaces kept as a version."""
    report_path = Path(report_path)
    version = find_version(report_path, version_id)
    raw = read_version(version)
    loads_report(decode_report_bytes(raw, version.file), version.file)  # refuse a broken version
    replaced, saved = replace_report_file(report_path, raw)
    return Restored(version, replaced, saved)


def replace_report_file(
    path: Path | str, content: Report | bytes, *, overwrite: bool = True, wait: float = 0.0
) -> tuple[Version | None, Version | None]:
    """The one way a command writes a report file outside an editing session (``restore``,
    ``new``, ``import -o``, ``rollup -o``): the same guarantees as a save in the app. In order: may
    this user save there (:class:`CannotEditError`); the edit lock (:class:`LockedError` naming who
    edits, after trying for ``wait`` seconds), so nobody's open session is overwritten; an existing
    file refused unless ``overwrite`` (:class:`ReportFileError` 文件已存在) and a path that is not
    a regular file refused (a symlink, a FIFO: never followed); the current content kept as a
    version (from the bytes read through a checked descriptor); the atomic write, refused if the
    file was swapped since it was read; the new content kept as the newest version; pruning.

    Returns (the version holding the replaced content, None when there was no file; the version of
    the new content, None when it could not be kept — the write itself succeeded)."""
    path = Path(path)
    check_can_save(path).raise_if_refused()
    # Every file of the write is addressed in the folder as opened once here, like a session's save.
    folder = _hold_folder(path)
    try:
        fd = folder.descriptor()
        with EditLock.acquire(path, wait=wait, folder_fd=fd):
            folder.check()
            previous = _read_existing(folder)
            if previous is not None and not overwrite:
                raise ReportFileError(path, "文件已存在，未覆盖")
            replaced = keep_bytes(path, *previous, folder_fd=fd) if previous is not None else None
            identity = (previous[1].st_dev, previous[1].st_ino) if previous is not None else None
            if isinstance(content, Report):
                data = save_report(content, path, expect=identity, dir_fd=fd)
            else:
                atomic_write(path, content, expect=identity, dir_fd=fd)
                data = content
            saved = None
            with contextlib.suppress(OSError, ReportFileError):
                raw, info = folder.read()
                if raw == data:
                    saved = keep_bytes(path, raw, info, folder_fd=fd)
            with contextlib.suppress(OSError, ReportFileError):
                prune(path, folder_fd=fd)
    finally:
        folder.close()
    return replaced, saved
