"""Speed of the summary workbook (`review -o 汇总.xlsx`) in rows: building and saving the .xlsx of a
review of 1,000 / 5,000 / 20,000 units, beside openpyxl appending the same cells to plain sheets
(the baseline, same run), and optionally the same measurement of an older revision.

Target (issue #20): 20,000 units ≤ 5 s. The review's rows are made in memory (the workbook is
measured, not the reading of 20,000 files): every unit the full example with its figures and
indicators, every tenth with two findings, unit names and file names of their own.

Run: python benchmarks/bench_workbook.py [--sizes 1000,5000,20000] [--baseline REV
[--baseline-sizes 1000,5000]] (the workbook before issue #20 was quadratic: 20,000 takes many minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a child Python with PYTHONPATH set to the tree measured (this one or a baseline revision):
# prints one JSON line {rows: seconds} for the workbook, then one for plain openpyxl.
CHILD = r"""
import io, json, sys, time
from pathlib import Path
from openpyxl import Workbook
from tui_report.model.indicators import figures_of, indicator_values, review_spec
from tui_report.model.rules import check
from tui_report.review.desk import Review, UnitRow
from tui_report.review.workbook import write_workbook
from tui_report.storage.reportfile import load_report

examples = Path(sys.argv[1])
sizes = [int(n) for n in sys.argv[2].split(",")]
out = Path(sys.argv[3])
base = load_report(examples / "full-2024.toml")
spec = review_spec(base.template)
figures = figures_of(base, spec.figure_keys)
indicators = indicator_values(spec, figures, figures)
broken = base.model_copy(deep=True)
broken.values["requests"]["new.natural"] += 1
findings = [f for f in check(broken) if f.severity == "error"][:2]

def review(n):
    rows = []
    for i in range(n):
        rows.append(UnitRow(unit=f"第{i}号乡人民政府", level="township", path=Path(f"/srv/2024/r{i:05d}.toml"),
                            year=base.year, template=base.template, state="has_errors" if i % 10 == 0 else "complete",
                            in_roster=True, contact=f"联系人{i} 1380000{i:04d}",
                            findings=findings if i % 10 == 0 else [], figures=figures, indicators=indicators))
    return Review(Path("/srv/2024"), base.year, rows, None, base.template, county_figures=figures,
                  county_indicators=indicators)

ours, plain = {}, {}
for n in sizes:
    r = review(n)
    start, cpu = time.perf_counter(), time.process_time()
    write_workbook(r, out / f"{n}.xlsx")
    ours[n] = (time.perf_counter() - start, time.process_time() - cpu)
    width = 15 + sum(len(s.columns) for s in spec.summaries) + len(spec.indicators)
    start, cpu = time.perf_counter(), time.process_time()
    wb = Workbook()
    ws = wb.active
    for i in range(n + n // 10 * 2):
        ws.append([f"第{i}号乡人民政府"] + list(range(width // 2)))
    wb.save(io.BytesIO())
    plain[n] = (time.perf_counter() - start, time.process_time() - cpu)
print(json.dumps(ours))
print(json.dumps(plain))
"""


def measure(src: Path, sizes: str, out: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "examples"), sizes, str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=src.parent,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    ours, plain = (json.loads(line) for line in result.stdout.splitlines()[-2:])
    return ours, plain


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--baseline", help="a git revision measured the same way in the same run")
    parser.add_argument("--baseline-sizes", help="sizes for the baseline (default: --sizes)")
    args = parser.parse_args()
    runs: list[tuple[str, Path, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-workbook-") as tmp:
        if args.baseline:
            tree = Path(tmp) / "baseline"
            tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.baseline], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            runs.append((f"baseline {args.baseline}", tree / "src", args.baseline_sizes or args.sizes))
        runs.append(("this tree", ROOT / "src", args.sizes))
        print(f"{'units':>7}  {'run':<22} {'workbook s (CPU s)':>20}  {'plain openpyxl s (CPU s)':>26}")
        for label, src, sizes in runs:
            ours, plain = measure(src, sizes, Path(tmp))
            for n in ours:
                (wall, cpu), (plain_wall, plain_cpu) = ours[n], plain[n]
                print(
                    f"{int(n):>7}  {label:<22} {wall:>10.2f} ({cpu:>6.2f})  {plain_wall:>16.2f} ({plain_cpu:>6.2f})"
                )


if __name__ == "__main__":
    main()
