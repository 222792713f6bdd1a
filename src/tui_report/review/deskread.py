"""The desk's reading of a folder, for the review screen: the rows (``desk.review_folder``) with
the signature that tells when to read again, and the first reading started early in a thread of
its own (:func:`start_reading`), before the screen, or even the app's code, is loaded.

Knows nothing of the screen: ``tui/screens/review.py`` shows what is read here, and
``tui-report review DIR`` starts the first reading before it loads the app (cli/review.py).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tui_report.review.desk import Review, review_folder
from tui_report.review.deskcache import DeskCache
from tui_report.review.deskflow import workflow_signature
from tui_report.review.discovery import watched_folders
from tui_report.review.roster import ROSTER_NAME
from tui_report.storage.reviewrecords import year_folder_of

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
    return files, workflow_signature(rows, year_folder_of(folder / ROSTER_NAME), known)


def read_desk(
    folder: Path, roster: Path | None, year: int | None, processes: int | None, cache: DeskCache
) -> tuple[Signature, Review]:
    """Read the folder, reusing what was read of unchanged files (this run's, or the last run's
    from the user's state folder: review/deskcache.py)."""
    files = folder_signature(folder)  # before reading: a change meanwhile is read next time
    cache.load()
    review = review_folder(folder, roster, year, processes, cache=cache.inspections)
    return desk_signature(folder, files, review, as_read=True), review


@dataclass(slots=True)
class EarlyReading:
    """The desk's first reading, started before the screen exists: its cache (kept by the screen
    afterwards) and the reading under way."""

    cache: DeskCache
    result: Future[tuple[Signature, Review]]


def start_reading(folder: Path, roster: Path | None, year: int | None) -> EarlyReading:
    """Start reading ``folder`` for the desk now, in a thread of its own; the process pool it
    forks is started at once (so start this before the program has threads of its own that a
    fork would copy, and never while holding an edit lock)."""
    cache = DeskCache(folder)
    reader = ThreadPoolExecutor(1, thread_name_prefix="tui-report-review")
    result = reader.submit(read_desk, folder, roster, year, None, cache)
    reader.shutdown(wait=False)  # the submitted reading still runs; the thread ends after it
    return EarlyReading(cache, result)
