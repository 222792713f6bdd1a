"""Run a program on this terminal in a session of its own, so that it never gets the terminal's
SIGHUP (like an app started with setsid, or one whose SIGHUP is lost): the hang-up reaches it only
as a dead terminal. Exits with the program's status.

    python no_sighup.py PROGRAM [ARGS...]
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> int:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # this launcher stays to report the exit status
    pid = os.fork()
    if pid == 0:
        os.setsid()  # a new session without a controlling terminal; fds 0-2 still the terminal
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        os.execvp(sys.argv[1], sys.argv[1:])
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
