"""Starting this year's report from last year's: which cells carry over, as data
(``schemas/mappings/carry-over.toml``).

Unit and level are copied, the year is last year's + 1, 表三 "二、上年结转" is prefilled from last
year's "四、结转下年度继续办理", and last year's cells that R7/R8 compare with are kept as the
``[last_year]`` baseline. Texts are not copied.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib
from tui_report.model.report import CellValue, LastYear, Report, new_report
from tui_report.model.template import (
    CompiledTable,
    Template,
    TemplateError,
    on_forget_templates,
    schema_files,
    template_for_year,
)

LINKS_FILE = ("mappings", "carry-over.toml")


class CellMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    prefill: list[CellMap] = []
    baseline: list[str] = []


class Links(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    links: list[Link]


@lru_cache(maxsize=1)
def carry_over_links() -> Links:
    """The links of every schema folder: the installed file's, then a site's (a new format that
    carries over from an installed one brings its own ``[[links]]`` entry)."""
    links: list[Link] = []
    for path in schema_files(*LINKS_FILE):
        try:
            links.extend(Links.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).links)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
            raise TemplateError(
                f"结转对照文件 {path} 无法使用：{os_error_text(exc) if isinstance(exc, OSError) else exc}"
            ) from exc
    return Links(links=links)


on_forget_templates(carry_over_links.cache_clear)


def link_for(source: str, target: str) -> Link | None:
    return next((k for k in carry_over_links().links if k.source == source and k.target == target), None)


def _split(ref: str) -> tuple[str, str]:
    table, _, pattern = ref.partition(":")
    return table, pattern


def _matches(template: Template, ref: str) -> list[tuple[CompiledTable, str, str]]:
    """(table, cell id, the part the glob's "*" matched) for each input cell a reference names."""
    table_key, pattern = _split(ref)
    table = template.compiled.get(table_key)
    if table is None:
        return []
    head, star, tail = pattern.partition("*")
    out = []
    for cell_id in table.match(pattern):
        if table.cells[cell_id].computed:
            continue
        middle = cell_id[len(head) : len(cell_id) - len(tail)] if star else ""
        out.append((table, cell_id, middle))
    return out


def _target_cell(template: Template, ref: str, middle: str) -> tuple[str, str] | None:
    table_key, pattern = _split(ref)
    table = template.compiled.get(table_key)
    cell_id = pattern.replace("*", middle, 1)
    if table is None or cell_id not in table.cells or table.cells[cell_id].computed:
        return None
    return table_key, cell_id


def baseline_of(last: Report, link: Link | None) -> LastYear:
    values: dict[str, dict[str, CellValue]] = {}
    for ref in link.baseline if link else ():
        for table, cell_id, _ in _matches(last.tpl, ref):
            value = last.entered(table.key, cell_id)
            if value is not None:
                values.setdefault(table.key, {})[cell_id] = value
    return LastYear(template=last.template, year=last.year, unit=last.unit, values=values)


def start_from(last: Report, year: int | None = None, template_id: str | None = None) -> Report:
    """This year's blank report, started from last year's."""
    year = year if year is not None else last.year + 1
    report = new_report(last.unit, year, last.level, template_id or template_for_year(year))
    link = link_for(last.template, report.template)
    for cell_map in link.prefill if link else ():
        for table, cell_id, middle in _matches(last.tpl, cell_map.source):
            value = last.entered(table.key, cell_id)
            target = _target_cell(report.tpl, cell_map.target, middle)
            if value is not None and target is not None:
                report.values.setdefault(target[0], {})[target[1]] = value
    # Last year's contact details usually still hold; the statistics period follows the new year.
    for key, text in last.preamble.items():
        if key not in report.preamble and text.strip() and str(last.year) not in text:
            report.preamble[key] = text
    report.last_year = baseline_of(last, link)
    return report
