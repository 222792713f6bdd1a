"""Speed of the text patterns of the rules (R11/R12/R13) on long and hostile texts.

Run: python benchmarks/bench_rules.py [--sizes 10000,100000,1000000]

An operator (or a forged file) can put any text into a report: 200,000 characters of "无" without a
full stop, the start of a phrase repeated a million times. Every pattern in ``schemas/*.toml`` must
stay linear in the text's length. Reported per kind of text and size: the slowest single pattern,
all patterns together, and the baseline of the same run, a plain ``str.count`` over the same text
(one pass in C: the floor for anything that reads the text). Then ``check()`` on whole reports whose
texts total 200,000 characters (target: ≤ 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tui_report.model.report import Report  # noqa: E402
from tui_report.model.rules import check, text_matches  # noqa: E402
from tui_report.model.template import get_template  # noqa: E402
from tui_report.storage.reportfile import load_report  # noqa: E402

REAL = (ROOT / "examples" / "dama-2021.toml").read_text(encoding="utf-8")

# Hostile texts: each repeats the start of a phrase some pattern looks for, without its end.
UNITS: dict[str, str] = {
    "无 (no full stop)": "无",
    "不收费": "不收费",
    "收到": "收到",
    "收到申请": "收到申请",
    "新收申请1": "新收申请1",
    "newlines": "\n",
    "未…(12)": "未" * 12 + "收",
}


def hostile(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def all_patterns() -> list[str]:
    found: list[str] = []
    for template_id in ("gov-info-disclosure-2021", "gov-info-disclosure-2019"):
        for table in get_template(template_id).tables:
            for rule in table.rules:
                found.extend(p for p in rule.patterns if p not in found)
    return found


def patterns_table(sizes: list[int]) -> None:
    patterns = all_patterns()
    print(f"{len(patterns)} text patterns from schemas/*.toml; times are medians in ms")
    print(f"{'text':20} {'chars':>9} {'slowest pattern':>16} {'all patterns':>13} {'str.count':>10}")
    for name, unit in UNITS.items():
        for size in sizes:
            text = hostile(unit, size)
            repeat = 5 if size <= 100_000 else 1
            per = [median_ms(partial(text_matches, text, [p]), repeat) for p in patterns]
            together = median_ms(partial(text_matches, text, patterns), repeat)
            baseline = median_ms(partial(text.count, "。"), repeat)
            print(f"{name:20} {size:9,d} {max(per):16.2f} {together:13.2f} {baseline:10.3f}")


def long_report(base: Report, text: str) -> Report:
    """The report with ``text`` (about 200,000 characters) spread over its text parts."""
    report = base.model_copy(deep=True)
    keys = report.tpl.text_keys()
    share = len(text) // len(keys)
    for i, key in enumerate(keys):
        report.texts[key] = text[i * share : (i + 1) * share]
    return report


def check_table() -> None:
    base = load_report(ROOT / "examples" / "dama-2021.toml")  # all-zero 表三: R13 reads its text
    real_text = "".join(base.texts.values())
    cases = {"real text repeated": real_text, **UNITS}
    baseline = median_ms(lambda: check(base), 50)
    print()
    print(
        f"check() on reports whose texts total 200,000 characters (target ≤ 50 ms); "
        f"baseline: check(dama-2021 as published) {baseline:.3f} ms"
    )
    for name, unit in cases.items():
        report = long_report(base, hostile(unit, 200_000))
        print(f"  {name:20} {median_ms(partial(check, report), 5):8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    patterns_table([int(s) for s in args.sizes.split(",")])
    check_table()


if __name__ == "__main__":
    main()
