"""`tui-report check FILE...`: findings per report; exit 0 no errors, 1 errors, 2 unreadable.

Year-to-year rules (R7/R8) use ``--last-year`` (a report file or a .docx/.html/.pdf document),
else the baseline stored in the report (``[last_year]``), else last year's report of the same unit
in the same folder: a report file, or, for a document checked, failing that a document. Copied
text (R15) compares each report with last year's and with the other units' reports in its folder.
A document is imported in memory; what the import noted is listed as findings of rule IMPORT,
located at the cell or part each note concerns.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err, load, out, out_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui_report.model.report import Report
    from tui_report.model.rules import Finding, Location

# Documents of a folder looked at for last year's report when none is named by the year.
MAX_DOCUMENT_CANDIDATES = 20


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check",
        help="检查报告，列出问题",
        description="检查报告，列出错误和警告以及它们在哪里（表格的哪一格、哪一部分文字）。"
        "退出码：0 没有错误（可能有警告），1 有错误，2 文件无法读取。",
    )
    check.add_argument(
        "files", type=Path, nargs="+", help="报告文件（.toml；也可直接检查 .docx、.html、.pdf）"
    )
    check.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    check.add_argument(
        "--last-year",
        type=Path,
        default=None,
        help="上年度报告（.toml，或 .docx、.html、.pdf），用于跨年核对",
    )


# Notes from importing a document in memory, by report id, shown as findings of rule IMPORT.
_import_notes: dict[int, list[Finding]] = {}


def _note_location(path: str) -> tuple[Location, ...]:
    """An import note's dotted path (``tables.requests.new.natural``, ``texts.overview.platform``,
    ``unit``) as the location of a finding."""
    from tui_report.model.rules import Location

    head, _, rest = path.partition(".")
    if not path:
        return ()
    if head == "tables":
        table, _, cell = rest.partition(".")
        return (Location(table=table, cell=cell or None),)
    if head == "texts":
        return (Location(text=rest),)
    return (Location(field=path),)


def _load_any(path: Path) -> tuple[Report | None, str]:
    """A report file, or a .docx/.html/.pdf document imported in memory."""
    from tui_report.importers import ImportFailure, import_report, is_document
    from tui_report.model.rules import Finding

    if not is_document(path):
        return load(path)
    try:
        result = import_report(path)
    except ImportFailure as exc:
        return None, str(exc)
    notes = [
        Finding("IMPORT", n.severity, f"导入：{n.message}", _note_location(n.location)) for n in result.notes
    ]
    _import_notes[id(result.report)] = notes
    return result.report, ""


def _is_document(path: Path) -> bool:
    from tui_report.importers import is_document

    return is_document(path)


def _documents_beside(path: Path, year: int) -> list[Path]:
    """The .docx/.html/.pdf files in ``path``'s folder that may be the report of ``year``: those
    whose name says the year, else all of them when there are few (regular files only)."""
    from tui_report.importers import SUFFIXES

    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return []
    documents = []
    for entry in entries:
        if entry.name.startswith(".") or not entry.name.lower().endswith(SUFFIXES) or entry.name == path.name:
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                documents.append(Path(entry.path))
        except OSError:
            continue
    named = sorted(d for d in documents if str(year) in d.name)
    candidates = named or sorted(documents)
    return candidates[:MAX_DOCUMENT_CANDIDATES] if len(candidates) <= MAX_DOCUMENT_CANDIDATES or named else []


def _document_last_year(path: Path, report: Report) -> Report | None:
    """Last year's report of the same unit among the documents in the folder: each candidate's
    title read first (a PDF's first page), only the one that matches imported whole."""
    from tui_report.importers import ImportFailure, import_report, peek_title

    unit = report.unit.strip()
    if not unit:
        return None
    for candidate in _documents_beside(path, report.year - 1):
        try:
            title_unit, title_year = peek_title(candidate)
            if title_year != report.year - 1 or (title_unit and title_unit != unit):
                continue
            found = import_report(candidate).report
        except ImportFailure:
            continue
        if found.unit.strip() == unit and found.year == report.year - 1:
            return found
    return None


def _folder_findings(loaded: list[tuple[Path, Report]]) -> dict[int, tuple[Report | None, list[Finding]]]:
    """Per checked report (by id): last year's report found in its folder, and its R15 findings."""
    from tui_report.model.similarity import folder_copied_text
    from tui_report.review.workflow import saved_first_of
    from tui_report.storage.siblings import FolderReports, last_year_index

    folders = FolderReports(loaded)
    found: dict[int, tuple[Report | None, list[Finding]]] = {}
    by_folder: dict[Path, list[Report]] = {}
    for path, report in loaded:
        by_folder.setdefault(folders.canonical.folder(path.parent), []).append(report)
    for folder, checked in by_folder.items():
        pool = folders.in_folder(folder)
        pool_ids = {id(r) for r in pool}
        pool = pool + [r for r in checked if id(r) not in pool_ids]
        checked_ids = {id(r) for r in checked}
        index = last_year_index(pool)
        paths = [folders.path_of(r) for r in pool]
        saved = saved_first_of(paths)
        for report, findings in zip(pool, folder_copied_text(pool, saved_first=saved), strict=True):
            if id(report) in checked_ids:
                last = index.get((report.unit.strip(), report.year - 1)) if report.unit.strip() else None
                found[id(report)] = (last, findings)
    return found


def _print_text(path: Path, report: Report, findings: list[Finding]) -> None:
    from tui_report.model.rules import SEVERITY_LABELS

    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    out(f"{path}：{report.title} — {errors}个错误，{warnings}个警告\n")
    for finding in findings:
        where = describe_locations(report, finding.locations)
        out(f"  {SEVERITY_LABELS[finding.severity]} [{finding.rule}] {finding.message}")
        out(f"（{where}）\n" if where else "\n")


def describe_locations(report: Report, locations: Sequence[Location]) -> str:
    """Where a finding points, in Chinese: ``表三 一·自然人、二·自然人 等4处``, ``第五部分``
    (``model/where.py``, as the workbook's 问题 sheet says it). The key paths of the report file
    are for ``--json`` only."""
    from tui_report.model.template import TemplateError
    from tui_report.model.where import describe_locations as in_words

    try:
        template = report.tpl
    except TemplateError:
        return ""
    return in_words(template, locations)


def _print_json(path: Path, report: Report, findings: list[Finding]) -> None:
    record = {
        "file": str(path),
        "readable": True,
        "title": report.title,
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
        "findings": [f.to_json() for f in findings],
    }
    out_json(record)


def _reports_only(paths: list[Path]) -> list[Path]:
    """The roster of a review folder is never checked as a report (``check *.toml`` in that folder)."""
    from tui_report.review.roster import is_roster_file

    kept = []
    for path in paths:
        if is_roster_file(path):
            err(f"{path} 是单位名册（供 tui-report review 使用），不是报告，已跳过")
        else:
            kept.append(path)
    return kept


def run(args: argparse.Namespace) -> int:
    from tui_report.importers import is_document
    from tui_report.model.rules import SEVERITY_ORDER, check, has_errors
    from tui_report.review.workflow import workflow_findings

    last_year = None
    if args.last_year is not None:
        last_year, problem = _load_any(args.last_year)
        if last_year is not None:
            _import_notes.pop(id(last_year), None)  # last year's import notes are not this report's
        if problem:
            err(f"上年度报告无法读取：{problem}")
            return EXIT_UNREADABLE
    status = EXIT_OK
    read = [(path, *_load_any(path)) for path in _reports_only(args.files)]
    folder = _folder_findings([(path, report) for path, report, _ in read if report is not None])
    for path, report, problem in read:
        if report is None:
            status = EXIT_UNREADABLE
            if args.json:
                out_json({"file": str(path), "readable": False, "error": problem})
            else:
                err(problem)
            continue
        found_last_year, copied = folder.get(id(report), (None, []))
        if last_year is None and report.last_year is None and found_last_year is None and _is_document(path):
            found_last_year = _document_last_year(path, report)  # a report file keeps to report files
        baseline = last_year or (None if report.last_year is not None else found_last_year)
        findings = check(report, baseline) + copied + _import_notes.pop(id(report), [])
        if not is_document(path):
            findings = workflow_findings(path, report, findings)  # review comments, 已核实 (#22)
        findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        if has_errors(findings) and status == EXIT_OK:
            status = EXIT_FINDINGS
        (_print_json if args.json else _print_text)(path, report, findings)
    return status
