"""Helpers shared by the reliability tests."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
EXAMPLE = ROOT / "examples" / "dama-2021.toml"
NOBODY = 65534
PY = sys.executable


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python: this worktree's code first, test's journal folder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def _warm_imports() -> None:
    """The child cannot import what lives under root's private Python install: load it first."""
    import _strptime  # noqa: F401  (used by datetime.strptime)
    import grp  # noqa: F401
    import unicodedata  # noqa: F401
    from datetime import datetime

    datetime.strptime("20250101", "%Y%m%d")


def _forked(become: Callable[[], None], func: Callable[[], Any]) -> tuple[str, Any, BaseException | None]:
    """Run ``func`` in a forked child after ``become()``: ("ok", result, None) or ("error", its
    "Type: message", the exception itself when it pickles, else None)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        try:
            become()
            outcome: tuple[str, Any, BaseException | None] = ("ok", func(), None)
        except BaseException as exc:
            outcome = ("error", f"{type(exc).__name__}: {exc}", exc)
        try:
            data = pickle.dumps(outcome)
        except Exception as exc:
            data = pickle.dumps(("error", f"unpicklable result: {exc!r}", None))
        with os.fdopen(write_fd, "wb") as f:
            f.write(data)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    kind, value, error = pickle.loads(data)
    return kind, value, error


def run_as(uid: int, gid: int, func: Callable[[], Any]) -> Any:
    """Run ``func`` in a forked child with the given ids; return its result or re-raise its error."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to another user")
    _warm_imports()

    def become() -> None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)

    kind, value, error = _forked(become, func)
    if kind == "error":
        raise error if error is not None else RuntimeError(value)
    return value


def as_someone(who: str, become: Callable[[], None], func: Callable[[], Any]) -> Any:
    """Run ``func`` in a forked child after ``become()`` (switch ids, groups, environment): its
    result comes back; its exception comes back as an AssertionError naming ``who`` (the exception
    itself may not pickle). Load lazily imported modules first: the child may not read them."""
    kind, value, _ = _forked(become, func)
    if kind == "error":
        raise AssertionError(f"as {who}: {value}")
    return value
