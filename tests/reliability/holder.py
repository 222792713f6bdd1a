"""A process that opens a report for editing and holds it, for the multi-process tests.

    python holder.py REPORT [--edit TEXT] [--pending TEXT] [--ignore-term] [--spawn-sleeper]

Prints ``READY <pid>`` once it holds the lock, then sleeps until killed. ``--edit`` makes a committed
edit of texts.other.main; ``--pending`` a debounced one right after (journaled only by a flush).
The hang-up guard is installed as in the app, so SIGTERM journals, unlocks and exits.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from tui_report.safety.hangup import install_hangup_handlers
from tui_report.session import EditSession


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--edit")
    parser.add_argument("--pending")
    parser.add_argument("--ignore-term", action="store_true")
    parser.add_argument("--spawn-sleeper", action="store_true")
    args = parser.parse_args()
    session = EditSession.open(args.report)
    if args.edit is not None:
        session.report.texts["other.main"] = args.edit
        session.mark_edited()
    if args.pending is not None:
        session.report.texts["other.main"] = args.pending
        session.mark_edited(commit=False)
    install_hangup_handlers(lambda code: sys.exit(code), session.emergency_close, tty_fd=None)
    if args.ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if args.spawn_sleeper:
        sleeper = subprocess.Popen(["sleep", "60"])
        print(f"SLEEPER {sleeper.pid}", flush=True)
    print(f"READY {__import__('os').getpid()}", flush=True)
    while True:
        time.sleep(0.1)


if __name__ == "__main__":
    main()
