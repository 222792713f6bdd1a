"""What the desk learns of each report file besides its content: when and by whom it was saved,
who has it open, its exported documents, and its review workflow records.

None of it is kept between readings (an editor, a record or an export comes and goes without the
report file changing), and none of it needs the file's content: so the desk gathers it while the
pool of processes reads and checks the files (``review/desk.review_folder``), not after.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tui_report.model.workflow import Record
from tui_report.review.discovery import FoundReports
from tui_report.review.files import Editor, editor_of, exports_of, held_flocks, last_saved
from tui_report.storage.reviewrecords import (
    Place,
    export_records,
    place_of,
    read_records,
    records_signature,
)


@dataclass(slots=True)
class FileFacts:
    saved_at: datetime | None = None
    saved_by: str = ""
    editor: Editor | None = None
    exported: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    # Taken before the records are read: a record added meanwhile is read at the next refresh.
    records_signature: tuple[int, int] = (0, 0)
    present: bool = False  # the file could be stat'ed (else only the records are known)


def gather_facts(
    files: list[Path], found: FoundReports, places: dict[Path, Place], year_folder: Path
) -> dict[Path, FileFacts]:
    """Every file's facts: its records where ``places`` says (each report's own year folder's, as
    the commands write them: storage/reviewrecords.places_of), its exports by the reviewed folder's
    year folder ``year_folder`` (where batch export notes them). A file gone meanwhile still gets
    its records (the row shows it unreadable, the records are about its name)."""
    held = held_flocks()
    recorded = export_records(year_folder)  # batch export's records in .review, read once
    facts: dict[Path, FileFacts] = {}
    for path in files:
        place = places.get(path) or place_of(path)
        fact = FileFacts(records_signature=records_signature(place))
        fact.records = read_records(place)
        facts[path] = fact
        try:
            info = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        saved = last_saved(info)
        fact.present = True
        fact.saved_at, fact.saved_by = saved.at, saved.by
        fact.editor = editor_of(path, held)
        record = recorded.get(place_of(path, year_folder).key) if recorded else None
        fact.exported = exports_of(path, info.st_mtime, found.names_beside(path), record)
    return facts
