"""The review desk runs the review workflow (#22 item 8), at 80×24, keys only: each desk key, the
return to the desk from a report (Ctrl+Q, F10, Esc), read-only Enter and E with a confirmation,
the workflow's columns and detail line, and the desk following new records."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from app_helpers import controller, showing
from tui.helpers import type_text
from tui_report.review.roster import RosterUnit, write_roster
from tui_report.review.workflow import approve, comment, comment_threads, return_report, status_of, submit
from tui_report.storage.reportfile import load_report, save_report
from tui_report.storage.reviewrecords import read_notices
from tui_report.tui.app import ReportApp
from tui_report.tui.reviewapp import ReviewApp
from tui_report.tui.screens.deskjobs import NoticesScreen
from tui_report.tui.screens.dialogs import ConfirmDialog, PathDialog
from tui_report.tui.screens.editor import EditorScreen
from tui_report.tui.screens.review import ReviewScreen
from tui_report.tui.screens.reviewfindings import ReviewFindingsScreen
from tui_report.tui.screens.start import StartScreen
from tui_report.tui.screens.workflowdialogs import FormDialog, ReadDialog
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import EXAMPLES, County, scaled
from .deskhelpers import SIZE, cells, choose, headers, loaded, open_from_desk, until

PREFIX = "淮安市洪泽区"


@dataclass
class Flow:
    folder: Path
    files: dict[str, Path]  # the unit's distinguishing part → its report


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    """A county in January: 卫生健康委员会 submitted, 人民政府办公室 returned with two comments,
    西顺河镇 approved, 老子山镇 (which copied 高良涧街道's 第五部分, saved after it) and 高良涧街道
    not submitted, 民政局 on the roster without a report; a deadline three days ago."""
    folder = tmp_path / "2024"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    parts = ["卫生健康委员会", "人民政府办公室", "西顺河镇人民政府", "高良涧街道办事处", "老子山镇人民政府"]
    files: dict[str, Path] = {}
    for factor, part in enumerate(parts, start=1):
        report = scaled(base, PREFIX + part, factor)
        if part == "老子山镇人民政府":
            time.sleep(0.05)  # saved after the original: the later one is the copier
            report.texts["problems.main"] = load_report(files["高良涧街道办事处"]).texts["problems.main"]
        files[part] = folder / f"{part}.toml"
        save_report(report, files[part])
    deadline = date.today() - timedelta(days=3)
    roster = [
        RosterUnit(PREFIX + p, "township", f"联系人{i} 0517-{i}") for i, p in enumerate([*parts, "民政局"])
    ]
    write_roster(folder / "roster.toml", roster)
    text = (folder / "roster.toml").read_text(encoding="utf-8")
    (folder / "roster.toml").write_text(f"deadline = {deadline.isoformat()}\n\n{text}", encoding="utf-8")
    submit(files["卫生健康委员会"])
    submit(files["人民政府办公室"])
    comment(files["人民政府办公室"], "表三新收申请数与正文不一致，请核实", "tables.requests.new.natural")
    return_report(files["人民政府办公室"], "请按意见修改后重新报送")
    submit(files["西顺河镇人民政府"])
    approve(files["西顺河镇人民政府"])
    return Flow(folder, files)


async def desk_of(pilot: Pilot[Any], app: ReportApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    await loaded(pilot, screen)
    return screen


def top(app: ReportApp) -> object:
    """The screen on top, as an object: mypy keeps no narrowing of ``app.screen`` across keys."""
    return app.screen


def workflow_code(path: Path) -> str:
    return status_of(path, with_check=False).workflow.code


# ---------------------------------------------------------------------- the table


async def test_workflow_columns_sort_names_and_detail(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        assert headers(desk)[:7] == ["审核", "状态", "单位", "错", "警", "意见", "逾期"]
        rows = cells(desk)
        # by workflow: what waits for the reviewer first, what is done last
        assert [r[0] for r in rows] == ["已报送", "退回修改", "", "未报送", "未报送", "已通过"]
        units = [r[2] for r in rows]
        assert "…卫生健康委员会" in units and "…老子山镇人民政府" in units  # the common prefix shortened
        returned = next(r for r in rows if r[0] == "退回修改")
        assert returned[5] == "2" and returned[6] == "3天"  # 2 open comments; due again, 3 days late
        assert next(r for r in rows if r[0] == "已通过")[6] == ""  # approved: not late
        count = desk.query_one("#count", WrappedText).text
        assert "已报送 1" in count and "退回修改 1" in count and "已通过 1" in count
        detail = desk.query_one("#detail", WrappedText).text  # the first row: 卫生健康委员会
        assert "已报送（" in detail and "报送）" in detail and "暂不发布：已报送，尚未审核通过" in detail
        await choose(pilot, desk, "民政局")
        detail = desk.query_one("#detail", WrappedText).text
        assert "尚未提交报告" in detail and "逾期 3 天，联系人 联系人5 0517-5" in detail
        assert detail.count("0517-5") == 1  # the contact once, beside the days late
        await pilot.press("s")  # by filling state: 未提交 first
        assert cells(desk)[0][1] == "未提交"
        await pilot.press("w")
        assert cells(desk)[0][0] == "已报送"


async def test_y_shows_this_year_beside_last_year(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await pilot.press("y")
        assert headers(desk) == ["审核", "单位", "新收", "办结", "复议诉讼", "纠错"]
        row = next(r for r in cells(desk) if r[1] == "…卫生健康委员会")
        received = load_report(flow.files["卫生健康委员会"]).values["requests"]["new.natural"]
        assert row[2].endswith("/-") and int(row[2].split("/")[0]) >= received  # no last year here
        await pilot.press("y")
        assert headers(desk)[0] == "审核" and "错" in headers(desk)


async def test_a_folder_without_the_workflow_has_no_workflow_columns(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    save_report(scaled(base, "甲乡人民政府", 1), folder / "a.toml")
    save_report(scaled(base, "乙镇人民政府", 2), folder / "b.toml")
    app = ReviewApp(folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        assert headers(desk)[:3] == ["状态", "单位", "错"] and "审核" not in headers(desk)
        assert "逾期" not in headers(desk)  # no deadline in this folder


async def test_a_second_report_of_a_unit_is_marked_on_both_rows(flow: Flow) -> None:
    second = flow.folder / "卫生健康委员会-副本.toml"
    shutil.copyfile(flow.files["高良涧街道办事处"], second)  # the same unit and year
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        column = headers(desk).index("单位")
        marked = [r[column] for r in cells(desk) if r[column].endswith("（重复）")]
        assert len(marked) == 2 and all(m.startswith("…高良涧") for m in marked), cells(desk)
        count = desk.query_one("#count", WrappedText).text
        assert count.startswith("已完成 3/6，") and "重复 2" in count  # units of the roster, not files
        await choose(pilot, desk, "（重复）")
        detail = desk.query_one("#detail", WrappedText).text
        assert "重复（同一单位同一年度）" in detail


async def test_the_desk_refreshes_on_a_new_record(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        submit(flow.files["老子山镇人民政府"])  # an operator submits on their own terminal
        desk.poll()  # the two-second timer, without waiting for it
        await until(
            pilot,
            lambda: any(r[2] == "…老子山镇人民政府" and r[0] == "已报送" for r in cells(desk)),
            what="the desk shows the new submission",
        )


# ---------------------------------------------------------------------- open, edit, come back


@pytest.mark.parametrize("keys", [["ctrl+q"], ["f10"], ["escape", "escape"]])
async def test_enter_opens_read_only_and_closing_returns_to_the_desk(flow: Flow, keys: list[str]) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await open_from_desk(pilot, desk, "卫生健康委员会")
        assert controller(app).read_only and controller(app).session.path == flow.files["卫生健康委员会"]
        footer = app.screen.active_bindings["ctrl+q"].binding.description
        assert footer == "返回汇总"  # not 退出: Ctrl+Q goes back to the desk
        await pilot.press(*keys)  # Esc: first to the section list, then out of the report
        await until(pilot, lambda: app.screen is desk, what="back on the desk")
        assert app.controller is None and app.is_running


async def test_a_report_opened_from_the_start_screens_desk_returns_there(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(flow.folder)
    app = ReportApp(None, cwd=flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        desk = await desk_of(pilot, app)
        await pilot.press("enter")
        await until(pilot, showing(app, EditorScreen), what="the report opens")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.screen is desk, what="back on the desk")
        await pilot.press("escape")  # the desk: back to the start screen
        assert isinstance(app.screen, StartScreen)


async def test_e_edits_after_a_confirmation_when_nobody_edits(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await choose(pilot, desk, "高良涧")
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # 取消: nothing opened
        assert top(app) is desk and app.controller is None
        await pilot.press("e", "y")
        await until(pilot, showing(app, EditorScreen), what="the report opens")
        assert not controller(app).read_only
        await pilot.press("f10")  # nothing changed: back without a question, the lock released
        await until(pilot, lambda: app.screen is desk, what="back on the desk")


async def test_e_is_refused_while_someone_edits(county: County) -> None:
    app = ReviewApp(county.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await choose(pilot, desk, "戊镇")  # held by a live session of another process
        await pilot.press("e")
        await pilot.pause()
        assert app.screen is desk and app.controller is None
        await pilot.press("enter")  # read-only is always possible
        await until(pilot, showing(app, EditorScreen), what="the report opens")
        assert controller(app).read_only


# ---------------------------------------------------------------------- decisions


async def test_c_t_a_comment_return_and_approve(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        health = flow.files["卫生健康委员会"]
        await choose(pilot, desk, "卫生健康委员会")
        await pilot.press("c")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # empty: refused in the dialog
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "请补充联系方式")
        await pilot.press("enter")
        assert [t.comment.text for t, _ in comment_threads(health, load_report(health))] == ["请补充联系方式"]
        await pilot.press("t")
        await type_text(pilot, "请修改")
        await pilot.press("enter")
        assert workflow_code(health) == "returned"
        await loaded(pilot, desk)
        await until(
            pilot, lambda: any(r[0] == "退回修改" and "卫生" in r[2] for r in cells(desk)), what="returned"
        )
        await choose(pilot, desk, "卫生健康委员会")
        await pilot.press("a", "y")  # returned, not submitted again: refused, with the reason
        await pilot.pause()
        assert workflow_code(health) == "returned" and top(app) is desk
        submit(health)
        await pilot.press("a", "y")
        assert workflow_code(health) == "approved"


async def test_approve_refused_lists_the_reasons(flow: Flow) -> None:
    broken = flow.files["高良涧街道办事处"]
    report = load_report(broken)
    report.values["requests"]["new.natural"] += 1  # R1: an error
    save_report(report, broken)
    (broken.parent / ".workflow" / broken.name).mkdir(parents=True)
    record = {"kind": "submit", "fingerprint": status_of(broken).fingerprint}
    (broken.parent / ".workflow" / broken.name / "1-submit-x.json").write_text(
        json.dumps(record), encoding="utf-8"
    )
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await choose(pilot, desk, "高良涧")
        await pilot.press("a", "y")
        await until(pilot, showing(app, ReadDialog), what="the reasons")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog)
        assert "不能通过" in dialog.title_text and any("自然人" in line for line in dialog.lines)
        await pilot.press("escape")
        assert app.screen is desk and workflow_code(broken) == "submitted"


async def test_f3_lists_comments_first_and_v_verifies_copied_text(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await choose(pilot, desk, "人民政府办公室")
        await pilot.press("f3")
        findings = app.screen
        assert isinstance(findings, ReviewFindingsScreen)
        assert [f.rule for f in findings.findings[:2]] == ["REVIEW", "REVIEW"]
        await pilot.press("escape")
        copier = flow.files["老子山镇人民政府"]
        await choose(pilot, desk, "老子山")
        await pilot.press("f3")
        findings = app.screen
        assert isinstance(findings, ReviewFindingsScreen)
        r15 = [f for f in findings.findings if f.rule == "R15"]
        assert r15 and r15[0].severity == "warning" and "高良涧街道办事处" in r15[0].message
        while findings.highlighted() is not r15[0]:
            await pilot.press("down")
        await pilot.press("v")
        await type_text(pilot, "县里统一的改进措施")
        await pilot.press("enter")
        await pilot.pause()
        assert top(app) is findings
        verified = [f for f in findings.findings if f.rule == "R15"]
        assert verified[0].severity == "info" and "已核实：县里统一的改进措施" in verified[0].message
        assert status_of(copier).workflow.verified  # recorded
        await pilot.press("escape")
        await until(
            pilot,
            lambda: next(r for r in cells(desk) if "老子山" in r[2])[1] == "已完成",
            what="the copier's only warning verified: 已完成",
        )


async def test_f11_in_a_read_only_report_comments_on_the_cell_under_the_cursor(flow: Flow) -> None:
    from tui.helpers import go_to_step

    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await open_from_desk(pilot, desk, "卫生健康委员会")
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("down")
        await pilot.press("f11")
        dialog = app.screen
        assert isinstance(dialog, FormDialog) and "整份报告" not in dialog.spec.title
        await type_text(pilot, "请核实")
        await pilot.press("enter")
        path = flow.files["卫生健康委员会"]
        threads = comment_threads(path, load_report(path))
        assert len(threads) == 1 and threads[0][0].comment.location.startswith("tables.requests.")
        editor = app.screen
        assert isinstance(editor, EditorScreen) and "1条意见" in editor.workflow_title
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.screen is desk, what="back on the desk")
        await until(
            pilot, lambda: next(r for r in cells(desk) if "卫生" in r[2])[5] == "1", what="1 open comment"
        )


@pytest.mark.parametrize(
    ("step", "where"), [("text:problems.main", "texts.problems.main"), ("preamble", "preamble.")]
)
async def test_f11_comments_on_the_text_part_or_preamble_field_shown(
    flow: Flow, step: str, where: str
) -> None:
    from tui.helpers import go_to_step

    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await open_from_desk(pilot, desk, "卫生健康委员会")
        await go_to_step(pilot, app, step)
        await pilot.pause()
        await pilot.press("f11")
        await until(pilot, showing(app, FormDialog), what="the comment dialog")
        await type_text(pilot, "请核实")
        await pilot.press("enter")
        path = flow.files["卫生健康委员会"]
        await until(pilot, lambda: len(comment_threads(path, load_report(path))) == 1, what="the comment")
        location = comment_threads(path, load_report(path))[0][0].comment.location
        assert location is not None and location.startswith(where), location


# ---------------------------------------------------------------------- the whole folder


async def test_x_writes_the_workbook(flow: Flow, tmp_path: Path) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        await desk_of(pilot, app)
        await pilot.press("x")
        assert isinstance(app.screen, PathDialog)
        await pilot.press("enter")
        workbook = tmp_path / "2024年汇总.xlsx"
        await until(pilot, workbook.is_file, what="the workbook is written")


async def test_p_publishes_what_is_approved_and_lists_what_it_held_back(flow: Flow, tmp_path: Path) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        await pilot.press("p")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("f2", "f2")  # PDF → Word → 网页 (no LibreOffice needed)
        await pilot.press("enter")
        await until(pilot, showing(app, ReadDialog), what="batch export's outcome")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog)
        assert dialog.title_text.startswith("已发布（已审核通过） 1 份报告")
        held = "\n".join(dialog.lines)
        assert "暂不发布 淮安市洪泽区人民政府办公室：退回修改（2条意见待处理）" in held
        assert "暂不发布 淮安市洪泽区卫生健康委员会：已报送，尚未审核通过" in held
        published = list((tmp_path / "2024年发布").glob("*.html"))
        assert sorted(p.name for p in published) == [
            "index.html",
            "淮安市洪泽区西顺河镇人民政府2024年政府信息公开工作年度报告.html",
        ]
        await pilot.press("escape")
        await until(pilot, lambda: any(r[0] == "已发布" for r in cells(desk)), what="the desk shows 已发布")


async def test_h_rolls_up_finished_work(flow: Flow, tmp_path: Path) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        await desk_of(pilot, app)
        await pilot.press("h")
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # to the unit's field
        await pilot.press("enter")  # empty: refused
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "洪泽区")
        await pilot.press("enter")
        await until(pilot, showing(app, ReadDialog), what="the roll-up's outcome")
        dialog = app.screen
        assert isinstance(dialog, ReadDialog)
        rolled = load_report(tmp_path / "2024年汇总报告.toml")
        assert rolled.unit == "洪泽区" and "汇总了" in dialog.title_text
        assert any(line.startswith("未汇总 淮安市洪泽区民政局：未提交") for line in dialog.lines)


async def test_n_writes_lists_and_clears_notices(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        await desk_of(pilot, app)
        await pilot.press("n")
        notices = app.screen
        assert isinstance(notices, NoticesScreen)
        await pilot.press("n")
        await type_text(pilot, "请按时报送")
        await pilot.press("enter")
        await type_text(pilot, "2099-01-15")
        await pilot.press("enter")
        assert [(n.text, n.until) for n in read_notices(flow.folder)] == [("请按时报送", date(2099, 1, 15))]
        assert app.screen is notices
        await pilot.press("d", "y")
        assert read_notices(flow.folder) == []
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_the_palette_has_the_desk_commands(flow: Flow) -> None:
    app = ReviewApp(flow.folder)
    async with app.run_test(size=SIZE) as pilot:
        desk = await desk_of(pilot, app)
        names = [name for name, _, _ in desk.palette_commands()]
        for wanted in (
            "提审核意见",
            "退回修改",
            "审核通过",
            "汇总表（Excel）",
            "批量导出（发布）",
            "汇总报告",
            "通知",
        ):
            assert wanted in names
