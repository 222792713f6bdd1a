"""The editor's pages: the one shown, and which others stay mounted.

A page is mounted the first time its step is shown. Only the last ``KEPT_PAGES`` shown stay
mounted (PgUp back costs no mounting); the others are taken down, their view kept in a
:class:`~tui_report.tui.widgets.page.PageView` and put back when the step is shown again: every
visited page kept mounted grew the memory by ~1 MB a page (#11: peak RSS).
"""

from __future__ import annotations

import gc

from textual.timer import Timer
from textual.widgets import ContentSwitcher

from tui_report.model.progress import Step
from tui_report.tui.controller import Controller
from tui_report.tui.widgets.formpages import MetaPage
from tui_report.tui.widgets.page import Page, PageView, page_id
from tui_report.tui.widgets.tablepage import TablePage

# Pages kept mounted: the one shown and the one before it.
KEPT_PAGES = 2
# Seconds after a page change before the pages taken down are collected: a run of PgDn pays it
# once, after the last one, never between a key and its screen.
COLLECT_AFTER = 0.5


def new_page(controller: Controller, step: Step) -> Page:
    """The page that edits ``step``, not mounted yet."""
    if step.kind == "text":
        # Imported on first use: the text editor (TextArea) is the app's heaviest import and the
        # first page an operator sees is usually not a text part.
        from tui_report.tui.widgets.textpage import TextPage

        return TextPage(controller, step)
    if step.kind == "preamble":
        # Imported on first use too: its fields are text boxes.
        from tui_report.tui.widgets.preamblepage import PreamblePage

        return PreamblePage(controller, step)
    page_class: type[Page] = {"meta": MetaPage, "table": TablePage}[step.kind]
    return page_class(controller, step)


def view_of(page: Page) -> PageView:
    """Where the operator is on ``page``. A page left before it was ever composed (PgDn pressed
    again while it was being mounted, on a loaded server) has no widgets to ask: it keeps the
    view it was given, if any."""
    if not page.built:
        return page.saved_view or PageView()
    return page.view_state()


class PageDeck(ContentSwitcher):
    """The pages of the editor, one shown at a time (``#pages``)."""

    def __init__(self, controller: Controller, first: Step, *, id: str | None = None) -> None:
        # The first page is composed with the screen, so that the first paint shows it (mounting
        # it afterwards costs a second full repaint at start-up).
        super().__init__(new_page(controller, first), id=id, initial=page_id(first.key))
        self.controller = controller
        # Step keys, the page shown last first; the views of pages as they were left.
        self.recent: list[str] = []
        self.views: dict[str, PageView] = {}
        self._collect_timer: Timer | None = None

    @property
    def page(self) -> Page | None:
        """The page shown."""
        return self.get_child_by_id(self.current, Page) if self.current else None

    def leave(self, page: Page) -> None:
        """The operator leaves ``page`` for another: commit its typing, keep its view."""
        if page.built:
            page.flush()
        self.views[page.step.key] = view_of(page)

    async def page_for(self, step: Step) -> tuple[Page, bool]:
        """The step's page, and whether it was mounted now."""
        existing = self.query(f"#{page_id(step.key)}")
        if existing:
            page = existing.first()
            assert isinstance(page, Page)
            return page, False
        page = new_page(self.controller, step)
        page.saved_view = self.views.pop(step.key, None)
        # Hidden until shown: mounted visible, it is painted once stacked under the page being
        # left, then again alone.
        page.display = False
        await self.mount(page)
        return page, True

    def restore(self, page: Page, mounted: bool) -> bool:
        """Put back the view ``page`` (from :meth:`page_for`, now shown) had when the operator
        left it; True when that view put the focus back."""
        if mounted:
            return page.restore_view()
        view = self.views.pop(page.step.key, None)
        return page.focus_saved(view.focus if view else None)

    def shown_now(self, key: str) -> None:
        """``key`` is the step being shown: kept mounted, whatever a take-down running meanwhile does."""
        self.recent = [key, *(k for k in self.recent if k != key)]

    def take_down_later(self) -> None:
        if len(self.children) > KEPT_PAGES:
            self.call_after_refresh(self._take_down_pages)

    def _take_down_pages(self) -> None:
        """Unmount the pages not among the last shown (their views are in ``views``)."""
        del self.recent[KEPT_PAGES:]
        keep = {page_id(k) for k in self.recent} | {self.current}
        for page in list(self.query_children(Page)):
            if page.id not in keep:
                self.views.setdefault(page.step.key, view_of(page))
                page.remove()
        if self._collect_timer is not None:
            self._collect_timer.stop()
        self._collect_timer = self.set_timer(COLLECT_AFTER, self._collect)

    def _collect(self) -> None:
        # The pages taken down are cycles of widgets, styles and message queues: without a
        # collection their memory waits for the collector's rare full pass, and the peak grows.
        self._collect_timer = None
        gc.collect()
