"""F9 in the app: the export dialog offers the sub-heading style (F2), exports with it and keeps
the choice as the report's [export] setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tui_report.tui.app import make_app
from tui_report.tui.screens.dialogs import ExportDialog

from .docx_reading import body_paragraph_texts, open_docx
from .export_helpers import EXAMPLES


@pytest.fixture
def report_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUI_REPORT_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "full.toml"
    shutil.copy(EXAMPLES / "full-2024.toml", target)
    return target


async def test_f9_dialog_switches_to_run_in_and_keeps_the_choice(report_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.docx"

    app = make_app(report_copy)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        line = dialog.query_one("#export-subheadings", Static)
        assert "单独成行" in str(line.render())
        await pilot.press("f2")
        assert "与正文接排" in str(line.render())
        dialog.query_one("#path", Input).value = str(out)
        await pilot.press("enter")
        await pilot.pause()
        controller = app.controller
        assert controller is not None
        assert controller.report.export.subheadings == "run-in"
        assert controller.session.dirty
        controller.session.close(discard=True)

    texts = body_paragraph_texts(open_docx(out.read_bytes()))
    assert any(t.startswith("（一）主动公开情况。全年通过") for t in texts)
