"""``tui-report review DIR`` on a terminal: the app with the review desk as its home screen.

The desk itself is a screen (``screens/review.py``) that the start screen also opens (V); this is
the app around it when the desk is where the reviewer starts. It differs from ``ReportApp`` in two
places only: the default screen, and where closing a report goes (:meth:`ReviewApp.after_close`).
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from textual.screen import Screen

from tui_report.review.desk import Review
from tui_report.review.deskcache import DeskCache
from tui_report.tui.app import ReportApp, locale_warning
from tui_report.tui.screens.review import ReviewScreen, Signature, read_desk


class ReviewApp(ReportApp):
    """The app with the review desk as its home screen."""

    CSS_PATH = str(Path(__file__).resolve().parent / "app.tcss")  # the app's, beside app.py

    def __init__(
        self, folder: Path, roster: Path | None = None, year: int | None = None, banner: str = ""
    ) -> None:
        super().__init__(None, cwd=folder, banner=banner)
        self.folder = folder
        self.roster = roster
        self.year = year
        self.desk: ReviewScreen | None = None
        # Reading the folder starts now, while the app starts (and before it has threads of its own
        # that a fork of the reader pool would copy).
        self._cache = DeskCache(folder)
        reader = ThreadPoolExecutor(1, thread_name_prefix="tui-report-review")
        self._prefetch: Future[tuple[Signature, Review]] = reader.submit(self._first_read)
        reader.shutdown(wait=False)  # the submitted reading still runs; the thread ends after it

    def _first_read(self) -> tuple[Signature, Review]:
        return read_desk(self.folder, self.roster, self.year, None, self._cache)

    def get_default_screen(self) -> Screen[None]:
        self.desk = ReviewScreen(self.folder, self.roster, self.year)
        self.desk.cache = self._cache
        self.desk.prefetched = self._prefetch
        return self.desk

    def after_close(self) -> None:
        """Closing a report returns to the desk (not to the start screen)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()


def run_review_app(folder: Path, roster: Path | None, year: int | None) -> int:
    """``tui-report review DIR`` on a terminal."""
    encoding = (sys.stdout.encoding or "").lower().replace("-", "")
    if encoding != "utf8":
        print(
            f"tui-report needs a UTF-8 terminal (now {sys.stdout.encoding}): export LANG=C.UTF-8 and set the "
            "terminal's character set to UTF-8.",
            file=sys.stderr,
        )
        return 2
    app = ReviewApp(folder, roster, year, banner=locale_warning(os.environ))
    try:
        app.run()
    finally:
        if app.controller is not None:
            app.controller.session.close()
    if app.return_code:
        return app.return_code
    review = app.desk.review if app.desk is not None else None
    return 0 if review is not None and review.all_complete else 1
