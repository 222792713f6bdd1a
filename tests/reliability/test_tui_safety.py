"""The app's questions, driven by keys (Pilot at 80×24): locked report, unsaved edits found,
outside change, quitting without saving, a report that cannot be saved where it is, a broken file."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList

from app_helpers import controller, showing
from tui_report.session import EditSession
from tui_report.storage.journal import read_journal
from tui_report.storage.reportfile import load_report
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.screens.dialogs import ConfirmDialog, QuitDialog
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.safety import (
    ChangesScreen,
    LockDialog,
    OutsideChangeDialog,
    RecoveryDialog,
    WaitDialog,
)

from ._helpers import PY, child_env

SIZE = (80, 24)
HOLDER = Path(__file__).with_name("holder.py")


async def until(pilot: Pilot[Any], check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")
        await pilot.pause(0.05)


def on(app: ReportApp, kind: type[Screen[Any]]) -> Callable[[], bool]:
    return showing(app, kind)


Holder = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def holder(report_file: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [PY, str(HOLDER), str(report_file), *args], stdout=subprocess.PIPE, text=True, env=child_env()
        )
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("READY"):
                break
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


async def test_locked_report_read_only_then_edit_when_free(report_file: Path, holder: Holder) -> None:
    proc = holder()

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, LockDialog), "the lock dialog")
        assert isinstance(app.screen, LockDialog) and "正在由" in str(app.screen.error)
        await pilot.press("r")
        await until(pilot, on(app, EditorScreen), "the read-only editor")
        assert app.controller is not None and app.controller.read_only
        banner = str(app.screen.query_one("#banner").render())
        assert "只读" in banner and "正在由" in banner
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        app.check_files()  # what the 10 s timer does
        await until(pilot, on(app, ConfirmDialog), "the offer to edit")
        await pilot.press("y")
        await until(pilot, lambda: app.controller is not None and not app.controller.read_only, "editing")
        assert app.controller.session.lock is not None and app.controller.session.lock.held
        await pilot.press("ctrl+q")


async def test_wait_for_the_lock(report_file: Path, holder: Holder) -> None:
    proc = holder()

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, LockDialog), "the lock dialog")
        await pilot.press("w")
        await until(pilot, on(app, WaitDialog), "the wait dialog")
        await pilot.pause(0.3)
        proc.terminate()  # the colleague saves and quits
        await until(pilot, on(app, EditorScreen), "the editor after waiting")
        assert app.controller is not None and not app.controller.read_only
        await pilot.press("ctrl+q")


async def test_take_over_own_dropped_session_then_recover(report_file: Path, holder: Holder) -> None:
    proc = holder("--edit", "断线前输入的文字")

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, LockDialog), "the lock dialog")
        await pilot.press("k")
        await until(pilot, on(app, RecoveryDialog), "the recovery offer", timeout=20)
        assert proc.wait(timeout=5) == 128 + signal.SIGTERM
        await pilot.press("r")
        await until(
            pilot,
            lambda: (
                app.controller is not None
                and app.controller.report.texts.get("other.main") == "断线前输入的文字"
            ),
            "the recovered text",
        )
        assert app.controller is not None and app.controller.session.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert load_report(report_file).texts["other.main"] == "断线前输入的文字"
    assert read_journal(report_file) is None


def _leave_unsaved_edit(report_file: Path, text: str) -> None:
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = text
    session.mark_edited()
    session.emergency_close()


async def test_recovery_view_diff_then_discard(report_file: Path) -> None:
    _leave_unsaved_edit(report_file, "上次没保存")

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, RecoveryDialog), "the recovery offer")
        await pilot.press("d")
        await until(pilot, on(app, ChangesScreen), "the differences")
        shown = "\n".join(str(o.prompt) for o in app.screen.query_one("#changes", OptionList).options)
        assert "上次没保存" in shown
        await pilot.press("escape")
        await until(pilot, on(app, RecoveryDialog), "the offer again")
        await pilot.press("x")
        # 丢弃 asks once more; No (Esc) goes back to the offer and keeps the journal.
        await until(pilot, on(app, ConfirmDialog), "the discard confirmation")
        await pilot.press("escape")
        await until(pilot, on(app, RecoveryDialog), "the offer after saying no")
        assert read_journal(report_file) is not None
        await pilot.press("x")
        await until(pilot, on(app, ConfirmDialog), "the discard confirmation again")
        await pilot.press("y")
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None and app.controller.report.texts["other.main"] != "上次没保存"
        await pilot.press("ctrl+q")
    assert read_journal(report_file) is None


async def test_outside_change_on_save_overwrite_or_reload(report_file: Path) -> None:
    async def scenario(choice: str) -> None:
        app = make_app(report_file)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, on(app, EditorScreen), "the editor")
            controller(app).set_cell("requests", "new.natural", 5)  # my edit
            text = report_file.read_text(encoding="utf-8")
            report_file.write_text(text.replace("commercial = 0", "commercial = 8", 1), encoding="utf-8")
            await pilot.press("ctrl+s")
            await until(pilot, on(app, OutsideChangeDialog), "the outside-change question")
            dialog = app.screen
            assert isinstance(dialog, OutsideChangeDialog)
            assert [c.key for c in dialog.change.theirs] == ["tables.requests.new.commercial"]
            await pilot.press(choice)
            await until(pilot, on(app, EditorScreen), "the editor again")
            if choice == "m":
                await pilot.press("ctrl+s")
                await pilot.pause()
            controller(app).session.close(discard=True)
            app.controller = None
            await pilot.press("ctrl+q")
        saved = load_report(report_file)
        if choice == "o":  # 覆盖: mine wins
            assert (
                saved.values["requests"]["new.natural"] == 5
                and saved.values["requests"]["new.commercial"] == 0
            )
        elif choice == "l":  # 重新载入: theirs, mine dropped
            assert (
                saved.values["requests"]["new.natural"] == 0
                and saved.values["requests"]["new.commercial"] == 8
            )
        else:  # 合并: both
            assert (
                saved.values["requests"]["new.natural"] == 5
                and saved.values["requests"]["new.commercial"] == 8
            )

    for choice in ("o", "l", "m"):
        await scenario(choice)
        text = report_file.read_text(encoding="utf-8")
        report_file.write_text(
            text.replace("natural = 5", "natural = 0", 1).replace("commercial = 8", "commercial = 0", 1),
            encoding="utf-8",
        )


async def test_outside_change_without_my_edits_reloads_quietly(report_file: Path) -> None:
    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, EditorScreen), "the editor")
        text = report_file.read_text(encoding="utf-8")
        report_file.write_text(text.replace('main = "无"', 'main = "同事改的"', 1), encoding="utf-8")
        app.check_files()
        await until(
            pilot,
            lambda: app.controller is not None and app.controller.report.texts["other.main"] == "同事改的",
            "the reload",
        )
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("ctrl+q")


async def test_quit_without_saving_drops_the_journal_keeping_it_otherwise(report_file: Path) -> None:
    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None
        app.controller.set_cell("requests", "new.natural", 7)
        assert read_journal(report_file) is not None  # journaled as soon as committed
        await pilot.press("ctrl+q")
        await until(pilot, on(app, QuitDialog), "the quit question")
        await pilot.press("n")  # 不保存
        await pilot.pause()
    assert read_journal(report_file) is None
    assert load_report(report_file).values["requests"]["new.natural"] == 0


async def test_folder_that_refuses_saving_opens_read_only_with_the_reason(report_file: Path) -> None:
    # A colleague made the lock file a FIFO: editing is refused with the reason, reading works.
    locks = report_file.parent / ".locks"
    locks.mkdir(exist_ok=True)
    os.mkfifo(locks / f"{report_file.name}.lock")

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None and app.controller.read_only
        banner = str(app.screen.query_one("#banner").render())
        assert "锁文件" in banner and "FIFO" in banner, banner
        await pilot.press("ctrl+q")


def test_a_symlinked_report_is_refused_not_followed(report_file: Path) -> None:
    from tui_report.storage.safefile import UnsafeFileError

    link = report_file.with_name("链接.toml")
    link.symlink_to(report_file)
    with pytest.raises(UnsafeFileError, match="符号链接"):
        make_app(link)  # the command line prints this and exits 2


def test_journal_kept_after_read_only_close(report_file: Path) -> None:
    _leave_unsaved_edit(report_file, "以前会话的修改")
    session = EditSession.open(report_file, read_only=True)
    session.close()
    entry = read_journal(report_file)
    assert entry is not None and "以前会话的修改" in entry.report_text


async def test_journal_kept_after_esc_then_save(report_file: Path) -> None:
    _leave_unsaved_edit(report_file, "以后再说的修改")

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, RecoveryDialog), "the recovery offer")
        await pilot.press("escape")  # 以后再说
        await until(pilot, on(app, EditorScreen), "the editor")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running or not isinstance(app.screen, EditorScreen), "quit")

    entry = read_journal(report_file)
    assert entry is not None and "以后再说的修改" in entry.report_text
    # … and it is offered again at the next open.
    session = EditSession.open(report_file)
    recovery = session.pending_recovery()
    assert recovery is not None and recovery.report.texts["other.main"] == "以后再说的修改"
    session.close()
    assert read_journal(report_file) is not None


def test_journal_kept_after_reload_and_save_as(report_file: Path, tmp_path: Path) -> None:
    _leave_unsaved_edit(report_file, "重新载入前的修改")
    session = EditSession.open(report_file)
    session.reload()
    session.save_as(report_file.with_name("另存.toml"))
    session.close()
    entry = read_journal(report_file)
    assert entry is not None and "重新载入前的修改" in entry.report_text


async def test_broken_file_offers_the_last_version(report_file: Path) -> None:
    session = EditSession.open(report_file)
    session.report.texts["other.main"] = "好的版本"
    session.mark_edited()
    session.save()
    session.close()
    broken = report_file.with_name("tmp")
    broken.write_bytes(b"[report\nthis is not toml")
    os.replace(broken, report_file)

    app = make_app(None, cwd=report_file.parent)
    async with app.run_test(size=SIZE) as pilot:
        app.open_path(report_file)
        await until(pilot, on(app, ConfirmDialog), "the restore offer")
        assert isinstance(app.screen, ConfirmDialog) and "第1行" in app.screen.question
        await pilot.press("y")
        await until(pilot, on(app, EditorScreen), "the restored report")
        assert app.controller is not None and app.controller.report.texts["other.main"] == "好的版本"
        await pilot.press("ctrl+q")


async def test_overwrite_onto_a_swapped_symlink_offers_save_as(report_file: Path, tmp_path: Path) -> None:
    from tui_report.tui.screens.dialogs import PathDialog

    other = tmp_path / "private.toml"
    other.write_bytes(report_file.read_bytes())

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None
        app.controller.set_cell("requests", "new.natural", 7)
        swap = report_file.with_name(".swap")
        swap.symlink_to(other)
        os.replace(swap, report_file)  # a colleague swaps the report for a link
        await pilot.press("ctrl+s")
        await until(pilot, on(app, OutsideChangeDialog), "the outside-change question")
        await pilot.press("o")  # 覆盖
        await until(pilot, on(app, PathDialog), "另存为 offered instead")
        await pilot.press("escape")
        app.controller.session.close(discard=True)
        app.controller = None
        await pilot.press("ctrl+q")

    assert report_file.is_symlink() and other.read_bytes() != b""  # nothing written through the link


async def test_file_changing_again_between_the_check_and_the_reload_does_not_crash(report_file: Path) -> None:
    """The quiet reload (no unsaved edits) races a second outside change that breaks the file."""
    from tui_report.storage.errors import ReportFileError

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None
        session = app.controller.session
        text = report_file.read_text(encoding="utf-8")
        report_file.write_text(text.replace("commercial = 0", "commercial = 8", 1), encoding="utf-8")

        def reload_after_it_broke() -> None:
            report_file.write_bytes(b"[report\n")  # broken between the check and the reload
            raise ReportFileError(report_file, "TOML 格式错误")

        session.reload = reload_after_it_broke  # type: ignore[method-assign]
        app.check_files()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, EditorScreen)
        assert any("无法重新载入" in str(n.title) for n in app._notifications)
        app.controller.session.close()
        app.controller = None
        await pilot.press("ctrl+q")


async def test_recovery_summary_shows_where_a_long_text_changed(report_file: Path) -> None:
    """The offer listed a changed text as two identical beginnings (2021年，大马乡… → 2021年，大马乡…)."""
    from tui_report.tui.widgets.wrapped import WrappedText

    text = load_report(report_file).texts["overview.summary"]
    changed = text.replace("取得了一定成效", "取得了明显成效", 1)
    session = EditSession.open(report_file)
    session.report.texts["overview.summary"] = changed
    session.mark_edited()
    session.emergency_close()

    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, RecoveryDialog), "the recovery offer")
        lines = app.screen.query_one(".guidance", WrappedText).lines(70)
        shown = "".join(lines)
        assert "一定成效" in shown and "明显成效" in shown, lines
        assert "2021年，大马乡" not in shown  # the common beginning is not what is shown
        await pilot.press("escape")
        await until(pilot, on(app, EditorScreen), "the editor")
        await pilot.press("ctrl+q")


def _read_only_beside(pilot_app: ReportApp, report_file: Path) -> bool:
    controller_ = pilot_app.controller
    return (
        isinstance(pilot_app.screen, EditorScreen)
        and pilot_app.screen.is_mounted
        and controller_ is not None
        and controller_.read_only
        and controller_.session.path == report_file
    )


async def offer_after_colleague_left(
    pilot: Pilot[int], app: ReportApp, report_file: Path, first: subprocess.Popen[str]
) -> None:
    """Opened read-only beside the colleague ``first``, who then quits: the offer to edit is shown."""
    await until(pilot, on(app, LockDialog), "the lock dialog")
    await pilot.press("r")
    await until(pilot, lambda: _read_only_beside(app, report_file), "the read-only view")
    first.send_signal(signal.SIGKILL)
    first.wait()
    app.check_files()
    await until(pilot, on(app, ConfirmDialog), "the offer to edit")


def toasts_of(app: ReportApp) -> list[str]:
    """Every toast the app shows from now on. Textual drops a toast from ``app._notifications`` once
    its time is up (8 s here), which a loaded machine can pass before the test looks."""
    said: list[str] = []
    show = app.notify

    def recorded(message: str, **options: Any) -> None:
        said.append(message)
        show(message, **options)

    app.notify = recorded  # type: ignore[method-assign]
    return said


async def test_the_edit_offer_is_withdrawn_when_the_colleague_reopens(
    report_file: Path, holder: Holder
) -> None:
    """现在没有人在编辑。重新载入并编辑吗？ stayed on the screen after the colleague opened the report
    again; answering it then said only 报告又被别人打开了."""
    first = holder()
    app = make_app(report_file)
    said = toasts_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await offer_after_colleague_left(pilot, app, report_file, first)
        holder()  # the colleague opens it again while the offer is on the screen
        await until(pilot, on(app, EditorScreen), "the offer withdrawn", timeout=10)
        assert app.controller is not None and app.controller.read_only
        assert any("正在由" in m and "仍为只读" in m for m in said), said
        assert app.safety.offer_edit_when_free == report_file  # offered again once they leave
        await pilot.press("ctrl+q")


async def test_an_edit_offer_answered_after_the_colleague_came_back_edits_nothing(
    report_file: Path, holder: Holder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_report.tui import safety_flows

    monkeypatch.setattr(safety_flows, "OFFER_CHECK_SECONDS", 600.0)  # only the answer looks again
    first = holder()
    app = make_app(report_file)
    said = toasts_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await offer_after_colleague_left(pilot, app, report_file, first)
        second = holder()
        await pilot.press("y")
        await until(pilot, on(app, EditorScreen), "the editor")
        assert app.controller is not None and app.controller.read_only
        assert any("正在由" in m and "仍为只读" in m for m in said), said
        assert app.safety.offer_edit_when_free == report_file
        # When the colleague leaves, the offer comes again and editing works.
        second.send_signal(signal.SIGKILL)
        second.wait()
        app.check_files()
        await until(pilot, on(app, ConfirmDialog), "the offer again")
        await pilot.press("y")
        await until(pilot, lambda: app.controller is not None and not app.controller.read_only, "editing")
        await pilot.press("ctrl+q")


async def test_no_offer_when_the_report_is_taken_before_it_is_shown(
    report_file: Path, holder: Holder
) -> None:
    first = holder()
    app = make_app(report_file)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, on(app, LockDialog), "the lock dialog")
        await pilot.press("r")
        await until(pilot, lambda: _read_only_beside(app, report_file), "the read-only view")
        assert app.controller is not None
        first.send_signal(signal.SIGKILL)
        first.wait()
        holder()  # back before the offer is made (check_files saw it free a moment ago)
        app.safety.offer_edit(app.controller)
        await pilot.pause(0.2)
        assert isinstance(app.screen, EditorScreen)
        assert app.safety.offer_edit_when_free == report_file
        await pilot.press("ctrl+q")
