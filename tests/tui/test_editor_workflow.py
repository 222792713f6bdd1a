"""The operator's side of the review workflow in the app (#22 item 2), at 80×24, keys only: the
title bar's state, 审核意见 first in F3 with R 答复 and 已修改, 报送审核 refused with the reasons and
then done, notices once, and N/L refusing a second report of a unit and year."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input

from app_helpers import controller, showing
from tui_report.model.report import new_report
from tui_report.review.workflow import comment, comment_threads, return_report, status_of, submit
from tui_report.storage.reportfile import load_report, save_report
from tui_report.storage.reviewrecords import write_notice
from tui_report.tui.app import make_app
from tui_report.tui.screens.dialogs import ConfirmDialog, NewReportDialog
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.reviewfindings import ReviewFindingsScreen
from tui_report.tui.screens.start import StartScreen
from tui_report.tui.screens.workflowdialogs import FormDialog, FormField, FormSpec, ReadDialog
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import EXAMPLES, SIZE
from .helpers import editor, type_text


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not in time: {what}"
        await pilot.pause(0.05)


def title(app: Any) -> str:
    return str(editor(app).query_one("#title").render())


@pytest.fixture
def returned(tmp_path: Path) -> Path:
    """A report the county office sent back with two comments (a cell, the whole report)."""
    folder = tmp_path / "2024"
    folder.mkdir()
    path = folder / "甲乡.toml"
    shutil.copy(EXAMPLES / "full-2024.toml", path)
    submit(path)
    comment(path, "表三新收申请数与正文不一致，请核实", "tables.requests.new.natural")
    return_report(path, "请按意见修改后重新报送")
    return path


async def test_title_f3_and_reply(returned: Path) -> None:
    app = make_app(returned)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "退回修改：2条意见" in title(app)
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, ReviewFindingsScreen)
        # 审核意见 first, each with where it points; then the check's findings
        assert [f.rule for f in screen.findings[:2]] == ["REVIEW", "REVIEW"]
        assert screen.findings[0].locations[0].path == "tables.requests.new.natural"
        assert screen.highlighted() is screen.findings[0]
        await pilot.press("r")
        reply = app.screen
        assert isinstance(reply, FormDialog) and "审核意见1" in reply.spec.title
        await type_text(pilot, "已按正文改正")
        await pilot.press("enter")  # 标记为已修改: 是 (the default)
        await until(pilot, lambda: app.screen is screen, "back in the list")
        threads = comment_threads(returned, load_report(returned))
        assert threads[0][0].done and threads[0][0].replies[-1].text == "已按正文改正"
        assert screen.findings[0].severity == "warning"  # the open one (2) comes first now
        assert any(
            f.rule == "REVIEW" and f.severity == "info" and "（已修改）" in f.message for f in screen.findings
        )
        await pilot.press("r")
        await pilot.press("f2")  # 标记为已修改: 否 — and no text: refused in the dialog
        await pilot.press("enter")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("f2", "enter")  # 已修改, without a text
        await until(pilot, lambda: app.screen is screen, "back in the list")
        await pilot.press("escape")
        assert "退回修改" in title(app) and "条意见" not in title(app)


async def test_enter_on_a_comment_goes_to_its_cell(returned: Path) -> None:
    app = make_app(returned)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f3", "enter")
        screen = editor(app)
        await until(pilot, lambda: screen.current == "table:requests", "the comment's table")
        page = screen.page
        from tui_report.tui.widgets.tablepage import TablePage

        assert isinstance(page, TablePage)
        await until(pilot, lambda: page.grid.cell_id == "new.natural", "the comment's cell")


async def test_f11_submit_refused_with_the_reasons_then_done(tmp_path: Path) -> None:
    path = tmp_path / "甲乡.toml"
    report = load_report(EXAMPLES / "full-2024.toml")
    report.values["requests"]["new.natural"] += 1  # R1: an error
    save_report(report, path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f11")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await until(pilot, showing(app, ReadDialog), "the reasons")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog) and dialog.title_text.startswith("不能报送")
        assert any("自然人" in line for line in dialog.lines)
        assert status_of(path, with_check=False).workflow.code == "not_submitted"
        await pilot.press("escape")
        # the operator corrects the cell (as the grid would) and submits: saved first, then submitted
        edited = controller(app)
        edited.set_cell("requests", "new.natural", report.values["requests"]["new.natural"] - 1)
        await pilot.press("f11", "y")
        await until(
            pilot, lambda: status_of(path, with_check=False).workflow.code == "submitted", "submitted"
        )
        assert not edited.session.dirty and load_report(path).values["requests"]["new.natural"] == (
            report.values["requests"]["new.natural"] - 1
        )
        await until(pilot, lambda: "已报送" in title(app), "the title says 已报送")
        await pilot.press("f11", "y")  # again, unchanged: refused, saying why
        await until(pilot, showing(app, ReadDialog), "the refusal")


async def test_notices_are_shown_on_the_start_screen_and_once_on_opening(
    returned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notice(returned.parent, "请于1月15日前报送年报", date(2099, 1, 15))
    app = make_app(returned)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, showing(app, ReadDialog), "the notice on opening")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog) and any(
            "请于1月15日前报送年报" in line for line in dialog.lines
        )
        await pilot.press("enter")
        assert isinstance(app.screen, EditorScreen)
        controller(app).session.close()
    again = make_app(returned)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert isinstance(again.screen, EditorScreen)  # shown once only
        controller(again).session.close()
    monkeypatch.chdir(returned.parent)
    start = make_app(None, environ={"LANG": "C.UTF-8"})
    async with start.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = start.screen
        assert isinstance(screen, StartScreen)
        assert "请于1月15日前报送年报" in screen.query_one("#notices", WrappedText).text


@pytest.mark.parametrize("key", ["n", "l"])
async def test_a_second_report_of_a_unit_and_year_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    folder = tmp_path / "2025"
    folder.mkdir()
    existing = folder / "甲乡人民政府2025年报.toml"
    save_report(new_report("甲乡人民政府", 2025, "township"), existing)
    last = load_report(EXAMPLES / "full-2024.toml")
    last.unit = "甲乡人民政府"
    save_report(last, folder / "甲乡2024.toml")
    monkeypatch.chdir(folder)
    app = make_app(None, cwd=folder, environ={"LANG": "C.UTF-8"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if key == "l":
            options = app.screen.query_one("#reports")
            from textual.widgets import OptionList

            assert isinstance(options, OptionList)
            while not (options.get_option_at_index(options.highlighted or 0).id or "").endswith(
                "甲乡2024.toml"
            ):
                await pilot.press("down")
        await pilot.press(key)
        assert isinstance(app.screen, NewReportDialog)
        if key == "n":
            await type_text(pilot, "甲乡人民政府")
        await pilot.press("enter")
        await type_text(pilot, "2025")
        await pilot.press("enter", "enter")  # the level
        await pilot.press("backspace", *(["backspace"] * 30))
        await type_text(pilot, "second.toml")
        await pilot.press("enter")
        await until(pilot, showing(app, ConfirmDialog), "the refusal naming the file")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and str(existing) in dialog.question
        assert not (folder / "second.toml").exists()
        await pilot.press("y")  # 打开已有的报告
        await until(pilot, showing(app, EditorScreen), "the existing report opens")
        assert controller(app).session.path == existing


async def test_comments_notices_and_replies_are_shown_as_plain_text(returned: Path) -> None:
    hostile = "请核实[/]表三[@click=app.quit]点我[/b]"
    comment(returned, hostile, "texts.problems.main")
    write_notice(returned.parent, "[b]通知[/]" + hostile, None)
    app = make_app(returned)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, showing(app, ReadDialog), "the notice")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog)
        await until(pilot, lambda: dialog.query(".read-line"), "the notice's lines")
        shown = "\n".join(w.text for w in dialog.query(WrappedText))
        assert "[b]通知[/]" + hostile in shown.replace("\n", "")
        await pilot.press("escape", "f3")
        screen = app.screen
        assert isinstance(screen, ReviewFindingsScreen)
        await pilot.pause()
        from textual.widgets import OptionList

        options = screen.query_one("#findings", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("[@click=app.quit]点我" in p for p in prompts)
        assert app.is_running  # nothing was run


async def test_ctrl_q_says_quit_in_a_report_not_opened_from_the_desk(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, showing(app, EditorScreen), "the report")
        assert app.screen.active_bindings["ctrl+q"].binding.description == "退出"


def _read_dialog() -> ModalScreen[Any]:
    return ReadDialog("通知", ["第一条", "第二条"])


def _form_dialog() -> ModalScreen[Any]:
    return FormDialog(FormSpec("提意见", [FormField("text", "意见")]))


def _notices() -> ModalScreen[Any]:
    from tui_report.tui.screens.deskjobs import NoticesScreen

    return NoticesScreen(Path.cwd())


@pytest.mark.parametrize("make", [_read_dialog, _form_dialog, _notices])
async def test_a_dialog_closed_before_it_is_mounted_does_not_end_the_app(
    make: Callable[[], ModalScreen[Any]],
) -> None:
    """A key typed ahead (Esc) can close a dialog before it is mounted: its focus is Textual's
    AUTO_FOCUS, no query of children that are not there (NoMatches ended the app)."""

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(make())
            self.pop_screen()

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        app.push_screen(make())  # and mounted as usual: the lines (the first field) focused
        await until(pilot, lambda: app.focused is not None, "the focus")
        assert isinstance(app.focused, VerticalScroll | Input)
