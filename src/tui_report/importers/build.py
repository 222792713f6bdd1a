"""A report from a source document: the format whose table shapes fit best, the values placed on its
cells, the texts by what their headings say, unit and year from the title (or the signature, or
the preamble), the level from the unit's name — and a note for everything placed with doubt."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tui_report.importers.notes import ImportNote
from tui_report.importers.source import ImportFailure, RowNote, SourceDocument
from tui_report.importers.tables import Placement, grid_from_lines, place_rows, rows_of
from tui_report.importers.texts import Accounting, Texts, document_year, read_texts
from tui_report.importers.vocabulary import guess_level
from tui_report.model.levels import LEVEL_WORDS
from tui_report.model.report import Report, cell_value
from tui_report.model.template import TemplateError, UnitLevel, list_templates, template_for_year

__all__ = ["ImportNote", "ImportResult", "build_report"]


@dataclass(slots=True)
class ImportResult:
    report: Report
    notes: list[ImportNote] = field(default_factory=list)
    # Where each paragraph of the document went (characters by destination): nothing is dropped.
    accounting: Accounting = field(default_factory=Accounting)
    # Whether the level came from --level or a certain entry of the dictionary (unset or guessed:
    # False, and a note says so).
    level_known: bool = True


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


def _unit(texts: Texts, unit: str | None, notes: list[ImportNote]) -> str:
    if unit is not None:
        return unit
    found = texts.title.unit
    if texts.unit_source == "signature":
        notes.append(ImportNote("info", f"标题中没有单位名称，已按文末落款读作“{found}”，请核对。", "unit"))
    elif texts.unit_source == "preamble":
        notes.append(
            ImportNote("warning", f"标题和落款中没有单位名称，已按前言读作“{found}”，请核对。", "unit")
        )
    elif not found:
        notes.append(
            ImportNote(
                "warning",
                "标题、落款和前言中都没有找到单位名称，请用 --unit 指定或在报告信息中填写。",
                "unit",
            )
        )
    return found


def _level(unit: str, level: UnitLevel | None, notes: list[ImportNote]) -> tuple[UnitLevel | None, bool]:
    """The level from --level, else from the unit's name by the dictionary; unset (None) when the
    dictionary has no entry for the name — never a default the operator is not told of."""
    if level is not None:
        return level, True
    guessed, certain = guess_level(unit)
    if guessed is None:
        why = f"（从单位名称“{unit}”看不出层级）" if unit else ""
        notes.append(
            ImportNote("warning", f"未能判断单位层级，请用 --level 指定或在报告信息中选择{why}。", "level")
        )
        return None, False
    if not certain:
        notes.append(
            ImportNote(
                "warning",
                f"单位层级按名称“{unit}”判断为“{LEVEL_WORDS[guessed]}”，不一定准确；如不对，请用 --level 指定或在报告信息中选择。",
                "level",
            )
        )
    return guessed, certain


def _row_notes(notes: list[RowNote], placement: Placement) -> list[ImportNote]:
    """The reader's notes about printed rows, each naming its table and located at the row it was
    read into (its first cell) — a row the format has no row for at its table —, so that ``check``
    on a document shows it there."""
    out: list[ImportNote] = []
    for note in notes:
        placed = placement.rows.get((note.table, note.row))
        if placed is None:  # not even its table is known
            out.append(ImportNote("warning", note.message))
        else:
            title, location = placed
            out.append(ImportNote("warning", f"表“{title}”中{note.message}", location))
    return out


def _year_format(year: int | None) -> str | None:
    if year is None:
        return None
    try:
        return template_for_year(year)
    except TemplateError:
        return None


def choose_format(placements: list[Placement], year_format: str | None) -> Placement:
    """The format a document is read in: the one of its year (``template_for_year``) when every
    printed row fits it — a site's format with the same tables as 2021 takes no 2024 report, though
    the scores tie —; else the one that fits the rows best, a tie going to the year's format, then
    to the newest (a 2021 report printed in the 2019 format is still read in that format)."""
    for placement in placements:
        if placement.template.id == year_format and placement.fits:
            return placement
    return max(placements, key=lambda p: (p.score, p.template.id == year_format, p.template.first_year))


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
        rows = rows_of(grids)
        placements = [place_rows(t, rows) for t in list_templates()]
    else:  # tables printed without rules, or typed as text: rows from the lines
        lines = source.lines or paragraphs
        placements = [place_rows(t, rows_of([grid_from_lines(lines, t)])) for t in list_templates()]
    year_format = _year_format(year or document_year(source.blocks))
    best = choose_format(placements, year_format)
    texts = read_texts(source.blocks, best.template, source.furniture)
    if best.placed == 0 and texts.sections_found < 3:
        raise ImportFailure(f"{path}：不是可识别的政府信息公开工作年度报告（没有找到报告的表格和各部分标题）")
    notes = [ImportNote("warning", n) for n in source.notes] + _row_notes(source.row_notes, best)
    notes += best.notes + texts.notes
    found_year = year or texts.title.year
    if found_year is None:
        raise ImportFailure(f"{path}：标题中没有找到报告年度，请用 --year 指定（如 --year 2024）")
    found_unit = _unit(texts, unit, notes)
    found_level, level_known = _level(found_unit, level, notes)
    template = best.template
    if template.id != _year_format(found_year):
        notes.append(
            ImportNote(
                "info",
                f"表格是{template.name}，与{found_year}年度通常使用的格式不同，已按表格读入。",
                f"tables.{template.tables[0].key}" if template.tables else "",
            )
        )
    report = Report(
        template=template.id,
        template_version=template.version,
        unit=found_unit,
        level=found_level,
        year=found_year,
        preamble=texts.preamble,
        texts=texts.texts,
        values={k: v for k, v in best.values.items() if v},
    )
    _keep_disagreeing_totals(report)
    return ImportResult(report, notes, texts.accounting, level_known)
