"""``doctor`` on a unit's folder: the year folder's ``.review`` as that unit sees it.

The reviewers' decisions (comments, returns, approvals, publications) are trusted because the file
system lets only reviewers write ``YEAR/.review`` (storage/reviewrecords.py). Run on a year folder,
``admin/layout.py`` checks ``.review`` with everything else of the layout; run on a unit's folder
(an operator checking their own), this checks the year folder's ``.review`` for that unit's group:
only the reviewers write it, and this unit can read it (else its operators do not see the comments).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from tui_report.admin.layout import is_year_folder
from tui_report.admin.layout import review_folder_checks as layout_review_checks
from tui_report.admin.results import Check
from tui_report.storage.reviewrecords import REVIEW_DIR


def review_folder_checks(folder: Path) -> list[Check]:
    """The checks of the ``.review`` a unit folder's reports use; none when ``folder`` is a year
    folder (its own checks cover it) or its parent has no ``.review`` (no workflow there)."""
    if is_year_folder(folder):
        return []
    year = folder.absolute().parent
    if not os.path.lexists(year / REVIEW_DIR) or not is_year_folder(year):
        return []
    unit_gids: list[int] = []
    with contextlib.suppress(OSError):
        unit_gids.append(os.stat(folder).st_gid)
    checks, _reviewers = layout_review_checks(year, unit_gids)
    return checks
