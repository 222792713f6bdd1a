"""What every wizard page has in common: the step it edits and how it hands edits to the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from tui_report.model.progress import Step
from tui_report.model.rules import Finding, Location
from tui_report.tui.controller import Controller


class TextTyped(Message):
    """Typing changed the model (a text part, a form field): the saved mark and, a little later,
    the checks follow."""


@dataclass
class WidgetView:
    """What one widget of a page shows beyond the model: its scroll position, an entry field's
    cursor and a text it refused to store (a year "20x")."""

    scroll: tuple[float, float] = (0, 0)
    cursor: int | None = None
    refused: str | None = None


@dataclass
class PageView:
    """A page's view when it is taken down (the editor keeps only the pages near the one shown):
    the model keeps what was typed; this keeps where the operator was, to put the page back as it
    was. ``extra`` is the subclass's own (a table's cursor and scroll, a text box's selection)."""

    focus: str | None = None
    widgets: dict[str, WidgetView] = field(default_factory=dict)
    extra: object = None


class Page(Vertical):
    """One step of the wizard. Subclasses keep the model current while the operator types and
    record an undoable change when the edit is committed (``flush``: on leaving the field, on
    leaving the page, before saving)."""

    HELP = ""

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(id=page_id(step.key), classes="page")
        self.controller = controller
        self.step = step
        # The view this page had when it was last taken down (set before mounting; compose may
        # use it), put back by restore_view.
        self.saved_view: PageView | None = None

    # Selectors of the widgets this page's flush and view need: until all exist, the page is not
    # built (a nested container is composed after the page itself has children).
    NEEDS: ClassVar[tuple[str, ...]] = ()

    @property
    def built(self) -> bool:
        """Composed: the widgets it works with exist. A page being mounted has none or only some of
        them yet (its containers before their contents), and a key that leaves it (PgDn again,
        Ctrl+S) may come first on a loaded server."""
        return bool(self.children) and all(self.query(selector) for selector in self.NEEDS)

    def focus_now(self, widget: Widget) -> None:
        """Focus ``widget`` at once. ``Widget.focus()`` defers it to the app's queue, behind keys
        and pastes that arrived while the page was being shown (PgDn then typing at once): they
        would go to the page left behind."""
        self.screen.set_focus(widget)

    def view_state(self) -> PageView:
        """Where the operator is on this page, kept while the page is taken down."""
        return capture_view(self)

    def restore_view(self) -> bool:
        """Put back the view saved when the page was taken down (after mounting); True when it
        put the focus back too."""
        view, self.saved_view = self.saved_view, None
        if view is None:
            return False
        focused = self.focus_saved(view.focus)
        restore_widgets(self, view)  # after the focus: an entry field selects all when focused
        return focused

    def focus_saved(self, widget_id: str | None) -> bool:
        """Focus the widget that had the focus when the operator left the page."""
        found = self.query(f"#{widget_id}") if widget_id else None
        if not found:
            return False
        widget = found.first()
        if not widget.focusable:
            return False
        self.focus_now(widget)
        return True

    def flush(self) -> None:
        """Commit what is being typed as an undoable change."""

    def reload(self) -> None:
        """Show the model again after an undo or redo."""

    def focus_first(self) -> None:
        """Put the focus where typing starts."""

    def go_to(self, cell: str | None = None, field: str | None = None) -> None:
        """Put the focus on a cell or field a finding points to."""
        self.focus_first()

    def show_finding(self, finding: Finding, spot: Location) -> None:
        """After :meth:`go_to` the spot F3 landed on: show what the finding is about there (a
        text box selects the number it quotes, the grid marks the rest of the equation)."""


def page_id(step_key: str) -> str:
    return "page-" + step_key.replace(":", "-").replace(".", "-")


def _view_of(widget: Widget) -> WidgetView | None:
    scroll = (widget.scroll_x, widget.scroll_y)
    if isinstance(widget, Input):
        refused = widget.value if widget.has_class("-invalid") else None
        return WidgetView(scroll, cursor=widget.cursor_position, refused=refused)
    return WidgetView(scroll) if scroll != (0, 0) else None


def capture_view(page: Page) -> PageView:
    """The page's view as the operator leaves it (see PageView)."""
    focused = page.screen.focused
    view = PageView(focus=focused.id if focused is not None and page in focused.ancestors else None)
    for widget in page.query("*"):
        if widget.id is not None and (state := _view_of(widget)) is not None:
            view.widgets[widget.id] = state
    return view


def restore_widgets(page: Page, view: PageView) -> None:
    """Put the widgets' cursors, refused texts and scroll positions back (after mounting)."""
    for widget_id, state in view.widgets.items():
        found = page.query(f"#{widget_id}")
        if not found:
            continue
        widget = found.first()
        if isinstance(widget, Input):
            if state.refused is not None and widget.value != state.refused:
                widget.value = state.refused  # validated again: marked and explained as before
            if state.cursor is not None:
                # Queued behind the Focus event, which selects the whole value.
                widget.call_later(setattr, widget, "cursor_position", state.cursor)
        if state.scroll != (0, 0):
            # After the first layout: before it the widget has no room to scroll in.
            x, y = state.scroll
            widget.call_after_refresh(widget.scroll_to, x, y, animate=False)
