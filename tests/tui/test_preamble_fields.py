"""The preamble's fields at 80×24 (issue #23 item 7): a long value (编制依据) is shown whole,
wrapped by the Chinese line-start rules, not as the tail a one-line box shows; Enter goes on to the
next field; pasted lines are joined; F2 still fills in the suggestion; undo is the report's."""

from __future__ import annotations

from pathlib import Path

from textual import events

from app_helpers import controller
from tui_report.model.linebreak import NO_LINE_START
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.widgets.preamblepage import FieldArea, joined_lines

from .conftest import SIZE
from .helpers import editor, go_to_step, type_text

BASIS = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发"
    "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，结合本乡实际，编制本报告。"
)


def screen_lines(app: ReportApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_a_long_basis_is_shown_whole_in_its_field(dama_copy: Path) -> None:
    report = load_report(dama_copy)
    report.preamble["basis"] = BASIS
    save_report(report, dama_copy)

    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        field = app.focused
        assert isinstance(field, FieldArea) and field.id == "field-preamble-basis"
        await pilot.press("end")  # the cursor at the end, as after typing: the start stays in view
        await pilot.pause()
        rows = field.wrapped_document.lines[0]
        assert len(rows) >= 3 and "".join(rows) == BASIS
        assert field.size.height == len(rows)  # as tall as its value: nothing scrolled away
        shown = "\n".join(screen_lines(app))
        for row in rows:
            assert row.strip() in shown, row  # every line of the value is on the screen
            assert row[0] not in NO_LINE_START, row
        assert "根据《中华人民共和国政府信息公开条例》" in shown  # not only the tail


async def test_enter_goes_to_the_next_field_and_a_paste_stays_on_one_line(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        await type_text(pilot, "依据")
        await pilot.press("enter")
        field = app.focused
        assert isinstance(field, FieldArea) and field.id == "field-preamble-period"
        assert controller(app).report.preamble["basis"] == "依据"
        await pilot.press("f2")  # the suggested wording, as before
        assert field.text.startswith("本报告中所列数据的统计期限自2021年")
        await pilot.press("enter")
        address = app.focused
        assert isinstance(address, FieldArea)
        await pilot.press("enter")  # published_at → contact_address
        address = app.focused
        assert isinstance(address, FieldArea) and address.id == "field-preamble-contact_address"
        app.post_message(events.Paste("河南省开封市尉氏县\n大马乡人民政府\n"))  # as a terminal's paste
        await pilot.pause()
        assert address.text == "河南省开封市尉氏县大马乡人民政府"
        await pilot.press("tab")
        report = controller(app).report
        assert report.preamble["contact_address"] == "河南省开封市尉氏县大马乡人民政府"
        await pilot.press("ctrl+z")  # the report's undo, not the box's
        await pilot.pause()
        assert "contact_address" not in controller(app).report.preamble


def test_pasted_lines_are_joined_without_a_break() -> None:
    assert joined_lines("河南省开封市\n尉氏县\r\n") == "河南省开封市尉氏县"
    assert (
        joined_lines("http://www.weishi.gov.cn\n/col/index.html")
        == "http://www.weishi.gov.cn /col/index.html"
    )
    assert joined_lines("") == ""


async def test_a_read_only_report_keeps_its_preamble(dama_copy: Path) -> None:
    """Opened read-only (a colleague edits it): the fields show the values, typing, a paste and
    F2 change nothing."""
    from tui_report.session import EditSession

    app = ReportApp(EditSession.open(dama_copy, read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        field = app.focused
        assert isinstance(field, FieldArea) and field.read_only
        await type_text(pilot, "依据")
        app.post_message(events.Paste("粘贴\n两行"))
        await pilot.press("tab", "f2")  # 统计期限: the suggestion is not filled in either
        await pilot.pause()
        assert controller(app).report.preamble == load_report(dama_copy).preamble
        assert all(not box.text for box in app.screen.query(FieldArea))


async def test_a_finding_about_a_field_focuses_its_box(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        page = editor(app).deck.page
        assert page is not None
        page.go_to(field="preamble.phone")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "field-preamble-phone"
