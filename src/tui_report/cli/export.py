"""`tui-report export FILE -o OUT`: .json .docx .pdf .html by the output's extension.

`tui-report export DIR -o OUTDIR/ [--format docx|pdf|html]`: every complete report of a folder
(batch export for the portal, with index.html). Exit 0 all exported, 1 some skipped or failed,
2 DIR unreadable or nothing could be written."""

from __future__ import annotations

import argparse
from pathlib import Path

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err, load, output_exists, say


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export",
        help="导出报告（按扩展名：.json .docx .pdf .html）",
        description="导出报告，格式按 -o 文件的扩展名：.docx（Word）、.pdf、.html（网页）、.json。"
        "有错误时不导出，加 --draft 导出草稿。给出文件夹时，批量导出其中所有已完成的报告和索引页 index.html。",
    )
    export.add_argument("file", type=Path, help="报告文件；或文件夹：批量导出其中所有已完成的报告")
    export.add_argument("-o", "--output", type=Path, required=True, help="输出文件（批量导出时为输出文件夹）")
    export.add_argument(
        "--format", choices=("docx", "pdf", "html"), default="docx", help="批量导出的格式（默认 docx）"
    )
    export.add_argument("--draft", action="store_true", help="有错误时仍导出，并在每页标注“草稿”")
    export.add_argument(
        "--subheadings",
        choices=("own-line", "run-in"),
        default=None,
        help="第一部分“（一）”小标题：own-line 单独成行（默认），run-in 与正文接排；不写时按报告文件 [export] 的设置",
    )


def _is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder; False when it cannot be known (no permission): what reads it
    next says why in Chinese, instead of a PermissionError traceback from ``Path.is_dir``."""
    import os
    import stat

    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def run_batch(args: argparse.Namespace) -> int:
    from tui_report.export.office import ExportError
    from tui_report.review.batch import export_folder
    from tui_report.review.desk import ReviewError

    if output_exists(args.output) and not _is_folder(args.output):
        err(f"批量导出时 -o 应为文件夹，{args.output} 不是文件夹")
        return EXIT_UNREADABLE
    try:
        result = export_folder(args.file, args.output, args.format)
    except (ReviewError, ExportError) as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    for warning in dict.fromkeys(result.warnings):
        err(f"提示：{warning}")
    for row, reason in result.skipped:
        err(f"未导出 {row.unit or row.file_name}：{reason}")
    say(f"已导出 {len(result.exported)} 份报告到 {args.output}，索引页 {result.index}")
    return EXIT_OK if not result.skipped else EXIT_FINDINGS


def run(args: argparse.Namespace) -> int:
    from tui_report.model.rules import SEVERITY_LABELS, check, has_errors

    if _is_folder(args.file):
        return run_batch(args)
    report, problem = load(args.file)
    if report is None:
        err(problem)
        return EXIT_UNREADABLE
    suffix = args.output.suffix.lower()
    if suffix == ".json":
        from tui_report.export.jsondoc import dumps_json
        from tui_report.storage.atomic import atomic_write
        from tui_report.storage.errors import ReportFileError

        try:
            atomic_write(args.output, dumps_json(report).encode("utf-8"))
        except ReportFileError as exc:
            err(str(exc))
            return EXIT_UNREADABLE
        say(f"已导出 {args.output}")
        return EXIT_OK
    if suffix in (".docx", ".pdf", ".html", ".htm"):
        findings = check(report)
        if has_errors(findings) and not args.draft:
            err(f"{args.file} 有错误，未导出（改正后再导出，或加 --draft 导出草稿）：")
            for finding in findings:
                if finding.severity == "error":
                    err(f"  {SEVERITY_LABELS['error']} [{finding.rule}] {finding.message}")
            return EXIT_FINDINGS
        from tui_report.export.office import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
            ExportError,
            export_document,
        )

        try:
            warnings = export_document(report, args.output, draft=args.draft, subheadings=args.subheadings)
        except ExportError as exc:
            err(str(exc))
            return EXIT_UNREADABLE
        for warning in warnings:
            err(f"提示：{warning}")
        say(f"已导出 {args.output}")
        return EXIT_OK
    err(f"不支持的导出格式“{suffix or '（无扩展名）'}”，请用 .json、.docx、.pdf 或 .html")
    return EXIT_UNREADABLE
