"""The model and the headless commands never load Textual or python-docx."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import tui_report.cli, tui_report.model.template, tui_report.model.report, tui_report.model.rules, tui_report.storage.reportfile
import tui_report.model.layout, tui_report.session, tui_report.export.jsondoc
from tui_report.storage.reportfile import load_report
from tui_report.model.rules import check
check(load_report({path!r}))
from tui_report.cli import main
main(["check", {path!r}])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "docx", "rich"))
print("LOADED:" + ",".join(bad))
"""


def test_model_and_check_do_not_import_textual_or_docx(dama_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(path=str(dama_path))], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"
