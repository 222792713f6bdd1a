"""Placing a document's table rows on a template's cells.

Rows are recognised by their labels, not by their place: the innermost label of each printed row
(``1.属于国家秘密``) is compared, normalised, with the template's leaf labels, exactly first and
then fuzzily (rapidfuzz), so that a misprinted label still lands on its row — with a note. Values
are placed by position among the row's value cells. A group printed as one row without its
sub-rows (（六）其他处理 in a 2021 report) goes to the group's last sub-row, with a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from tui_report.importers.labels import is_value, normalise_label, value_text
from tui_report.importers.source import Grid
from tui_report.model.report import CellInputError, CellValue, parse_published_cell
from tui_report.model.template import CompiledTable, Leaf, Template

# A row label that starts a row: "一、", "（三）", "1." / "1、".
_NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")
# Similarity (percent) at which a printed label is taken for a template label.
FUZZY_MIN = 78


@dataclass(slots=True)
class DataRow:
    """One printed row that carries values: its label texts and its value cells."""

    labels: list[str]
    values: list[str]
    # The innermost label as printed (spaces removed), for the notes.
    shown: str = ""

    @property
    def label(self) -> str:
        return self.labels[-1] if self.labels else ""


def data_rows(grid: Grid) -> list[DataRow]:
    rows: list[DataRow] = []
    for raw in grid:
        cells = [c for c in raw if c is not None]
        split = len(cells)
        while split > 0 and is_value(cells[split - 1]):
            split -= 1
        values = cells[split:]
        labels = [c for c in cells[:split] if c.strip()]
        if values and (labels or any(value_text(v) for v in values) or len(values) > 1):
            shown = re.sub(r"\s+", "", labels[-1]) if labels else ""
            rows.append(DataRow([normalise_label(x) for x in labels], values, shown))
    return rows


@dataclass(frozen=True, slots=True)
class Target:
    table: CompiledTable
    row: Leaf
    cols: tuple[Leaf, ...]
    label: str

    @property
    def name(self) -> str:
        """The row's printed label, or the table's title for a row without one (表四)."""
        return self.row.labels[-1] if self.row.labels else self.table.title


@dataclass(slots=True)
class Placement:
    """What one template made of a document's rows."""

    template: Template
    values: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    exact: int = 0
    doubtful: int = 0
    wrong_width: int = 0
    unplaced: int = 0
    missing: int = 0

    @property
    def score(self) -> int:
        return 2 * self.exact + self.doubtful - 2 * self.wrong_width - self.unplaced - self.missing

    @property
    def placed(self) -> int:
        return self.exact + self.doubtful


def _targets(template: Template) -> tuple[list[Target], dict[str, list[Target]]]:
    targets: list[Target] = []
    groups: dict[str, list[Target]] = {}
    for table in template.compiled.values():
        for row in table.rows:
            target = Target(
                table, row, tuple(table.cols_of(row)), normalise_label(row.labels[-1] if row.labels else "")
            )
            targets.append(target)
            for group_label in row.labels[:-1]:
                groups.setdefault(normalise_label(group_label), []).append(target)
    return targets, groups


class _Matcher:
    def __init__(self, template: Template) -> None:
        self.placement = Placement(template)
        self.targets, self.groups = _targets(template)
        self.filled: set[int] = set()

    def _free(self) -> list[int]:
        return [i for i in range(len(self.targets)) if i not in self.filled]

    def _best(self, row: DataRow) -> tuple[int | None, float]:
        free = self._free()
        if not row.label:
            # A row without labels (表四's one row of numbers): the free unlabelled row of its width.
            fitting = [
                i for i in free if not self.targets[i].label and len(self.targets[i].cols) == len(row.values)
            ]
            fitting = fitting or [i for i in free if not self.targets[i].label]
            return (fitting[0], 100.0) if fitting else (None, 0.0)
        for i in free:
            if self.targets[i].label == row.label:
                return i, 100.0
        # The parent labels typed into the same cell: "（三）不予公开 1.属于国家秘密".
        suffixed = [
            i for i in free if len(self.targets[i].label) >= 4 and row.label.endswith(self.targets[i].label)
        ]
        if suffixed:
            return max(suffixed, key=lambda i: len(self.targets[i].label)), 100.0
        choices = {i: self.targets[i].label for i in free if self.targets[i].label}
        found = process.extractOne(row.label, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if found is None:
            return None, 0.0
        return int(found[2]), float(found[1])

    def _group_label(self, row: DataRow) -> str:
        found = process.extractOne(row.label, list(self.groups), scorer=fuzz.ratio, score_cutoff=90)
        return str(found[0]) if found is not None else ""

    def _group(self, row: DataRow, printed: set[str]) -> Target | None:
        """The last sub-row of a group whose label this row carries, when none of the group's
        sub-rows is printed anywhere: the group was printed as one row."""
        members = self.groups.get(self._group_label(row), [])
        if len(members) < 2 or any(m.label in printed for m in members):
            return None
        if any(self.targets.index(m) in self.filled for m in members):
            return None
        return members[-1]

    def place(self, row: DataRow, printed: set[str]) -> None:
        index, score = self._best(row)
        group_target = self._group(row, printed) if row.label and score < 100 else None
        if group_target is not None:
            for member in self.groups.get(self._group_label(row), []):
                self.filled.add(self.targets.index(member))  # printed as one row: not "missing"
            self._put(row, group_target)
            self.placement.doubtful += 1
            self.placement.notes.append(
                f"“{row.shown}”只印了一行、没有分项，已全部计入“{group_target.name}”，请核对。"
            )
            return
        if index is None:
            self.placement.unplaced += 1
            shown = row.shown or "（无标签）"
            self.placement.notes.append(
                f"未能对应到报告格式中的任何一行，未读入：“{shown}” {' '.join(row.values)}"
            )
            return
        target = self.targets[index]
        if score < 100:
            self.placement.doubtful += 1
            self.placement.notes.append(
                f"“{row.shown}”按“{target.name}”读入（相似度{int(score)}%），请核对。"
            )
        else:
            self.placement.exact += 1
        self._put(row, target)

    def _put(self, row: DataRow, target: Target) -> None:
        self.filled.add(self.targets.index(target))
        values = list(row.values)
        width = len(target.cols)
        if len(values) > width and all(not value_text(v) for v in values[width:]):
            values = values[:width]  # merged cells printed as separate blank ones
        if len(values) != width:
            self.placement.wrong_width += 1
            self.placement.notes.append(
                f"“{target.name}”一行有{len(values)}个数，报告格式为{width}个，已按位置读入前{min(width, len(values))}个。"
            )
        cells = self.placement.values.setdefault(target.table.key, {})
        for col, text in zip(target.cols, values, strict=False):
            cell = target.table.cells[f"{target.row.id}.{col.id}"]
            try:
                kind = self.placement.template.kind(cell.kind)  # this format's precision, not another's
                value = parse_published_cell(value_text(text) if value_text(text) else text, kind)
            except CellInputError as exc:
                self.placement.notes.append(f"{target.table.title} {cell.name}：{exc}，未读入。")
                continue
            if value is not None:
                cells[cell.id] = value

    def finish(self) -> Placement:
        tables_seen = {self.targets[i].table.key for i in self.filled}
        for i, target in enumerate(self.targets):
            if i in self.filled:
                continue
            self.placement.missing += 1
            if target.table.key in tables_seen:
                name = target.name or target.table.title
                self.placement.notes.append(f"表“{target.table.title}”中没有找到“{name}”一行。")
        for key in [t.key for t in self.placement.template.compiled.values() if t.key not in tables_seen]:
            self.placement.notes.append(f"没有找到表“{self.placement.template.table(key).title}”。")
        return self.placement


def place_rows(template: Template, grids: list[Grid]) -> Placement:
    matcher = _Matcher(template)
    rows = [row for grid in grids for row in data_rows(grid)]
    printed = {r.label for r in rows}
    for row in rows:
        matcher.place(row, printed)
    return matcher.finish()


def grid_from_lines(lines: list[str], template: Template) -> Grid:
    """Table rows from text lines, for tables printed without rules: in the sections that hold
    tables, a line ending in numbers is a row (label, values). A line of numbers alone takes the
    label from the line before it (a label wrapped over two lines), unless it is as wide as a row
    that has no label (表四)."""
    from tui_report.importers.texts import section_at

    unlabelled = {len(t.cols_of(r)) for t in template.compiled.values() for r in t.rows if not r.labels}
    grid: Grid = []
    in_tables = False
    pending = ""
    for line in lines:
        section = section_at(line, template)
        if section is not None:
            in_tables, pending = bool(template.sections[section].tables), ""
            continue
        if not in_tables:
            continue
        tokens = line.split()
        count = 0
        while count < len(tokens) and is_value(tokens[-1 - count]) and value_text(tokens[-1 - count]):
            count += 1
        if count == 0:
            if _NUMBERED.match(line.strip()):
                pending = line.strip()  # a numbered label whose numbers follow on a later line
            continue
        label = " ".join(tokens[: len(tokens) - count])
        if (label and not _NUMBERED.match(label)) or (not label and count not in unlabelled):
            label = pending + label  # the label began on the line before
        values: list[str | None] = list(tokens[len(tokens) - count :])
        grid.append([label, *values] if label else values)
        pending = ""
    return grid
