"""Undo and redo for a report: a stack of changes, each a group of edits with before and after.

The app records every committed edit here (a cell, a text part, a preamble or metadata field), so
undo works across the whole report and does not depend on which widget has the focus. No Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_report.model.report import CellValue, Report

META_FIELDS = ("unit", "level", "year")


@dataclass(frozen=True, slots=True)
class CellEdit:
    table: str
    cell: str
    before: CellValue | None
    after: CellValue | None


@dataclass(frozen=True, slots=True)
class TextEdit:
    """A text part (``section.part``) changed from ``before`` to ``after``."""

    key: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class FieldEdit:
    """A metadata field (``unit``, ``level``, ``year``) or a preamble field (``preamble.<key>``)."""

    field: str
    before: object
    after: object


Edit = CellEdit | TextEdit | FieldEdit


@dataclass(frozen=True, slots=True)
class Change:
    """One undoable step as the operator sees it (a cell, a fill of many cells, a text)."""

    label: str
    edits: tuple[Edit, ...]


def _apply_edit(report: Report, edit: Edit, forward: bool) -> None:
    if isinstance(edit, CellEdit):
        number = edit.after if forward else edit.before
        if report.tpl.table(edit.table).cells[edit.cell].computed:
            report.set_stored_total(edit.table, edit.cell, number)  # 采用自动合计 and its undo
        else:
            report.set_cell(edit.table, edit.cell, number)
    elif isinstance(edit, TextEdit):
        text = edit.after if forward else edit.before
        if text:
            report.texts[edit.key] = text
        else:
            report.texts.pop(edit.key, None)
    else:
        value = edit.after if forward else edit.before
        if edit.field.startswith("preamble."):
            key = edit.field.removeprefix("preamble.")
            if value:
                report.preamble[key] = str(value)
            else:
                report.preamble.pop(key, None)
        elif edit.field in META_FIELDS:
            setattr(report, edit.field, value)
        else:
            raise KeyError(edit.field)


class History:
    """Undo/redo stack over one report. ``apply`` performs and records; ``record`` only records
    a change that is already in the report (a text typed in an editor)."""

    def __init__(self, report: Report, limit: int = 1000) -> None:
        self.report = report
        self.limit = limit
        self._undo: list[Change] = []
        self._redo: list[Change] = []

    def apply(self, change: Change) -> None:
        for edit in change.edits:
            _apply_edit(self.report, edit, forward=True)
        self.record(change)

    def record(self, change: Change) -> None:
        if not change.edits:
            return
        self._undo.append(change)
        del self._undo[: -self.limit]
        self._redo.clear()

    def edited_cells(self) -> list[tuple[str, str]]:
        """The (table, cell) pairs the changes that can be undone edited, latest first, each once:
        where a slip most likely is (``rules.likely_spot``)."""
        seen: dict[tuple[str, str], None] = {}
        for change in reversed(self._undo):
            for edit in reversed(change.edits):
                if isinstance(edit, CellEdit):
                    seen.setdefault((edit.table, edit.cell), None)
        return list(seen)

    def undo(self) -> Change | None:
        if not self._undo:
            return None
        change = self._undo.pop()
        for edit in reversed(change.edits):
            _apply_edit(self.report, edit, forward=False)
        self._redo.append(change)
        return change

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        for edit in change.edits:
            _apply_edit(self.report, edit, forward=True)
        self._undo.append(change)
        return change
