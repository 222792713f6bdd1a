"""Issue #20 item 1: text from files is text. Markup (``[/]``, ``[@click=app.quit]…``, ``[b]``,
``[red]``), a terminal escape and a bidirectional override, put where a file brings text, go
through each screen: no exception, the text shown as it is (control characters as ``\\x1b``…),
nothing raw sent to the terminal, and a click on the text runs nothing.

Helpers and the hostile strings: ``hostile_text.py`` (extend the desk's screens with them)."""

from __future__ import annotations

import ast
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets._toast import Toast

from app_helpers import showing
from tui_report.admin import doctor
from tui_report.host.procinfo import ProcessFacts, host_name
from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location
from tui_report.review.roster import RosterUnit, write_roster
from tui_report.safety.lock import LockedError, LockOwner, LockTrust
from tui_report.session import EditSession
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui import recent
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.reviewapp import ReviewApp
from tui_report.tui.screens.dialogs import ConfirmDialog, ExportDialog, NewReportDialog
from tui_report.tui.screens.doctor import DoctorScreen
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.findings import FindingsScreen
from tui_report.tui.screens.review import ReviewScreen
from tui_report.tui.screens.safety import ChangesScreen, LockDialog, OutsideChangeDialog, RecoveryDialog
from tui_report.tui.screens.start import StartScreen
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import EXAMPLES
from .helpers import go_to_step
from .hostile_text import (
    CLICK_TEXT,
    HOSTILE,
    HOSTILE_FILE,
    HOSTILE_FOLDER,
    HOSTILE_LINES,
    MARKUP,
    assert_nothing_raw_sent,
    assert_shown,
    assert_shown_in,
    click_on,
    screen_text,
    shown,
)

WIDE = (160, 40)  # room for the whole of each hostile text on one line


def report_of(unit: str, year: int = 2024) -> Report:
    report = load_report(EXAMPLES / "full-2024.toml")
    report.unit = unit
    report.year = year
    return report


async def until(pilot: Pilot[Any], check: Any, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}; screen {pilot.app.screen!r}"
        await pilot.pause(0.05)


def dialog_text(app: ReportApp) -> WrappedText:
    return app.screen.query_one(".dialog-text", WrappedText)


# ---------------------------------------------------------------------- the start screen


async def test_start_screen_lists_recent_and_folder_reports_as_they_are(tmp_path: Path) -> None:
    """The crash of plain ``tui-report`` on every start while such a report is listed."""
    here = tmp_path / "county"
    here.mkdir()
    save_report(report_of(HOSTILE), here / HOSTILE_FILE)
    elsewhere = tmp_path / "乙[b]镇[red]"
    elsewhere.mkdir()
    other = elsewhere / "乙[red]镇.toml"
    save_report(report_of("乙镇[/]人民政府"), other)
    recent.remember(other)

    app = make_app(None, cwd=here)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert_shown(app, HOSTILE)  # the folder's report: its unit, then its file name
        assert_shown(app, HOSTILE_FILE)
        assert_shown(app, "乙镇[/]人民政府")  # the recent one
        assert_shown(app, str(other))
        assert_nothing_raw_sent(app)
        await click_on(pilot, app, CLICK_TEXT)


async def test_new_from_last_year_shows_the_unit_and_a_taken_file_name(tmp_path: Path) -> None:
    """L on a report: the unit is prefilled as it is; a file name that is taken is named as it is."""
    save_report(report_of(HOSTILE), tmp_path / HOSTILE_FILE)

    app = make_app(None, cwd=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#reports", OptionList)
        for _ in range(options.option_count):
            if (options.highlighted_option.id or "").startswith("file:"):  # type: ignore[union-attr]
                break
            await pilot.press("down")
        await pilot.press("l")
        await until(pilot, showing(app, NewReportDialog), "the new-report dialog")
        assert app.screen.query_one("#new-unit", Input).value == HOSTILE
        app.screen.query_one("#new-file", Input).value = HOSTILE_FILE  # taken
        await pilot.click("#btn-create")
        await pilot.pause()
        problem = app.screen.query_one("#new-problem", Static)
        assert shown(f"文件 {tmp_path / HOSTILE_FILE} 已存在") in str(problem.render())
        assert_nothing_raw_sent(app)
        await pilot.press("escape")


# ---------------------------------------------------------------------- the editor


async def test_editor_title_fields_and_texts_as_they_are(tmp_path: Path) -> None:
    report = report_of(HOSTILE)
    report.preamble["contact_address"] = HOSTILE
    report.texts["overview.summary"] = HOSTILE_LINES
    path = tmp_path / HOSTILE_FILE
    save_report(report, path)
    last = report_of(HOSTILE, 2023)
    last.texts["overview.summary"] = "上年" + HOSTILE_LINES
    save_report(last, tmp_path / "上年.toml")

    app = make_app(path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert_shown(app, report.title)  # the title bar
        assert_nothing_raw_sent(app)
        await click_on(pilot, app, CLICK_TEXT)
        # The boxes hold the text as it is (an operator edits it); drawn without its controls.
        for step in ("meta", "preamble"):
            await go_to_step(pilot, app, step)
            assert MARKUP in screen_text(app), step
            assert_nothing_raw_sent(app)
        await go_to_step(pilot, app, "text:overview.summary")
        drawn = screen_text(app)
        assert "第一行[/]" in drawn and "[@click=app.quit]点我[/] [b]粗[/b][red]" in drawn
        assert_nothing_raw_sent(app)
        await pilot.press("ctrl+l")  # last year's text beside the box
        await pilot.pause()
        panel = app.screen.query_one("#last-year-text", WrappedText)
        for line in (
            "上年第一行[/]",
            "[@click=app.quit]点我[/] [b]粗[/b][red]",
            "末行\x1b]0;evil\x07\u202e。",
        ):
            assert_shown_in(app, panel, line)
        assert_nothing_raw_sent(app)
        assert app.controller is not None
        app.controller.session.close(discard=True)
        app.controller = None


async def test_toasts_are_plain(tmp_path: Path) -> None:
    """A toast naming a file: 另存为 to a name with markup and an escape."""
    path = tmp_path / "乙镇.toml"
    save_report(report_of("乙镇人民政府"), path)
    target = tmp_path / HOSTILE_FILE

    app = make_app(path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.press(*"另存为")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query(Toast)), "the toast")
        await pilot.pause()
        toast = app.screen.query(Toast).last()
        # A long name is broken into lines (ReportApp.notify), each character kept.
        assert shown(f"已另存为：{target}") in str(toast.render()).replace("\n", "")
        assert target.is_file()
        assert_nothing_raw_sent(app)


# ---------------------------------------------------------------------- findings (F3)


async def test_findings_list_shows_messages_as_they_are(tmp_path: Path) -> None:
    """F3's list, fed what file text reaches it: a reviewer's comment (REVIEW) and a message
    naming another unit (R15)."""
    path = tmp_path / "乙镇.toml"
    save_report(report_of("乙镇人民政府"), path)
    findings = [
        Finding("REVIEW", "warning", HOSTILE_LINES, (Location(text="overview.summary"),)),
        Finding("R15", "warning", f"与{HOSTILE} 1月8日 保存的报告第五部分相似度99%", ()),
    ]

    app = make_app(path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.controller is not None
        app.push_screen(FindingsScreen(app.controller.report, findings))
        await pilot.pause()
        for line in HOSTILE_LINES.split("\n"):  # a comment's own lines kept
            assert_shown(app, line)
        assert_shown(app, HOSTILE)
        assert_nothing_raw_sent(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)


# ---------------------------------------------------------------------- safety dialogs


async def test_lock_dialog_shows_the_verified_name_as_it_is(tmp_path: Path) -> None:
    """The full name (GECOS) of the account holding the lock can be anything: ``[/]``."""
    path = tmp_path / "乙镇.toml"
    save_report(report_of("乙镇人民政府"), path)
    person = "[/][@click=app.quit]点我[/]"
    facts = ProcessFacts(os.getpid() + 1, 4321, "zhangsan", person, "pts/9", None, None)
    owner = LockOwner(user="zhangsan", uid=4321, host=host_name(), pid=facts.pid)
    error = LockedError(path, owner, LockTrust(verified=True, file_owner="zhangsan", holders=(facts,)))
    assert person in error.reason

    app = make_app(None, cwd=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.safety.ask_locked(error)
        await until(pilot, showing(app, LockDialog), "the lock dialog")
        await pilot.pause()
        assert_shown_in(app, dialog_text(app), f"编辑人：{person}（zhangsan）")
        assert_nothing_raw_sent(app)
        await click_on(pilot, app, CLICK_TEXT)


def _leave_unsaved_edit(path: Path, unit: str, text: str) -> None:
    session = EditSession.open(path)
    session.report.unit = unit
    session.report.texts["other.main"] = text
    session.mark_edited()
    session.emergency_close()


async def test_recovery_dialog_and_its_differences(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_FILE
    save_report(report_of("乙镇人民政府"), path)
    _leave_unsaved_edit(path, HOSTILE, HOSTILE_LINES)

    app = make_app(path)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, showing(app, RecoveryDialog), "the recovery offer")
        await pilot.pause()
        guidance = app.screen.query_one(".guidance", WrappedText)
        assert_shown_in(app, guidance, "甲[/]乙[@cli")  # each change on a short line
        assert_nothing_raw_sent(app)
        await pilot.press("d")
        await until(pilot, showing(app, ChangesScreen), "the differences")
        await pilot.pause()
        assert_shown(app, HOSTILE)
        for line in HOSTILE_LINES.split("\n"):
            assert_shown(app, line)
        assert_nothing_raw_sent(app)
        await click_on(pilot, app, CLICK_TEXT)
        assert app.controller is not None
        app.controller.session.close(discard=True)
        app.controller = None


async def test_outside_change_dialog_and_its_differences(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_FILE
    save_report(report_of("乙镇人民政府"), path)

    app = make_app(path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.controller is not None
        app.controller.set_cell("requests", "new.natural", 5)  # an edit of mine
        theirs = report_of(HOSTILE)
        theirs.texts["other.main"] = HOSTILE_LINES
        save_report(theirs, path)  # a colleague's save
        await pilot.press("ctrl+s")
        await until(pilot, showing(app, OutsideChangeDialog), "the question")
        await pilot.pause()
        assert_shown_in(app, app.screen.query_one(".guidance", WrappedText), "甲[/]乙[@cli")
        assert_nothing_raw_sent(app)
        await pilot.press("d")
        await until(pilot, showing(app, ChangesScreen), "the differences")
        await pilot.pause()
        assert_shown(app, HOSTILE)
        for line in HOSTILE_LINES.split("\n"):
            assert_shown(app, line)
        assert_nothing_raw_sent(app)
        app.controller.session.close(discard=True)
        app.controller = None


async def test_export_dialog_and_its_toast_show_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_FILE
    save_report(report_of("乙镇人民政府"), path)
    target = path.with_suffix(".docx")

    app = make_app(path)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await until(pilot, showing(app, ExportDialog), "the export dialog")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == str(target)
        assert "坏[@click=(][b]粗" in screen_text(app)  # the box: the name as it is
        assert_nothing_raw_sent(app)
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query(Toast)), "the toast", timeout=60)
        await pilot.pause()
        toasts = " ".join(str(toast.render()).replace("\n", "") for toast in app.screen.query(Toast))
        assert shown(f"已导出：{target}") in toasts
        assert target.is_file()
        assert_nothing_raw_sent(app)


async def test_restore_offer_names_the_broken_file_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_FILE
    session = EditSession.create(path, report_of("乙镇人民政府"))
    session.report.texts["other.main"] = "好的版本"
    session.mark_edited()
    session.save()
    session.close()
    path.write_bytes(b"[report]\nunit = [/][@click=app.quit]\xe7\x82\xb9[/]\n")  # not TOML

    app = make_app(None, cwd=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.open_path(path)
        await until(pilot, showing(app, ConfirmDialog), "the restore offer")
        await pilot.pause()
        assert_shown_in(app, dialog_text(app), HOSTILE_FILE)
        assert_nothing_raw_sent(app)
        await pilot.press("escape")


async def test_doctor_screen_names_the_folder_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / HOSTILE_FOLDER
    folder.mkdir()
    real = doctor.run_checks
    monkeypatch.setattr(doctor, "run_checks", lambda f, render=True: real(f, render=False))

    app = make_app(None, cwd=folder)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = DoctorScreen(folder)
        app.push_screen(screen)
        await until(pilot, lambda: bool(screen.output), "the checks", timeout=60)
        await pilot.pause()
        title = screen.query_one(".page-title", Static)  # one line, cut at the dialog's edge
        assert shown(f"环境检查：{folder}") in str(title.render())
        assert str(folder) in screen.output
        assert_nothing_raw_sent(app)


# ---------------------------------------------------------------------- the review desk


def _own_text(seed: str, length: int = 200) -> str:
    rng = random.Random(seed)
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length)) + "。"


async def test_review_desk_rows_detail_and_findings(tmp_path: Path) -> None:
    """The desk: a unit, a file name and a roster contact with markup; F3 on the report that copied
    the hostile unit's text names it (R15)."""
    folder = tmp_path / HOSTILE_FOLDER
    folder.mkdir()
    original = report_of(HOSTILE)
    original.level = "township"
    original.texts = {key: _own_text(key) for key in original.texts}
    save_report(original, folder / HOSTILE_FILE)
    time.sleep(0.01)
    copier = report_of("乙镇人民政府")
    copier.level = "township"
    copier.texts = {key: _own_text("乙" + key) for key in copier.texts}
    copier.texts["problems.main"] = original.texts["problems.main"]
    save_report(copier, folder / "乙镇.toml")
    contact = "张三[/][@click=app.quit]点我[/]\x1b]0;evil\x07"
    write_roster(
        folder / "roster.toml",
        [RosterUnit(HOSTILE, "township", contact), RosterUnit("乙镇人民政府", "township")],
    )

    app = ReviewApp(folder)
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await until(pilot, lambda: screen.review is not None, "the desk", timeout=30)
        await pilot.pause()
        table = screen.query_one("#desk", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert any(shown(HOSTILE) in row for row in rows), rows
        assert_shown(app, f"汇总审核：2024年度 {folder}")
        index = next(i for i, row in enumerate(screen.rows()) if row.unit == HOSTILE)
        table.move_cursor(row=index)
        await pilot.pause()
        assert_shown(app, HOSTILE_FILE)  # the detail line
        assert_shown(app, contact)
        assert_nothing_raw_sent(app)
        await click_on(pilot, app, CLICK_TEXT)
        index = next(i for i, row in enumerate(screen.rows()) if row.unit == "乙镇人民政府")
        table.move_cursor(row=index)
        await pilot.pause()
        await pilot.press("f3")
        await until(pilot, showing(app, FindingsScreen), "the findings")
        await pilot.pause()
        assert_shown(app, HOSTILE)
        assert_nothing_raw_sent(app)
        options = app.screen.query_one("#findings", OptionList)
        assert options.option_count


# ---------------------------------------------------------------------- the helpers and every call site


def test_plain_helpers_show_text_as_it_is() -> None:
    from tui_report.tui.plain import line_text, plain, plain_cell, plain_line, plain_lines

    assert plain(HOSTILE_LINES).plain == HOSTILE_LINES.replace("\x1b", "\\x1b").replace(
        "\x07", "\\x07"
    ).replace("\u202e", "\\u202e")
    assert plain_line(HOSTILE_LINES).plain == shown(HOSTILE_LINES) and "\n" not in shown(HOSTILE_LINES)
    assert plain_lines(["甲[/]", "乙\n丙"]).plain == "甲[/]\n乙\\n丙"
    assert plain_cell(HOSTILE).plain == shown(HOSTILE)
    assert line_text(HOSTILE) == shown(HOSTILE)
    assert line_text(HOSTILE_LINES, keep_lines=True) == plain(HOSTILE_LINES).plain
    assert not plain_line(MARKUP).spans  # no style, no action: nothing read as markup


TUI = Path(__file__).resolve().parents[2] / "src" / "tui_report" / "tui"
# Calls whose text argument Textual reads as markup when it is a str.
MARKUP_CALLS = {"Static", "Label", "Option", "Button", "Hit", "DiscoveryHit", "add_row", "add_column"}
PLAIN_HELPERS = {"plain", "plain_line", "plain_lines", "plain_cell", "plain_highlight", "Content", "Text"}


def _is_plain(node: ast.expr) -> bool:
    """A literal (our own words), or a value made by a plain-text helper."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in PLAIN_HELPERS
    if isinstance(node, ast.Starred):
        return _is_plain(node.value)
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return _is_plain(node.elt)
    return False


def _static_query(node: ast.expr) -> bool:
    """``self.query_one("#x", Static)``: a Static found in the DOM."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "query_one"
        and any(isinstance(a, ast.Name) and a.id in ("Static", "Label") for a in node.args)
    )


def _markup_calls(tree: ast.AST) -> list[tuple[int, str]]:
    # Names bound to a Static found in the DOM (``detail = self.query_one("#detail", Static)``).
    statics = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _static_query(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        texts: list[ast.expr] = []
        if name == "Hit":
            texts = list(node.args[1:2])  # Hit(score, text, …)
        elif name == "add_row":
            texts = list(node.args)
        elif name in MARKUP_CALLS:
            texts = list(node.args[:1])
        elif name == "update" and isinstance(func, ast.Attribute):
            target = func.value  # self.query_one("#x", Static).update(…), or a name bound to one
            if _static_query(target) or (isinstance(target, ast.Name) and target.id in statics):
                texts = list(node.args[:1])
        elif name == "replace_option_prompt_at_index":
            texts = list(node.args[1:2])
        found += [(node.lineno, name) for text in texts if not _is_plain(text)]
    return found


def test_text_reaches_markup_widgets_only_as_plain_content() -> None:
    """Every text a widget would read as markup is a literal (the app's own words) or made by
    ``tui/plain.py``: a text built from a variable — a unit, a file name — cannot slip in as a
    ``str``. (Toasts and WrappedText are plain whatever they are given.)"""
    offenders = []
    for path in sorted(TUI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(TUI)}:{line} {name}(…)" for line, name in _markup_calls(tree)]
    assert not offenders, "text from a variable given to a markup-reading widget:\n" + "\n".join(offenders)
