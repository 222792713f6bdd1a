"""A page change repaints the page, the section list lines that changed and the footer only when its
keys change: never the whole screen, never the whole section list (#11: bytes per page change)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tui_report.tui.app import make_app
from tui_report.tui.textual_compat import QuietFooter
from tui_report.tui.widgets.sections import SectionList

from .conftest import SIZE
from .helpers import editor, go_to_step


def spy_refresh(monkeypatch: pytest.MonkeyPatch, *widgets: Widget) -> dict[Widget, list[tuple[Region, ...]]]:
    """The regions of each repaint these widgets ask Textual for (an empty tuple: the whole
    widget), as they reach ``Widget.refresh``."""
    calls: dict[Widget, list[tuple[Region, ...]]] = {widget: [] for widget in widgets}
    original = Widget.refresh

    def refresh(self: Widget, *regions: Region, **kwargs: Any) -> Widget:
        if self in calls and kwargs.get("repaint", True):
            calls[self].append(regions)
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", refresh)
    return calls


async def test_page_change_repaints_two_section_lines_not_the_screen(
    dama_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        await go_to_step(pilot, app, "text:overview.summary")
        sections = screen.query_one(SectionList)
        before = sections.highlighted
        assert before is not None
        calls = spy_refresh(monkeypatch, screen, sections)
        screen_calls, section_calls = calls[screen], calls[sections]
        await pilot.press("pagedown")
        await pilot.pause()
        keys = [step.key for step in screen.steps]
        assert screen.current == keys[keys.index("text:overview.summary") + 1]
        after = sections.highlighted
        assert after == sections.get_option_index(screen.current)
        assert () not in screen_calls  # the focus moved; the screen was not repainted whole
        assert section_calls and () not in section_calls
        lines = {region.y for regions in section_calls for region in regions}
        assert lines == {before, after}
        # What an operator sees: the pointer and the highlight moved together.
        assert str(sections.get_option_at_index(after).prompt).startswith(">")
        assert not str(sections.get_option_at_index(before).prompt).startswith(">")


async def test_footer_is_rebuilt_only_when_its_keys_change(
    dama_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        await go_to_step(pilot, app, "text:overview.summary")
        footer = screen.query_one(QuietFooter)
        rebuilt: list[int] = []
        original = footer.recompose

        async def recompose() -> None:
            rebuilt.append(1)
            await original()

        monkeypatch.setattr(footer, "recompose", recompose)
        await pilot.press("pagedown")  # another text part: the same keys
        await pilot.pause()
        assert rebuilt == []
        await go_to_step(pilot, app, "table:requests")  # a table lists F4 填0
        await pilot.pause()
        assert rebuilt
        assert any("填0" in str(key.render()) for key in footer.children)


async def test_the_section_pointer_moves_before_the_new_page_is_mounted(
    dama_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Over a thin link the two lines of the section list arrive first: the operator sees where
    # the key goes while the page is still being built.
    app = make_app(dama_copy)
    async with app.run_test(size=SIZE) as pilot:
        screen = editor(app)
        await go_to_step(pilot, app, "text:overview.summary")
        sections = screen.query_one(SectionList)
        seen: list[tuple[int | None, str]] = []
        original = type(screen)._page_for

        async def page_for(self: Any, step: Any) -> Any:
            seen.append(
                (
                    sections.highlighted,
                    str(sections.get_option_at_index(sections.get_option_index(step.key)).prompt),
                )
            )
            return await original(self, step)

        monkeypatch.setattr(type(screen), "_page_for", page_for)
        await pilot.press("pagedown")
        await pilot.pause()
        target = sections.get_option_index(screen.current)
        assert seen and seen[0][0] == target
        assert seen[0][1].startswith(">")
