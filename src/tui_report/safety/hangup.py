"""Leaving cleanly when the terminal goes away: SIGHUP, SIGTERM, SIGQUIT, or a dead tty.

Textual handles none of these (a dropped SSH connection kills the app by the default SIGHUP action,
with nothing flushed), and when SIGHUP does not arrive its input thread spins on end-of-file. So the
app calls, once its event loop runs (``on_mount``)::

    guard = install_hangup_handlers(lambda code: app.exit(return_code=code), session.emergency_close)

and on any of these events the guard, once only:

1. arms a timer that ends the process with ``os._exit`` after ``grace`` seconds whatever happens
   (Textual's own teardown writes to the dead terminal and may hang);
2. runs ``flush_callback`` (journal the unsaved edits, release the edit lock) — on the event loop
   between two callbacks when the loop is responsive, else after ``fallback_delay`` from a helper
   thread (the loop can be stuck behind a full terminal write queue on a stalled link);
3. asks the app to exit with ``128 + signal`` (129 for a lost terminal).

Signals are caught with ``signal.signal``: a Python-level handler runs in the main thread even while
the loop is blocked, and passes the work to the loop with ``call_soon_threadsafe`` (what
``loop.add_signal_handler`` does, plus the fallback above). A watchdog thread polls the terminal
(``os.isatty`` and ``poll()`` for POLLHUP) for the case where no signal comes at all (``nohup``,
SIGHUP ignored, the session leader gone).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from tui_report.host import cleanup

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT)
LOST_TERMINAL_CODE = 128 + signal.SIGHUP
GRACE_SECONDS = 2.5
POLL_SECONDS = 0.2

_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class HangupGuard:
    def __init__(
        self,
        exit_callback: Callable[[int], object],
        flush_callback: Callable[[], object],
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        tty_fd: int | None = None,
        grace: float = GRACE_SECONDS,
        poll_interval: float = POLL_SECONDS,
        fallback_delay: float = 0.5,
        signals: tuple[signal.Signals, ...] = HANGUP_SIGNALS,
        hard_exit: Callable[[int], object] = os._exit,
    ) -> None:
        self.exit_callback = exit_callback
        self.flush_callback = flush_callback
        self.loop = loop
        self.tty_fd = tty_fd
        self.grace = grace
        self.poll_interval = poll_interval
        self.fallback_delay = fallback_delay
        self.signals = signals
        self.hard_exit = hard_exit
        self.triggered = threading.Event()
        self.flushed = threading.Event()
        self.reason = ""
        self.code = 0
        self.flush_error: BaseException | None = None
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._previous: dict[int, _Handler] = {}
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._timer: threading.Timer | None = None

    # ------------------------------------------------------------------ installing
    def install(self) -> HangupGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in self.signals:
                with contextlib.suppress(OSError, ValueError):
                    self._previous[sig] = signal.signal(sig, self._on_signal)
        if self.tty_fd is not None and _is_tty(self.tty_fd):
            self._watchdog = threading.Thread(target=self._watch, name="tui-report-tty-watchdog", daemon=True)
            self._watchdog.start()
        return self

    def uninstall(self) -> None:
        """Put the previous signal handlers back and stop the watchdog (not the exit timer)."""
        self._stop.set()
        if threading.current_thread() is threading.main_thread():
            for sig, previous in self._previous.items():
                with contextlib.suppress(OSError, ValueError, TypeError):
                    signal.signal(sig, previous)
        self._previous.clear()

    def cancel_exit_timer(self) -> None:
        """For tests only: a real hang-up must always end the process."""
        if self._timer is not None:
            self._timer.cancel()

    # ------------------------------------------------------------------ events
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.trigger(128 + signum, signal.Signals(signum).name)

    def _watch(self) -> None:
        fd = self.tty_fd
        assert fd is not None
        poller = select.poll()
        poller.register(fd, select.POLLHUP | select.POLLERR | select.POLLNVAL)
        while not self._stop.wait(self.poll_interval):
            lost = not _is_tty(fd)
            if not lost:
                with contextlib.suppress(OSError):
                    lost = any(
                        mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL)
                        for _, mask in poller.poll(0)
                    )
            if lost:
                self.trigger(LOST_TERMINAL_CODE, "terminal lost")
                return

    def trigger(self, code: int, reason: str) -> None:
        """Start the exit path (from a signal handler, the watchdog or the app). Only the first call counts."""
        with self._lock:
            if self.triggered.is_set():
                return
            self.triggered.set()
            self.reason, self.code = reason, code
        self._stop.set()
        cleanup.run_pending()  # a PDF export's temp folder and LibreOffice, before anything can hang
        self._timer = threading.Timer(self.grace, self.hard_exit, (code,))
        self._timer.daemon = True
        self._timer.start()
        loop = self.loop
        if loop is not None and loop.is_running() and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._finish_in_loop)
            except RuntimeError:  # the loop closed in between
                loop = None
            else:
                threading.Thread(
                    target=self._fallback, name="tui-report-hangup-fallback", daemon=True
                ).start()
                return
        self._flush()
        self._call_exit()

    def _finish_in_loop(self) -> None:
        self._flush()
        self._call_exit()

    def _fallback(self) -> None:
        if not self.flushed.wait(self.fallback_delay):
            self._flush()  # the loop is stuck: journal and unlock from here; the timer ends us

    def _flush(self) -> None:
        with self._flush_lock:
            if self.flushed.is_set():
                return
            try:
                self.flush_callback()
            except BaseException as exc:  # the exit must go on whatever the flush does
                self.flush_error = exc
                with contextlib.suppress(Exception):
                    sys.stderr.write(f"tui-report: 退出前写入恢复记录失败：{exc}\n")
            finally:
                self.flushed.set()

    def _call_exit(self) -> None:
        try:
            self.exit_callback(self.code)
        except BaseException as exc:
            self.flush_error = self.flush_error or exc


def _is_tty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def install_hangup_handlers(
    app_exit_callback: Callable[[int], object],
    flush_callback: Callable[[], object],
    *,
    loop: asyncio.AbstractEventLoop | None = None,
    tty_fd: int | None = -1,
    grace: float = GRACE_SECONDS,
    poll_interval: float = POLL_SECONDS,
) -> HangupGuard:
    """Install the handlers; see the module docstring. ``loop`` defaults to the running loop;
    ``tty_fd`` to stdin (None: no watchdog)."""
    if loop is None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
    if tty_fd == -1:
        try:
            tty_fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else None
        except (OSError, ValueError):
            tty_fd = None
    guard = HangupGuard(
        app_exit_callback,
        flush_callback,
        loop=loop,
        tty_fd=tty_fd,
        grace=grace,
        poll_interval=poll_interval,
    )
    return guard.install()
