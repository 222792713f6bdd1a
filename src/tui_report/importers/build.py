"""A report from a source document: the format whose table shapes fit best, the values placed on its
cells, the texts by their headings, unit and year from the title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib
from tui_report.importers.source import ImportFailure, SourceDocument
from tui_report.importers.tables import Placement, grid_from_lines, place_rows
from tui_report.importers.texts import read_texts
from tui_report.model.report import Report, cell_value
from tui_report.model.template import TemplateError, UnitLevel, list_templates, schemas_dir

RULES_FILE = ("mappings", "import.toml")

NoteLevel = Literal["warning", "info"]


@dataclass(frozen=True, slots=True)
class ImportNote:
    """Something the importer could not place, or placed with doubt (Chinese)."""

    severity: NoteLevel
    message: str


@dataclass(slots=True)
class ImportResult:
    report: Report
    notes: list[ImportNote] = field(default_factory=list)


@lru_cache(maxsize=1)
def _level_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    path = schemas_dir().joinpath(*RULES_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return tuple((str(item["level"]), re.compile(str(item["pattern"]))) for item in data["levels"])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, re.error) as exc:
        raise TemplateError(
            f"导入规则文件 {path} 无法使用：{os_error_text(exc) if isinstance(exc, OSError) else exc}"
        ) from exc


def guess_level(unit: str) -> UnitLevel:
    for level, pattern in _level_patterns():
        if pattern.search(unit.strip()):
            return level  # type: ignore[return-value]
    return "department"


def _keep_disagreeing_totals(report: Report) -> None:
    """A printed total equal to the sum of its parts carries nothing; one that differs is kept so
    that R2/R3/R5 point at the wrong published total."""
    for table_key, cells in report.values.items():
        table = report.tpl.table(table_key)
        for cell_id in [c for c in cells if table.cells[c].computed]:
            printed = cells.pop(cell_id)
            computed = cell_value(table, cells, table.cells[cell_id])
            if printed != (computed if computed is not None else 0):
                cells[cell_id] = printed


def build_report(
    source: SourceDocument,
    path: Path,
    unit: str | None = None,
    year: int | None = None,
    level: UnitLevel | None = None,
) -> ImportResult:
    grids = [b for b in source.blocks if not isinstance(b, str)]
    paragraphs = [b for b in source.blocks if isinstance(b, str)]
    if grids:
        placements = [place_rows(t, grids) for t in list_templates()]
    else:  # tables printed without rules, or typed as text: rows from the lines
        lines = source.lines or paragraphs
        placements = [place_rows(t, [grid_from_lines(lines, t)]) for t in list_templates()]
    best: Placement = max(placements, key=lambda p: (p.score, p.template.first_year))
    texts = read_texts(paragraphs, best.template)
    if best.placed == 0 and texts.sections_found < 3:
        raise ImportFailure(f"{path}：不是可识别的政府信息公开工作年度报告（没有找到报告的表格和各部分标题）")
    notes = [ImportNote("warning", n) for n in best.notes]
    notes.extend(ImportNote("warning", n) for n in texts.notes)
    found_year = year or texts.title.year
    if found_year is None:
        raise ImportFailure(f"{path}：标题中没有找到报告年度，请用 --year 指定（如 --year 2024）")
    found_unit = unit if unit is not None else texts.title.unit
    if not found_unit:
        notes.append(ImportNote("warning", "标题中没有找到单位名称，请用 --unit 指定。"))
    template = best.template
    if not (template.first_year <= found_year <= (template.last_year or found_year)):
        notes.append(
            ImportNote("info", f"表格是{template.name}，与{found_year}年度通常使用的格式不同，已按表格读入。")
        )
    report = Report(
        template=template.id,
        template_version=template.version,
        unit=found_unit,
        level=level or guess_level(found_unit),
        year=found_year,
        preamble=texts.preamble,
        texts=texts.texts,
        values={k: v for k, v in best.values.items() if v},
    )
    _keep_disagreeing_totals(report)
    return ImportResult(report, notes)
