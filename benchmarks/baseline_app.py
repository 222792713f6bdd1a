"""Baseline for bench_tui.py: a minimal Textual app with one DataTable (25 rows x 8 columns).

    python benchmarks/baseline_app.py                    # the minimal app
    python benchmarks/baseline_app.py --pydantic         # ... that first imports Pydantic
    python benchmarks/baseline_app.py --load REPORT      # ... that first reads a report with tui_report

The two variants measure the floor of tui-report's start: what any app costs that reads a report
the way tui-report must (Pydantic models for the template and the file, then the template checks)
before it can show it.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Baseline(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="cell")
        table.add_columns("row", *(f"col{j}" for j in range(7)))
        for i in range(25):
            table.add_row(f"row {i}", *(str(i * 7 + j) for j in range(7)))
        yield table


def _load_first(argv: list[str]) -> None:
    if argv[:1] == ["--pydantic"]:
        import pydantic.fields
        import pydantic.main  # noqa: F401  (what BaseModel and Field bring in)
    elif argv[:1] == ["--load"] and len(argv) == 2:
        from tui_report.storage.reportfile import load_report

        load_report(argv[1])
    elif argv:
        raise SystemExit(f"usage: {__doc__}")


if __name__ == "__main__":
    _load_first(sys.argv[1:])
    Baseline().run()
