"""Drive the real app in a pseudo-terminal (80x24, TERM=xterm) beside a minimal Textual app, same run.

    python -m compileall -q src        # start-up is measured with bytecode, as installed
    PYTHONPATH=src python benchmarks/bench_tui.py [--runs 5] [--no-ssh] [--regions]

tui-report opens a copy of the dama example (a real published report) and goes to 表三; the baseline
(benchmarks/baseline_app.py) is a minimal Textual app with one DataTable. Runs alternate between the
two so that both see the same machine load. Reported, per key kind, as medians and 90th percentiles:

- bytes written to the terminal in response to the key (until 120 ms of quiet);
- key → first byte of the response, in ms.

Key kinds: ``move`` (arrows; the baseline's only kind), ``tab``, ``type`` (a digit: the first starts
an overwrite, the next extend it), ``commit`` (Enter after a changed value: the cell, its totals,
the marks, the status line, the progress), ``clear`` (Delete), ``page`` (PgDn/PgUp to another part),
``fill`` (F4: fill the empty cells with 0). Also start until the screen shows its content and peak
RSS (VmHWM) at first content and at the end of the run. With ``--regions`` it prints which screen
regions the bytes of each key kind went to (parsed from the cursor moves in the output). Unless
``--no-ssh``, one more run of each app goes through a real sshd on 127.0.0.1 (a throwaway server as
in tests/reliability/_sshd.py; bytes as the client's terminal receives them).

Unless ``--no-floor``, two variants of the minimal app are started too: one that first imports
Pydantic and one that first reads the report with tui_report's model (builds the Pydantic models for
the template and the file, then runs the template's checks) and then takes the same keys as the
minimal app. The second is the floor of our stack, what any app pays that reads a report the way
tui-report must before it can show it: start-up is judged at <= 1.3x and peak RSS (at content and
over the run) at <= 1.25x of it. With ``--no-floor`` start-up and memory are printed, not judged.

Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pyte  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dama-2021.toml"
COLS, ROWS = 80, 24
KEYS = {
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "pgdn": b"\x1b[6~",
    "pgup": b"\x1b[5~",
    "tab": b"\t",
    "enter": b"\r",
    "delete": b"\x1b[3~",
    "f4": b"\x1bOS",
}
ARROWS = [
    KEYS[k]
    for k in ["right", "right", "right", "down", "down", "down", "left", "left", "left", "up", "up", "down"]
]
CURSOR_TO = re.compile(rb"\x1b\[(\d+);(\d+)H")


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

    def wait_for(self, check: Callable[[str], bool], timeout: float = 30) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.read(0.02)
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

    def key(self, data: bytes, quiet: float = 0.12) -> tuple[bytes, float]:
        """Send one key; return the bytes written in response and the ms until the first byte."""
        self.drain(0.08)
        sent = time.perf_counter()
        os.write(self.master, data)
        first = None
        out = b""
        while True:
            chunk = self.read(quiet if first is not None else 2.0)
            if not chunk:
                break
            if first is None:
                first = time.perf_counter()
            out += chunk
        return out, ((first or time.perf_counter()) - sent) * 1000

    def peak_rss_mb(self) -> float:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def region_of(y: int, x: int) -> str:
    """The editor's regions at 80x24 with the section list shown (0-based cell coordinates; the
    status lines may grow over the last grid rows when a message wraps to more lines)."""
    if y == 0:
        return "title"
    if y == ROWS - 1:
        return "footer"
    if x < 18:
        return "progress" if y >= ROWS - 3 else "sections"
    if y == 1:
        return "page-title"
    if y >= ROWS - 4:  # the status lines: where the cursor is (2 lines) and what to say about it
        return "status"
    return "grid"


def regions(output: bytes) -> dict[str, int]:
    """Bytes of one response per screen region, from the cursor-position sequences before them."""
    spent: dict[str, int] = defaultdict(int)
    moves = list(CURSOR_TO.finditer(output))
    if not moves:
        return {"other": len(output)} if output else {}
    spent["other"] += moves[0].start()
    for i, move in enumerate(moves):
        end = moves[i + 1].start() if i + 1 < len(moves) else len(output)
        spent[region_of(int(move.group(1)) - 1, int(move.group(2)) - 1)] += end - move.start()
    return dict(spent)


@dataclass
class Figures:
    start_s: float = float("nan")
    rss_start_mb: float = float("nan")
    rss_end_mb: float = float("nan")
    keys: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    where: dict[str, list[dict[str, int]]] = field(default_factory=lambda: defaultdict(list))

    def press(self, term: Term, kind: str, data: bytes) -> bytes:
        out, ms = term.key(data)
        self.keys[kind].append((len(out), ms))
        self.where[kind].append(regions(out))
        return out


def env_for(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "NO_COLOR"))}
    env.update(TERM="xterm", LANG="C.UTF-8", TUI_REPORT_STATE_DIR=str(tmp / "state"))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


Launcher = Callable[[list[str], dict[str, str]], Term]


def local(argv: list[str], env: dict[str, str]) -> Term:
    return Term(argv, env)


def app_session(tmp: Path, launch: Launcher = local) -> Figures:
    # A fresh folder (and state folder) each run: the killed run before left a journal to recover.
    tmp = Path(tempfile.mkdtemp(dir=tmp))
    report = tmp / "report.toml"
    report.write_bytes(EXAMPLE.read_bytes())
    term = launch([sys.executable, "-m", "tui_report", str(report)], env_for(tmp))
    fig = Figures()
    try:
        fig.start_s = term.wait_for(lambda s: "报告信息" in s and "完成" in s and "Ctrl+S 保存" in s)
        term.drain(0.3)
        fig.rss_start_mb = term.peak_rss_mb()
        for _ in range(12):  # to 表三, one part at a time (each page is mounted on its first visit)
            fig.press(term, "page", KEYS["pgdn"])
            # A loaded machine may pause longer than the quiet period within one repaint.
            with contextlib.suppress(RuntimeError):
                term.wait_for(lambda s: "申请人情况" in s, timeout=0.3)
            if "申请人情况" in term.text():
                break
        else:
            raise RuntimeError(f"table three not reached:\n{term.text()}")
        for key in ("pgdn", "pgup", "pgup", "pgdn"):  # pages already mounted
            fig.press(term, "page", KEYS[key])
        term.drain(0.3)
        for data in ARROWS:
            fig.press(term, "move", data)
        for _ in range(3):
            fig.press(term, "tab", KEYS["tab"])
        for _ in range(3):
            fig.press(term, "move", KEYS["left"])
        for value in ("12", "7", "30", "5", "41", "8"):
            for digit in value:
                fig.press(term, "type", digit.encode())
            fig.press(term, "commit", KEYS["enter"])
        fig.press(term, "move", KEYS["up"])
        for _ in range(3):
            fig.press(term, "clear", KEYS["delete"])
            fig.press(term, "fill", KEYS["f4"])
        term.drain(0.3)
        fig.rss_end_mb = term.peak_rss_mb()
        return fig
    finally:
        term.close()


def baseline_session(tmp: Path, launch: Launcher = local, variant: list[str] | None = None) -> Figures:
    """The minimal app; with ``variant`` ``--pydantic`` only its start is measured, with ``--load``
    (the floor start-up and memory are judged against) the same keys as the plain one."""
    argv = [sys.executable, str(Path(__file__).with_name("baseline_app.py"))]
    if variant is not None:
        argv += variant
    term = launch(argv, env_for(tmp))
    fig = Figures()
    try:
        fig.start_s = term.wait_for(lambda s: "col6" in s and "row 3" in s)
        term.drain(0.3)
        fig.rss_start_mb = term.peak_rss_mb()
        if variant is not None and variant[0] != "--load":
            return fig
        for data in ARROWS + [KEYS["left"]] * 3:
            fig.press(term, "move", data)
        term.drain(0.3)
        fig.rss_end_mb = term.peak_rss_mb()
        return fig
    finally:
        term.close()


def _sshd_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_sshd", ROOT / "tests" / "reliability" / "_sshd.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_sshd"] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def ssh_launcher(tmp: Path) -> Iterator[Launcher]:
    """A launcher that runs the command through ``ssh -tt`` to a throwaway sshd on 127.0.0.1."""
    sshd = _sshd_module()
    with sshd.ssh_server(tmp / "sshd") as server:

        def launch(argv: list[str], env: dict[str, str]) -> Term:
            remote = {k: env[k] for k in ("TERM", "LANG", "PYTHONPATH", "TUI_REPORT_STATE_DIR")}
            return Term(server.ssh_argv(argv, remote), dict(os.environ, TERM="xterm"))

        yield launch


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p90(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def merged(figs: list[Figures], kind: str) -> tuple[list[float], list[float]]:
    sizes = [float(b) for f in figs for b, _ in f.keys.get(kind, [])]
    times = [ms for f in figs for _, ms in f.keys.get(kind, [])]
    return sizes, times


FLOOR_PYDANTIC = "imports Pydantic"
FLOOR_LOAD = "reads the report with tui_report's model"
KINDS = ["move", "tab", "type", "commit", "clear", "page", "fill"]
# Targets of issue #11: (kind, bytes median limit, latency limit as a multiple of the baseline's move).
# A page change repaints the page area (62x22 cells: a text part or 表三 costs 1.5-3.5 KB), two
# lines of the section list and the footer when its keys differ: 6,000 B is 0.75 s at 64 kbit/s.
BYTE_TARGETS = {"move": 300.0, "tab": 300.0, "type": 150.0, "commit": 800.0, "page": 6000.0}
LATENCY_TARGETS = {"move": 2.0, "tab": 2.0, "commit": 3.0}


def key_table(title: str, apps: list[Figures], bases: list[Figures]) -> bool:
    ok = True
    base_sizes, base_times = merged(bases, "move")
    base_ms = median(base_times)
    print(f"\n{title}")
    print(
        f"{'key kind':<9}{'n':>4}{'bytes med':>10}{'p90':>7}{'ms med':>8}{'p90':>7}"
        f"{'x base':>8}  target                  ok"
    )
    print(
        f"{'baseline':<9}{len(base_sizes):>4}{median(base_sizes):>10.0f}{p90(base_sizes):>7.0f}"
        f"{base_ms:>8.1f}{p90(base_times):>7.1f}{1.0:>8.2f}  (minimal app, move)"
    )
    for kind in KINDS:
        sizes, times = merged(apps, kind)
        if not sizes:
            continue
        ratio = median(times) / base_ms if base_ms else float("nan")
        targets = []
        passed = True
        if kind in BYTE_TARGETS:
            targets.append(f"<={BYTE_TARGETS[kind]:.0f} B")
            passed = passed and median(sizes) <= BYTE_TARGETS[kind]
        if kind in LATENCY_TARGETS:
            targets.append(f"<={LATENCY_TARGETS[kind]:.0f}x base")
            passed = passed and ratio <= LATENCY_TARGETS[kind]
        verdict = ("yes" if passed else "NO") if targets else ""
        ok = ok and passed
        print(
            f"{kind:<9}{len(sizes):>4}{median(sizes):>10.0f}{p90(sizes):>7.0f}{median(times):>8.1f}"
            f"{p90(times):>7.1f}{ratio:>8.2f}  {', '.join(targets):<23} {verdict}"
        )
    return ok


def region_table(apps: list[Figures]) -> None:
    print("\nwhere the bytes go (tui-report, 80x24 regions; mean bytes per key)")
    for kind in KINDS:
        rows = [r for f in apps for r in f.where.get(kind, [])]
        if not rows:
            continue
        totals: dict[str, float] = defaultdict(float)
        for row in rows:
            for name, size in row.items():
                totals[name] += size / len(rows)
        parts = ", ".join(f"{name} {size:.0f}" for name, size in sorted(totals.items(), key=lambda i: -i[1]))
        print(f"{kind:<9}{parts}")


# Start-up and memory are judged against the floor of the stack: the minimal app that first builds
# the Pydantic models a report needs (template and file) before it draws. Ratios to the plain minimal
# app are printed beside them, not judged.
START_VS_FLOOR = 1.3
RSS_VS_FLOOR = 1.25


def start_table(apps: list[Figures], bases: list[Figures], floor: list[Figures]) -> bool:
    def figures(figs: list[Figures]) -> tuple[float, float, float]:
        return (
            median([f.start_s for f in figs]),
            max((f.rss_start_mb for f in figs), default=float("nan")),
            max((f.rss_end_mb for f in figs), default=float("nan")),
        )

    mine, base, low = figures(apps), figures(bases), figures(floor)
    rows = [
        ("start to content, s (median)", 0, START_VS_FLOOR),
        ("peak RSS at content, MB (max)", 1, RSS_VS_FLOOR),
        ("peak RSS over the run, MB (max)", 2, RSS_VS_FLOOR),
    ]
    print(f"{'measure':<34}{'tui-report':>11}{'floor':>8}{'ratio':>7}{'minimal':>9}{'ratio':>7}  target   ok")
    ok = True
    for name, i, limit in rows:
        vs_floor = mine[i] / low[i] if floor else float("nan")
        passed = bool(floor) and vs_floor <= limit
        verdict = ("yes" if passed else "NO") if floor else "not judged (--no-floor)"
        print(
            f"{name:<34}{mine[i]:>11.3f}{low[i]:>8.3f}{vs_floor:>7.2f}{base[i]:>9.3f}{mine[i] / base[i]:>7.2f}"
            f"  <={limit}x  {verdict}"
        )
        ok = ok and (passed or not floor)
    return ok


def floor_table(floors: dict[str, list[Figures]], bases: list[Figures]) -> None:
    """Both variants of the minimal app beside the plain one: what importing Pydantic costs, and
    what reading the report with our model costs (the floor the start-up targets are judged by)."""
    base_start = median([f.start_s for f in bases])
    base_rss = max(f.rss_start_mb for f in bases)
    print("\nfloor: the minimal app that first ...          start, s  ratio  RSS, MB  ratio")
    for name, figs in floors.items():
        start, rss = median([f.start_s for f in figs]), max(f.rss_start_mb for f in figs)
        print(f"  {name:<44}{start:>8.3f}{start / base_start:>7.2f}{rss:>9.1f}{rss / base_rss:>7.2f}")


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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-ssh", action="store_true", help="skip the run over a loopback sshd")
    parser.add_argument("--regions", action="store_true", help="print where the bytes of each key go")
    parser.add_argument(
        "--no-floor", dest="floor", action="store_false", help="skip the minimal app's variants (the floor)"
    )
    args = parser.parse_args()

    apps: list[Figures] = []
    bases: list[Figures] = []
    floors: dict[str, list[Figures]] = {FLOOR_PYDANTIC: [], FLOOR_LOAD: []}
    ssh_apps: list[Figures] = []
    ssh_bases: list[Figures] = []
    ssh_note = ""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for _ in range(args.runs):  # interleaved, so that both see the same machine load
            bases.append(baseline_session(tmp))
            apps.append(app_session(tmp))
            if args.floor:
                floors[FLOOR_PYDANTIC].append(baseline_session(tmp, variant=["--pydantic"]))
                floors[FLOOR_LOAD].append(baseline_session(tmp, variant=["--load", str(EXAMPLE)]))
        docx = docx_imported(tmp)
        if not args.no_ssh:
            try:
                with ssh_launcher(tmp) as launch:
                    ssh_bases.append(baseline_session(tmp, launch))
                    ssh_apps.append(app_session(tmp, launch))
            except BaseException as exc:  # pytest.skip's exception derives from BaseException
                if isinstance(exc, KeyboardInterrupt):
                    raise
                ssh_note = f"(no run over sshd: {exc})"

    print(
        f"tui-report (dama example, 表三) vs a minimal Textual app, {args.runs} runs, {COLS}x{ROWS}, TERM=xterm"
    )
    ok = start_table(apps, bases, floors[FLOOR_LOAD] if args.floor else [])
    print(
        f"{'python-docx imported at start':<34}{'yes' if docx else 'no':>11}{'':>17}  no                {'yes' if not docx else 'NO'}"
    )
    ok = ok and not docx
    if args.floor:
        floor_table(floors, bases)
    ok = key_table("keys, local pty", apps, bases) and ok
    if args.regions:
        region_table(apps)
    if ssh_apps:
        key_table("keys over ssh -tt to a loopback sshd (1 run; not judged)", ssh_apps, ssh_bases)
        print(
            f"start to content over ssh, s: tui-report {ssh_apps[0].start_s:.3f}, baseline {ssh_bases[0].start_s:.3f}"
        )
    elif ssh_note:
        print(ssh_note)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
