"""`tui-report check FILE...`: findings per report; exit 0 no errors, 1 errors, 2 unreadable."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err, load


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="检查报告，列出问题")
    check.add_argument("files", type=Path, nargs="+", help="报告文件")
    check.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")
    check.add_argument("--last-year", type=Path, default=None, help="上年度报告，用于跨年核对")


def run(args: argparse.Namespace) -> int:
    from tui_report.model.rules import SEVERITY_LABELS, check, has_errors

    last_year = None
    if args.last_year is not None:
        last_year, problem = load(args.last_year)
        if problem:
            err(f"上年度报告无法读取：{problem}")
            return EXIT_UNREADABLE
    status = EXIT_OK
    out = sys.stdout
    for path in args.files:
        report, problem = load(path)
        if report is None:
            status = EXIT_UNREADABLE
            if args.json:
                out.write(
                    json.dumps({"file": str(path), "readable": False, "error": problem}, ensure_ascii=False)
                    + "\n"
                )
            else:
                err(problem)
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
