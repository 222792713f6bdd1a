"""Work undone when the process is told to end: a temp folder holding copies of reports, a child
process (LibreOffice) that would otherwise run on.

    with on_termination(undo):   # undo() runs at SIGHUP or SIGTERM, then the signal goes on
        ...

Python's default for SIGHUP and SIGTERM ends the process at once: no ``finally``, no ``with``
exit, so a PDF export hung up over SSH left ``/tmp/tui-report-pdf-*`` (copies of the report) and a
running ``soffice``. While a block runs, a handler (installed from the main thread, Python's rule)
runs every pending undo and then does what was there before: calls the previous handler (the
app's hang-up guard, which journals and exits), or, where there was the default action, restores
it and raises the signal again, so that the process ends as it would have. An ignored signal
(``nohup``) stays ignored and undoes nothing. :func:`run_pending` is for other exit paths (the
app's guard when the terminal is lost without a signal).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGHUP, signal.SIGTERM)

_pending: dict[int, Callable[[], None]] = {}
_tokens = itertools.count()
_lock = threading.Lock()
_previous: dict[int, Any] = {}  # signal → the handler ours replaced
_depth = 0  # nested blocks in the main thread: the handler is installed once
_deferring = 0  # inside signals_deferred() (main thread)
_deferred: list[int] = []


def run_pending() -> None:
    """Run every pending undo once (never raises)."""
    with _lock:
        undos = list(_pending.values())
        _pending.clear()
    for undo in undos:
        with contextlib.suppress(Exception):
            undo()


def _on_signal(signum: int, frame: FrameType | None) -> None:
    previous = _previous.get(signum, signal.SIG_DFL)
    if previous == signal.SIG_IGN:
        return
    if _deferring:
        _deferred.append(signum)  # acted on at the end of the signals_deferred() block
        return
    run_pending()
    if callable(previous):
        previous(signum, frame)
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


@contextlib.contextmanager
def on_termination(undo: Callable[[], None]) -> Iterator[None]:
    """Run ``undo`` if SIGHUP or SIGTERM arrives while the block runs (see the module docstring)."""
    global _depth
    token = next(_tokens)
    with _lock:
        _pending[token] = undo
    main = threading.current_thread() is threading.main_thread()
    if main:
        if _depth == 0:
            for sig in SIGNALS:
                with contextlib.suppress(OSError, ValueError):
                    _previous[sig] = signal.signal(sig, _on_signal)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _pending.pop(token, None)
        if main:
            _depth -= 1
            if _depth == 0:
                for signum, previous in list(_previous.items()):
                    with contextlib.suppress(OSError, ValueError, TypeError):
                        if signal.getsignal(signum) is _on_signal:
                            signal.signal(signum, previous)
                _previous.clear()


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold a SIGHUP or SIGTERM that arrives inside the block (main thread, within
    :func:`on_termination`) until the block ends, then act on it: for a step an undo cannot yet
    see, such as starting a child process whose pid is known only once ``Popen`` returns."""
    global _deferring
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _deferred:
            signum = _deferred[0]
            _deferred.clear()
            _on_signal(signum, None)
