"""A few SVG snapshots at 80×24. Logic is asserted in the Pilot tests; these catch layout changes.

Update after an intended change: ``pytest tests/tui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.app import make_app

from .conftest import SIZE
from .helpers import go_to_step


def test_start_screen(snap_compare: Any, full_copy: Path) -> None:
    assert snap_compare(make_app(None), terminal_size=SIZE)


def test_text_part(snap_compare: Any, full_copy: Path) -> None:
    app = make_app(full_copy)

    async def before(pilot: Pilot[Any]) -> None:
        await go_to_step(pilot, app, "text:overview.on_request")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_table_three(snap_compare: Any, full_copy: Path) -> None:
    report = load_report(full_copy)
    report.set_cell("requests", "results.disclosed.commercial", 21)  # an error marker to show
    save_report(report, full_copy)
    app = make_app(full_copy)

    async def before(pilot: Pilot[Any]) -> None:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("down", "down", "right")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_findings_list(snap_compare: Any, full_copy: Path) -> None:
    report = load_report(full_copy)
    report.set_cell("requests", "results.disclosed.commercial", 21)
    report.set_cell("proactive", "regulations.issued", None)
    report.texts.pop("overview.platform")
    save_report(report, full_copy)
    assert snap_compare(make_app(full_copy), terminal_size=SIZE, press=["f3"])


def test_help_on_a_table(snap_compare: Any, full_copy: Path) -> None:
    app = make_app(full_copy)

    async def before(pilot: Pilot[Any]) -> None:
        await go_to_step(pilot, app, "table:requests")
        await pilot.press("f1")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
