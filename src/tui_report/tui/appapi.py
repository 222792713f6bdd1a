"""What the screens may ask of the app, typed: ``report_app(self)`` instead of ``self.app.x()``
with ``type: ignore`` (the screens cannot import ``ReportApp``: the app imports them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui_report.model.report import Report
    from tui_report.session import OutsideChange
    from tui_report.tui.controller import Controller


class ReportAppAPI(Protocol):
    def open_path(self, path: Path, read_only: bool = False) -> None: ...

    def new_report_dialog(self, folder: Path, last: Report | None = None) -> None: ...

    def remember(self, path: Path) -> None: ...

    def close_report(self, controller: Controller) -> None: ...

    def start_export(self, controller: Controller) -> None: ...

    def resolve_outside_change(
        self, controller: Controller, change: OutsideChange, then: Callable[[], None] | None = None
    ) -> None: ...


def report_app(node: DOMNode) -> ReportAppAPI:
    """The running ``ReportApp`` of a screen or widget, as what screens may call."""
    return cast("ReportAppAPI", node.app)
