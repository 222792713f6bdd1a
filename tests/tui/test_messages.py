"""Messages shown whole: the status line and the findings list wrap Chinese by character (no line
starts with closing punctuation), grow as needed, are redrawn after dialogs and cleared when stale."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region

from app_helpers import controller
from tui_report.model.linebreak import NO_LINE_START, cells
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.widgets.tablepage import TablePage
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE
from .helpers import editor, go_to_step, grid, type_text


def shown_lines(widget: WrappedText) -> list[str]:
    """The lines as painted on the screen (not the model's text)."""
    width = widget.content_size.width
    return [
        "".join(segment.text for segment in widget.render_line(y)).rstrip()
        for y in range(widget.content_size.height)
    ][: len(widget.lines(width))]


async def test_a_whole_r1_message_in_the_status_line_at_80x24(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        assert g.glayout is not None
        await pilot.press("9", "9", "9", "enter", "up")  # 一·自然人 off by 999 - old: R1 breaks
        await pilot.pause()
        page = editor(app).page
        assert isinstance(page, TablePage)
        findings = [f for f in controller(app).findings if f.rule == "R1"]
        assert findings, "the typed value should break R1"
        info = page.query_one("#cell-info", WrappedText)
        message = next(f.message for f in findings if "自然人" in f.message)
        assert message in info.text
        lines = shown_lines(info)
        assert "".join(lines).replace(" ", "") == info.text.replace(" ", "")
        assert all(cells(line) <= info.content_size.width for line in lines)
        assert not any(line[:1] in NO_LINE_START for line in lines[1:])
        # After a dialog (the palette) the status is whole again, and a fix clears it.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert message in info.text
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "[错误]" not in info.text


async def test_moving_off_a_long_message_does_not_move_the_grid(dama_copy: Path) -> None:
    """The message lines keep the height of the longest message while the page is shown: a
    shrink would give the grid a new size, and the terminal would get the whole grid again."""

    app = make_app(dama_copy)  # no requests at all: every 表三 cell is 0
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        assert g.glayout is not None
        g.go_to_cell("results.disclosed.natural")
        for value in ("12", "7", "30"):  # results without requests: one long message
            await type_text(pilot, value)
            await pilot.press("enter")
        await pilot.press("up")
        await pilot.pause()
        page = editor(app).page
        assert isinstance(page, TablePage)
        info = page.query_one("#cell-info", WrappedText)
        assert "[错误]" in info.text
        tall, grid_height = info.size.height, g.size.height
        assert tall > 2, info.text
        await pilot.press("right", "right")  # to cells with a one-line hint
        await pilot.pause()
        assert "[错误]" not in info.text
        assert shown_lines(info)[0] == info.text
        assert (info.size.height, g.size.height) == (tall, grid_height)


def test_line_breaking_keeps_punctuation_off_line_starts() -> None:
    from tui_report.model.linebreak import wrap

    text = "自然人列：一+二=3035，三(七)+四=3036，相差1。本年新收申请数量与上年结转之和，应等于办理结果总数。（请核对）"
    for width in range(8, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(cells(line) <= width for line in lines)
        assert not any(line[:1] in NO_LINE_START for line in lines[1:]), (width, lines)
        assert not any(line.endswith(("（", "“")) for line in lines), (width, lines)
    assert wrap("金额 1,234.56 万元", 9) == ["金额", "1,234.56", "万元"]


async def test_the_findings_list_shows_each_message_whole(full_copy: Path) -> None:
    from textual.widgets import OptionList

    from tui_report.tui.screens.findings import FindingsScreen

    app = make_app(full_copy)
    async with app.run_test(size=(60, 20)) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await type_text(pilot, "999")
        await pilot.press("enter", "f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        options = screen.query_one("#findings", OptionList)
        width = options.scrollable_content_region.width
        for index, finding in enumerate(screen.findings):
            prompt = str(options.get_option_at_index(index).prompt)
            lines = prompt.split("\n")
            assert all(cells(line) <= width for line in lines), lines
            assert finding.message in "".join(line.strip() for line in lines)
            assert not any(line.strip()[:1] in NO_LINE_START for line in lines[1:]), lines


async def test_read_only_offers_save_as_and_wraps_its_banner(full_copy: Path) -> None:
    from textual.widgets import Footer

    from tui_report.session import EditSession
    from tui_report.tui.app import ReportApp
    from tui_report.tui.screens.dialogs import PathDialog

    reason = "该文件夹不允许你保存（权限不足），请另存为到自己的文件夹，或请管理员把你加入报告组，" * 2
    app = ReportApp(EditSession.open(full_copy, read_only=True), note=reason)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = app.screen.query_one("#banner", WrappedText)
        assert reason.strip() in banner.text and banner.size.height >= 3  # wrapped, not cut
        footer_keys = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert "另存为" in footer_keys and "保存" not in footer_keys
        assert app.screen.query_one(Footer)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)


async def test_new_report_suggests_a_chinese_file_name(tmp_path: Path) -> None:
    from textual.widgets import Input

    from tui_report.tui.screens.dialogs import NewReportDialog

    app = make_app(None, cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NewReportDialog)
        await type_text(pilot, "某某乡人民政府")  # the unit, typed key by key
        await pilot.pause()
        year = dialog.query_one("#new-year", Input).value
        assert dialog.query_one("#new-file", Input).value == f"某某乡人民政府{year}年报.toml"


async def test_ctrl_home_and_ctrl_end_in_a_long_text(full_copy: Path) -> None:
    from textual.widgets import TextArea

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "text:overview.summary")
        box = app.focused
        assert isinstance(box, TextArea)
        box.load_text("很长的一段文字。" * 700)  # about 5,600 characters
        await pilot.press("ctrl+end")
        assert box.cursor_location == box.document.end
        await pilot.press("ctrl+home")
        assert box.cursor_location == (0, 0)


async def test_the_saved_mark_is_true(full_copy: Path) -> None:
    from tui_report.tui.widgets.preamblepage import FieldArea

    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        screen = editor(app)
        field = app.focused
        assert isinstance(field, FieldArea)
        await pilot.press("end", "x")  # typing, not yet committed
        await pilot.pause()
        assert "*未保存" in screen._title_text
        await pilot.press("backspace")  # typed back to the saved text
        await pilot.pause()
        assert "已保存" in screen._title_text
        await pilot.press("end", "y", "tab")  # committed
        await pilot.press("ctrl+z")  # undone back to the saved content
        await pilot.pause()
        assert "已保存" in screen._title_text and not controller(app).session.dirty


async def test_a_narrow_window_gives_a_table_the_room(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=(60, 20)) as pilot:
        screen = editor(app)
        side = screen.query_one("#side")
        await go_to_step(pilot, app, "table:requests")
        assert not side.display
        await pilot.press("f6")
        assert side.display  # F6 still toggles
        await go_to_step(pilot, app, "text:problems.main")
        assert side.display


def toast_lines(app: ReportApp) -> list[list[str]]:
    """Each toast on the screen, as its painted lines."""
    from textual.widgets._toast import Toast

    shown = []
    for toast in app.screen.query(Toast):
        strips = toast.render_lines(Region(0, 0, toast.region.width, toast.region.height))
        shown.append(["".join(s.text for s in strip).strip() for strip in strips if strip.text.strip()])
    return shown


async def test_a_toast_breaks_at_phrase_boundaries(full_copy: Path) -> None:
    """Textual folded 已恢复 1 处修改… at its last space: 已恢复 1 / 处修改… ."""
    app = make_app(full_copy)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify("已恢复 1 处修改，请检查后保存（Ctrl+S）", timeout=30)
        app.notify(
            "表“收到和处理政府信息公开申请情况”已把12个空格填为0，共涉及三(三)、三(四)两组，Ctrl+Z 可撤销。",
            timeout=30,
        )
        await pilot.pause(0.2)
        recovered, filled = toast_lines(app)
    assert recovered == ["已恢复 1 处修改，请检查后保存", "（Ctrl+S）"]
    assert len(filled) > 1
    for line in recovered + filled:
        assert line[0] not in NO_LINE_START, line
    assert "".join(filled).replace(" ", "") == (
        "表“收到和处理政府信息公开申请情况”已把12个空格填为0，共涉及三(三)、三(四)两组，Ctrl+Z可撤销。"
    )


async def test_a_toast_keeps_brackets_of_plain_text(full_copy: Path) -> None:
    app = make_app(full_copy)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        app.notify("已保存：/srv/[2025]/大马乡.toml", markup=False, timeout=30)
        await pilot.pause(0.2)
        (lines,) = toast_lines(app)
    assert "".join(lines) == "已保存：/srv/[2025]/大马乡.toml"
