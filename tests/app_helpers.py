"""Helpers for every folder's app tests (imported as ``from app_helpers import controller``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

from tui_report.tui.controller import Controller


def controller(app: App[Any]) -> Controller:
    """The editing controller of a running ``ReportApp`` (fails the test when no report is open)."""
    found = getattr(app, "controller", None)
    assert isinstance(found, Controller), f"no report is open in the app (screen {app.screen!r})"
    return found


def showing(app: App[Any], kind: type[Screen[Any]]) -> Callable[[], bool]:
    """A condition for ``until``: the app shows a screen of ``kind``, composed and mounted.

    A pushed screen is ``app.screen`` at once, while its widgets are still being mounted: a
    test that queries it then finds nothing, and its exit shuts the app down mid-mount."""
    return lambda: isinstance(app.screen, kind) and app.screen.is_mounted
