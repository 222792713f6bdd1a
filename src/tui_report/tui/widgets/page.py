"""What every wizard page has in common: the step it edits and how it hands edits to the model."""

from __future__ import annotations

from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget

from tui_report.model.progress import Step
from tui_report.tui.controller import Controller


class TextTyped(Message):
    """Typing changed the model (a text part, a form field): the saved mark and, a little later,
    the checks follow."""


class Page(Vertical):
    """One step of the wizard. Subclasses keep the model current while the operator types and
    record an undoable change when the edit is committed (``flush``: on leaving the field, on
    leaving the page, before saving)."""

    HELP = ""

    def __init__(self, controller: Controller, step: Step) -> None:
        super().__init__(id=page_id(step.key), classes="page")
        self.controller = controller
        self.step = step

    def focus_now(self, widget: Widget) -> None:
        """Focus ``widget`` at once. ``Widget.focus()`` defers it to the app's queue, behind keys
        and pastes that arrived while the page was being shown (PgDn then typing at once): they
        would go to the page left behind."""
        self.screen.set_focus(widget)

    def flush(self) -> None:
        """Commit what is being typed as an undoable change."""

    def reload(self) -> None:
        """Show the model again after an undo or redo."""

    def focus_first(self) -> None:
        """Put the focus where typing starts."""

    def go_to(self, cell: str | None = None, field: str | None = None) -> None:
        """Put the focus on a cell or field a finding points to."""
        self.focus_first()


def page_id(step_key: str) -> str:
    return "page-" + step_key.replace(":", "-").replace(".", "-")
