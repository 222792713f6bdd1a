"""Our own exports read back: export → import gives the same values and texts (and the preamble),
for both examples and a 2019-format report, in .docx, .html and .pdf."""

from __future__ import annotations

import os

import pytest

from tui_report.export.office import export_document
from tui_report.export.pdf import find_soffice
from tui_report.importers import import_report
from tui_report.model.report import Report
from tui_report.model.rules import check, has_errors
from tui_report.storage.reportfile import load_report

from .helpers import EXAMPLES, as_printed, report_2019

REPORTS = {
    "dama-2021": lambda: load_report(EXAMPLES / "dama-2021.toml"),
    "full-2024": lambda: load_report(EXAMPLES / "full-2024.toml"),
    "format-2019": report_2019,
}


def _formats() -> list[object]:
    # PDF export needs LibreOffice, which scripts/test.sh installs: in CI a missing one fails the test.
    no_office = find_soffice() is None and not os.environ.get("CI")
    return [
        "docx",
        "html",
        pytest.param("pdf", marks=pytest.mark.skipif(no_office, reason="LibreOffice is not installed")),
    ]


@pytest.mark.parametrize("suffix", _formats())
@pytest.mark.parametrize("name", list(REPORTS))
def test_export_then_import_gives_the_report_back(tmp_path, name: str, suffix: str) -> None:
    original: Report = REPORTS[name]()
    path = tmp_path / f"{name}.{suffix}"
    export_document(original, path, draft=has_errors(check(original)))
    result = import_report(path)
    back = result.report
    assert result.notes == []
    assert (back.template, back.unit, back.year, back.level) == (
        original.template,
        original.unit,
        original.year,
        original.level,
    )
    assert back.values == original.values
    assert back.texts == {k: as_printed(v) for k, v in original.texts.items() if as_printed(v)}
    assert back.preamble == {k: v for k, v in original.preamble.items() if v.strip()}


@pytest.mark.parametrize("style", ["own-line", "run-in"])
@pytest.mark.parametrize("suffix", ["docx", "html"])
def test_both_subheading_styles_read_back(tmp_path, style: str, suffix: str) -> None:
    original = load_report(EXAMPLES / "full-2024.toml")
    original.export.subheadings = style  # type: ignore[assignment]
    path = tmp_path / f"full.{suffix}"
    export_document(original, path)
    back = import_report(path).report
    assert back.texts == {k: as_printed(v) for k, v in original.texts.items()}
    assert back.values == original.values
