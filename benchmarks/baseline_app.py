"""Baseline for bench_tui.py: a minimal Textual app with one DataTable (25 rows x 8 columns)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable


class Baseline(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[str] = DataTable(cursor_type="cell")
        table.add_columns("row", *(f"col{j}" for j in range(7)))
        for i in range(25):
            table.add_row(f"row {i}", *(str(i * 7 + j) for j in range(7)))
        yield table


if __name__ == "__main__":
    Baseline().run()
