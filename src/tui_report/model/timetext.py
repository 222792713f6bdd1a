"""A moment as operators and reviewers read it: ``2026-12-06 01:45``, in local time, without
seconds or a time zone. The workbook, the desk and the app's dialogs show times through
:func:`time_text`; ``review --json`` keeps ISO 8601 with the zone."""

from __future__ import annotations

from datetime import datetime

MINUTE = "%Y-%m-%d %H:%M"
MINUTE_OF_YEAR = "%m-%d %H:%M"  # where a column has no room for the year (the desk's 最后保存)


def local_moment(moment: datetime | str | None) -> datetime | None:
    """A datetime in local time; an ISO text is parsed (None when it is not one); a naive time
    is taken as local already."""
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.strip())
        except ValueError:
            return None
    if moment is None:
        return None
    return moment.astimezone() if moment.tzinfo is not None else moment


def time_text(moment: datetime | str | None, *, year: bool = True) -> str:
    """``2026-12-06 01:45`` (``12-06 01:45`` with ``year=False``), local; "" for no time."""
    local = local_moment(moment)
    return local.strftime(MINUTE if year else MINUTE_OF_YEAR) if local is not None else ""
