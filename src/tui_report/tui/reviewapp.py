"""``tui-report review DIR`` on a terminal: the app with the review desk as its home screen.

The desk itself is a screen (``screens/review.py``) that the start screen also opens (V); this is
the app around it when the desk is where the reviewer starts. It differs from ``ReportApp`` in two
places only: the default screen, and where closing a report goes (:meth:`ReviewApp.after_close`).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from textual.screen import Screen

from tui_report.review.deskread import EarlyReading, start_reading
from tui_report.tui.app import ReportApp, locale_warning
from tui_report.tui.screens.review import ReviewScreen

RESUME_CHECK_SECONDS = 0.2
RESUME_AFTER_ROWS_SECONDS = 1.0  # with the desk's keeping of its reading (screens/review.py)


class ReviewApp(ReportApp):
    """The app with the review desk as its home screen."""

    CSS_PATH = str(Path(__file__).resolve().parent / "app.tcss")  # the app's, beside app.py

    def __init__(
        self,
        folder: Path,
        roster: Path | None = None,
        year: int | None = None,
        banner: str = "",
        reading: EarlyReading | None = None,
    ) -> None:
        super().__init__(None, cwd=folder, banner=banner)
        self.folder = folder
        self.roster = roster
        self.year = year
        self.desk: ReviewScreen | None = None
        # The cyclic collector pauses from here until a moment after the first rows are shown
        # (the app's start-up and the reading's ~500 results would be scanned again and again);
        # the pool's processes, forked now, run without it (they live for one reading).
        self._paused_collector = gc.isenabled()
        gc.disable()
        # Reading the folder starts now at the latest, while the app starts (and before it has
        # threads of its own that a fork of the reader pool would copy); ``tui-report review``
        # starts it before loading the app's code.
        self._reading = reading if reading is not None else start_reading(folder, roster, year)

    def get_default_screen(self) -> Screen[None]:
        self.desk = ReviewScreen(self.folder, self.roster, self.year)
        self.desk.cache = self._reading.cache
        self.desk.prefetched = self._reading.result
        return self.desk

    def _after_first_paint(self) -> None:
        # ReportApp resumes the collector after the first paint; the desk's first rows come later.
        if not self._reading.result.done():
            self.set_timer(RESUME_CHECK_SECONDS, self._after_first_paint)
            return
        self.set_timer(RESUME_AFTER_ROWS_SECONDS, super()._after_first_paint)

    def on_unmount(self) -> None:
        super().on_unmount()
        if self._paused_collector:  # (an app closed within its first second: tests, a quick look)
            gc.enable()

    def after_close(self) -> None:
        """Closing a report returns to the desk (not to the start screen)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()


def run_review_app(
    folder: Path, roster: Path | None, year: int | None, reading: EarlyReading | None = None
) -> int:
    """``tui-report review DIR`` on a terminal; ``reading``: the folder's reading, started. The
    caller has checked that the terminal is UTF-8 (cli/review.open_screen: before the reading)."""
    app = ReviewApp(folder, roster, year, banner=locale_warning(os.environ), reading=reading)
    try:
        app.run()
    finally:
        if app.controller is not None:
            app.controller.session.close()
    if app.return_code:
        return app.return_code
    review = app.desk.review if app.desk is not None else None
    return 0 if review is not None and review.all_done else 1
