"""A program in a pseudo-terminal, seen through a pyte screen: type into it, hang it up, time its exit."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Sequence

import pyte


class PtyProcess:
    def __init__(self, argv: Sequence[str], env: dict[str, str], *, cols: int = 80, rows: int = 24) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                os.execve(argv[0], list(argv), env)
            finally:
                os._exit(127)
        self.pid: int = pid
        self.fd: int | None = fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.status: int | None = None
        self.rusage: object = None

    # ------------------------------------------------------------------ screen
    def pump(self, timeout: float = 0.05) -> None:
        if self.fd is None:
            return
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            self.raw += data
            # Answer the terminal queries an app may send (cursor position report) as a terminal
            # does: with the position after drawing everything written before the query.
            while b"\x1b[6n" in data:
                before, _, data = data.partition(b"\x1b[6n")
                self.stream.feed(before)
                row, col = self.screen.cursor.y + 1, self.screen.cursor.x + 1
                self.send(f"\x1b[{row};{col}R")
            self.stream.feed(data)

    def text(self) -> str:
        # Not screen.display: it fails on a wide character's leftover half (an empty cell that no
        # wide character precedes), which a partly redrawn Chinese line can leave.
        buffer = self.screen.buffer
        return "\n".join(
            "".join(buffer[y][x].data for x in range(self.screen.columns)) for y in range(self.screen.lines)
        )

    def wait_for(self, predicate: Callable[[str], bool] | str, timeout: float = 20.0) -> str:
        check = (lambda s: predicate in s) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump()
            screen = self.text()
            if check(screen):
                return screen
            if self.poll() is not None:
                break
        raise AssertionError(f"screen never showed {predicate!r}; screen was:\n{self.text()}")

    def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Read until the app has drawn nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last = len(self.raw)
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            self.pump(0.05)
            if len(self.raw) != last:
                last, calm_since = len(self.raw), time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return

    # ------------------------------------------------------------------ input
    def send(self, text: str | bytes) -> None:
        assert self.fd is not None
        data = text.encode("utf-8") if isinstance(text, str) else text
        os.write(self.fd, data)

    def type(self, text: str, delay: float = 0.02) -> None:
        for ch in text:
            self.send(ch)
            time.sleep(delay)
            self.pump(0)

    # ------------------------------------------------------------------ ending
    def hangup(self) -> float:
        """Close the terminal (what sshd does when the connection drops). Returns the moment."""
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None
        return time.monotonic()

    def signal(self, sig: int) -> float:
        os.kill(self.pid, sig)
        return time.monotonic()

    def poll(self) -> int | None:
        if self.status is None:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = status, rusage
        return self.status

    def wait(self, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("the app did not exit")
            self.pump(0.01) if self.fd is not None else time.sleep(0.01)
        assert self.status is not None
        return os.waitstatus_to_exitcode(self.status)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            if self.status is None:
                _, self.status = os.waitpid(self.pid, 0)

    def close(self) -> None:
        self.kill()
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
