"""How long the Word, HTML and PDF exports take, against python-docx doing the least it can.

    PYTHONPATH=src python benchmarks/bench_export.py [--repeat N] [--pdf-runs N]

Target (issue 4): the .docx export of the example ≤ 300 ms in process. The baselines run in the
same process, so a slow machine shows as slow baselines too. The PDF render (LibreOffice, a new
process with its own profile each time) is reported separately.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "full-2024.toml"
TARGET_MS = 300.0


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm up: imports, template compilation, caches
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


def baseline_bare_document() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def baseline_table_28x10() -> bytes:
    """python-docx's own API: a document with one 28 × 10 table, every cell filled."""
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=28, cols=10)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = str(r * 10 + c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def cold_process_ms() -> float:
    """A fresh interpreter: import tui_report, load the example, export the .docx (what the CLI pays)."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "from pathlib import Path\n"
            "from tui_report.storage.reportfile import load_report\n"
            "from tui_report.export.office import export_document\n"
            f"export_document(load_report(Path({str(EXAMPLE)!r})), Path({tmp!r}) / 'r.docx')\n"
        )
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per in-process figure")
    parser.add_argument("--pdf-runs", type=int, default=3, help="PDF renders (0 to skip)")
    args = parser.parse_args()

    from tui_report.export.office import docx_bytes, html_text, pdf_bytes
    from tui_report.export.pdf import find_soffice
    from tui_report.storage.reportfile import load_report

    report = load_report(EXAMPLE)
    rows: list[tuple[str, list[float]]] = [
        ("baseline: python-docx, empty document", timed(baseline_bare_document, args.repeat)),
        ("baseline: python-docx, one 28×10 table", timed(baseline_table_28x10, args.repeat)),
        (".docx export of full-2024 (in process)", timed(lambda: docx_bytes(report), args.repeat)),
        (".html export of full-2024 (in process)", timed(lambda: html_text(report), args.repeat)),
        ("load + .docx in a new process (CLI)", [cold_process_ms() for _ in range(3)]),
    ]
    if args.pdf_runs > 0 and find_soffice() is not None:
        rows.append(
            (
                ".pdf via LibreOffice (incl. .docx)",
                [timed_once(lambda: pdf_bytes(report)) for _ in range(args.pdf_runs)],
            )
        )
    elif args.pdf_runs > 0:
        print("LibreOffice (soffice) not installed: PDF render not measured", file=sys.stderr)

    width = max(len(name) for name, _ in rows)
    print(f"{'figure':<{width}}  {'median ms':>10}  {'min ms':>8}  {'max ms':>8}  runs")
    for name, runs in rows:
        print(
            f"{name:<{width}}  {statistics.median(runs):>10.1f}  {min(runs):>8.1f}  {max(runs):>8.1f}  {len(runs):>4}"
        )
    docx_median = statistics.median(rows[2][1])
    verdict = "within" if docx_median <= TARGET_MS else "OVER"
    print(f"\n.docx export median {docx_median:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target")
    return 0 if docx_median <= TARGET_MS else 1


def timed_once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    sys.exit(main())
