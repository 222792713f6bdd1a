"""Helpers shared by the export tests: example reports and exporting to bytes."""

from __future__ import annotations

from pathlib import Path

from tui_report.export.office import export_document
from tui_report.model.report import Report, new_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def export_docx(report: Report, tmp: Path, draft: bool = False, name: str = "out.docx") -> bytes:
    path = tmp / name
    export_document(report, path, draft=draft)
    return path.read_bytes()


def report_2019() -> Report:
    """A 2019-format report with a distinct number in every input cell (row index * 10 + column)."""
    report = new_report(
        "某某县某某镇人民政府", 2020, level="township", template_id="gov-info-disclosure-2019"
    )
    for key, table in report.tpl.compiled.items():
        for n, cell_id in enumerate(table.input_cells()):
            report.set_cell(key, cell_id, n + 1)
    report.texts["overview.proactive"] = "全年主动公开政府信息56条。"
    return report
