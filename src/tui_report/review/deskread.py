"""The desk's reading of a folder, for the review screen: the rows (``desk.review_folder``) with
the signature that tells when to read again, and the first reading started early in a thread of
its own (:func:`start_reading`), before the screen, or even the app's code, is loaded.

Knows nothing of the screen: ``tui/screens/review.py`` shows what is read here, and
``tui-report review DIR`` starts the first reading before it loads the app (cli/review.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tui_report.review.desk import FolderReading, Review
from tui_report.review.deskcache import DeskCache
from tui_report.review.deskflow import workflow_signature
from tui_report.review.discovery import watched_folders

FolderSignature = tuple[tuple[str, int, int], ...]
# The folder's files and lock files, then each report's workflow records.
Signature = tuple[FolderSignature, tuple[tuple[int, int], ...]]


def folder_signature(folder: Path) -> FolderSignature:
    """Names, sizes and modification times of the files and lock files of the folder and of its
    unit folders: any save, new report, or editor coming or going changes it (cheap: two
    directory scans per folder)."""
    found: list[tuple[str, int, int]] = []
    for where in (w for unit in watched_folders(folder) for w in (unit, unit / ".locks")):
        try:
            with os.scandir(where) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    found.append((entry.path, info.st_size, info.st_mtime_ns))
        except OSError:
            continue
    return tuple(sorted(found))


def desk_signature(
    folder: Path, files: FolderSignature, review: Review | None, *, as_read: bool = False
) -> Signature:
    """The folder's signature with the review workflow's: a comment, a submission or an approval
    recorded for any report changes it (review/deskflow.workflow_signature). ``as_read``: as the
    review's records were read (when it has just been read), else as they are now."""
    known = review.records_signatures if review is not None and as_read else None
    rows = review.rows if review is not None else []
    return files, workflow_signature(rows, known)


def begin_reading(
    folder: Path, roster: Path | None, processes: int | None, cache: DeskCache
) -> tuple[FolderSignature, FolderReading]:
    """The folder's signature, then its reading started (the pool already at work), reusing what
    was read of unchanged files (this run's, or the last run's from the user's state folder:
    review/deskcache.py)."""
    files = folder_signature(folder)  # before reading: a change meanwhile is read next time
    cache.load()
    return files, FolderReading(folder, roster, processes, cache.inspections)


def finish_reading(
    folder: Path, files: FolderSignature, reading: FolderReading, year: int | None
) -> tuple[Signature, Review]:
    review = reading.finish(year)
    return desk_signature(folder, files, review, as_read=True), review


def read_desk(
    folder: Path, roster: Path | None, year: int | None, processes: int | None, cache: DeskCache
) -> tuple[Signature, Review]:
    """Read the folder (the desk's refresh, in a thread of the screen's)."""
    files, reading = begin_reading(folder, roster, processes, cache)
    return finish_reading(folder, files, reading, year)


@dataclass(slots=True)
class EarlyReading:
    """The desk's first reading, started before the screen exists: its cache (kept by the screen
    afterwards) and the reading under way."""

    cache: DeskCache
    result: Future[tuple[Signature, Review]]


def start_reading(folder: Path, roster: Path | None, year: int | None) -> EarlyReading:
    """Start reading ``folder`` for the desk now. With no reading kept by an earlier run, the few
    directory scans and the pool of processes start here, on the caller's thread (in a thread of
    their own, each of their ~1,000 system calls waited for the app's start-up to let go of the
    interpreter), the rest in a thread of its own. A kept reading is loaded in that thread (for
    10,000 reports it takes a second: the screen shows meanwhile). Call it before the program has
    threads of its own that the pool's fork would copy, and never while holding an edit lock."""
    cache = DeskCache(folder)
    if cache.kept():
        return EarlyReading(cache, _in_thread(read_desk, folder, roster, year, None, cache))
    try:
        files, reading = begin_reading(folder, roster, None, cache)
    except Exception as exc:  # shown by the desk, like any failed reading (ReviewError: why)
        failed: Future[tuple[Signature, Review]] = Future()
        failed.set_exception(exc)
        return EarlyReading(cache, failed)
    return EarlyReading(cache, _in_thread(finish_reading, folder, files, reading, year))


def _in_thread(
    function: Callable[..., tuple[Signature, Review]], *args: object
) -> Future[tuple[Signature, Review]]:
    reader = ThreadPoolExecutor(1, thread_name_prefix="tui-report-review")
    result = reader.submit(function, *args)
    reader.shutdown(wait=False)  # the submitted reading still runs; the thread ends after it
    return result
