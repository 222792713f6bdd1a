"""The Textual internals that ``tui/textual_compat.py`` relies on are still there and still work.

When a Textual upgrade breaks one of these, adapt (or drop) the workaround in that module.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.segment import Segment
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.reactive import Reactive
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, OptionList

from tui_report.tui import textual_compat
from tui_report.tui.widgets.wrapped import changed_span


def render(
    chops: list[dict[int, Strip | None]], spans: list[tuple[int, int, int]], ends: list[list[int]]
) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=80)
    return ChopsUpdate(chops, spans, ends).render_segments(console)


ROW = Strip([Segment("标签文字 "), Segment("     0"), Segment("    12"), Segment("     3")])  # x 19..42


def test_installed() -> None:
    textual_compat.install()
    assert ScrollBar.renderer is textual_compat.PlainScrollBarRender
    assert ChopsUpdate.render_segments is textual_compat.render_spans


def test_a_changed_cell_is_sent_without_the_row_left_of_it() -> None:
    textual_compat.install()
    out = render([{0: None, 19: ROW}], [(0, 34, 40)], [[19, 80]])
    assert out == "\x1b[1;35H    12"


def test_a_span_starting_inside_a_wide_character_starts_at_the_character() -> None:
    textual_compat.install()
    out = render([{0: None, 19: ROW}], [(0, 22, 24)], [[19, 80]])
    assert out == "\x1b[1;22H签文"  # 标 19-20, 签 21-22, 文 23-24: x 22..24 is within 签文


def test_spans_on_two_lines() -> None:
    textual_compat.install()
    out = render([{19: ROW}, {19: ROW}], [(0, 28, 34), (1, 19, 21)], [[80], [80]])
    assert out == "\x1b[1;29H     0\n\x1b[2;20H标"


def test_footer_still_has_the_reactive_the_first_frame_workaround_sets() -> None:
    assert isinstance(Footer._bindings_ready, Reactive)
    footer = textual_compat.footer_listing_keys(Footer())
    assert footer._bindings_ready is True


def test_changed_span_cuts_at_whole_characters() -> None:
    assert changed_span("三、甲 | 自然人", "三、甲 | 法人", 20) == (9, 15)
    assert changed_span("same", "same", 10) == (10, 10)  # nothing to repaint
    assert changed_span("一二三", "一四三", 8) == (2, 4)


async def test_footer_still_rebuilds_through_bindings_changed() -> None:
    # QuietFooter skips Footer.bindings_changed when its keys did not change: that is only worth
    # anything while Textual's Footer still learns of new bindings through that method (it
    # subscribes it to the screen's bindings signal on mount). Once Textual stops calling it, a
    # QuietFooter would never rebuild: this fails first.
    calls: list[object] = []

    class Counting(textual_compat.QuietFooter):
        def bindings_changed(self, screen: Screen[object]) -> None:
            calls.append(screen)
            super().bindings_changed(screen)

    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield Counting()

    app = Probe()
    async with app.run_test() as pilot:
        calls.clear()
        app.screen.refresh_bindings()
        await pilot.pause()
        assert calls, "Footer.bindings_changed is no longer called when the bindings change"


def test_screen_focus_still_repaints_the_whole_screen_by_default() -> None:
    # QuietFocusScreen declares Screen.focused again without the repaint; when Textual stops
    # repainting on focus (or renames the reactive), that declaration can go.
    assert isinstance(Screen.focused, Reactive) and Screen.focused._repaint
    assert "focused" in Screen._reactives
    assert not textual_compat.QuietFocusScreen.focused._repaint

    from tui_report.tui.screens.editor import EditorScreen

    assert issubclass(EditorScreen, textual_compat.QuietFocusScreen)


async def test_option_list_highlight_and_prompts_repaint_their_lines_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # LineRepaintOptionList relies on Textual calling the private watcher _watch_highlighted, on
    # OptionList.highlighted being a reactive, and on replace_option_prompt_at_index repainting
    # through refresh() with no regions.
    assert isinstance(OptionList.highlighted, Reactive)
    refreshed: list[tuple[Region, ...]] = []
    widget_refresh = Widget.refresh

    class Lines(textual_compat.LineRepaintOptionList):
        pass

    def spy(self: Widget, *regions: Region, **kwargs: bool) -> Widget:
        if isinstance(self, Lines):  # what reaches Textual's own refresh
            refreshed.append(regions)
        return widget_refresh(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", spy)

    class Probe(App[None]):
        def compose(self) -> ComposeResult:
            yield Lines(*(f"第{i}项" for i in range(6)))

    app = Probe()
    async with app.run_test() as pilot:
        options = app.query_one(Lines)
        await pilot.pause()
        refreshed.clear()
        options.highlighted = 3
        # The line it left (0) and the one it reached (3), nothing else.
        assert refreshed and all(regions and all(r.height == 1 for r in regions) for regions in refreshed)
        assert {r.y for regions in refreshed for r in regions} == {0, 3}
        refreshed.clear()
        with options.repainting_only([4]):
            options.replace_option_prompt_at_index(4, "新的第4项")
        whole = [r for r in refreshed if not r]
        assert refreshed and not whole, "a prompt replaced repainted the whole list"


def test_a_piece_the_terminal_already_shows_is_not_sent_again() -> None:
    textual_compat.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=80)
    update = ChopsUpdate([{0: None, 19: ROW}], [(0, 34, 40)], [[19, 80]])
    assert update.render_segments(console) == "\x1b[1;35H    12"
    assert update.render_segments(console) == ""  # the same cells, the same text: nothing
    changed = Strip([Segment("标签文字 "), Segment("     0"), Segment("    13"), Segment("     3")])
    assert ChopsUpdate([{0: None, 19: changed}], [(0, 34, 40)], [[19, 80]]).render_segments(console) == (
        "\x1b[1;35H    13"
    )
    # A wider piece over those cells replaces what was remembered of them.
    wide = ChopsUpdate([{0: None, 19: ROW}], [(0, 19, 46)], [[19, 80]])
    assert wide.render_segments(console) == "\x1b[1;20H标签文字      0    12     3"
    assert wide.render_segments(console) == ""
    assert update.render_segments(console) == "\x1b[1;35H    12"  # not remembered on its own
    # Another console (another app, another terminal) remembers nothing of this one.
    other = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=80)
    assert update.render_segments(other) == "\x1b[1;35H    12"


def test_a_full_update_forgets_what_partial_updates_sent() -> None:
    textual_compat.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=80)
    update = ChopsUpdate([{0: None, 19: ROW}], [(0, 34, 40)], [[19, 80]])
    assert update.render_segments(console)
    LayoutUpdate([[Strip([Segment(" " * 80)])]], Region(0, 0, 80, 1)).render_segments(console)
    assert update.render_segments(console) == "\x1b[1;35H    12"  # the screen was cleared: again


def test_no_new_line_after_a_line_whose_pieces_were_all_left_out() -> None:
    # A stray new line at the bottom of the screen would scroll the terminal.
    textual_compat.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system=None, width=80)
    first = ChopsUpdate([{19: ROW}, {19: ROW}], [(0, 28, 34), (1, 19, 21)], [[80], [80]])
    first.render_segments(console)
    changed = Strip([Segment("标签文字 "), Segment("     9"), Segment("    12"), Segment("     3")])
    again = ChopsUpdate([{19: ROW}, {19: changed}], [(0, 28, 34), (1, 28, 34)], [[80], [80]])
    assert again.render_segments(console) == "\x1b[2;29H     9"


async def test_a_text_box_never_starts_a_line_with_closing_punctuation() -> None:
    """Textual folds a run of Chinese exactly at the box's edge: at 20 cells a line began with "，"."""
    from textual.document import _wrapped_document
    from textual.widgets import TextArea

    from tui_report.model.linebreak import NO_LINE_START

    textual_compat.install()
    assert _wrapped_document.compute_wrap_offsets is textual_compat.chinese_wrap_offsets  # type: ignore[attr-defined]
    text = "我们今年的工作做得很好，达到了很高的水平。明年也要继续努力，争取更好成绩。"

    class Box(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(text, soft_wrap=True, show_line_numbers=False)

    app = Box()
    async with app.run_test(size=(24, 12)) as pilot:
        box = app.query_one(TextArea)
        await pilot.pause()
        lines = box.wrapped_document.lines[0]
        assert len(lines) > 2 and "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines[1:]), lines
        box.insert("的", (0, 9))  # edited: the line is wrapped again (wrap_range), by the same rules
        await pilot.pause()
        lines = box.wrapped_document.lines[0]
        assert all(line[0] not in NO_LINE_START for line in lines[1:]), lines
    # A tab's width depends on where it falls: Textual's own offsets.
    assert textual_compat.chinese_wrap_offsets("a\tb", 4, 4) == compute_textual("a\tb", 4, 4)


def compute_textual(text: str, width: int, tab: int) -> list[int]:
    from textual._wrap import compute_wrap_offsets

    return compute_wrap_offsets(text, width, tab)


def test_the_palette_still_shows_no_matches_through_the_method_replaced() -> None:
    """ChinesePalette replaces ``_start_no_matches_countdown`` and uses the timer, flag and id of
    Textual's palette: they must still be there (the Chinese text itself: test_operator_words)."""
    import inspect

    from textual.command import CommandPalette

    source = inspect.getsource(CommandPalette)
    assert "def _start_no_matches_countdown(self, search_value: str)" in source
    assert "No matches found" in inspect.getsource(CommandPalette._start_no_matches_countdown)
    for name in ("_stop_no_matches_countdown", "_NO_MATCHES", "_NO_MATCHES_COUNTDOWN", "_list_visible"):
        assert hasattr(CommandPalette, name), name
    assert textual_compat.ChinesePalette._start_no_matches_countdown is not (
        CommandPalette._start_no_matches_countdown
    )


def test_no_control_character_of_a_text_is_sent() -> None:
    """A text box shows a report's text as it is: an ESC, BEL or U+202E in it never reaches the
    terminal (left out: they take no cell), an undecodable byte of a file name goes as ``?``; the
    styles' own sequences stay."""
    from rich.style import Style

    textual_compat.install()
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", width=80)
    strip = Strip(
        [Segment("甲\x1b]0;evil\x07", Style(bold=True)), Segment("\u202e乙\udcff", None), Segment("丙", None)]
    )
    sent = strip.render(console)
    assert sent == "\x1b[1m甲]0;evil\x1b[0m乙?丙"
    assert strip.render(console) == sent  # kept, as Textual keeps it
    assert Strip([Segment("甲乙", None)]).render(console) == "甲乙"


async def test_a_table_of_set_width_columns_gets_the_size_without_measuring_each_cell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # FixedColumnsTable replaces DataTable._update_dimensions for set-width columns: the same
    # scrollable size as Textual's method, without one measure per cell. When Textual renames
    # the method (or the attributes it reads), this fails.
    from textual.widgets import DataTable, _data_table

    measured: list[object] = []
    real_measure = _data_table.measure  # type: ignore[attr-defined]

    def counted(*args: object, **kwargs: object) -> int:
        measured.append(args[1])
        return real_measure(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_data_table, "measure", counted)

    class Tables(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="textual")
            yield textual_compat.FixedColumnsTable(id="fixed")

    app = Tables()
    async with app.run_test(size=(80, 24)) as pilot:
        tables = [app.query_one("#textual", DataTable), app.query_one("#fixed", DataTable)]
        for table in tables:
            table.add_column("单位", width=12)
            table.add_column("状态", width=6)
            for i in range(40):
                table.add_row(f"第{i}号单位", "已完成")
        await pilot.pause()
        textual_table, fixed = tables
        assert fixed.virtual_size == textual_table.virtual_size
        assert fixed.virtual_size.height == 41  # the header and 40 rows
        assert len(measured) >= 80  # Textual's own method measured every cell of its table
        measured.clear()
        fixed.add_row("另一单位", "填报中")
        await pilot.pause()
        assert measured == []
        assert fixed.virtual_size.height == 42
        fixed.add_column("自适应")  # a column without a width: Textual's own method again
        fixed.add_row("再一单位", "填报中", "宽宽宽宽宽宽宽宽")
        await pilot.pause()
        assert measured != []
