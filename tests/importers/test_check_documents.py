"""`check` on published documents (#21 items 5 and 8): last year's report given as a document or
found beside the document in any format, and the import's notes as findings located at the cell or
part they concern."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tui_report.export.office import export_document
from tui_report.storage.reportfile import load_report, save_report

from . import shapes


def _tui(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_report", *args], capture_output=True, text=True, timeout=180, cwd=cwd
    )


@pytest.fixture(scope="module")
def two_years(tmp_path_factory, full_path_module):
    """Last year's report (2024) in every format, and this year's (2025) whose 上年结转 disagrees
    with last year's 结转下年度 by 5 (R7)."""
    folder = tmp_path_factory.mktemp("years")
    last = load_report(full_path_module)
    this = last.model_copy(deep=True)
    this.year = 2025
    carried = last.cell("requests", "carry_forward.natural")
    assert isinstance(carried, int)
    this.values["requests"]["carried_over.natural"] = carried + 5
    this.values["requests"]["new.natural"] -= 5  # R1 still holds
    paths = {"this": folder / "this" / "2025年报.html"}
    paths["this"].parent.mkdir()
    export_document(this, paths["this"])
    for suffix in ("docx", "html", "pdf"):
        paths[suffix] = folder / f"2024年报.{suffix}"
        export_document(last, paths[suffix])
    paths["toml"] = folder / "2024年报.toml"
    save_report(last, paths["toml"])
    return paths


@pytest.fixture(scope="module")
def full_path_module():
    from .helpers import EXAMPLES

    return EXAMPLES / "full-2024.toml"


@pytest.mark.parametrize("suffix", ["docx", "html", "pdf", "toml"])
def test_last_year_given_as_any_format(two_years, suffix):
    result = _tui("check", str(two_years["this"]), "--last-year", str(two_years[suffix]))
    assert result.returncode == 1, result.stdout + result.stderr  # was 2: "TOML 格式错误"
    assert "[R7]" in result.stdout and "相差5" in result.stdout


@pytest.mark.parametrize("suffix", ["docx", "html", "pdf"])
def test_last_years_document_found_in_the_same_folder(two_years, tmp_path, suffix):
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(two_years["this"], folder / "2025年报.html")
    shutil.copy(two_years[suffix], folder / f"2024年报.{suffix}")
    (folder / "另一单位2024.html").write_text("<p>不是报告</p>", encoding="utf-8")
    result = _tui("check", str(folder / "2025年报.html"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[R7]" in result.stdout


def test_no_last_year_document_no_r7(two_years, tmp_path):
    folder = tmp_path / "alone"
    folder.mkdir()
    shutil.copy(two_years["this"], folder / "2025年报.html")
    result = _tui("check", str(folder / "2025年报.html"))
    assert "[R7]" not in result.stdout


def test_import_notes_are_findings_located_at_their_cells_and_parts(tmp_path):
    shape = shapes.zone()
    path = shapes.to_html(shape, tmp_path / "zone.html")
    result = _tui("check", "--json", str(path))
    record = json.loads(result.stdout.splitlines()[0])
    imported = [f for f in record["findings"] if f["rule"] == "IMPORT"]
    by_message = {f["message"]: f["locations"] for f in imported}
    assert by_message[
        "导入：“（二）主要做法”下的“1.加强组织领导，健全工作机制”归入（五）监督保障情况，请核对。"
    ] == ["texts.overview.supervision"]
    assert any(locations == ["level"] for locations in by_message.values())
    assert all(f["locations"] for f in imported)
    text = _tui("check", str(path)).stdout
    assert "（单位层级）" in text and "（第一部分（五）监督保障情况）" in text
