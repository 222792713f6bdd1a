"""Helpers for every folder's app tests (imported as ``from app_helpers import controller``)."""

from __future__ import annotations

from typing import Any

from textual.app import App

from tui_report.tui.controller import Controller


def controller(app: App[Any]) -> Controller:
    """The editing controller of a running ``ReportApp`` (fails the test when no report is open)."""
    found = getattr(app, "controller", None)
    assert isinstance(found, Controller), f"no report is open in the app (screen {app.screen!r})"
    return found
