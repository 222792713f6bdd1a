"""The review desk: every unit's report of a folder at once, one row per unit.

States (in the order the desk sorts them, worst first):

========== ==================================================================================
无法读取    the file exists but cannot be read as a report (broken TOML, FIFO, symlink, too big…)
未提交      a roster unit with no report in the folder
未开始      a report with nothing entered: no table cell and no text (metadata only)
填报中      no errors, but cells, required texts or the unit name are still blank
有错误      at least one error (an arithmetic rule, a value out of bounds)
待完善      everything filled in, no errors, but warnings remain (text vs. table, copied text…)
已完成      everything filled in, no errors and no warnings
========== ==================================================================================
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from tui_report.model.indicators import Figure, figures_of, indicator_values, review_spec, sum_figures
from tui_report.model.report import CellValue, Report
from tui_report.model.rules import Finding, check
from tui_report.model.similarity import folder_copied_text
from tui_report.model.template import TemplateError
from tui_report.model.workflow import FINISHED, content_fingerprint
from tui_report.review.deskfacts import FileFacts, gather_facts
from tui_report.review.deskflow import WORKFLOW_SORT, add_workflow, workflow_counts
from tui_report.review.discovery import FoundReports, find_reports
from tui_report.review.discovery import ReviewError as ReviewError  # raised by review_folder
from tui_report.review.files import (
    UnsafeFile,
    read_plain_file,
)
from tui_report.review.roster import ROSTER_NAME, RosterUnit, load_roster, unit_key
from tui_report.review.unitrow import STATE_ORDER, STATES, UnitRow
from tui_report.review.workflow import saved_first_of
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import decode_report_bytes, loads_report
from tui_report.storage.reviewrecords import places_of, year_folder_of

COMPLETENESS_RULES = frozenset({"TABLE_INCOMPLETE", "TEXT_EMPTY", "META"})
POOL_MIN_FILES = 200
POOL_CHUNKS_PER_WORKER = 32
# The copied-text pass compares every pair of units of a year up to this many reports (a county);
# above it (a province) each report is compared with last year's of its unit only.
COMPARE_UNITS_UP_TO = 300


# path → (the file's signature: time, size, inode and change time; what was found in it)
FileSignature = tuple[int, int, int, int]
InspectionCache = dict[str, tuple[FileSignature, "Inspection"]]


def report_state(report: Report, findings: list[Finding]) -> str:
    if any(f.severity == "error" for f in findings):
        return "has_errors"
    if not report.values and not any(t.strip() for t in report.texts.values()):
        return "not_started"
    if any(f.rule in COMPLETENESS_RULES for f in findings):
        return "in_progress"
    if any(f.severity == "warning" for f in findings):
        return "needs_attention"
    return "complete"


# ---------------------------------------------------------------------- one file (in a worker)


@dataclass(slots=True)
class Inspection:
    """What a worker finds in one file; plain data, cheap to send between processes."""

    path: str
    problem: str = ""
    roster: bool = False
    unit: str = ""
    level: str = ""
    year: int = 0
    template: str = ""
    findings: list[Finding] = field(default_factory=list)
    state: str = "unreadable"
    figures: dict[str, CellValue | None] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    # Last year's figures from the report's own [last_year] baseline (None: it has none).
    baseline: dict[str, CellValue | None] | None = None
    fingerprint: str | None = None  # the content an approval names (model.workflow)


def _read(path: str) -> Report:
    raw = read_plain_file(Path(path))
    return loads_report(decode_report_bytes(raw, Path(path)), path)


def inspect_file(path: str, last_year_path: str | None = None) -> Inspection:
    """Read and check one file; ``last_year_path``: last year's report of the unit, for R7/R8
    (as ``tui-report check`` finds it in the folder)."""
    result = Inspection(path)
    try:
        report = _read(path)
    except UnsafeFile as exc:
        result.problem = str(exc)
        return result
    except ReportFileError as exc:
        result.roster = _parses_as_roster(Path(path))
        result.problem = exc.located_reason
        return result
    last_year: Report | None = None
    if last_year_path is not None:
        with contextlib.suppress(UnsafeFile, ReportFileError):
            last_year = _read(last_year_path)
    findings = check(report, last_year)
    result.unit, result.level, result.year = report.unit.strip(), report.level or "", report.year
    result.template = report.template
    result.findings = findings
    result.state = report_state(report, findings)
    result.texts = dict(report.texts)
    result.fingerprint = content_fingerprint(report)
    try:
        keys = review_spec(report.template).figure_keys
        result.figures = figures_of(report, keys)
        if report.last_year is not None:
            result.baseline = figures_of(report.last_year.as_report(), keys)
    except (TemplateError, KeyError) as exc:
        result.problem = str(exc)
    return result


def _parses_as_roster(path: Path) -> bool:
    from tui_report.review.roster import is_roster_file

    return is_roster_file(path)


def _inspect(path: str) -> Inspection:
    try:
        return inspect_file(path)
    except Exception as exc:  # one odd file must not stop the review of all the others
        return Inspection(path, problem=f"无法检查（{type(exc).__name__}: {exc}）")


def inspect_all(paths: list[str], processes: int | None = None) -> list[Inspection]:
    """Inspect files, in a pool of processes when there are many (``processes`` = 1: here).

    The workers are forked: they inherit the loaded templates and run only this module's code.
    Don't fork while holding an edit lock (the workers would share it until they end)."""
    return Inspecting(paths, processes).results()


class Inspecting:
    """Files being inspected: in a pool of processes started at once (when there are many), so
    that the caller can do other work meanwhile; :meth:`results` waits for them, in order."""

    def __init__(self, paths: list[str], processes: int | None = None) -> None:
        if processes is None:
            processes = default_processes(len(paths))
        self._paths = paths
        self._pool: Executor | None = None
        self._pending: Iterator[Inspection] | None = None
        if processes <= 1 or len(paths) < 2:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        # Small chunks: with a few large ones, one worker still reads its last chunk long after
        # the others are done, and the desk waits for the last file.
        chunk = max(1, len(paths) // (processes * POOL_CHUNKS_PER_WORKER))
        self._pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        try:
            self._pending = self._pool.map(_inspect, paths, chunksize=chunk)
        except BaseException:
            self._pool.shutdown(cancel_futures=True)
            raise

    def results(self) -> list[Inspection]:
        if self._pool is None or self._pending is None:
            return [_inspect(p) for p in self._paths]
        try:
            return list(self._pending)
        finally:
            self._pool.shutdown(cancel_futures=True)


def default_processes(files: int) -> int:
    """One process per core (at most four) when there are enough files to pay for the pool."""
    return min(os.cpu_count() or 1, 4) if files >= POOL_MIN_FILES else 1


# ---------------------------------------------------------------------- the rows


@dataclass(slots=True)
class Review:
    folder: Path
    year: int | None
    rows: list[UnitRow]
    roster: Path | None
    template: str = ""
    # The county: all rows of the year added up, and last year's figures where every unit has them.
    county_figures: dict[str, CellValue | None] = field(default_factory=dict)
    county_indicators: dict[str, Figure | None] = field(default_factory=dict)
    # Any submission recorded in the folder: then the workflow decides the exit code and publishing.
    uses_workflow: bool = False
    # Each file's records' signature as its records were read (review/deskflow.workflow_signature).
    records_signatures: dict[Path, tuple[int, int]] = field(default_factory=dict)

    @property
    def counted(self) -> list[UnitRow]:
        """The rows the exit code and the count line are about: roster units when there is a
        roster, otherwise every row."""
        if self.roster is None:
            return self.rows
        return [r for r in self.rows if r.in_roster]

    @property
    def all_complete(self) -> bool:
        return all(r.state == "complete" for r in self.counted)

    @property
    def all_done(self) -> bool:
        """What ``review``'s exit code says: with the workflow every counted unit 已通过 or 已发布
        (and no duplicate), else every one 已完成."""
        if not self.uses_workflow:
            return self.all_complete
        return all(r.workflow.code in FINISHED and not r.duplicate_of for r in self.counted)

    def count_line(self) -> str:
        """已完成 N/M counts units (a unit with two reports of the year once: complete when both
        are, 重复 says it), the states after it count reports."""
        rows = self.counted
        counts = Counter(r.state for r in rows)
        units: dict[str, list[UnitRow]] = {}
        for row in rows:
            units.setdefault(unit_key(row.unit) if row.unit else f"file:{row.path}", []).append(row)
        complete = sum(1 for group in units.values() if all(r.state == "complete" for r in group))
        parts = [f"已完成 {complete}/{len(units)}"]
        for code in (
            "has_errors",
            "needs_attention",
            "in_progress",
            "not_started",
            "not_submitted",
            "unreadable",
        ):
            if counts[code]:
                parts.append(f"{STATES[code]} {counts[code]}")
        parts += workflow_counts(rows, self.uses_workflow)
        if self.roster is not None:
            outside = [r for r in self.rows if not r.in_roster]
            unreadable = sum(1 for r in outside if r.state == "unreadable")
            if unreadable:
                parts.append(f"{STATES['unreadable']} {unreadable}")
            if len(outside) > unreadable:
                parts.append(f"不在名册 {len(outside) - unreadable}")
        return "，".join(parts)


def _text_report(inspection: Inspection) -> Report:
    # Only the texts and the identity matter here: no validation (the file was validated).
    return Report.model_construct(
        template=inspection.template,
        unit=inspection.unit,
        level=inspection.level or None,  # type: ignore[arg-type]
        year=inspection.year,
        texts=inspection.texts,
    )


def _add_copied_text(this_year: list[Inspection], last_year: list[Inspection]) -> list[Inspection]:
    """R15: each report against last year's of the same unit and the other units' of this year
    (the same folder pass as ``tui-report check``). New objects: inspections may be cached.

    Above :data:`COMPARE_UNITS_UP_TO` reports a year, units are compared with last year only: then
    only the reports that have last year's report of their unit take part (the others could not
    be found copying, and their texts need not even be normalised)."""
    pool = this_year + last_year
    if len(this_year) > COMPARE_UNITS_UP_TO:
        previous = {unit_key(i.unit) for i in last_year}
        current = {unit_key(i.unit) for i in this_year}
        pool = [i for i in this_year if unit_key(i.unit) in previous]
        pool += [i for i in last_year if unit_key(i.unit) in current]
    found = folder_copied_text(
        [_text_report(i) for i in pool],
        max_same_year=COMPARE_UNITS_UP_TO,
        saved_first=saved_first_of([Path(i.path) for i in pool]),
    )
    copied_by_id = {id(i): copied for i, copied in zip(pool, found, strict=True)}
    result: list[Inspection] = []
    for inspection in this_year:
        copied = copied_by_id.get(id(inspection), [])
        if copied:
            state = "needs_attention" if inspection.state == "complete" else inspection.state
            inspection = replace(inspection, findings=[*inspection.findings, *copied], state=state)
        result.append(inspection)
    return result


def _recheck_with_last_year(this_year: list[Inspection], last: dict[str, Inspection]) -> list[Inspection]:
    """Reports without a [last_year] baseline are checked again with last year's report of the
    unit found in the folder (R7/R8), as ``tui-report check`` does."""
    result = []
    for inspection in this_year:
        previous = last.get(unit_key(inspection.unit))
        if inspection.baseline is None and previous is not None:
            inspection = inspect_file(inspection.path, previous.path)
        result.append(inspection)
    return result


def _unique_units(inspections: list[Inspection]) -> dict[str, Inspection]:
    """Unit → its report, for units with exactly one (two files of one unit: neither is used)."""
    counts = Counter(unit_key(i.unit) for i in inspections)
    return {unit_key(i.unit): i for i in inspections if counts[unit_key(i.unit)] == 1}


def _row(inspection: Inspection) -> UnitRow:
    path = Path(inspection.path)
    if inspection.problem and not inspection.unit:
        return UnitRow(unit="", path=path, state="unreadable", problem=inspection.problem)
    return UnitRow(
        unit=inspection.unit,
        level=inspection.level,
        path=path,
        year=inspection.year,
        template=inspection.template,
        state=inspection.state,
        problem=inspection.problem,
        findings=inspection.findings,
        figures=inspection.figures,
        baseline=inspection.baseline,
        fingerprint=inspection.fingerprint,
    )


def _file_details(rows: Iterable[UnitRow], found: FoundReports, facts: dict[Path, FileFacts]) -> None:
    for row in rows:
        row.base = found.folder
        fact = facts.get(row.path) if row.path is not None else None
        if fact is None or not fact.present:
            continue
        row.saved_at, row.saved_by = fact.saved_at, fact.saved_by
        row.editor = fact.editor
        row.exported = fact.exported


def _unreadable_folders(found: FoundReports) -> list[UnitRow]:
    """A unit folder the reviewer cannot list is a row of its own (无法读取), never left out."""
    return [
        UnitRow(unit="", state="unreadable", problem=f"文件夹 {folder.name}/ {why}")
        for folder, why in found.unreadable.items()
    ]


def _merge_roster(rows: list[UnitRow], roster: list[RosterUnit]) -> list[UnitRow]:
    by_key: dict[str, list[UnitRow]] = {}
    for row in rows:
        by_key.setdefault(unit_key(row.unit), []).append(row)
    merged: list[UnitRow] = []
    for unit in roster:
        found = by_key.pop(unit_key(unit.name), [])
        for row in found:
            row.in_roster, row.contact, row.deadline = True, unit.contact, unit.deadline
            row.level = row.level or unit.level
        merged.extend(
            found
            or [
                UnitRow(
                    unit=unit.name,
                    level=unit.level,
                    in_roster=True,
                    contact=unit.contact,
                    deadline=unit.deadline,
                )
            ]
        )
    leftovers = [r for found in by_key.values() for r in found]
    merged.extend(sorted(leftovers, key=lambda r: (r.state != "unreadable", r.unit, r.file_name)))
    return merged


def _indicators(rows: list[UnitRow], last: dict[str, Inspection], review: Review) -> None:
    for row in rows:
        if not row.template or row.problem:
            continue
        previous = last.get(unit_key(row.unit))
        row.last_figures = previous.figures if previous is not None else row.baseline
        row.indicators = indicator_values(review_spec(row.template), row.figures, row.last_figures)
    filled = [r for r in rows if r.template == review.template and not r.problem]
    if not review.template or not filled:
        return
    review.county_figures = sum_figures([r.figures for r in filled])
    lasts = [r.last_figures for r in filled]
    county_last = (
        sum_figures([p for p in lasts if p is not None]) if all(p is not None for p in lasts) else None
    )
    review.county_indicators = indicator_values(
        review_spec(review.template), review.county_figures, county_last
    )


def _signature(path: Path) -> FileSignature | None:
    """What tells a file changed. The change time too: an operator can set a file's modification
    time back (``touch -d``) after changing it in place, not its change time; the desk keeps its
    reading between runs (review/deskcache.py), so a stale one would last."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino, info.st_ctime_ns)


class _CachedInspecting:
    """Inspections of the files, reusing the cache's of a file whose times, size and inode are
    unchanged (the review screen re-reads only what changed); the others started at once."""

    def __init__(self, files: list[Path], processes: int | None, cache: InspectionCache | None) -> None:
        self._cache = cache
        self._signatures = {str(p): _signature(p) for p in files}
        stale = [
            p
            for p, sig in self._signatures.items()
            if cache is None or sig is None or cache.get(p, (None,))[0] != sig
        ]
        self._running = Inspecting(stale, processes)

    def results(self) -> list[Inspection]:
        fresh = {i.path: i for i in self._running.results()}
        cache = self._cache
        if cache is None:
            return [fresh[p] for p in self._signatures]
        for path in set(cache) - set(self._signatures):
            del cache[path]
        for path, inspection in fresh.items():
            sig = self._signatures[path]
            if sig is not None:
                cache[path] = (sig, inspection)
        return [fresh[p] if p in fresh else cache[p][1] for p in self._signatures]


def review_folder(
    folder: Path,
    roster_path: Path | None = None,
    year: int | None = None,
    processes: int | None = None,
    cache: InspectionCache | None = None,
    today: date | None = None,
) -> Review:
    """Read every report of ``folder`` and build the desk's rows. Raises :class:`ReviewError` when
    the folder or the roster cannot be read. ``cache`` (kept by the caller between calls) spares
    reading unchanged files again; ``today`` decides what is past a deadline."""
    return FolderReading(folder, roster_path, processes, cache).finish(year, today)


class FolderReading:
    """``review_folder`` in two steps: creating it finds the files, reads the roster and starts
    the pool of processes reading the reports (at once: the desk starts it before its screen);
    :meth:`finish` gathers the other facts of the files meanwhile and builds the rows. Raises
    :class:`ReviewError` when the folder or the roster cannot be read."""

    def __init__(
        self,
        folder: Path,
        roster_path: Path | None = None,
        processes: int | None = None,
        cache: InspectionCache | None = None,
    ) -> None:
        self.folder = folder
        self.found = find_reports(folder)
        self.roster_path = roster_path if roster_path is not None else self.found.roster
        self.roster: list[RosterUnit] | None = None
        if self.roster_path is not None:
            try:
                self.roster = load_roster(self.roster_path)
            except Exception as exc:
                raise ReviewError(str(exc)) from exc
        self.year_folder = year_folder_of(folder / ROSTER_NAME)
        # Each report's records where the commands write them (its own year folder's: the same
        # as the folder's in the strict layout, its unit folder's where nothing marks the year).
        self.places = places_of(self.found.files)
        self._running = _CachedInspecting(self.found.files, processes, cache)

    def finish(self, year: int | None = None, today: date | None = None) -> Review:
        """The rows (waits for the pool); ``year``: the year to review (else the latest found)."""
        try:
            # While the pool reads the files.
            facts = gather_facts(self.found.files, self.found, self.places, self.year_folder)
        finally:
            inspected = self._running.results()
        return self._rows(inspected, facts, year, today)

    def _rows(
        self, inspected: list[Inspection], facts: dict[Path, FileFacts], year: int | None, today: date | None
    ) -> Review:
        inspections = [i for i in inspected if not i.roster]
        readable = [i for i in inspections if not (i.problem and not i.unit)]
        target = year if year is not None else max((i.year for i in readable), default=None)
        last_year = [i for i in readable if target is not None and i.year == target - 1]
        last = _unique_units(last_year)
        this_year = _recheck_with_last_year([i for i in readable if i.year == target], last)
        this_year = _add_copied_text(this_year, last_year)
        unreadable = [i for i in inspections if i.problem and not i.unit]
        rows = [_row(i) for i in this_year + unreadable] + _unreadable_folders(self.found)
        rows = (
            _merge_roster(rows, self.roster)
            if self.roster is not None
            else sorted(rows, key=lambda r: (r.unit, r.file_name))
        )
        _file_details(rows, self.found, facts)
        templates = Counter(r.template for r in rows if r.template)
        template = templates.most_common(1)[0][0] if templates else ""
        review = Review(self.folder, target, rows, self.roster_path, template)
        _indicators(rows, last, review)
        records = {p: f.records for p, f in facts.items()}
        review.uses_workflow = add_workflow(rows, records, today)
        review.records_signatures = {p: f.records_signature for p, f in facts.items()}
        return review


def sort_rows(rows: list[UnitRow], by: str, indicator: str | None = None) -> list[UnitRow]:
    """Rows sorted by ``state`` (worst first), ``workflow`` (waiting for the reviewer first:
    review/deskflow.WORKFLOW_SORT), ``unit`` or an indicator (largest first)."""
    if by == "state":
        return sorted(rows, key=lambda r: (STATE_ORDER[r.state], r.unit))
    if by == "workflow":
        return sorted(
            rows, key=lambda r: (WORKFLOW_SORT.index(r.workflow.code), STATE_ORDER[r.state], r.unit)
        )
    if by == "indicator" and indicator is not None:
        present = [r for r in rows if r.indicators.get(indicator) is not None]
        absent = [r for r in rows if r.indicators.get(indicator) is None]
        present.sort(key=lambda r: -float(r.indicators[indicator] or 0))
        return present + absent
    return sorted(rows, key=lambda r: (r.unit, r.file_name))
