"""CPU of reading and checking one report, stage by stage, as the review desk's workers do it
(``review/desk.py: inspect_file``): the TOML parse (tomli), ``report_from_data`` (the file's shape
and cells against the template), ``check`` (every rule), ``content_fingerprint`` (what an approval
names), ``figures_of`` (the desk's figures), and ``inspect_file`` whole (reading the file too).

The reports are those of ``bench_review.py``'s ``generate()`` (the full example with numbers
scaled, texts of their own, every tenth with an error, every twentieth empty). Each stage runs over
every report; the best of ``--rounds`` rounds is printed as CPU milliseconds per report, unprofiled.
``--baseline REV`` measures the same reports with that git revision's code (unpacked with ``git
archive``, run in a process of its own) and prints both side by side; each column is the best of
``--passes`` processes, the two columns' processes interleaved.

Target (#22, the desk's first opening on 500 reports ≤ 1 s): everything after the parse
(report_from_data + check + fingerprint + figures) ≤ 0.9 ms per report.

Run: python benchmarks/bench_inspect.py [--reports 300] [--rounds 5] [--passes 4] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# BENCH_SRC: another revision's source tree (the baseline measures in a process of its own).
sys.path.insert(0, os.environ.get("BENCH_SRC", str(ROOT / "src")))

STAGES = ("tomli parse", "report_from_data", "check", "content_fingerprint", "figures_of", "inspect_file")
AFTER_PARSE = ("report_from_data", "check", "content_fingerprint", "figures_of")


def best_ms(stage: Callable[[], object], count: int, rounds: int) -> float:
    """CPU milliseconds per report of the fastest of ``rounds`` runs of ``stage`` (over ``count``):
    the process's CPU time, not the wall clock, which grows with a neighbour's load on 2 cores."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        stage()
        best = min(best, time.process_time() - start)
    return best * 1000 / count


def measure(folder: Path, rounds: int) -> dict[str, float]:
    """Per-report milliseconds of each stage over the reports in ``folder`` (with the code on
    sys.path: this tree's or the baseline's)."""
    from tui_report.host.toml import tomllib
    from tui_report.model.indicators import figures_of, review_spec
    from tui_report.model.rules import check
    from tui_report.model.workflow import content_fingerprint
    from tui_report.review.desk import inspect_file
    from tui_report.storage.reportfile import report_from_data

    paths = sorted(folder.glob("*.toml"))
    texts = [(path, path.read_text(encoding="utf-8")) for path in paths]
    datas: list[tuple[Path, str, dict[str, Any]]] = [
        (path, text, tomllib.loads(text, parse_float=Decimal)) for path, text in texts
    ]
    reports = [report_from_data(data, path, text) for path, text, data in datas]
    for report in reports:  # warm the caches (templates, review specs, patterns) outside the timing
        check(report)
        figures_of(report, review_spec(report.template).figure_keys)

    def figures() -> None:
        for report in reports:
            keys = review_spec(report.template).figure_keys
            figures_of(report, keys)
            if report.last_year is not None:
                figures_of(report.last_year.as_report(), keys)

    stages: dict[str, Callable[[], object]] = {
        "tomli parse": lambda: [tomllib.loads(text, parse_float=Decimal) for _, text in texts],
        "report_from_data": lambda: [report_from_data(data, path, text) for path, text, data in datas],
        "check": lambda: [check(report) for report in reports],
        "content_fingerprint": lambda: [content_fingerprint(report) for report in reports],
        "figures_of": figures,
        "inspect_file": lambda: [inspect_file(str(path)) for path in paths],
    }
    return {name: best_ms(stage, len(paths), rounds) for name, stage in stages.items()}


def measure_elsewhere(folder: Path, rounds: int, src: Path) -> dict[str, float]:
    """:func:`measure` in a fresh process running ``src``'s code."""
    env = {**os.environ, "BENCH_SRC": str(src), "PYTHONPATH": str(src)}
    result = subprocess.run(
        [sys.executable, __file__, "--measure", str(folder), "--rounds", str(rounds)],
        capture_output=True,
        env=env,
        check=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return figures


def show(columns: dict[str, dict[str, float]]) -> None:
    labels = list(columns)
    print(f"{'CPU ms per report':<22}" + "".join(f"{label:>16}" for label in labels) + "   change")
    rows = [*STAGES[:-1], "after the parse", STAGES[-1]]
    for stage in rows:
        cells = [
            sum(c[s] for s in AFTER_PARSE) if stage == "after the parse" else c[stage]
            for c in columns.values()
        ]
        change = f"{(cells[-1] / cells[0] - 1) * 100:+6.0f} %" if len(cells) > 1 and cells[0] else ""
        print(f"{stage:<22}" + "".join(f"{cell:>16.3f}" for cell in cells) + f"   {change}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=4, help="processes per column, interleaved")
    parser.add_argument("--baseline", default=None, help="a git revision measured beside this tree")
    parser.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.rounds)))
        return
    sys.path.insert(0, str(HERE))
    from bench_review import generate, unpack

    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}")
    print(
        f"{args.reports} reports of bench_review.generate(), best of {args.rounds} rounds"
        f" in each of {args.passes} interleaved processes"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        generate(folder, args.reports)
        sources: dict[str, Path] = {}
        if args.baseline is not None:
            sources[args.baseline] = unpack(args.baseline)
        sources["this tree"] = ROOT / "src"
        columns: dict[str, dict[str, float]] = {}
        try:
            # Interleaved passes, the best of each stage: a neighbour's burst hits one pass, not one column.
            for _ in range(args.passes):
                for label, src in sources.items():
                    found = measure_elsewhere(folder, args.rounds, src)
                    best = columns.setdefault(label, found)
                    columns[label] = {stage: min(best[stage], found[stage]) for stage in STAGES}
        finally:
            if args.baseline is not None:
                shutil.rmtree(sources[args.baseline].parent, ignore_errors=True)
        show(columns)


if __name__ == "__main__":
    main()
