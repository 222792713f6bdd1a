"""Pages not shown are taken down (only the current and the previous one stay mounted) and come
back as the operator left them: nothing typed is lost, the cursor, the focus and the scroll
position are where they were (#11: peak RSS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from app_helpers import controller
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import ReportApp, make_app
from tui_report.tui.widgets.page import Page, PageView
from tui_report.tui.widgets.pagedeck import KEPT_PAGES, new_page, view_of
from tui_report.tui.widgets.preamblepage import FieldArea

from .conftest import SIZE
from .helpers import editor, go_to_step, grid, type_text

LONG_TEXT = "\n".join(f"第{i}段：本机关按照要求做好政府信息公开工作。" for i in range(1, 61))


@pytest.fixture
def long_text_copy(dama_copy: Path) -> Path:
    report = load_report(dama_copy)
    report.texts["overview.summary"] = LONG_TEXT
    save_report(report, dama_copy)
    return dama_copy


def mounted_pages(app: ReportApp) -> list[Page]:
    return list(editor(app).switcher.query_children(Page))


async def away_and_back(pilot: Pilot[Any], app: ReportApp, away: int = 3) -> None:
    """PgDn ``away`` times (far enough for the page to be taken down), then PgUp back."""
    screen = editor(app)
    start = screen.current
    await pilot.press(*["pagedown"] * away)
    await pilot.pause()
    assert start not in {page.step.key for page in mounted_pages(app)}  # taken down
    await pilot.press(*["pageup"] * away)
    await pilot.pause()
    assert screen.current == start


def screen_text(app: ReportApp) -> str:
    """The characters on the screen, line by line (as a terminal would show them)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def focused_text_area(app: ReportApp) -> TextArea:
    focused = app.focused
    assert isinstance(focused, TextArea), focused
    return focused


async def test_only_the_current_and_the_previous_page_stay_mounted(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        await go_to_step(pilot, app, "meta")
        for _ in range(6):
            await pilot.press("pagedown")
            await pilot.pause()
            keys = {page.step.key for page in mounted_pages(app)}
            assert screen.current in keys
            assert len(keys) <= KEPT_PAGES
        before = screen.current
        previous = mounted_pages(app)
        await pilot.press("pageup")  # the previous page is still there: not mounted again
        await pilot.pause()
        assert any(page in previous for page in mounted_pages(app) if page.step.key == screen.current)
        assert screen.current != before


async def test_text_typed_cursor_and_scroll_survive_leaving_a_text_part(long_text_copy: Path) -> None:
    app = make_app(long_text_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "text:overview.summary")
        page = editor(app).page
        box = focused_text_area(app)
        await pilot.press("ctrl+end")
        await type_text(pilot, "abc")
        await pilot.press("up", "up", "left")
        await pilot.pause()
        cursor, scroll = box.cursor_location, box.scroll_offset
        assert scroll.y > 0  # the end of a 60-line text is scrolled into view
        await away_and_back(pilot, app)
        assert editor(app).page is not page  # mounted anew
        box = focused_text_area(app)
        assert app.controller is not None
        assert app.controller.report.texts["overview.summary"] == LONG_TEXT + "abc"
        assert box.text == LONG_TEXT + "abc"
        assert box.cursor_location == cursor
        assert box.scroll_offset == scroll
        # And on the screen: the line with the text just typed is shown.
        shown = screen_text(app)
        assert "第60段" in shown and "abc" in shown


async def test_a_cell_typed_but_not_committed_and_the_cursor_survive(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        g = grid(app)
        await pilot.press("down", "down", "right", "right")
        await type_text(pilot, "7")  # overwriting, not committed yet
        await pilot.pause()
        assert g.mode is not None
        cell, where = g.cell_id, (g.row, g.col)
        await away_and_back(pilot, app, away=2)
        again = grid(app)
        assert again is not g  # mounted anew
        assert app.controller is not None
        assert app.controller.report.entered("requests", cell) == 7
        assert (again.row, again.col) == where and again.cell_id == cell
        assert again.mode is None


async def test_a_form_field_being_typed_keeps_focus_and_cursor(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "preamble")
        await pilot.press("tab", "tab")
        field = app.focused
        assert isinstance(field, FieldArea) and field.id
        await pilot.press("end")
        await type_text(pilot, "xyz")
        await pilot.press("left")
        await pilot.pause()
        value, cursor, field_id = field.text, field.cursor_location, field.id
        await away_and_back(pilot, app, away=2)
        again = app.focused
        assert isinstance(again, FieldArea) and again is not field
        assert again.id == field_id
        assert again.text == value and again.cursor_location == cursor
        assert app.controller is not None
        key = field_id.removeprefix("field-preamble-")
        assert app.controller.report.preamble[key] == value


async def test_a_year_the_model_refused_is_still_there_with_its_mark(dama_copy: Path) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "meta")
        assert app.controller is not None
        year = app.controller.report.year
        await pilot.press("tab")
        field = app.focused
        assert isinstance(field, Input) and field.id == "field-year"
        await pilot.press("end", "backspace", "x")
        await pilot.pause()
        assert field.has_class("-invalid")
        await away_and_back(pilot, app, away=2)
        again = app.screen.query_one("#field-year", Input)
        assert again is not field
        assert again.value == str(year)[:-1] + "x"
        assert again.has_class("-invalid")
        assert app.controller.report.year == year  # never stored


@pytest.mark.parametrize(("keys", "scrolled"), [(["down"] * 4, False), (["down"] * 15 + ["right"] * 6, True)])
async def test_a_table_comes_back_scrolled_as_it_was_left(
    dama_copy: Path, keys: list[str], scrolled: bool
) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press(*keys)
        await pilot.pause()
        g = grid(app)
        view, shown = (g.row, g.col, g.row_offset, g.x_offset), screen_text(app)
        assert (g.row_offset > 0 or g.x_offset > 0) == scrolled
        await away_and_back(pilot, app, away=2)
        again = grid(app)
        assert again is not g
        assert (again.row, again.col, again.row_offset, again.x_offset) == view
        assert screen_text(app) == shown


async def test_a_page_left_before_it_was_composed_keeps_its_view(dama_copy: Path) -> None:
    """PgDn pressed again while a text part was still being mounted (a loaded server) took its
    view from widgets it did not have yet: NoMatches('#text-editor') ended the app."""
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        step = next(s for s in screen.steps if s.kind == "text")
        page = new_page(controller(app), step)  # not composed
        assert not page.built
        assert view_of(page) == PageView()
        page.saved_view = PageView(focus="text-editor")
        screen.deck.leave(page)  # no flush of what it never showed
        assert screen.deck.views[step.key] == PageView(focus="text-editor")
        await pilot.pause()


@pytest.mark.parametrize("kind", ["text", "table", "meta", "preamble"])
async def test_a_page_half_composed_is_not_built(dama_copy: Path, kind: str) -> None:
    """A page's containers are mounted before their contents: a text part left at that moment had
    children but no '#text-editor', so leaving it (PgDn pressed seven times at once in tmux on a
    loaded machine) ended the app with NoMatches. A page is built only when every widget its
    flush and view use exists."""
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        step = next(s for s in screen.steps if s.kind == kind)
        await go_to_step(pilot, app, step.key)
        page = screen.deck.page
        assert page is not None and page.built
        needed = page.query(FieldArea).last() if kind == "preamble" else page.query_one(page.NEEDS[0])
        await needed.remove()
        assert not page.built
        page.saved_view = PageView(focus="kept")
        screen.deck.leave(page)  # neither flush nor view asks for what is not there
        assert screen.deck.views[step.key] == PageView(focus="kept")
        await pilot.pause()
