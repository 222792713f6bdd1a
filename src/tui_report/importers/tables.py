"""Placing a document's table rows on a template's cells.

Rows are recognised by their labels, not by their place: the innermost label of each printed row
(``1.属于国家秘密``) is compared, normalised, with the template's leaf labels, exactly first and
then fuzzily (rapidfuzz), so that a misprinted label still lands on its row — with a note. Values
are placed by position among the row's value cells. A group printed as one row without its
sub-rows (（六）其他处理 in a 2021 report) goes to the group's last sub-row, with a note.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from tui_report.importers.labels import is_value, normalise_label, value_text
from tui_report.importers.notes import ImportNote
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
    # Where it was printed: the table's place among the document's tables, the row in its grid.
    origin: tuple[int, int] = (-1, -1)

    @property
    def label(self) -> str:
        return self.labels[-1] if self.labels else ""


def _first_filled(raw: list[str | None]) -> int | None:
    """Grid column of the first number in the row's trailing run of value cells (blanks skipped)."""
    first = None
    for index in range(len(raw) - 1, -1, -1):
        cell = raw[index]
        if cell is None:
            continue
        if not is_value(cell):
            break
        if value_text(cell):
            first = index
    return first


def value_start(firsts: list[int | None]) -> int | None:
    """The grid column where a table's values begin: where most rows' numbers begin (``firsts``:
    each row's :func:`_first_filled`). A row whose label spans two cells printed as a label and a
    blank ("（七）总计", "") or whose first value is blank is read from there, not by counting its
    trailing cells."""
    starts = Counter(s for s in firsts if s is not None)
    return starts.most_common(1)[0][0] if starts else None


def _split(raw: list[str | None], start: int | None, first: int | None) -> tuple[list[str], list[str]]:
    """A printed row's label texts and value cells."""
    if start is not None and len(raw) > start:
        tail = [c for c in raw[start:] if c is not None]
        if tail and all(is_value(c) for c in tail) and (first is None or first >= start):
            return [c for c in raw[:start] if c is not None and c.strip()], tail
    cells = [c for c in raw if c is not None]
    split = len(cells)
    while split > 0 and is_value(cells[split - 1]):
        split -= 1
    return [c for c in cells[:split] if c.strip()], cells[split:]


def _is_zero(number: str) -> bool:
    try:
        return float(number) == 0
    except ValueError:
        return False


def data_rows(grid: Grid, table: int = -1) -> list[DataRow]:
    """The rows of a grid that carry values; ``table``: the grid's place among the document's."""
    rows: list[DataRow] = []
    firsts = [_first_filled(raw) for raw in grid]
    start = value_start(firsts)
    for index, (raw, first) in enumerate(zip(grid, firsts, strict=True)):
        labels, values = _split(raw, start, first)
        if values and (labels or any(value_text(v) for v in values)):
            shown = re.sub(r"\s+", "", labels[-1]) if labels else ""
            rows.append(DataRow([normalise_label(x) for x in labels], values, shown, (table, index)))
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

    @property
    def location(self) -> str:
        """The row's first cell, where a note about the row points."""
        return (
            f"tables.{self.table.key}.{self.row.id}.{self.cols[0].id}"
            if self.cols
            else f"tables.{self.table.key}"
        )


@dataclass(slots=True)
class Placement:
    """What one template made of a document's rows."""

    template: Template
    values: dict[str, dict[str, CellValue]] = field(default_factory=dict)
    notes: list[ImportNote] = field(default_factory=list)
    exact: int = 0
    doubtful: int = 0
    wrong_width: int = 0
    unplaced: int = 0
    missing: int = 0
    # Where each printed row (DataRow.origin) went, for the reader's notes about it: the title of
    # the table and the location of the row it was read into — or, for a row the format has no row
    # for, of the table it was printed in (None when not even that is known).
    rows: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return 2 * self.exact + self.doubtful - 2 * self.wrong_width - self.unplaced - self.missing

    @property
    def placed(self) -> int:
        return self.exact + self.doubtful

    @property
    def fits(self) -> bool:
        """Every printed row has a row of this format, of its width (rows the document leaves out
        aside): the format could be the one it was printed in."""
        return self.wrong_width == 0 and self.unplaced == 0


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
        self.last_table = ""  # the table of the row placed last: where an unplaced row stood

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

    def _collapsed_group(self, row: DataRow, last: Target) -> None:
        """A group printed as one row without its sub-rows: all zeros make every sub-row 0 (the
        format allows nothing else); other numbers go to its last sub-row ("3.其他"), with a note."""
        members = self.groups.get(self._group_label(row), [])
        for member in members:
            self.filled.add(self.targets.index(member))  # printed as one row: not "missing"
        self.placement.doubtful += 1
        self.placement.rows[row.origin] = (last.table.title, last.location)
        numbers = [value_text(v) for v in row.values]
        if all(n and _is_zero(n) for n in numbers):
            for member in members:
                self._put(row, member)
            return
        self._put(row, last)
        self._note(f"“{row.shown}”只印了一行、没有分项，已全部计入“{last.name}”，请核对。", last.location)

    def place(self, row: DataRow, printed: set[str]) -> None:
        index, score = self._best(row)
        group_target = self._group(row, printed) if row.label and score < 100 else None
        if group_target is not None:
            self._collapsed_group(row, group_target)
            return
        if index is None:
            self.placement.unplaced += 1
            shown = row.shown or "（无标签）"
            title = self.placement.template.table(self.last_table).title if self.last_table else ""
            if title:
                self.placement.rows[row.origin] = (title, f"tables.{self.last_table}")
            where = f"表“{title}”中" if title else ""
            self._note(
                f"{where}“{shown}”一行（{' '.join(row.values)}）未能对应到报告格式中的任何一行，未读入。",
                f"tables.{self.last_table}" if self.last_table else "",
            )
            return
        target = self.targets[index]
        if score < 100:
            self.placement.doubtful += 1
            self._note(
                f"“{row.shown}”按“{target.name}”读入（相似度{int(score)}%），请核对。", target.location
            )
        else:
            self.placement.exact += 1
        self.placement.rows[row.origin] = (target.table.title, target.location)
        self._put(row, target)
        self.last_table = target.table.key

    def _put(self, row: DataRow, target: Target) -> None:
        self.filled.add(self.targets.index(target))
        values = list(row.values)
        width = len(target.cols)
        if len(values) > width and all(not value_text(v) for v in values[width:]):
            values = values[:width]  # merged cells printed as separate blank ones
        if len(values) > width:
            # More numbers than the format has columns: which is which cannot be told; never "the
            # first N of them".
            self.placement.wrong_width += 1
            self._note(
                f"“{target.name}”一行印有{len(values)}个数（{' '.join(value_text(v) or '空' for v in values)}），"
                f"报告格式为{width}个，无法确定各数所在的列，未读入，请手工填写。",
                target.location,
            )
            return
        if len(values) < width:
            self.placement.wrong_width += 1
            self._note(
                f"“{target.name}”一行只有{len(values)}个数，报告格式为{width}个，已按顺序读入前{len(values)}列，请核对。",
                target.location,
            )
        cells = self.placement.values.setdefault(target.table.key, {})
        for col, text in zip(target.cols, values, strict=False):
            cell = target.table.cells[f"{target.row.id}.{col.id}"]
            try:
                kind = self.placement.template.kind(cell.kind)  # this format's precision, not another's
                value = parse_published_cell(value_text(text) if value_text(text) else text, kind)
            except CellInputError as exc:
                self._note(
                    f"{target.table.title} {cell.name}：{exc}，未读入。",
                    f"tables.{target.table.key}.{cell.id}",
                )
                continue
            if value is not None:
                cells[cell.id] = value

    def _note(self, message: str, location: str) -> None:
        self.placement.notes.append(ImportNote("warning", message, location))

    def finish(self) -> Placement:
        tables_seen = {self.targets[i].table.key for i in self.filled}
        for i, target in enumerate(self.targets):
            if i in self.filled:
                continue
            self.placement.missing += 1
            if target.table.key in tables_seen:
                name = target.name or target.table.title
                self._note(f"表“{target.table.title}”中没有找到“{name}”一行。", target.location)
        for key in [t.key for t in self.placement.template.compiled.values() if t.key not in tables_seen]:
            self._note(f"没有找到表“{self.placement.template.table(key).title}”。", f"tables.{key}")
        return self.placement


def rows_of(grids: list[Grid]) -> list[DataRow]:
    """Every printed row that carries values, of every table (the same for every format tried)."""
    return [row for table, grid in enumerate(grids) for row in data_rows(grid, table)]


def place_rows(template: Template, rows: list[DataRow]) -> Placement:
    matcher = _Matcher(template)
    printed = {r.label for r in rows}
    for row in rows:
        matcher.place(row, printed)
    return matcher.finish()


def grid_from_lines(lines: list[str], template: Template) -> Grid:
    """Table rows from text lines, for tables printed without rules: in the sections that hold
    tables, a line ending in numbers is a row (label, values). A line of numbers alone takes the
    label from the line before it (a label wrapped over two lines), unless it is as wide as a row
    that has no label (表四)."""
    from tui_report.importers.headings import template_section

    unlabelled = {len(t.cols_of(r)) for t in template.compiled.values() for r in t.rows if not r.labels}
    grid: Grid = []
    in_tables = False
    pending = ""
    for line in lines:
        match = template_section(line, template)
        if match is not None:
            in_tables, pending = bool(next(s for s in template.sections if s.key == match.section).tables), ""
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
