"""Keys and time to enter the whole 尉氏县大马乡 2021 report (examples/dama-2021.toml) again.

The method of issue #10 (where it took about 405 keys): a blank report with the unit, year and level
(``tui-report new``), opened in the real app in a pseudo-terminal at 80×24, TERM=xterm; every
table cell typed (``0`` and Tab, as an operator does who does not know F4), every text part pasted
(one bracketed paste = one key), PgDn between parts, Ctrl+S at the end; 50 ms per key, and after
PgDn the operator waits until the next page is drawn. The saved file must then equal the example;
the time runs from the first key until the saved file is the example.

The keys are planned first by driving the app under test headless (Pilot) the same way, so the
plan follows whatever the grid's Tab order is in that version; then they are replayed through the
pty. ``--baseline REV`` measures a git revision the same way in the same run (a temporary
``git worktree``), e.g. the revision before issue #10's work.

    python benchmarks/bench_entry.py --baseline 7a0fee4
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import Counter
from pathlib import Path

import pyte  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "dama-2021.toml"
COLS, ROWS = 80, 24
KEY_DELAY = 0.05
KEY_BYTES = {
    "tab": b"\t",
    "enter": b"\r",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "ctrl+u": b"\x15",
    "ctrl+s": b"\x13",
    "f4": b"\x1bOS",
    "escape": b"\x1b",
}

Op = tuple[str, str]  # ("key", name) or ("paste", text)


# ---------------------------------------------------------------------- planning (in the child)
async def _plan(path: Path, target_path: Path, fill_zero: bool) -> list[Op]:
    from textual import events

    from tui_report.model.report import format_value
    from tui_report.storage.reportfile import load_report
    from tui_report.tui.app import make_app

    target = load_report(target_path)
    app = make_app(path)
    ops: list[Op] = []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause(0.2)
        screen = app.screen

        async def press(*keys: str) -> None:
            for key in keys:
                ops.append(("key", key))
                await pilot.press(key)
            await pilot.pause()

        async def paste(text: str) -> None:
            ops.append(("paste", text))
            app.post_message(events.Paste(text))  # as the terminal driver delivers it
            await pilot.pause()

        report = app.controller.report  # type: ignore[union-attr]
        steps = list(screen.steps)  # type: ignore[attr-defined]
        opened = next(i for i, s in enumerate(steps) if s.key == screen.current)  # type: ignore[attr-defined]
        # The app opens on the first part still to do; the operator goes back (PgUp) to any
        # earlier part that needs input, then forward through the rest.
        start = min(opened, next(i for i, s in enumerate(steps) if _needs_input(report, target, s)))
        for _ in range(opened - start):
            await press("pageup")
        for index, step in enumerate(steps[start:]):
            if index:
                await press("pagedown")
            if step.kind == "preamble":
                await _plan_preamble(app, screen, target, press, paste)
            elif step.kind == "text":
                wanted = target.texts.get(step.target, "")
                if wanted:
                    await paste(wanted)
            elif step.kind == "table":
                await _plan_table(pilot, press, app, step.target, target, fill_zero, format_value)
        await press("ctrl+s")
        await pilot.pause(0.2)
        done = app.controller.report  # type: ignore[union-attr]
        if (done.values, done.texts, done.preamble) != (target.values, target.texts, target.preamble):
            wrong = [k for k in {*done.texts, *target.texts} if done.texts.get(k) != target.texts.get(k)]
            wrong += [k for k in {*done.values, *target.values} if done.values.get(k) != target.values.get(k)]
            wrong += ["preamble"] if done.preamble != target.preamble else []
            raise RuntimeError(f"the plan does not enter the example: {wrong}")
    return ops


def _needs_input(report, target, step) -> bool:  # type: ignore[no-untyped-def]
    if step.kind == "preamble":
        return bool(report.preamble != target.preamble)
    if step.kind == "text":
        return bool(report.texts.get(step.target, "") != target.texts.get(step.target, ""))
    if step.kind == "table":
        return bool(report.values.get(step.target, {}) != target.values.get(step.target, {}))
    return False


async def _plan_preamble(app, screen, target, press, paste) -> None:  # type: ignore[no-untyped-def]
    def shown(widget) -> str:  # type: ignore[no-untyped-def]
        # A text box as tall as its value (FieldArea, #23) or, in older revisions, an Input.
        return str(widget.text if hasattr(widget, "text") else widget.value)

    for field in app.controller.report.tpl.preamble:
        wanted = target.preamble.get(field.key, "")
        widget = screen.query_one(f"#field-preamble-{field.key}")
        if shown(widget) == wanted:
            continue
        while app.focused is not widget:
            await press("tab")
        if shown(widget):
            await press("ctrl+u")
        if wanted:
            await paste(wanted)
        assert shown(widget) == wanted, (field.key, shown(widget))


async def _plan_table(pilot, press, app, table, target, fill_zero, format_value) -> None:  # type: ignore[no-untyped-def]
    report = app.controller.report
    cells = report.tpl.table(table).cells

    def missing() -> list[str]:
        return [
            cid
            for cid, cell in cells.items()
            if not cell.computed
            and target.entered(table, cid) is not None
            and (not fill_zero or target.entered(table, cid) != 0)
            and report.entered(table, cid) != target.entered(table, cid)
        ]

    grid = app.focused
    for _ in range(5000):
        left = missing()
        if not left:
            break
        if grid.cell_id in left:
            await press(
                *[
                    {".": "full_stop", "-": "minus"}.get(ch, ch)
                    for ch in format_value(target.entered(table, grid.cell_id))
                ]
            )
        await press("tab")
    else:
        raise RuntimeError(f"{table}: cells never reached: {missing()}")
    if fill_zero and any(target.entered(table, cid) == 0 for cid in cells):
        await press("f4")


def plan_main(path: str, target: str, fill_zero: bool) -> None:
    ops = asyncio.run(_plan(Path(path), Path(target), fill_zero))
    print(json.dumps(ops, ensure_ascii=False))


# ---------------------------------------------------------------------- replay (in the parent)
class Term:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, timeout: float) -> None:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            self.stream.feed(data)

    def first_line(self) -> str:
        return "".join(self.screen.buffer[0][x].data for x in range(COLS))

    def text(self) -> str:
        return "\n".join("".join(self.screen.buffer[y][x].data for x in range(COLS)) for y in range(ROWS))

    def wait_for(self, check, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(0.02)
            if check(self):
                return
        raise RuntimeError("timed out; screen:\n" + self.text())

    def settle(self, quiet: float = 1.0, timeout: float = 30) -> None:
        """Read until the app has drawn nothing for ``quiet`` seconds (start-up finished)."""
        deadline = time.monotonic() + timeout
        calm_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - calm_since < quiet:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                self.pump(0)
                calm_since = time.monotonic()

    def send(self, data: bytes) -> None:
        """Write all of ``data`` (a pty takes about 4 KB at a time: a long paste is written in
        pieces while the app reads it)."""
        view = memoryview(data)
        while view:
            _, writable, _ = select.select([], [self.master], [], 0.05)
            if writable:
                view = view[os.write(self.master, view) :]
            self.pump(0)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def env_for(src: Path, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "NO_COLOR"))}
    env.update(TERM="xterm", LANG="C.UTF-8", TUI_REPORT_STATE_DIR=str(tmp / "state"), PYTHONPATH=str(src))
    return env


def _same(path: Path, target: object) -> bool:
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report

    try:
        saved = load_report(path)
    except ReportFileError:
        return False
    return (saved.values, saved.texts, saved.preamble) == (
        target.values,  # type: ignore[attr-defined]
        target.texts,  # type: ignore[attr-defined]
        target.preamble,  # type: ignore[attr-defined]
    )


def measure(src: Path, fill_zero: bool) -> dict[str, object]:
    from tui_report.storage.reportfile import load_report

    tmp = Path(tempfile.mkdtemp(prefix="bench-entry-"))
    try:
        env = env_for(src, tmp)
        report = tmp / "dama.toml"
        target = load_report(EXAMPLE)
        subprocess.run(
            [sys.executable, "-m", "tui_report", "new", str(report), "--unit", target.unit,
             "--year", str(target.year), "--level", target.level or "township"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        planned = tmp / "plan.toml"
        shutil.copy(report, planned)
        plan = subprocess.run(
            [sys.executable, __file__, "--plan", str(planned), str(EXAMPLE), *(["--fill-zero"] if fill_zero else [])],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        ops: list[Op] = [tuple(op) for op in json.loads(plan.stdout.strip().splitlines()[-1])]  # type: ignore[misc]
        term = Term([sys.executable, "-m", "tui_report", str(report)], env)
        try:
            term.wait_for(lambda t: "已保存" in t.first_line() or "未保存" in t.first_line())
            term.settle()
            started = time.monotonic()
            for kind, value in ops:
                page = term.text().splitlines()[1]
                if kind == "paste":
                    term.send(b"\x1b[200~" + value.encode() + b"\x1b[201~")
                else:
                    term.send(KEY_BYTES.get(value, value.encode()))
                if value in ("pagedown", "pageup"):  # the operator looks for the page before going on
                    term.wait_for(lambda t, page=page: t.text().splitlines()[1] != page, timeout=10)
                end = time.monotonic() + KEY_DELAY
                while time.monotonic() < end:
                    term.pump(max(0.0, end - time.monotonic()))
            # Done when the saved file is the example (the app may still be working through the
            # keys when the last one is sent); at most a minute.
            same = False
            deadline = time.monotonic() + 60
            while not same and time.monotonic() < deadline:
                term.pump(0.1)
                same = _same(report, target)
            elapsed = time.monotonic() - started
            if not same:
                print(term.text(), file=sys.stderr)
        finally:
            term.close()
        kinds = Counter(
            "paste" if kind == "paste" else ("digit" if value.isdigit() else value) for kind, value in ops
        )
        return {
            "keys": len(ops),
            "seconds": round(elapsed, 1),
            "same_as_example": same,
            "by_kind": dict(kinds),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git revision measured the same way in the same run")
    parser.add_argument("--plan", nargs=2, metavar=("REPORT", "TARGET"), help=argparse.SUPPRESS)
    parser.add_argument("--fill-zero", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plan:
        plan_main(args.plan[0], args.plan[1], args.fill_zero)
        return 0
    runs: list[tuple[str, Path]] = [("this tree", ROOT / "src")]
    worktree = None
    if args.baseline:
        worktree = Path(tempfile.mkdtemp(prefix="bench-entry-base-"))
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.baseline],
                       check=True, capture_output=True)  # fmt: skip
        runs.insert(0, (f"baseline {args.baseline}", worktree / "src"))
    try:
        print(f"Entering {EXAMPLE.name} in a {COLS}x{ROWS} pty, {KEY_DELAY * 1000:.0f} ms per key")
        ok = True
        for name, src in runs:
            for fill_zero in (False, True):
                how = "zeros typed with F4" if fill_zero else "every cell typed"
                result = measure(src, fill_zero)
                ok = ok and bool(result["same_as_example"])
                print(f"  {name:<22} {how:<22} keys {result['keys']:>4}  {result['seconds']:>5} s  "
                      f"saved = example: {result['same_as_example']}  {result['by_kind']}")  # fmt: skip
        return 0 if ok else 1
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False
            )


if __name__ == "__main__":
    sys.exit(main())
