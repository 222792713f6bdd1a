"""Drive the real app in a pseudo-terminal (80x24, TERM=xterm) against a baseline in the same run.

    PYTHONPATH=src python benchmarks/bench_tui.py [--runs 5]

Measures, for tui-report with the example report open and for a minimal Textual app with one
DataTable: start until the screen shows the content, peak RSS, and for single keystrokes in a grid
the bytes written to the terminal and the time until the first byte of the change. Also checks that
python-docx is not imported when the app starts. Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyte  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "full-2024.toml"
COLS, ROWS = 80, 24
KEYS = {"right": b"\x1b[C", "left": b"\x1b[D", "down": b"\x1b[B", "up": b"\x1b[A", "pgdn": b"\x1b[6~"}


class Term:
    """A child process on a pty, with its output fed into a pyte screen."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return b""
        self.stream.feed(data)
        return data

    def wait_for(self, check: Callable[[str], bool], timeout: float = 20) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.read(0.05)
            if check(self.text()):
                return time.perf_counter() - self.started
        raise RuntimeError(f"timed out; screen:\n{self.text()}")

    def drain(self, quiet: float = 0.15) -> int:
        total = 0
        while True:
            data = self.read(quiet)
            if not data:
                return total
            total += len(data)

    def key(self, data: bytes, quiet: float = 0.12) -> tuple[int, float]:
        """Send one key; return bytes written in response and ms until the first byte."""
        self.drain(0.05)
        sent = time.perf_counter()
        os.write(self.master, data)
        first = None
        total = 0
        while True:
            chunk = self.read(quiet if first is not None else 2.0)
            if not chunk:
                break
            if first is None:
                first = time.perf_counter()
            total += len(chunk)
        return total, ((first or time.perf_counter()) - sent) * 1000

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


@dataclass
class Figures:
    start_s: float
    rss_mb: float
    key_bytes: list[int]
    key_ms: list[float]


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "NO_COLOR"))}
    env.update(TERM="xterm", LANG="C.UTF-8", TUI_REPORT_STATE_DIR=str(tmp / "state"))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def grid_keys(term: Term, keys: list[bytes]) -> tuple[list[int], list[float]]:
    sizes, times = [], []
    for data in keys:
        size, ms = term.key(data)
        sizes.append(size)
        times.append(ms)
    return sizes, times


MOVES = [
    KEYS[k] for k in ["right", "right", "right", "down", "down", "down", "left", "left", "left", "up", "up"]
]


def run_app(tmp: Path) -> Figures:
    report = tmp / "report.toml"
    report.write_bytes(EXAMPLE.read_bytes())
    term = Term([sys.executable, "-m", "tui_report", str(report)], env_for(tmp))
    try:
        start = term.wait_for(lambda s: "报告信息" in s and "完成" in s and "^S 保存" in s)
        term.drain(0.3)
        rss = term.peak_rss_mb()
        for _ in range(9):  # to table 三
            term.key(KEYS["pgdn"])
            if "申请人情况" in term.text():
                break
        term.drain(0.3)
        sizes, times = grid_keys(term, MOVES)
        # Typing digits: the first starts an overwrite, the next ones extend it (Enter not measured).
        for _ in range(4):
            for digit in (b"1", b"2"):
                size, ms = term.key(digit)
                sizes.append(size)
                times.append(ms)
            term.key(b"\r")
        return Figures(start, rss, sizes, times)
    finally:
        term.close()


def run_baseline(tmp: Path) -> Figures:
    term = Term([sys.executable, str(Path(__file__).with_name("baseline_app.py"))], env_for(tmp))
    try:
        start = term.wait_for(lambda s: "col6" in s and "row 3" in s)
        term.drain(0.3)
        rss = term.peak_rss_mb()
        sizes, times = grid_keys(term, MOVES)
        return Figures(start, rss, sizes, times)
    finally:
        term.close()


DOCX_CHECK = """
import asyncio, sys
from pathlib import Path
from tui_report.tui.app import make_app
async def main():
    app = make_app(Path(sys.argv[1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
asyncio.run(main())
print("docx" in sys.modules)
"""


def docx_imported(tmp: Path) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", DOCX_CHECK, str(EXAMPLE)],
        env=env_for(tmp),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1] == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import tempfile

    apps: list[Figures] = []
    bases: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for _ in range(args.runs):  # interleaved, so that both see the same machine load
            bases.append(run_baseline(tmp))
            apps.append(run_app(tmp))
        docx = docx_imported(tmp)

    def med(values: list[float]) -> float:
        return statistics.median(values)

    app_start, base_start = med([f.start_s for f in apps]), med([f.start_s for f in bases])
    app_rss, base_rss = max(f.rss_mb for f in apps), max(f.rss_mb for f in bases)
    app_bytes = med([b for f in apps for b in f.key_bytes])
    base_bytes = med([b for f in bases for b in f.key_bytes])
    app_ms = med([t for f in apps for t in f.key_ms])
    base_ms = med([t for f in bases for t in f.key_ms])
    rows = [
        (
            "start to content, s (median)",
            app_start,
            base_start,
            app_start <= 0.5 and app_start <= 1.6 * base_start,
            "<=0.5 s and <=1.6x",
        ),
        (
            "peak RSS, MB (max)",
            app_rss,
            base_rss,
            app_rss <= 60 and app_rss <= 1.5 * base_rss,
            "<=60 MB and <=1.5x",
        ),
        ("bytes per grid key (median)", app_bytes, base_bytes, app_bytes <= 400, "<=400"),
        ("ms to screen change (median)", app_ms, base_ms, app_ms <= 30, "<=30 ms"),
    ]
    print(f"tui-report vs baseline (one DataTable), {args.runs} runs each, {COLS}x{ROWS}, TERM=xterm")
    print(f"{'measure':<32}{'tui-report':>12}{'baseline':>12}{'ratio':>8}  target            ok")
    ok = True
    for name, mine, base, passed, target in rows:
        ratio = mine / base if base else float("nan")
        print(f"{name:<32}{mine:>12.3f}{base:>12.3f}{ratio:>8.2f}  {target:<17} {'yes' if passed else 'NO'}")
        ok = ok and passed
    print(
        f"{'python-docx imported at start':<32}{'yes' if docx else 'no':>12}{'':>12}{'':>8}  no                {'yes' if not docx else 'NO'}"
    )
    ok = ok and not docx
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
