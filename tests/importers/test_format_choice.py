"""Which format a document is read in when several are installed: the one of the document's year
(``template_for_year``) when every printed row fits it, and only then the best fit. A site format
with the same tables as 2021, from 2026 on, ties with 2021 on any 2021-format document: a 2024
report must not become a 2026-format one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.export.office import export_document
from tui_report.importers import import_report
from tui_report.model.report import Report
from tui_report.model.rules import check, has_errors
from tui_report.model.template import SITE_SCHEMAS_VARIABLE, forget_templates, schemas_dir, template_for_year
from tui_report.storage.reportfile import load_report

from .helpers import EXAMPLES, report_2019

SITE_FORMAT = "site-same-tables-2026"


@pytest.fixture
def same_tables_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A site format that is the 2021 format under another id, from 2026 on (tables identical)."""
    text = (schemas_dir() / "gov-info-disclosure-2021.toml").read_text(encoding="utf-8")
    for old, new in (
        ('id = "gov-info-disclosure-2021"', f'id = "{SITE_FORMAT}"'),
        ("first_year = 2021", "first_year = 2026"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / f"{SITE_FORMAT}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(SITE_SCHEMAS_VARIABLE, str(folder))
    forget_templates()
    assert template_for_year(2026) == SITE_FORMAT
    yield SITE_FORMAT
    monkeypatch.delenv(SITE_SCHEMAS_VARIABLE)
    forget_templates()


def _exported(report: Report, path: Path) -> Path:
    export_document(report, path, draft=has_errors(check(report)))
    return path


@pytest.mark.parametrize("suffix", ["html", "docx"])
def test_a_2024_document_is_read_in_the_format_of_its_year(
    same_tables_site: str, tmp_path: Path, suffix: str
) -> None:
    original = load_report(EXAMPLES / "full-2024.toml")
    result = import_report(_exported(original, tmp_path / f"2024.{suffix}"))
    assert result.report.template == "gov-info-disclosure-2021"
    assert result.notes == []
    assert result.report.values == original.values


def test_a_2026_document_is_read_in_the_site_format(same_tables_site: str, tmp_path: Path) -> None:
    original = load_report(EXAMPLES / "full-2024.toml")
    original.year = 2026
    original.texts = {k: v.replace("2024", "2026") for k, v in original.texts.items()}
    original.preamble = {k: v.replace("2024", "2026") for k, v in original.preamble.items()}
    result = import_report(_exported(original, tmp_path / "2026.html"))
    assert result.report.template == same_tables_site
    assert result.notes == [] and result.report.values == original.values


def test_a_document_printed_in_another_years_format_is_still_read_in_it(tmp_path: Path) -> None:
    """A 2021 report printed in the 2019 format: the 2021 format's rows do not fit, the 2019 one's do."""
    original = report_2019()
    original.year = 2021
    result = import_report(_exported(original, tmp_path / "2021-in-2019.html"))
    assert result.report.template == "gov-info-disclosure-2019"
    assert result.report.values == original.values
    notes = [n.message for n in result.notes]
    assert len(notes) == 1 and "，与2021年度通常使用的格式不同，已按表格读入。" in notes[0], notes
