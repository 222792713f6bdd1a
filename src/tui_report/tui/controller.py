"""The editing state behind the screens: session, undo history, findings, progress.

Every committed edit goes through :meth:`Controller.apply` (or :meth:`Controller.record` for a text
already typed into an editor): it updates the report, tells the session, and reruns the checks.
No Textual here, so the same logic is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_report.model.history import CellEdit, Change, History
from tui_report.model.progress import Progress, progress
from tui_report.model.report import CellValue, Report, format_value
from tui_report.model.rules import Finding, check
from tui_report.model.template import CellDef, Severity
from tui_report.session import EditSession

# Findings about blank cells are shown as a count, not as a marker on every blank cell.
UNMARKED_RULES = frozenset({"TABLE_INCOMPLETE"})


@dataclass(frozen=True, slots=True)
class CellMark:
    severity: Severity
    messages: tuple[str, ...]


class Controller:
    def __init__(self, session: EditSession) -> None:
        self.session = session
        self.history = History(session.report)
        self.findings: list[Finding] = []
        self.progress: Progress
        self._marks: dict[str, dict[str, CellMark]] = {}
        self.recheck()

    @property
    def report(self) -> Report:
        return self.session.report

    @property
    def read_only(self) -> bool:
        return self.session.read_only

    # ------------------------------------------------------------------ edits
    def apply(self, change: Change) -> None:
        self.history.apply(change)
        self._edited()

    def record(self, change: Change) -> None:
        """Record a change the editor already made to the report (text typed in a text area)."""
        self.history.record(change)
        self._edited()

    def undo(self) -> Change | None:
        change = self.history.undo()
        if change is not None:
            self._edited()
        return change

    def redo(self) -> Change | None:
        change = self.history.redo()
        if change is not None:
            self._edited()
        return change

    def set_cell(self, table: str, cell_id: str, value: CellValue | None) -> bool:
        """Commit one cell; False when the value is unchanged (nothing recorded)."""
        before = self.report.entered(table, cell_id)
        if before == value and type(before) is type(value):
            return False
        cell = self.report.tpl.table(table).cells[cell_id]
        self.apply(Change(f"{cell.name}", (CellEdit(table, cell_id, before, value),)))
        return True

    def set_cells(self, table: str, values: Sequence[tuple[str, CellValue | None]], label: str) -> int:
        """Commit several cells as one undoable step (a paste); returns how many changed."""
        entered = self.report.entered
        edits = tuple(
            CellEdit(table, cid, before, value)
            for cid, value in values
            if (before := entered(table, cid)) != value or type(before) is not type(value)
        )
        if edits:
            self.apply(Change(label, edits))
        return len(edits)

    def use_computed_totals(self, table: str, cell_ids: list[str]) -> int:
        """Drop the stored value of each computed cell among ``cell_ids`` that has one (a total
        imported or hand-edited that disagrees with its parts): the sum is shown and checked
        instead. One undoable step; returns how many totals were dropped."""
        compiled = self.report.tpl.table(table)
        edits = tuple(
            CellEdit(table, cid, stored, None)
            for cid in cell_ids
            if compiled.cells[cid].computed and (stored := self.report.entered(table, cid)) is not None
        )
        if edits:
            label = (
                compiled.cells[edits[0].cell].name
                if len(edits) == 1
                else f"“{compiled.title}”{len(edits)}个合计"
            )
            self.apply(Change(f"采用自动合计：{label}", edits))
        return len(edits)

    def fill_zero(self, table: str) -> int:
        """Put 0 into every empty input cell of a table; returns how many cells were filled."""
        compiled = self.report.tpl.table(table)
        entered = self.report.values.get(table, {})
        edits = tuple(
            CellEdit(table, cid, None, 0) for cid in compiled.input_cells() if entered.get(cid) is None
        )
        if edits:
            self.apply(Change(f"“{compiled.title}”空格填0", edits))
        return len(edits)

    def _edited(self) -> None:
        self.session.mark_edited()
        self.recheck()

    # ------------------------------------------------------------------ checks
    def recheck(self) -> None:
        self.findings = check(self.report)
        self.progress = progress(self.report, self.findings)
        self._marks = {}
        for finding in self.findings:
            if finding.rule in UNMARKED_RULES or finding.severity == "info":
                continue
            for loc in finding.locations:
                if loc.table is None or loc.cell is None:
                    continue
                marks = self._marks.setdefault(loc.table, {})
                old = marks.get(loc.cell)
                if old is None:
                    marks[loc.cell] = CellMark(finding.severity, (finding.message,))
                else:
                    severity = "error" if "error" in (old.severity, finding.severity) else old.severity
                    marks[loc.cell] = CellMark(severity, (*old.messages, finding.message))

    def matches_saved(self) -> bool:
        """Is the report what was last loaded or saved (after undoing back to it, say)?"""
        now, saved = self.report, self.session.base_report
        return (now.unit, now.level, now.year, now.preamble, now.texts, now.values) == (
            saved.unit,
            saved.level,
            saved.year,
            saved.preamble,
            saved.texts,
            saved.values,
        )

    def marks(self, table: str) -> dict[str, CellMark]:
        return self._marks.get(table, {})

    @property
    def error_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    # ------------------------------------------------------------------ explanations
    def formula(self, table: str, cell: CellDef) -> str:
        """How a computed cell is computed, in Chinese: ``= 自然人 + 商业企业 + ...``."""
        compiled = self.report.tpl.table(table)
        names = []
        for operand in cell.operands:
            other = compiled.cells[operand]
            if other.row.id == cell.row.id:
                names.append(other.col.short)
            elif other.col.id == cell.col.id:
                names.append(other.row.short)
            else:
                names.append(other.name)
        if len(names) > 8:
            names = [*names[:3], f"...共{len(names)}项"]
        return "自动计算：" + " + ".join(names)

    def display(self, table: str, cell_id: str) -> str:
        """The cell as the grid shows it: a stored total as stored (see ``grid/paint.cell_view``)."""
        stored = self.report.entered(table, cell_id)
        return format_value(stored if stored is not None else self.report.cell(table, cell_id))
