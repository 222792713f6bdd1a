"""Reading a document in a child process with hard limits: the last line of defence.

The budgets (:mod:`tui_report.importers.budget`) bound what the readers build. The libraries under
them (zlib, expat, pdfminer's font and stream decoding) can still be made to allocate or loop in
ways no budget sees — a stream compressed twice, a font that unpacks to gigabytes. So the reading
itself runs in a forked child whose address space and CPU time are capped; it hands back its
result as JSON through a pipe. A child that runs out of memory or time, or dies, is a refusal in
Chinese, never a traceback, a hang or a server out of memory. The parent waits at most
:data:`READ_SECONDS` (wall clock) and kills the child after that.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path

from tui_report.importers.budget import BudgetExceeded, refusal
from tui_report.importers.source import ImportFailure, SourceDocument

READ_SECONDS = 8
READ_MEMORY_BYTES = 384 * 1024 * 1024  # the child's whole address space, libraries included
_MAX_RESULT_BYTES = 64 * 1024 * 1024
_FAILED, _DAMAGED, _MEMORY = "failure", "damaged", "memory"


def _limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(kind, (value, hard if hard != resource.RLIM_INFINITY else value))


def _child(read: Callable[[], SourceDocument], out: int) -> None:
    """In the forked child: read under the limits, write the outcome, never return."""
    payload: dict[str, object]
    try:
        _limit(resource.RLIMIT_AS, READ_MEMORY_BYTES)
        _limit(resource.RLIMIT_CPU, READ_SECONDS + 1)
        payload = {"document": read().to_json()}
    except ImportFailure as exc:
        payload = {_FAILED: str(exc), "budget": isinstance(exc, BudgetExceeded)}
    except MemoryError:
        payload = {_MEMORY: True}
    except RecursionError:
        payload = {_DAMAGED: True}
    except Exception:  # a damaged file: the libraries raise many kinds
        payload = {_DAMAGED: True}
    try:
        data = json.dumps(payload, ensure_ascii=False).encode()
    except MemoryError:
        data = json.dumps({_MEMORY: True}).encode()
    view = memoryview(data)
    with contextlib.suppress(OSError):
        while view:
            view = view[os.write(out, view) :]


def _collect(pipe: int, pid: int, deadline: float) -> bytes | None:
    """The child's whole answer, or None when the deadline passed (the child is then killed)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([pipe], [], [], left)[0]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return None
        chunk = os.read(pipe, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > _MAX_RESULT_BYTES:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            return None


def read_isolated(read: Callable[[], SourceDocument], path: Path) -> SourceDocument:
    """``read()`` in a forked child with :data:`READ_MEMORY_BYTES` and :data:`READ_SECONDS`."""
    if not hasattr(os, "fork"):  # pragma: no cover - the server is Linux
        return read()
    damaged = ImportFailure(f"{path}：文件已损坏或格式不受支持，无法读取")
    pipe_in, pipe_out = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (coverage does not follow it)
        os.close(pipe_in)
        try:
            _child(read, pipe_out)
        finally:
            os._exit(0)
    os.close(pipe_out)
    try:
        raw = _collect(pipe_in, pid, time.monotonic() + READ_SECONDS)
    finally:
        os.close(pipe_in)
        os.waitpid(pid, 0)
    if raw is None:
        raise refusal(path, f"读取超过{READ_SECONDS}秒")
    try:
        answer = json.loads(raw)
    except ValueError:  # the child died before answering (killed by a limit)
        raise refusal(path, "读取时超出内存或时间限制") from None
    if _FAILED in answer:
        raise (BudgetExceeded if answer.get("budget") else ImportFailure)(str(answer[_FAILED]))
    if _MEMORY in answer:
        raise refusal(path, f"读取需要超过{READ_MEMORY_BYTES // 1024 // 1024} MB 内存")
    if _DAMAGED in answer:
        raise damaged
    return SourceDocument.from_json(answer["document"])
