"""The editing logic below the screens stays importable without Textual, and python-docx is not
loaded when the app starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tui_report


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        # The code under test, whichever checkout or installation the tests import.
        env={**os.environ, "PYTHONPATH": str(Path(tui_report.__file__).resolve().parent.parent)},
    )
    return set(out.stdout.split())


def test_model_side_of_the_app_does_not_import_textual() -> None:
    loaded = _modules_after(
        "import tui_report.cli, tui_report.model.history, tui_report.model.progress, "
        "tui_report.tui.controller, tui_report.tui.grid.layout, tui_report.tui.grid.nav, "
        "tui_report.tui.grid.viewport, tui_report.tui.grid.celledit, tui_report.tui.recent"
    )
    assert "textual" not in loaded


def test_app_start_does_not_import_python_docx() -> None:
    loaded = _modules_after("import tui_report.tui.app")
    assert "docx" not in loaded


def test_app_start_does_not_import_the_text_box() -> None:
    """TextArea is the heaviest widget to import; the text parts and the preamble (its fields are
    text boxes) import it when first shown."""
    loaded = _modules_after("import tui_report.tui.app")
    assert "textual.widgets._text_area" not in loaded
    assert "tui_report.tui.widgets.preamblepage" not in loaded


def test_app_start_does_not_import_the_copied_text_comparison() -> None:
    """rapidfuzz (the copied-text comparison) cost 4.5 MB of the editor's memory once the editor
    imported the review workflow for its title; the rule's id and the part names come from
    model/copiedrule.py, the comparison loads where it runs."""
    loaded = _modules_after("import tui_report.tui.app")
    assert "rapidfuzz" not in loaded
    assert "tui_report.model.similarity" not in loaded
