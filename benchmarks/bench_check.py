"""Speed of the model: check() in process, parse + check of one file, and `tui-report check`
over many generated reports in one call, beside Python's own start-up as the baseline.

Run: python benchmarks/bench_check.py [--max 10000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_report.model.report import Report  # noqa: E402
from tui_report.model.rules import check  # noqa: E402
from tui_report.storage.reportfile import dumps_report, load_report  # noqa: E402

EXAMPLES = ROOT / "examples"


def median_ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def generated(base: Report, n: int, seed: int = 7) -> list[str]:
    """n reports: the example with numbers scaled at random, a few of them broken on purpose."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        report = base.model_copy(deep=True)
        report.unit = f"第{i}号单位"
        factor = rng.randint(0, 3)
        for cells in report.values.values():
            for cell_id, value in cells.items():
                cells[cell_id] = value * factor
        if i % 10 == 0:
            report.values["requests"]["new.natural"] += 1
        texts.append(dumps_report(report))
    return texts


def run_cli(paths: list[Path]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tui_report", "check", "--json", *map(str, paths)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    elapsed = time.perf_counter() - start
    # Exit 1 is also what Python returns for a traceback: a crash must not pass as "has errors".
    assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, result.stderr[-2000:]
    return elapsed


def startup(code: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max", type=int, default=10000)
    args = parser.parse_args()

    full = load_report(EXAMPLES / "full-2024.toml")
    dama = load_report(EXAMPLES / "dama-2021.toml")
    check(full)  # warm the template cache
    rows = [
        ("check(full-2024) in process", median_ms(lambda: check(full), 2000), "≤ 1 ms"),
        ("check(dama-2021) in process", median_ms(lambda: check(dama), 2000), "≤ 1 ms"),
        (
            "parse + check full-2024.toml",
            median_ms(lambda: check(load_report(EXAMPLES / "full-2024.toml")), 500),
            "≤ 5 ms",
        ),
        (
            "parse + check dama-2021.toml",
            median_ms(lambda: check(load_report(EXAMPLES / "dama-2021.toml")), 500),
            "≤ 5 ms",
        ),
    ]
    print(f"{'measure':40} {'median':>10}  target")
    for name, value, target in rows:
        print(f"{name:40} {value:8.3f} ms  {target}")

    print()
    base_python = startup("pass")
    base_cli = startup("import tui_report.cli, tui_report.model.rules, tui_report.storage.reportfile")
    print(f"baseline: python start-up            {base_python * 1000:8.1f} ms")
    print(f"baseline: start-up + import model    {base_cli * 1000:8.1f} ms")
    print()
    print(f"{'reports':>8} {'tui-report check':>18} {'per report':>12}  (target: 10,000 ≤ 20 s)")
    with tempfile.TemporaryDirectory() as folder:
        texts = generated(full, args.max)
        paths = []
        for i, text in enumerate(texts):
            path = Path(folder) / f"r{i:05d}.toml"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        n = 100
        while n <= args.max:
            elapsed = run_cli(paths[:n])
            print(f"{n:8d} {elapsed:16.2f} s {(elapsed - base_python) / n * 1000:10.3f} ms")
            n *= 10


if __name__ == "__main__":
    main()
