"""Command line: the same operations as the app, headless.

``tui-report FILE`` (or no argument) opens the app; the sub-commands below never import Textual,
so that they stay fast on a busy server.

Exit codes: 0 success / no errors, 1 a report has errors (or an export was refused because of
them), 2 an input could not be read or the command was used wrongly.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tui_report import __version__

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2

COMMANDS = ("new", "check", "export", "templates", "history", "restore")


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tui-report",
        description="填报、检查、导出政府信息公开工作年度报告。不带子命令时打开填报界面：tui-report [文件]",
    )
    parser.add_argument("--version", action="version", version=f"tui-report {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令")

    new = sub.add_parser("new", help="新建一份空白报告")
    new.add_argument("file", type=Path, help="要创建的报告文件（.toml）")
    new.add_argument("--unit", required=True, help="单位名称，如：尉氏县大马乡人民政府")
    new.add_argument("--year", required=True, type=int, help="报告年度，如 2025")
    new.add_argument(
        "--level",
        default="township",
        choices=["province", "city", "county", "township", "department"],
        help="单位层级（默认 township 乡镇）",
    )
    new.add_argument("--template", default=None, help="模板编号（默认按年度选择，见 tui-report templates）")
    new.add_argument("--force", action="store_true", help="文件已存在时覆盖")

    check = sub.add_parser("check", help="检查报告，列出问题")
    check.add_argument("files", type=Path, nargs="+", help="报告文件")
    check.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    check.add_argument("--last-year", type=Path, default=None, help="上年度报告，用于跨年核对")

    export = sub.add_parser("export", help="导出报告（按扩展名：.json .docx .pdf .html）")
    export.add_argument("file", type=Path, help="报告文件")
    export.add_argument("-o", "--output", type=Path, required=True, help="输出文件")
    export.add_argument("--draft", action="store_true", help="有错误时仍导出，并在每页标注“草稿”")

    sub.add_parser("templates", help="列出已安装的模板")

    history = sub.add_parser("history", help="列出报告的历史版本（每次保存自动保留上一版本）")
    history.add_argument("file", type=Path, help="报告文件")

    restore = sub.add_parser("restore", help="恢复一个历史版本（恢复本身也是一次保存，可再撤回）")
    restore.add_argument("file", type=Path, help="报告文件")
    restore.add_argument("version", help="版本编号（见 tui-report history，1 为最近一个）或版本文件名")
    return parser


def _load(path: Path):  # type: ignore[no-untyped-def]
    from tui_report.store import ReportFileError, load_report

    try:
        return load_report(path), None
    except ReportFileError as exc:
        return None, str(exc)


def cmd_new(args: argparse.Namespace) -> int:
    from tui_report.report import new_report
    from tui_report.store import ReportFileError, save_report
    from tui_report.template import TemplateError, template_for_year

    if args.file.exists() and not args.force:
        _err(f"{args.file}：文件已存在，未覆盖（确需覆盖请加 --force）")
        return EXIT_UNREADABLE
    try:
        template_id = args.template or template_for_year(args.year)
        report = new_report(args.unit, args.year, args.level, template_id)
        save_report(report, args.file)
    except (TemplateError, ReportFileError) as exc:
        _err(str(exc))
        return EXIT_UNREADABLE
    print(f"已创建 {args.file}（{report.title}，模板 {template_id}）")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from tui_report.rules import SEVERITY_LABELS, check, has_errors

    last_year = None
    if args.last_year is not None:
        last_year, problem = _load(args.last_year)
        if problem:
            _err(f"上年度报告无法读取：{problem}")
            return EXIT_UNREADABLE
    status = EXIT_OK
    out = sys.stdout
    for path in args.files:
        report, problem = _load(path)
        if problem is not None:
            status = EXIT_UNREADABLE
            if args.json:
                out.write(
                    json.dumps({"file": str(path), "readable": False, "error": problem}, ensure_ascii=False)
                    + "\n"
                )
            else:
                _err(problem)
            continue
        findings = check(report, last_year)
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        if has_errors(findings) and status == EXIT_OK:
            status = EXIT_FINDINGS
        if args.json:
            record = {
                "file": str(path),
                "readable": True,
                "title": report.title,
                "errors": errors,
                "warnings": warnings,
                "findings": [f.to_json() for f in findings],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        out.write(f"{path}：{report.title} — {errors}个错误，{warnings}个警告\n")
        for finding in findings:
            where = "、".join(loc.path for loc in finding.locations[:3])
            if len(finding.locations) > 3:
                where += f" 等{len(finding.locations)}处"
            out.write(f"  {SEVERITY_LABELS[finding.severity]} [{finding.rule}] {finding.message}")
            out.write(f"（{where}）\n" if where else "\n")
    return status


def cmd_export(args: argparse.Namespace) -> int:
    from tui_report.rules import SEVERITY_LABELS, check, has_errors

    report, problem = _load(args.file)
    if problem is not None:
        _err(problem)
        return EXIT_UNREADABLE
    suffix = args.output.suffix.lower()
    if suffix == ".json":
        from tui_report.export.jsondoc import dumps_json
        from tui_report.store import ReportFileError, atomic_write

        try:
            atomic_write(args.output, dumps_json(report).encode("utf-8"))
        except ReportFileError as exc:
            _err(str(exc))
            return EXIT_UNREADABLE
        print(f"已导出 {args.output}")
        return EXIT_OK
    if suffix in (".docx", ".pdf", ".html", ".htm"):
        findings = check(report)
        if has_errors(findings) and not args.draft:
            _err(f"{args.file} 有错误，未导出（改正后再导出，或加 --draft 导出草稿）：")
            for finding in findings:
                if finding.severity == "error":
                    _err(f"  {SEVERITY_LABELS['error']} [{finding.rule}] {finding.message}")
            return EXIT_FINDINGS
        from tui_report.export.office import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
            ExportError,
            export_document,
        )

        try:
            export_document(report, args.output, draft=args.draft)
        except ExportError as exc:
            _err(str(exc))
            return EXIT_UNREADABLE
        print(f"已导出 {args.output}")
        return EXIT_OK
    _err(f"不支持的导出格式“{suffix or '（无扩展名）'}”，请用 .json、.docx、.pdf 或 .html")
    return EXIT_UNREADABLE


def cmd_templates(_: argparse.Namespace) -> int:
    from tui_report.template import TemplateError, list_templates

    try:
        templates = list_templates()
    except TemplateError as exc:
        _err(str(exc))
        return EXIT_UNREADABLE
    for template in templates:
        print(f"{template.id}\t版本 {template.version}\t{template.name}\t{template.basis}")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from tui_report.lock import current_owner
    from tui_report.versions import is_current, list_versions

    path: Path = args.file
    versions = list_versions(path)
    out = sys.stdout
    out.write(f"{path} 的历史版本（最新在前）：\n")
    out.write(f"  {_pad('编号', 6)}  {_pad('保存时间', 19)}  {_pad('保存者', 12)}  大小\n")
    try:
        info = path.stat()
    except OSError:
        out.write(f"  {_pad('当前', 6)}  （文件不存在）\n")
    else:
        from datetime import datetime

        from tui_report.procinfo import user_name

        when = datetime.fromtimestamp(info.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
        out.write(
            f"  {_pad('当前', 6)}  {when:<19}  {_pad(user_name(info.st_uid), 12)}  {_size(info.st_size)}\n"
        )
    for number, version in enumerate(versions, start=1):
        when = version.saved_at.strftime("%Y-%m-%d %H:%M:%S")
        same = "  （与当前文件相同）" if is_current(version, path) else ""
        out.write(f"  {number:<6}  {when:<19}  {_pad(version.user, 12)}  {_size(version.size)}{same}\n")
    if not versions:
        out.write("  （还没有历史版本：第一次保存之后才会有）\n")
    else:
        out.write(f"恢复某个版本：tui-report restore {path} 编号\n")
    owner = current_owner(path)
    if owner is not None:
        out.write(f"注意：{owner.describe()}\n")
    return EXIT_OK


def _pad(text: str, width: int) -> str:
    """Left-align in terminal cells (a Chinese character takes two)."""
    import unicodedata

    cells = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return text + " " * max(0, width - cells)


def _size(size: int) -> str:
    return f"{size} 字节" if size < 1024 else f"{size / 1024:.1f} KB"


def cmd_restore(args: argparse.Namespace) -> int:
    from tui_report.lock import LockedError
    from tui_report.store import ReportFileError
    from tui_report.versions import restore_version

    try:
        version, kept = restore_version(args.file, args.version)
    except LockedError as exc:
        _err(f"{exc}，现在不能恢复；请等对方保存并退出后再试")
        return EXIT_UNREADABLE
    except ReportFileError as exc:
        _err(str(exc))
        return EXIT_UNREADABLE
    print(f"已恢复 {args.file} 为 {version.saved_at:%Y-%m-%d %H:%M:%S} 由 {version.user} 保存的版本")
    if kept is not None:
        print(f"恢复前的内容已保留为历史版本 {kept.id}（可用 tui-report restore 撤回）")
    return EXIT_OK


def run_app(argv: Sequence[str]) -> int:
    """Open the guided entry app (imported only here, so headless commands never load Textual)."""
    # Start-up creates some hundred thousand long-lived objects (Textual, pydantic, the report),
    # which the cyclic collector would scan again and again before the first paint (~30 ms). It is
    # paused until the app has drawn its first screen (ReportApp.on_mount), and at the latest here.
    gc.disable()
    try:
        try:
            from tui_report.tui.app import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
                main as app_main,
            )
        except ImportError as exc:
            _err(f"无法启动填报界面：{exc}")
            return EXIT_UNREADABLE
        return int(app_main(list(argv)))
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0] not in COMMANDS and not args_list[0].startswith("-")):
        return run_app(args_list)
    parser = _build_parser()
    args = parser.parse_args(args_list)
    handlers = {
        "new": cmd_new,
        "check": cmd_check,
        "export": cmd_export,
        "templates": cmd_templates,
        "history": cmd_history,
        "restore": cmd_restore,
    }
    if args.command is None:
        return run_app([])
    try:
        return handlers[args.command](args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
