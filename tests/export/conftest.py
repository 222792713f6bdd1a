from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docx_reading import open_docx

from tui_report.export.office import export_document
from tui_report.report import Report, new_report
from tui_report.store import load_report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def export_docx(report: Report, tmp: Path, draft: bool = False, name: str = "out.docx") -> bytes:
    path = tmp / name
    export_document(report, path, draft=draft)
    return path.read_bytes()


@pytest.fixture(scope="session")
def full_report() -> Report:
    return load_report(EXAMPLES / "full-2024.toml")


@pytest.fixture(scope="session")
def dama_report() -> Report:
    return load_report(EXAMPLES / "dama-2021.toml")


@pytest.fixture(scope="session")
def full_docx(full_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_docx(export_docx(full_report, tmp_path_factory.mktemp("full")))


@pytest.fixture(scope="session")
def dama_docx(dama_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return open_docx(export_docx(dama_report, tmp_path_factory.mktemp("dama")))


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
