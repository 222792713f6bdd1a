"""What the screens and the safety flows may ask of the app, typed.

The screens cannot import ``ReportApp`` (the app imports them), so they reach it through
:func:`report_app`, which returns the app as :class:`ReportAppAPI`: ``report_app(self).open_path(p)``
instead of ``self.app.open_path(p)`` with a ``type: ignore``. :class:`SessionHost` is the smaller
part the safety flows (``tui/safety_flows.py``) need: which report is open, and how to show a
session. Nothing here imports a module of ``tui_report.tui`` at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from tui_report.model.report import Report
    from tui_report.session import EditSession, OutsideChange
    from tui_report.tui.controller import Controller


class SessionHost(Protocol):
    """The app as the safety flows see it: the open report and the ways to show a session."""

    controller: Controller | None

    def open_path(self, path: Path, read_only: bool = False) -> None: ...

    def edit_session(self, session: EditSession, note: str = "", step: str | None = None) -> None:
        """Show ``session`` in a new editor (closing the one open before, if another)."""
        ...

    def rebuild_session(self, session: EditSession) -> None:
        """Show the same session again after its report object was replaced (recover, reload, merge)."""
        ...


class ReportAppAPI(SessionHost, Protocol):
    """Everything a screen may call on the app."""

    cwd: Path  # where the app was started (the start screen's folder)

    def show_journal_problem(self, session: EditSession) -> None:
        """Say once when the recovery journal cannot be written (the editor asks after each
        change of its status)."""
        ...

    def new_report_dialog(self, folder: Path, last: Report | None = None) -> None: ...

    def remember(self, path: Path) -> None: ...

    def from_desk(self) -> bool:
        """Whether the report shown was opened from the review desk (closing it goes back there)."""
        ...

    def close_report(self, controller: Controller) -> None:
        """Close the report (asking about unsaved edits), then :meth:`after_close`."""
        ...

    def start_export(self, controller: Controller) -> None: ...

    def resolve_outside_change(
        self, controller: Controller, change: OutsideChange, then: Callable[[], None] | None = None
    ) -> None: ...


def report_app(node: DOMNode) -> ReportAppAPI:
    """The running ``ReportApp`` of a screen or widget, as what screens may call."""
    return cast("ReportAppAPI", node.app)
