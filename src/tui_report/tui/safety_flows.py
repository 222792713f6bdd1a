"""The safety flows of the app: who has the report (lock dialog, wait, take over), the recovery
offer after a dropped session, outside changes found on save or by the 10-second check, and the
offer to restore a version when a report cannot be read.

The session (``tui_report.session``) decides what is safe; this module only asks the operator,
through dialogs, and shows the session again. ``ReportApp`` holds one :class:`SafetyFlows`, made
with the app twice over: as the Textual app (dialogs, toasts, workers) and as the small
:class:`~tui_report.tui.appapi.SessionHost` interface (the open report, showing a session), so that
this module never imports the app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.screen import ModalScreen

from tui_report.host.terminal import escape_line
from tui_report.model.timetext import time_text
from tui_report.safety.lock import LockedError, TakeOverError, current_owner, locked_error
from tui_report.session import EditSession, OutsideChange, Recovery
from tui_report.storage.errors import NotWritableHereError, ReportFileError
from tui_report.storage.safefile import UnsafeFileError
from tui_report.tui.appapi import SessionHost
from tui_report.tui.controller import Controller
from tui_report.tui.screens.editor import EditorScreen

if TYPE_CHECKING:
    from tui_report.review.roster import RosterUnit


def unit_contact(path: Path) -> RosterUnit | None:
    """The roster's entry for the unit of the report at ``path`` (whom to call while a colleague
    edits it), or None: no roster, the unit not in it, or the report unreadable."""
    from tui_report.review.roster import roster_entry
    from tui_report.storage.reportfile import load_report

    try:
        unit = load_report(path).unit
    except ReportFileError:
        unit = ""
    return roster_entry(path, unit)


# While the offer to edit a report its editor left is shown, its lock is looked at this often.
OFFER_CHECK_SECONDS = 2.0


class SafetyFlows:
    """Dialogs over the editing session's safety answers, for one app."""

    def __init__(self, app: App[Any], host: SessionHost) -> None:
        self.app = app
        self.host = host
        # A read-only view of a report someone else had: offer to edit once they are gone.
        self.offer_edit_when_free: Path | None = None
        self.waiting = threading.Event()
        self.journal_problem_shown: str | None = None

    def show_journal_problem(self, session: EditSession) -> None:
        problem = session.journal_problem
        if problem and problem != self.journal_problem_shown:
            self.app.notify(problem, title="恢复记录", severity="error", timeout=15)
        self.journal_problem_shown = problem

    def ask_locked(self, error: LockedError) -> None:
        """Someone has the report: 只读打开 / 等待 / 结束旧会话并接管 / 取消."""
        from tui_report.tui.screens.safety import LockDialog

        path = error.path

        def answered(choice: str | None) -> None:
            if choice == "read_only":
                try:
                    session = EditSession.open(path, read_only=True)
                except ReportFileError as exc:
                    self.app.notify(str(exc), title="无法打开", severity="error", timeout=10)
                    return
                self.host.edit_session(session, f"{error.reason}。")
                self.offer_edit_when_free = path
            elif choice == "wait":
                self.wait_for_lock(error)
            elif choice == "take_over" and error.owner is not None:
                self.app.notify("正在结束旧会话……", timeout=3)
                self.take_over(path, error)

        self.app.push_screen(LockDialog(error, unit_contact(path)), answered)

    def wait_for_lock(self, error: LockedError) -> None:
        from tui_report.tui.screens.safety import WaitDialog

        path = error.path
        self.waiting.set()
        dialog = WaitDialog(f"正在等待：《{path.name}》{error.reason}。")

        def stopped(choice: str | None) -> None:
            self.waiting.clear()

        def got(session: EditSession) -> None:
            if not self.waiting.is_set():
                session.close()  # the operator stopped waiting just as the lock came free
                return
            self.waiting.clear()
            if self.app.screen is dialog:
                dialog.dismiss("done")
            self.app.notify(f"《{path.name}》现在可以编辑了", timeout=5)
            self.host.edit_session(session)

        def failed(message: str) -> None:
            self.waiting.clear()
            if self.app.screen is dialog:
                dialog.dismiss("failed")
            self.app.notify(message, title="无法打开", severity="error", timeout=10)

        def work() -> None:
            while self.waiting.is_set():
                try:
                    session = EditSession.open(path)
                except LockedError:
                    time.sleep(1.0)
                    continue
                except ReportFileError as exc:
                    self.app.call_from_thread(failed, str(exc))
                    return
                self.app.call_from_thread(got, session)
                return

        self.app.push_screen(dialog, stopped)
        self.app.run_worker(work, thread=True, exclusive=False, name="wait-for-lock")

    def take_over(self, path: Path, error: LockedError) -> None:
        owner = error.owner
        assert owner is not None

        def done(session: EditSession) -> None:
            self.app.notify("已结束旧会话并接管", timeout=4)
            self.host.edit_session(session)

        def failed(message: str) -> None:
            self.app.notify(message, title="无法接管", severity="error", timeout=10)

        def work() -> None:
            try:
                session = EditSession.take_over(path, owner)
            except (TakeOverError, ReportFileError) as exc:
                self.app.call_from_thread(failed, str(exc))
                return
            self.app.call_from_thread(done, session)

        self.app.run_worker(work, thread=True, name="take-over")

    def offer_recovery(self, session: EditSession) -> None:
        """Unsaved edits of an earlier session: 恢复 / 查看差异 / 丢弃."""
        from tui_report.tui.screens.safety import ChangesScreen, RecoveryDialog

        if self.host.controller is None or self.host.controller.session is not session:
            return
        recovery = session.pending_recovery()
        if recovery is None:
            return

        def answered(choice: str | None) -> None:
            if choice == "recover":
                session.recover()
                self.host.rebuild_session(session)
                self.app.notify(f"已恢复 {len(recovery.changes)} 处修改，请检查后保存（Ctrl+S）", timeout=8)
            elif choice == "diff":
                groups = [("未保存的修改（文件 → 恢复记录）", recovery.changes)]
                if recovery.file_changed_since:
                    groups.append(("此后他人对文件的修改", recovery.theirs))
                    groups.append(("双方都改过的项目", recovery.conflicts))
                self.app.push_screen(
                    ChangesScreen("恢复记录的差异", groups), lambda _: self.offer_recovery(session)
                )
            elif choice == "discard":
                self.confirm_discard(session, recovery)

        self.app.push_screen(RecoveryDialog(recovery), answered)

    def confirm_discard(self, session: EditSession, recovery: Recovery) -> None:
        """丢弃 deletes edits for good: ask once more (No goes back to the offer)."""
        from tui_report.tui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                session.discard_recovery()
                self.app.notify("已丢弃上次未保存的修改", timeout=4)
            else:
                self.offer_recovery(session)

        question = f"确定丢弃上次未保存的 {len(recovery.changes)} 处修改吗？丢弃后无法找回。"
        self.app.push_screen(ConfirmDialog(question, "丢弃"), answered)

    def resolve_outside_change(
        self, controller: Controller, change: OutsideChange, then: Callable[[], None] | None = None
    ) -> None:
        """The file changed outside: 重新载入 / 覆盖 / 另存为 / 合并 / 取消. Never a silent overwrite."""
        from tui_report.tui.screens.safety import ChangesScreen, OutsideChangeDialog

        session = controller.session

        def answered(choice: str | None) -> None:
            if choice == "reload":
                try:
                    session.reload()
                except ReportFileError as exc:
                    self.app.notify(str(exc), title="无法重新载入", severity="error", timeout=10)
                    return
                self.host.rebuild_session(session)
                self.app.notify("已重新载入文件", timeout=4)
            elif choice == "overwrite":
                try:
                    session.save(force=True)
                except ReportFileError as exc:
                    self.app.notify(str(exc), title="保存失败", severity="error", timeout=10)
                    if isinstance(exc, (NotWritableHereError, UnsafeFileError)):
                        answered("save_as")  # the file cannot be replaced: another one can
                    return
                if isinstance(self.app.screen, EditorScreen):
                    self.app.screen.refresh_status()
                self.app.notify(f"已保存（覆盖）：{session.path}", timeout=4)
                if then is not None:
                    then()
            elif choice == "save_as":
                for screen in self.app.screen_stack:
                    if isinstance(screen, EditorScreen):
                        screen.action_save_as()
                        break
            elif choice == "merge":
                conflicts = session.merge_outside()
                self.host.rebuild_session(session)
                more = f"；{len(conflicts)} 处双方都改过，保留了你的内容" if conflicts else ""
                self.app.notify(f"已合并对方的修改{more}。请检查后保存（Ctrl+S）", timeout=10)
            elif choice == "diff":
                groups = [
                    ("对方的修改（载入时 → 现在的文件）", change.theirs),
                    ("双方都改过的项目", change.conflicts),
                ]
                self.app.push_screen(
                    ChangesScreen("文件在外部被修改", groups),
                    lambda _: self.resolve_outside_change(controller, change, then),
                )

        self.app.push_screen(OutsideChangeDialog(change, session.dirty), answered)

    def check_files(self) -> None:
        """Every few seconds and when the terminal gets the focus back: has the report changed
        outside, and (viewing read-only) has its editor gone?"""
        controller = self.host.controller
        if (
            controller is None
            or isinstance(self.app.screen, ModalScreen)
            or not isinstance(self.app.screen, EditorScreen)
        ):
            return
        session = controller.session
        if (
            session.read_only
            and self.offer_edit_when_free == session.path
            and current_owner(session.path) is None
        ):
            self.offer_edit_when_free = None
            self.offer_edit(controller)
            return
        change = session.outside_change()
        if change is None:
            return
        if not session.dirty and change.kind == "modified":
            # Nothing of ours to lose: follow the file (like an editor's autoread). It may change
            # again (or break) between the check and the reload: say so, never crash.
            try:
                session.reload()
            except ReportFileError as exc:
                self.app.notify(str(exc), title="无法重新载入", severity="warning", timeout=8)
                return
            self.host.rebuild_session(session)
            self.app.notify(f"{change.message}，已重新载入", timeout=6)
        elif session.read_only:
            self.app.notify(change.message, severity="warning", timeout=6)
        else:
            self.resolve_outside_change(controller, change)

    def on_app_focus(self, event: events.AppFocus) -> None:
        self.check_files()

    def offer_edit(self, controller: Controller) -> None:
        """The colleague left: offer to edit. The offer is never stale: the lock is looked at again
        right before it is shown, every few seconds while it is, and when it is answered; someone
        who opened the report meanwhile withdraws it (and it is made again when they leave)."""
        from tui_report.tui.screens.dialogs import ConfirmDialog

        session = controller.session
        path = session.path
        if self.taken_again(path, quiet=True):
            return
        dialog = ConfirmDialog(
            f"《{escape_line(path.name)}》现在没有人在编辑。重新载入并编辑吗？", "重新载入并编辑"
        )

        def recheck() -> None:
            if self.app.screen is dialog and self.taken_again(path):
                dialog.dismiss(False)

        timer = self.app.set_interval(OFFER_CHECK_SECONDS, recheck)

        def answered(yes: bool | None) -> None:
            timer.stop()
            if not yes or self.taken_again(path):
                return
            try:
                editable = session.try_edit()
            except ReportFileError as exc:
                self.app.notify(str(exc), title="无法编辑", severity="error", timeout=10)
                return
            if not editable:
                if not self.taken_again(path):
                    self.app.notify("报告又被别人打开了", severity="warning", timeout=5)
                    self.offer_edit_when_free = path
                return
            self.host.edit_session(session)

        self.app.push_screen(dialog, answered)

    def taken_again(self, path: Path, quiet: bool = False) -> bool:
        """Whether someone holds the report's lock again; if so the read-only view goes on, the
        operator is told who (unless ``quiet``), and the offer to edit waits for them to leave."""
        if current_owner(path) is None:
            return False
        self.offer_edit_when_free = path
        if not quiet:
            self.app.notify(
                f"《{escape_line(path.name)}》{locked_error(path).reason}。仍为只读，对方退出后会再提示。",
                severity="warning",
                timeout=8,
            )
        return True

    def offer_restore(self, path: Path, error: ReportFileError) -> None:
        """A report that cannot be read: say where and why, and offer the last kept version."""
        from tui_report.session import restore_version
        from tui_report.storage.versions import list_versions
        from tui_report.tui.screens.dialogs import ConfirmDialog

        versions = list_versions(path)
        if not versions:
            self.app.notify(str(error), title="无法打开", severity="error", timeout=15)
            return
        newest = versions[0]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                restore_version(path, str(newest.number))
            except ReportFileError as exc:
                self.app.notify(str(exc), title="无法恢复", severity="error", timeout=10)
                return
            self.app.notify("已恢复历史版本（出错的文件也保留为历史版本）", timeout=6)
            self.host.open_path(path)

        when = time_text(newest.saved_at)
        self.app.push_screen(
            ConfirmDialog(
                f"{error}\n\n文件未被改动。要恢复最近的历史版本（{when}，{newest.user} 保存）吗？",
                "恢复该版本",
            ),
            answered,
        )
