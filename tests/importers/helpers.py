"""Documents for the import tests, made in the test from the examples and the circulated sample."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import docx

from tui_report.importers.labels import normalise_label
from tui_report.model.report import Report, format_value, new_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SAMPLES = Path("/work/shared/samples")
SAMPLES = SAMPLES if SAMPLES.is_dir() else ROOT.parent / "shared" / "samples"
BLANK_TEMPLATE = SAMPLES / "blank-template-2021.docx"
PUBLISHED_PDF = SAMPLES / "huaian-city-2024-published.pdf"


def as_printed(text: str) -> str:
    """A text part as every export prints it: one paragraph per non-empty line, spaces trimmed."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def report_2019() -> Report:
    """A 2019-format (2020) report with every input cell and text part filled."""
    report = new_report("某某县某某镇人民政府", 2020, "township", "gov-info-disclosure-2019")
    for table in report.tpl.compiled.values():
        for n, cell_id in enumerate(table.input_cells()):
            kind = table.cells[cell_id].kind
            value: int | Decimal = (n * 7) % 23
            if kind == "amount":
                value = Decimal(f"{n}.5")
            elif kind == "change":
                value = n % 5 - 2
            report.set_cell(table.key, cell_id, value)
    for n, key in enumerate(report.tpl.text_keys()):
        report.texts[key] = (
            f"第{n}段：本镇认真落实政府信息公开各项要求，按时公开各类信息{n * 11}条。\n第二段文字。"
        )
    return report


def _distinct_cells(row: Any) -> list[Any]:
    out: list[Any] = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def fill_blank_template(report: Report, path: Path) -> Path:
    """The circulated blank 2021 template, filled in the way an operator does it in Word: the title
    typed over, the numbers typed into the cells by their row labels, the texts under the headings."""
    document = docx.Document(str(BLANK_TEMPLATE))
    document.paragraphs[0].text = report.title
    labels = {}
    for table in report.tpl.compiled.values():
        for row in table.rows:
            labels[normalise_label(row.labels[-1] if row.labels else "")] = (table, row)
    for word_table in document.tables:
        for row in word_table.rows:
            cells = _distinct_cells(row)
            texts = [c.text for c in cells]
            label = next(
                (normalise_label(t) for t in reversed(texts) if t.strip() and normalise_label(t) in labels),
                None,
            )
            if label is None and all(not t.strip() for t in texts) and len(cells) == 15:
                label = ""
            if label is None:
                continue
            table, leaf = labels[label]
            value_cells = cells[len(cells) - len(table.cols_of(leaf)) :]
            for cell, col in zip(value_cells, table.cols_of(leaf), strict=True):
                cell.text = format_value(report.cell(table.key, f"{leaf.id}.{col.id}"))
    for paragraph in list(document.paragraphs):
        if "文字描述" in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
    headings = {p.text.strip(): p for p in document.paragraphs}
    for section in report.tpl.sections:
        heading = headings.get(section.heading)
        if heading is None:
            continue
        anchor = heading._p
        for part in section.texts:
            lines = as_printed(report.texts.get(f"{section.key}.{part.key}", "")).splitlines()
            for i, line in enumerate(lines):
                lead = f"{part.heading}。" if part.heading and i == 0 else ""
                new = document.add_paragraph(lead + line)
                anchor.addnext(new._p)
                anchor = new._p
    document.save(str(path))
    return path
