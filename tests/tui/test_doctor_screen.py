"""Palette → 环境检查: the doctor's output for the open report's folder, in a screen."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tui_report.admin import doctor
from tui_report.tui.app import make_app
from tui_report.tui.screens.doctor import RUNNING, DoctorScreen
from tui_report.tui.widgets.wrapped import WrappedText

from .conftest import SIZE


async def test_palette_opens_the_doctor_for_the_reports_folder(
    full_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[Path | None] = []
    real = doctor.run_checks

    def quick(folder: Path | None, render: bool = True) -> list[doctor.Section]:
        checked.append(folder)
        return real(folder, render=False)  # the LibreOffice render has its own tests

    monkeypatch.setattr(doctor, "run_checks", quick)

    app = make_app(Path(full_copy.name))  # opened by a relative name, from its folder
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"环境检查")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        deadline = time.monotonic() + 60
        while not screen.output and time.monotonic() < deadline:
            await pilot.pause(0.05)
        await pilot.pause()
        assert not screen.query("#doctor-output")  # the "running" line is gone
        shown = [w.text for w in screen.query(WrappedText)]
        output = screen.output
        assert RUNNING not in shown and shown == [line.strip() for line in output.splitlines()]
        failed = [w.text for w in screen.query(".doctor-fail").results(WrappedText)]
        assert failed == [line.strip() for line in output.splitlines() if line.startswith("  ✗")]
        assert f"共享文件夹 {full_copy.parent.absolute()}" in output
        assert "结论：" in output
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)

    assert checked == [full_copy.parent.absolute()]
