"""The ``[export]`` table of a report file: the sub-heading style of part 一."""

from __future__ import annotations

import pytest

from tui_report.model.report import ExportSettings
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import dumps_report, load_report, loads_report

from .export_helpers import EXAMPLES


def test_default_is_own_line_and_not_written() -> None:
    report = load_report(EXAMPLES / "dama-2021.toml")
    assert report.export.subheadings == "own-line"
    assert "[export]" not in dumps_report(report)


def test_run_in_round_trips() -> None:
    report = load_report(EXAMPLES / "dama-2021.toml")
    report.export = ExportSettings(subheadings="run-in")
    text = dumps_report(report)
    assert '[export]\nsubheadings = "run-in"' in text
    assert loads_report(text).export.subheadings == "run-in"


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('[export]\nsubheadings = "inline"\n', "export.subheadings 的值“inline”无效"),
        ('[export]\nsubheading = "run-in"\n', "[export] 中有未知的键 subheading"),
        ('export = "run-in"\n', "[export] 应为表"),
    ],
)
def test_bad_export_table_is_a_located_chinese_error(snippet: str, message: str) -> None:
    text = snippet + (EXAMPLES / "dama-2021.toml").read_text(encoding="utf-8")
    with pytest.raises(ReportFileError) as info:
        loads_report(text)
    assert message in str(info.value)
