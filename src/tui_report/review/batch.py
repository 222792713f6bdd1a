"""Batch export for the portal's 专栏: every complete report of a folder, plus ``index.html``.

A report is exported when it is filled in and has no errors (state 已完成 or 待完善: the same bar as
exporting one report); the others are listed as skipped with their state. In a folder that uses the
review workflow (any submission recorded) only reports 已通过 (or 已发布) whose content is still the
approved one are published, each recorded 已发布; the others are held back with the reason. All PDFs are rendered by
one LibreOffice start. Files are named after the report's title (``某某乡2024年政府信息公开工作年度
报告.pdf``) and written atomically.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from tui_report.export.office import ExportError, docx_bytes, html_text, pdf_bytes_many
from tui_report.host.oserror import os_error_text
from tui_report.host.terminal import strip_controls
from tui_report.model.report import Report
from tui_report.model.workflow import content_fingerprint
from tui_report.review.desk import Review, review_folder
from tui_report.review.deskflow import publish_hold_reason
from tui_report.review.files import UnsafeFile, read_plain_file, record_export
from tui_report.review.unitrow import UnitRow
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import decode_report_bytes, loads_report
from tui_report.storage.reviewrecords import ROSTER_NAME, year_folder_of

EXPORTABLE = frozenset({"complete", "needs_attention"})
INDEX_NAME = "index.html"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass
class BatchResult:
    review: Review
    exported: list[tuple[UnitRow, Path]] = field(default_factory=list)
    skipped: list[tuple[UnitRow, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index: Path | None = None


# What a file name derived from a unit must leave room for: the atomic writer's temp name
# (".{name}.{pid}.{8 hex}.tmp") and a "（n）" that makes it unique.
_TEMP_NAME_BYTES = 24
_UNIQUE_BYTES = len("（9999）".encode())


def name_limit(folder: Path) -> int:
    """The longest file name (in bytes) the file system of ``folder`` takes, 255 when unknown."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255


def file_name(report: Report, suffix: str, taken: set[str], max_bytes: int = 255) -> str:
    """A file name from the report's title, safe on Windows too, unique within the batch: no path
    separator or control character, no leading dot or dash (a hidden file, an option to the next
    command), and short enough in bytes for the file system (``max_bytes``) — a long unit is cut
    on a character boundary."""
    base = _UNSAFE.sub("_", strip_controls(report.title)).strip(" .").lstrip("-.") or "报告"
    room = max_bytes - _TEMP_NAME_BYTES - _UNIQUE_BYTES - len(suffix) - 1
    base = base.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .") or "报告"
    name = f"{base}.{suffix}"
    n = 2
    while name in taken:
        name = f"{base}（{n}）.{suffix}"
        n += 1
    taken.add(name)
    return name


def _load(row: UnitRow) -> Report:
    assert row.path is not None
    return loads_report(decode_report_bytes(read_plain_file(row.path), row.path), row.path)


def _render(reports: list[Report], fmt: str, warnings: list[str]) -> list[bytes | ExportError]:
    if fmt == "pdf":
        return list(pdf_bytes_many(reports, warnings=warnings))
    results: list[bytes | ExportError] = []
    for report in reports:
        try:
            results.append(docx_bytes(report) if fmt == "docx" else html_text(report).encode("utf-8"))
        except ExportError as exc:
            results.append(exc)
        except Exception:  # one odd report must not stop the export of all the others
            results.append(ExportError("生成文档时出错（程序内部错误），请把这份报告文件发给系统管理员"))
    return results


def export_folder(
    folder: Path,
    outdir: Path,
    fmt: str = "docx",
    roster: Path | None = None,
    processes: int | None = None,
) -> BatchResult:
    """Export every complete report of ``folder`` into ``outdir`` and write ``outdir/index.html``.

    A report that cannot be rendered or written is skipped with the reason and the others go on;
    index.html is always written (listing what was exported). Raises
    :class:`tui_report.review.desk.ReviewError` when the folder cannot be read and
    :class:`ExportError` when nothing can be written (LibreOffice missing, outdir not writable).
    ``processes``: as ``review_folder`` (1 in an app holding an edit lock: no fork)."""
    review = review_folder(folder, roster, processes=processes)
    year_folder = year_folder_of(folder / ROSTER_NAME)
    result = BatchResult(review)
    chosen: list[tuple[UnitRow, Report]] = []
    for row in review.rows:
        if review.uses_workflow:
            reason = publish_hold_reason(row)
        else:
            reason = row.state_label if row.path is None or row.state not in EXPORTABLE else ""
        if reason:
            result.skipped.append((row, reason))
            continue
        try:
            report = _load(row)
        except (UnsafeFile, ReportFileError) as exc:
            result.skipped.append((row, str(exc)))
            continue
        if review.uses_workflow and content_fingerprint(report) != row.fingerprint:
            result.skipped.append((row, "刚刚又有修改，与审核通过的内容不同"))
            continue
        chosen.append((row, report))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建输出文件夹 {outdir}（{os_error_text(exc)}）") from exc
    taken: set[str] = {INDEX_NAME}
    limit = name_limit(outdir)
    rendered = _render([r for _, r in chosen], fmt, result.warnings)
    for (row, report), data in zip(chosen, rendered, strict=True):
        if isinstance(data, ExportError):
            result.skipped.append((row, str(data)))
            continue
        target = outdir / file_name(report, fmt, taken, limit)
        try:
            atomic_write(target, data)
        except ReportFileError as exc:
            result.skipped.append((row, exc.reason))
            continue
        result.exported.append((row, target))
        if row.path is not None:
            warning = record_export(row.path, [target], year_folder)
            if warning:
                result.warnings.append(warning)
            if review.uses_workflow:
                _record_published(row, result.warnings)
    result.index = outdir / INDEX_NAME
    try:
        atomic_write(result.index, index_html(review, result.exported).encode("utf-8"))
    except ReportFileError as exc:
        raise ExportError(str(exc)) from exc
    return result


def _record_published(row: UnitRow, warnings: list[str]) -> None:
    """已发布: a reviewer's record naming the content published (once per content)."""
    from tui_report.review.workflow import RecordError, record_publication

    if row.path is None or row.fingerprint is None or row.workflow.code == "published":
        return
    try:
        # Where the desk reads it and the other commands write: the report's own year folder's.
        record_publication(row.path, row.fingerprint)
    except RecordError as exc:
        warnings.append(f"{row.unit}已导出，但无法记录为已发布：{exc}")


def index_html(review: Review, exported: list[tuple[UnitRow, Path]]) -> str:
    """A plain page listing the units with links to their reports, in roster (or unit) order."""
    year = f"{review.year}年" if review.year else ""
    title = f"{year}政府信息公开工作年度报告"
    items = "\n".join(
        f'<li><a href="{escape(path.name, quote=True)}">{escape(row.unit)}</a></li>' for row, path in exported
    )
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"<ul>\n{items}\n</ul>\n<p>共 {len(exported)} 个单位，生成于 {stamp}。</p>\n</body>\n</html>\n"
    )
