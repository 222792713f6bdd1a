"""The reliability layer is part of the model: importing and using it never loads Textual."""

from __future__ import annotations

import subprocess

from ._helpers import PY, child_env

PROBE = """
import sys
import tui_report.safety.lock, tui_report.storage.journal, tui_report.model.diff, tui_report.storage.versions
import tui_report.safety.folder, tui_report.safety.hangup, tui_report.session, tui_report.host.procinfo
from tui_report.session import EditSession
s = EditSession.open(sys.argv[1])
s.report.texts["other.main"] = "x"
s.mark_edited()
s.save()
s.close()
from tui_report.cli import main
main(["history", sys.argv[1]])
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "docx"))
print("LOADED:" + ",".join(bad))
"""


def test_reliability_modules_do_not_import_textual(report_file):
    result = subprocess.run(
        [PY, "-c", PROBE, str(report_file)], capture_output=True, text=True, timeout=60, env=child_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"
