"""A screen that reports are opened from and return to: the review desk.

A report opened from such a screen is shown above it (not instead of it), and closing the report —
关闭报告, Ctrl+Q, F10, or Esc at the editor's top level — comes back to it
(``ReportApp.after_close``). The app tells the two apart by this class only, so that it never
imports the desk itself.
"""

from __future__ import annotations

from textual.screen import Screen


class HomeScreen(Screen[None]):
    """Reports opened from this screen return to it when closed."""
