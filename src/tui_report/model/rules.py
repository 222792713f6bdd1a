"""Checks over one report (and optionally last year's): located findings with Chinese messages.

The arithmetic rules come from the template; this module knows only the rule kinds. It is plain
Python over dicts so that it can run after every keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import cast

from tui_report.model.report import (
    FIELD_LABELS,
    MAX_CELL_VALUE,
    CellValue,
    Report,
    format_value,
    normalise_number_text,
    table_values_of,
    unit_problem,
    value_problem,
)

# Re-exported: long imported from here.
from tui_report.model.severities import SEVERITY_LABELS as SEVERITY_LABELS
from tui_report.model.severities import SEVERITY_ORDER as SEVERITY_ORDER
from tui_report.model.severities import Severity
from tui_report.model.template import CompiledTable, Rule, Template, could_match, rule_regex

MAX_NAMED_CELLS = 6


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: a table cell, a text part or a metadata field."""

    table: str | None = None
    cell: str | None = None
    text: str | None = None
    field: str | None = None

    def __reduce__(self) -> tuple[type[Location], tuple[str | None, ...]]:
        # Pickled by its fields: the desk's pool sends every finding's locations back (an R1
        # finding has ~30), and a frozen slotted dataclass's own state copying runs field by field
        # in Python (a third of the desk's cost of sending its results).
        return (Location, (self.table, self.cell, self.text, self.field))

    @property
    def path(self) -> str:
        """The dotted key path of the report file (``tables.requests.new.natural``)."""
        if self.table is not None:
            return f"tables.{self.table}.{self.cell}" if self.cell else f"tables.{self.table}"
        if self.text is not None:
            return f"texts.{self.text}"
        return self.field or ""


def describe_location(template: Template | None, loc: Location) -> str:
    """Where a finding points, in words (表 title：cell name, the text part's title)."""
    if template is None:
        return loc.path
    if loc.table is not None and loc.table in template.compiled:
        table = template.table(loc.table)
        if loc.cell and loc.cell in table.cells:
            return f"{table.title}：{table.cells[loc.cell].name}"
        return table.title
    if loc.text is not None:
        try:
            return template.text_part(loc.text).title
        except KeyError:
            return loc.text
    return {**FIELD_LABELS, "year": "报告年度"}.get(loc.field or "", loc.field or "")


@dataclass(frozen=True, slots=True)
class Finding:
    """A located finding. Beyond its locations (what ``check --json`` lists), it says where the
    slip most likely is, for the app to land on (see :func:`likely_spot`): ``spot``, the default
    (an equation's total; the text a quoted number is in), ``span`` the quoted number or phrase
    in that text (offsets into it), ``equation`` the cells an equation is made of (marked), and
    ``suspects`` the input cells one of which holds the slip (the most recently edited wins)."""

    rule: str
    severity: Severity
    message: str
    locations: tuple[Location, ...] = field(default=())
    spot: Location | None = None
    span: tuple[int, int] | None = None
    equation: tuple[Location, ...] = ()
    suspects: tuple[Location, ...] = ()

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        # Pickled by its fields, as Location.
        fields = (self.rule, self.severity, self.message, self.locations, self.spot, self.span)
        return (Finding, (*fields, self.equation, self.suspects))

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "locations": [loc.path for loc in self.locations],
        }


Values = dict[str, CellValue | None]


def likely_spot(finding: Finding, recent: Iterable[tuple[str, str]] = ()) -> Location | None:
    """Where the slip a finding is about most likely is: of its suspect cells the one edited most
    recently (``recent``: (table, cell) pairs, latest first, as the undo history has them), else
    its spot, else its first location."""
    if finding.suspects:
        suspects = {(loc.table, loc.cell) for loc in finding.suspects}
        for table, cell in recent:
            if (table, cell) in suspects:
                return Location(table, cell)
    return finding.spot or (finding.locations[0] if finding.locations else None)


def _inputs_behind(table: CompiledTable, cell_ids: Iterable[str]) -> tuple[Location, ...]:
    """The input cells an equation's cells stand for: a computed cell's operands, an input cell
    itself (in order, once each)."""
    found: dict[str, None] = {}
    for cell_id in cell_ids:
        cell = table.cells[cell_id]
        for input_id in cell.operands if cell.computed else (cell_id,):
            found[input_id] = None
    return tuple(Location(table.key, c) for c in found)


def _first_match(text: str, patterns: list[str]) -> tuple[int, int] | None:
    """Where the first pattern that matches matches (offsets into ``text``)."""
    for pattern in patterns:
        match = rule_regex(pattern).search(text) if could_match(pattern, text) else None
        if match is not None:
            return match.span()
    return None


def abs_diff(a: CellValue, b: CellValue) -> CellValue:
    if isinstance(a, int) and isinstance(b, int):
        return abs(a - b)
    return abs(Decimal(a) - Decimal(b))


def _num(values: Values, cell_id: str) -> CellValue:
    value = values.get(cell_id)
    return value if value is not None else 0


def _names(table: CompiledTable, values: Values, cell_ids: list[str]) -> str:
    named = [f"{table.cells[c].name}={format_value(values.get(c))}" for c in cell_ids[:MAX_NAMED_CELLS]]
    more = f"等{len(cell_ids)}格" if len(cell_ids) > MAX_NAMED_CELLS else ""
    return "、".join(named) + more


def _cells(table: CompiledTable, patterns: list[str]) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        found.extend(table.match(pattern))
    return found


def text_matches(text: str, patterns: list[str]) -> bool:
    return any(could_match(p, text) and rule_regex(p).search(text) for p in patterns)


# ---------------------------------------------------------------------- rule kinds


def _term_cell(rule: Rule, term: str, pair: tuple[str, str]) -> str:
    """The cell an equation term names for one row (``per = "row"``) or column (``per = "column"``)."""
    return f"{term}.{pair[1]}" if rule.per == "column" else f"{pair[0]}.{term}"


@dataclass(frozen=True, slots=True)
class _Term:
    """One term of an equation on one row (or column): its cell, sign and year."""

    cell: str
    negative: bool  # written ``-x``
    last_year: bool  # written ``last:x``


@dataclass(frozen=True, slots=True)
class _EquationLine:
    """One row (``per = "row"``) or column an equation runs over, with its terms' cells worked out
    (once per rule and table, see :func:`_equation_lines`)."""

    label: str  # the row's or column's short label, for the message
    left: tuple[_Term, ...]
    right: tuple[_Term, ...]
    this_year: tuple[str, ...]  # the cells of this year's terms, in the rule's order


def _terms(rule: Rule, raw_terms: list[str], pair: tuple[str, str]) -> tuple[_Term, ...]:
    terms = []
    for raw in raw_terms:
        term = raw.lstrip("-")
        last_year = term.startswith("last:")
        cell = _term_cell(rule, term.removeprefix("last:"), pair)
        terms.append(_Term(cell, raw.startswith("-"), last_year))
    return tuple(terms)


def _equation_lines(rule: Rule, table: CompiledTable) -> tuple[_EquationLine, ...]:
    """What an equation runs over, derived once and kept in the table (an equation's terms name
    cells by row and column: formatting their ids anew for every report read was a tenth of it)."""
    kept = table.plans.get(id(rule))
    if kept is not None and kept[0] is rule:
        return cast(tuple[_EquationLine, ...], kept[1])
    pairs, labels = _equation_pairs(rule, table)
    lines = []
    for pair in pairs:
        key = pair[1] if rule.per == "column" else pair[0]
        left, right = _terms(rule, rule.left, pair), _terms(rule, rule.right, pair)
        this_year = tuple(t.cell for t in (*left, *right) if not t.last_year)
        lines.append(_EquationLine(labels.get(key, key), left, right, this_year))
    table.plans[id(rule)] = (rule, tuple(lines))  # the rule kept too: its id() stays its own
    return tuple(lines)


def _side(terms: tuple[_Term, ...], values: Values, last_values: Values | None) -> CellValue | None:
    """One side of an equation: its terms added up (``-x`` subtracts, ``last:x`` is last year's);
    None when last year's template has no such cell (nothing to compare)."""
    total: CellValue = 0
    for term in terms:
        source = values
        if term.last_year:
            assert last_values is not None
            source = last_values
            if term.cell not in source:
                return None
        value = source.get(term.cell)
        if value is None:
            value = 0
        total = total - value if term.negative else total + value
    return total


def _equation_pairs(rule: Rule, table: CompiledTable) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """What an equation runs over: (row, column) pairs of the input columns of its first row, or
    the rows it names; and the short label of each for the message."""
    if rule.per == "column":
        first_row = table.row(rule.left[0].lstrip("-").removeprefix("last:"))
        cols = table.cols_of(first_row)
        pairs = [(first_row.short, c.id) for c in cols if not table.cells[f"{first_row.id}.{c.id}"].computed]
        return pairs, {c.id: c.short for c in cols}
    row_ids = rule.rows or [r.id for r in table.rows]
    return [(rid, "") for rid in row_ids], {rid: table.row(rid).short for rid in row_ids}


def _equation(
    rule: Rule,
    table: CompiledTable,
    values: Values,
    last_values: Values | None,
) -> list[Finding]:
    terms = [*rule.left, *rule.right]
    year_to_year = any(t.lstrip("-").startswith("last:") for t in terms)
    if last_values is None and year_to_year:
        return []
    findings: list[Finding] = []
    for line in _equation_lines(rule, table):
        if year_to_year and all(values.get(c) is None for c in line.this_year):
            continue  # R7/R8 on a row not filled in yet (a report just started from last year's)
        left = _side(line.left, values, last_values)
        right = _side(line.right, values, last_values)
        if left is None or right is None or left == right:
            continue
        term_cells = list(line.this_year)
        locations = tuple(Location(table=table.key, cell=c) for c in term_cells)
        # Without a recent edit to go by, the slip is most likely in the total (三(七)·自然人 adds
        # up 22 cells), else in the first term.
        total = next((c for c in term_cells if table.cells[c].computed), term_cells[0])
        message = rule.message.format(
            col=line.label,
            row=line.label,
            left=format_value(left),
            right=format_value(right),
            diff=format_value(abs_diff(left, right)),
        )
        findings.append(
            Finding(
                rule.id,
                rule.severity,
                message,
                locations,
                spot=Location(table.key, total),
                equation=locations,
                suspects=_inputs_behind(table, term_cells),
            )
        )
    return findings


def _all_zero(values: Values, table: CompiledTable, patterns: list[str], need_filled: bool) -> bool:
    cells = _cells(table, patterns)
    if need_filled and any(values.get(c) is None for c in cells):
        return False
    return all(_num(values, c) == 0 for c in cells)


def _nonzero(values: Values, table: CompiledTable, patterns: list[str]) -> list[str]:
    return [c for c in _cells(table, patterns) if _num(values, c) != 0]


def _must_be_zero(rule: Rule, table: CompiledTable, values: Values, *also: Location) -> list[Finding]:
    """The rule's cells should all be 0 here: one finding naming those that are not."""
    bad = _nonzero(values, table, rule.cells)
    if not bad:
        return []
    message = rule.message.format(cells=_names(table, values, bad))
    return [Finding(rule.id, rule.severity, message, (*also, *(Location(table.key, c) for c in bad)))]


# What a rule kind does: (rule, report, table, this year's values, last year's or None) → findings.
RuleCheck = Callable[[Rule, Report, CompiledTable, Values, Values | None], list[Finding]]


def _zero_implies_zero(
    rule: Rule, report: Report, table: CompiledTable, values: Values, last: Values | None
) -> list[Finding]:
    if not _all_zero(values, table, rule.when_zero, need_filled=False):
        return []
    return _must_be_zero(rule, table, values)


def _zero_implies_text(
    rule: Rule, report: Report, table: CompiledTable, values: Values, last: Values | None
) -> list[Finding]:
    assert rule.text is not None
    text = report.texts.get(rule.text, "").strip()
    if not text or not _all_zero(values, table, rule.when_zero, need_filled=True):
        return []
    if text_matches(text, rule.patterns):
        return []
    return [Finding(rule.id, rule.severity, rule.message, (Location(text=rule.text),))]


def _text_implies_zero(
    rule: Rule, report: Report, table: CompiledTable, values: Values, last: Values | None
) -> list[Finding]:
    assert rule.text is not None
    text = report.texts.get(rule.text, "").strip()
    if not text or not text_matches(text, rule.patterns):
        return []
    found = _must_be_zero(rule, table, values, Location(text=rule.text))
    span = _first_match(report.texts.get(rule.text, ""), rule.patterns)  # what the text says
    return [replace(f, spot=Location(text=rule.text), span=span) for f in found]


def _zero_for_levels(
    rule: Rule, report: Report, table: CompiledTable, values: Values, last: Values | None
) -> list[Finding]:
    if report.level is None or report.level not in rule.levels:
        return []  # a level not chosen yet is not one of them: no alarm until it is
    return _must_be_zero(rule, table, values)


def _text_number(rule: Rule, report: Report, table: CompiledTable, values: Values) -> list[Finding]:
    """Numbers quoted in the text ("共受理申请12件") must agree with the table."""
    cells = _cells(table, rule.cells)
    if any(values.get(c) is None for c in cells):
        return []  # the table is not filled yet: nothing to compare with
    expected: CellValue = sum((_num(values, c) for c in cells), 0)
    keys = report.tpl.text_key_order if rule.text == "*" else (rule.text or "",)
    texts = [(key, text) for key in keys if (text := report.texts.get(key, ""))]
    # A pattern whose words no text has is left out at once (most reports quote few figures).
    everything = "\n".join(text for _, text in texts)
    patterns = [p for p in rule.patterns if could_match(p, everything)]
    findings: list[Finding] = []
    for key, text in texts if patterns else ():
        for pattern in patterns:
            if not could_match(pattern, text):
                continue
            for match in rule_regex(pattern).finditer(text):
                quoted = int(normalise_number_text(match.group("n")))
                if quoted == expected:
                    continue
                message = rule.message.format(
                    part=report.tpl.text_part(key).title,
                    quote=match.group(0),
                    value=format_value(expected),
                    cells=_names(table, values, cells),
                )
                locations = (Location(text=key), *(Location(table.key, c) for c in cells))
                # The number as quoted, with its measure word: 98件.
                span = (match.start("n"), match.end())
                findings.append(
                    Finding(rule.id, rule.severity, message, locations, spot=locations[0], span=span)
                )
    return findings


_RULE_KINDS: dict[str, RuleCheck] = {
    "equation": lambda rule, _report, table, values, last: _equation(rule, table, values, last),
    "text_number": lambda rule, report, table, values, _last: _text_number(rule, report, table, values),
    "zero_implies_zero": _zero_implies_zero,
    "zero_implies_text": _zero_implies_text,
    "text_implies_zero": _text_implies_zero,
    "zero_for_levels": _zero_for_levels,
}


# ---------------------------------------------------------------------- cell-level checks


def _cell_findings(
    template: Template, table: CompiledTable, entered: dict[str, CellValue], values: Values
) -> list[Finding]:
    findings: list[Finding] = []
    messages = template.messages
    kinds = template.kinds_by_key
    inputs = table.input_set
    # A whole number in bounds in an input cell is fine for any kind (value_problem's own first
    # test): most cells of every report read, passed over at once; the rest in the order entered.
    rest = [
        (cell_id, value)
        for cell_id, value in entered.items()
        if type(value) is not int or not 0 <= value <= MAX_CELL_VALUE or cell_id not in inputs
    ]
    for cell_id, value in rest:
        cell = table.cells.get(cell_id)
        if cell is None:
            message = messages.unknown_cell.format(table=table.title, cell=cell_id)
            findings.append(Finding("CELL", "error", message, (Location(table.key, cell_id),)))
        elif cell.computed:
            computed = values.get(cell_id)
            computed_value = computed if computed is not None else 0
            if value != computed_value:
                message = messages.total_mismatch.format(
                    cell=cell.name,
                    entered=format_value(value),
                    computed=format_value(computed_value),
                    diff=format_value(abs_diff(value, computed_value)),
                )
                here = Location(table.key, cell_id)
                parts = tuple(Location(table.key, c) for c in cell.operands)
                findings.append(
                    Finding(
                        cell.rule or "SUM",
                        "error",
                        message,
                        (here,),
                        spot=here,
                        equation=(here, *parts),
                        suspects=(here, *parts),
                    )
                )
        else:
            problem = value_problem(value, kinds[cell.kind])
            if problem:
                message = messages.value_problem.format(table=table.title, cell=cell.name, problem=problem)
                findings.append(
                    Finding(table.spec.value_rule, "error", message, (Location(table.key, cell_id),))
                )
    return findings


def _completeness(report: Report, template: Template) -> list[Finding]:
    findings: list[Finding] = []
    messages = template.messages
    if not report.unit.strip():
        findings.append(Finding("META", "warning", messages.unit_missing, (Location(field="unit"),)))
    elif (too_long := unit_problem(report.unit, template)) is not None:
        findings.append(Finding("META", "error", too_long, (Location(field="unit"),)))
    if report.level is None:
        findings.append(Finding("META", "warning", messages.level_missing, (Location(field="level"),)))
    for section in template.sections:
        for part in section.texts:
            key = f"{section.key}.{part.key}"
            if not part.optional and not report.texts.get(key, "").strip():
                message = messages.text_empty.format(heading=section.heading, part=part.title)
                findings.append(Finding("TEXT_EMPTY", "warning", message, (Location(text=key),)))
    for table in template.compiled.values():
        entered = report.values.get(table.key, {})
        blank = [c for c in table.inputs if c not in entered]
        if blank:
            message = messages.table_incomplete.format(table=table.title, count=len(blank))
            locations = tuple(Location(table.key, c) for c in blank)
            findings.append(Finding("TABLE_INCOMPLETE", "warning", message, locations))
    return findings


def check(report: Report, last_year: Report | None = None) -> list[Finding]:
    """All findings for one report, errors first. ``last_year`` enables the year-to-year rules."""
    template = report.tpl
    if last_year is None and report.last_year is not None:
        last_year = report.last_year.as_report()  # the baseline stored by `new --from`
    findings: list[Finding] = []
    for table in template.compiled.values():
        entered = report.values.get(table.key, {})
        values = table_values_of(table, entered)
        last_values: Values | None = None
        if last_year is not None and table.key in last_year.tpl.compiled:
            last_values = last_year.table_values(table.key)
        findings.extend(_cell_findings(template, table, entered, values))
        for rule in table.spec.rules:
            findings.extend(_RULE_KINDS[rule.kind](rule, report, table, values, last_values))
    findings.extend(_completeness(report, template))
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
