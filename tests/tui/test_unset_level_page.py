"""报告信息 of a report whose level is not chosen yet (an import that could not tell it, #21 item 4):
the level list starts at 未选择, the page is not complete and the findings say so until a level is
chosen; choosing one is undoable like any edit. At 80×24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import OptionList

from app_helpers import controller
from tui_report.model.progress import progress
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import make_app

from .conftest import SIZE
from .helpers import editor, go_to_step
from .test_page_keep import screen_text


def _meta_findings(app: App[Any]) -> list[str]:
    return [f.message for f in controller(app).findings if f.rule == "META"]


async def test_the_level_list_offers_unset_and_a_choice_clears_the_finding(full_copy: Path) -> None:
    report = load_report(full_copy)
    report.level = None
    save_report(report, full_copy)
    app = make_app(full_copy)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_step(pilot, app, "meta")
        levels = app.screen.query_one("#field-level", OptionList)
        assert levels.highlighted == 0
        option = levels.get_option_at_index(0)
        assert str(option.prompt) == "未选择"
        edit = controller(app)
        assert any("单位层级未填写" in m for m in _meta_findings(app))
        assert progress(edit.report, edit.findings).steps["meta"] == "partial"
        await pilot.press("tab", "tab")  # unit → year → the level list
        assert app.focused is levels
        await pilot.press("down", "down", "down", "enter")  # 未选择 → 省级 → 设区的市级 → 县级
        await pilot.pause()
        assert edit.report.level == "county"
        assert _meta_findings(app) == []
        assert progress(edit.report, edit.findings).steps["meta"] == "complete"
        await pilot.pause(0.6)
        shown = screen_text(app)  # the screen follows at once, not at the next page
        assert "*未保存" in shown and "[完]报告信息" in shown and "完成 12/12" in shown, (
            shown
        )  # the metadata is not counted
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert edit.report.level is None and levels.highlighted == 0
        assert any("单位层级未填写" in m for m in _meta_findings(app))
        assert editor(app).current == "meta"
