"""`tui-report templates`: the installed report formats."""

from __future__ import annotations

import argparse

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("templates", help="列出已安装的模板")


def run(_: argparse.Namespace) -> int:
    from tui_report.model.template import TemplateError, list_templates

    try:
        templates = list_templates()
    except TemplateError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    for template in templates:
        print(f"{template.id}\t版本 {template.version}\t{template.name}\t{template.basis}")
    return EXIT_OK
