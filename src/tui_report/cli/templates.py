"""`tui-report templates`: the installed report formats, by their Chinese names."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, err, out

if TYPE_CHECKING:
    from tui_report.model.template import Template

DESCRIPTION = "列出本程序认识的报告格式（2019年版、2021年版…），以及新建时怎样指定格式"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("templates", help="列出可用的报告格式", description=DESCRIPTION)


def choice_word(template: Template, templates: list[Template]) -> str:
    """What an operator types after ``--template`` for this format: the year it starts from,
    when no other format starts the same year; else its id."""
    same_year = [t for t in templates if t.first_year == template.first_year]
    return str(template.first_year) if len(same_year) == 1 else template.id


def find_template(text: str) -> str:
    """The template id for what follows ``--template``: the format's first year (2019, 2019年版),
    its Chinese name, or its id. Raises TemplateError naming the formats there are."""
    from tui_report.model.template import TemplateError, list_templates

    templates = list_templates()
    wanted = text.strip()
    short = wanted.removesuffix("格式").removesuffix("年版").removesuffix("年")
    for template in templates:
        if wanted in (template.id, template.name) or short == choice_word(template, templates):
            return template.id
    choices = "、".join(f"{choice_word(t, templates)}（{t.name}）" for t in templates)
    raise TemplateError(f"没有“{wanted}”这种报告格式，可选：{choices}")


def _years(template: Template) -> str:
    if template.last_year is None:
        return f"{template.first_year}年度起的报告"
    return f"{template.first_year}—{template.last_year}年度的报告"


def run(_: argparse.Namespace) -> int:
    from tui_report.model.template import TemplateError, list_templates

    try:
        templates = list_templates()
    except TemplateError as exc:
        err(str(exc))
        return EXIT_UNREADABLE
    for template in templates:
        out(f"{template.name}\n")
        basis = f"依据{template.basis}，" if template.basis else ""
        out(f"  {basis}用于{_years(template)}；新建时指定：--template {choice_word(template, templates)}\n")
    out("不指定时按报告年度自动选择。\n")
    return EXIT_OK
