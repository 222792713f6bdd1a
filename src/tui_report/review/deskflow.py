"""The desk's rows, completed with the review workflow: each report's records (state, comments,
verified copied text), reports of one unit and year found twice, days past the roster's deadline,
and this year's figures beside last year's.

Kept apart from ``desk.py`` (which reads and checks the files) so that the desk screen, the
workbook, ``--json``, batch export and ``rollup`` share one computation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.model.indicators import review_spec
from tui_report.model.workflow import FINISHED, WORKFLOW_STATES, Record, apply_verified, workflow_of
from tui_report.review.roster import unit_key
from tui_report.storage.reviewrecords import place_of, places_of, read_records, records_signature

if TYPE_CHECKING:
    from tui_report.review.unitrow import UnitRow

# The desk's order by workflow: what waits for the reviewer first, what is done last.
WORKFLOW_SORT = ("submitted", "changed_after_approval", "returned", "not_submitted", "approved", "published")
# Without the workflow a unit is on time once its report is filled in without errors.
DONE_WITHOUT_WORKFLOW = frozenset({"complete", "needs_attention"})
# With the workflow a unit is on time once it has submitted (a returned report is due again).
DUE_WITH_WORKFLOW = frozenset({"not_submitted", "returned"})


def add_workflow(
    rows: list[UnitRow], records: Mapping[Path, list[Record]], today: date | None = None
) -> bool:
    """Fill in each row's workflow, duplicates, deadline and year-over-year figures; whether the
    folder uses the workflow (any submission recorded). ``records``: each file's records as the
    reading gathered them (review/deskfacts.py); a file it lacks has its records read here."""
    for row in rows:
        if row.path is None:
            continue
        found = records.get(row.path)
        if found is None:
            found = read_records(place_of(row.path))
        row.workflow = workflow_of(found, row.fingerprint)
        if row.workflow.verified:
            _apply_verified(row)
    mark_duplicates(rows)
    in_use = any(r.workflow.in_use for r in rows)
    add_deadlines(rows, today or date.today(), in_use)
    add_year_over_year(rows)
    return in_use


def _apply_verified(row: UnitRow) -> None:
    """Copied text marked 已核实 no longer counts: the report may be 已完成 again."""
    row.findings = apply_verified(row.findings, row.workflow)
    if row.state == "needs_attention" and not any(f.severity == "warning" for f in row.findings):
        row.state = "complete"


def mark_duplicates(rows: list[UnitRow]) -> None:
    """Two reports of one unit and year: each names the other (the first other file)."""
    groups: dict[tuple[str, int], list[UnitRow]] = defaultdict(list)
    for row in rows:
        if row.path is not None and row.year is not None and row.unit.strip():
            groups[(unit_key(row.unit), row.year)].append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        for row in group:
            other = next(r for r in group if r is not row)
            row.duplicate_of = other.file_name


def overdue_days(row: UnitRow, today: date, uses_workflow: bool) -> int | None:
    """Days past the row's deadline while the unit has not done its part, else None."""
    if row.deadline is None or today <= row.deadline:
        return None
    if uses_workflow:
        late = row.path is None or row.workflow.code in DUE_WITH_WORKFLOW
    else:
        late = row.state not in DONE_WITHOUT_WORKFLOW
    return (today - row.deadline).days if late else None


def add_deadlines(rows: Iterable[UnitRow], today: date, uses_workflow: bool) -> None:
    for row in rows:
        row.overdue_days = overdue_days(row, today, uses_workflow)


def add_year_over_year(rows: Iterable[UnitRow]) -> None:
    """Each ``[[year_over_year]]`` figure of ``schemas/review/``: this year's and last year's."""
    for row in rows:
        if not row.template or row.problem:
            continue
        spec = review_spec(row.template)
        last = row.last_figures
        row.year_over_year = {
            item.id: (item.value(row.figures), item.value(last) if last is not None else None)
            for item in spec.year_over_year
        }


def publish_hold_reason(row: UnitRow) -> str:
    """Why batch export holds a report back in a folder using the workflow ("" : publish it)."""
    if row.path is None:
        return row.state_label
    if row.duplicate_of:
        return f"与 {row.duplicate_of} 是同一单位同一年度的报告，请先删去其中一份"
    code = row.workflow.code
    if code in FINISHED:
        return "" if row.state in ("complete", "needs_attention") else row.state_label
    opened = row.workflow.comments_open
    return {
        "not_submitted": "未报送",
        "submitted": "已报送，尚未审核通过",
        "returned": f"退回修改（{opened}条意见待处理）",
        "changed_after_approval": "已通过后有修改：请单位重新报送，审核通过后再发布",
    }.get(code, row.workflow.label)


def rollup_choice(
    rows: list[UnitRow], *, include_all: bool = False, output: Path | None = None
) -> tuple[list[UnitRow], list[tuple[UnitRow, str]]]:
    """The rows ``rollup`` sums and those it leaves out with the reason. Summed: 已完成, or 已通过 /
    已发布 (filled in, no errors); with ``include_all`` every readable report (as before #22). A
    unit's second report (a duplicate) is left out; so is ``output`` (an earlier roll-up)."""
    chosen: list[UnitRow] = []
    left_out: list[tuple[UnitRow, str]] = []
    target = output.absolute() if output is not None else None
    for row in rows:
        if row.path is not None and row.path.absolute() == target:
            continue
        reason = _rollup_reason(row, include_all, chosen)
        if reason:
            left_out.append((row, reason))
        else:
            chosen.append(row)
    return chosen, left_out


def _rollup_reason(row: UnitRow, include_all: bool, chosen: list[UnitRow]) -> str:
    if row.path is None or row.state == "unreadable":
        return row.state_label + (f"（{row.problem}）" if row.problem else "")
    if include_all:
        return ""
    if row.duplicate_of and any(r.file_name == row.duplicate_of for r in chosen):
        return f"与 {row.duplicate_of} 是同一单位同一年度的报告，只汇总一份"
    if row.state == "complete" or (row.workflow.code in FINISHED and row.state == "needs_attention"):
        return ""
    if row.state == "needs_attention":
        return "待完善（还有警告，且未审核通过）"
    return row.state_label


def workflow_counts(rows: list[UnitRow], uses_workflow: bool) -> list[str]:
    """For the count line: ``已通过 3``, ``退回修改 1``… (in a workflow folder) and ``重复 2`` (files
    of a unit found twice)."""
    counts = Counter(r.workflow.code for r in rows) if uses_workflow else Counter[str]()
    parts = [f"{label} {counts[code]}" for code, label in WORKFLOW_STATES.items() if counts[code]]
    duplicates = sum(1 for r in rows if r.duplicate_of)
    return [*parts, f"重复 {duplicates}"] if duplicates else parts


def workflow_signature(
    rows: Iterable[UnitRow], known: Mapping[Path, tuple[int, int]] | None = None
) -> tuple[tuple[int, int], ...]:
    """Changes when a record is added or removed for any row (the desk's refresh adds it to the
    folder's signature). ``known``: signatures taken as the records were read (Review's)."""
    known = known or {}
    paths = [r.path for r in rows if r.path is not None]
    places = places_of(p for p in paths if p not in known)
    return tuple(known.get(p) or records_signature(places[p]) for p in paths)


def distinguishing_names(names: list[str], width: int) -> dict[str, str]:
    """Unit names as the desk shows them in ``width`` terminal cells: the prefix every name of the
    folder shares (淮安市洪泽区) shortened to …, so that 淮安市洪泽区卫生健康委员会 and 淮安市洪泽区人民政府
    show as …卫生健康委员会 and …人民政府; a name still too wide is cut at the end with …."""
    from tui_report.model.linebreak import cells

    present = [n for n in dict.fromkeys(names) if n]
    prefix = _common_prefix(present) if len(present) > 1 else ""
    shown: dict[str, str] = {}
    for name in names:
        text = name
        if len(prefix) >= 2 and cells(name) > width and len(name) > len(prefix):
            text = "…" + name[len(prefix) :]
        if cells(text) > width:
            kept = ""
            for ch in text:
                if cells(kept + ch) > width - 1:
                    break
                kept += ch
            text = kept + "…"
        shown[name] = text
    return shown


def _common_prefix(names: list[str]) -> str:
    first, last = min(names), max(names)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]
