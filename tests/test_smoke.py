from tui_report.rules import check
from tui_report.store import load_report


def test_examples_have_no_errors(dama_path, full_path):
    for path in (dama_path, full_path):
        findings = check(load_report(path))
        assert [f for f in findings if f.severity == "error"] == []
