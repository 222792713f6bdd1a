"""Speed of the copied-text check (R15) on hostile text lengths (issue #20 item 7): `tui-report check`
of one report beside another whose eight text parts have 150,000 characters each, and
`tui-report review DIR --json` over twelve such reports — beside the same commands on reports of
real length (the baseline, same run), and optionally beside a git revision (``--baseline REV``, a
temporary ``git worktree``, e.g. main before the cap), each command stopped after ``--timeout``.

Targets: check ≤ 2 s, review of 12 ≤ 10 s.

Run: python benchmarks/bench_copied_text.py [--baseline main] [--chars 150000] [--timeout 120]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_report.storage.reportfile import dumps_report, load_report  # noqa: E402

EXAMPLE = ROOT / "examples" / "full-2024.toml"


def own_text(rng: random.Random, length: int) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(length))


def generate(folder: Path, n: int, part_chars: int, seed: int = 20) -> list[Path]:
    """n reports of one year with every text part ``part_chars`` characters of its own; report 1
    copies report 0's part 五 with a few characters changed (one finding to find)."""
    base = load_report(EXAMPLE)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    texts_of_first: dict[str, str] = {}
    for i in range(n):
        report = base.model_copy(deep=True)
        report.unit = f"第{i}号乡人民政府"
        report.texts = {key: own_text(rng, part_chars) for key in report.texts}
        if i == 0:
            texts_of_first = dict(report.texts)
        elif i == 1:
            copied = list(texts_of_first["problems.main"])
            for _ in range(max(1, part_chars // 100)):
                copied[rng.randrange(len(copied))] = "改"
            report.texts["problems.main"] = "".join(copied)
        path = folder / f"r{i:02d}.toml"
        path.write_text(dumps_report(report), encoding="utf-8")
        paths.append(path)
    return paths


def timed(src: Path, args: list[str], timeout: float) -> str:
    """Wall-clock seconds of ``tui-report ARGS`` run from ``src`` (text, or "> N s" when stopped)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tui_report", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    elapsed = time.perf_counter() - start
    return f"{elapsed:6.2f} s (exit {result.returncode}, R15 ×{copied_findings(result.stdout)})"


def copied_findings(stdout: bytes) -> int:
    """R15 findings in `check` output, or the sum of `copied_text` over `review --json` lines."""
    text = stdout.decode("utf-8", "replace")
    if text.startswith("{"):
        return sum(json.loads(line).get("copied_text", 0) for line in text.splitlines() if line.strip())
    return text.count("[R15]")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", help="a git revision measured the same way in the same run")
    parser.add_argument("--chars", type=int, default=150_000, help="characters per text part")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a command is stopped")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-copied-"))
    worktree: Path | None = None
    runs = [("this tree", ROOT / "src")]
    try:
        if args.baseline:
            worktree = work / "baseline"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.baseline],
                check=True,
                capture_output=True,
            )
            runs.insert(0, (f"baseline {args.baseline}", worktree / "src"))
        pair_long = generate(work / "pair-long", 2, args.chars)
        pair_real = generate(work / "pair-real", 2, 600)
        twelve_long = generate(work / "twelve-long", 12, args.chars)
        twelve_real = generate(work / "twelve-real", 12, 600)
        print(f"{sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        print(f"8 parts × {args.chars:,} characters per report; real length: 8 × 600\n")
        cases = [
            ("check, 2 reports, long parts (≤ 2 s)", ["check", str(pair_long[1])]),
            ("check, 2 reports, real length", ["check", str(pair_real[1])]),
            (
                "review --json, 12 reports, long parts (≤ 10 s)",
                ["review", str(twelve_long[0].parent), "--json"],
            ),
            ("review --json, 12 reports, real length", ["review", str(twelve_real[0].parent), "--json"]),
        ]
        for label, command in cases:
            for name, src in runs:
                print(f"{label:<50} {name:<16} {timed(src, command, args.timeout)}")
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
